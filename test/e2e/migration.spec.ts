/**
 * Live migration in the client: the Migrate wizard (a refused destination shows the engine's reason, a
 * bad technique value is refused beside its field), the migration running in VM › Monitor › Migration
 * (rounds, chart, verification), the Relocate task in Recent Tasks, the VM under its new host, the
 * comparison view (row, CSV, PNG), dragging a VM onto a host in maintenance mode, and what a user checks
 * after a move: the VM's console goes on counting where it was (no reboot, no gap) and the cluster's
 * vMotion count (vmop.numVMotion.latest, Monitor › Performance › Advanced) went up by one.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { expectTaskCompletes, openLab, paintedPixels, runAction, selectByName, shot, taskRows } from './lab';

// lab-small: each host's third VM runs memwrite (1 MiB working set) and starts powered on.
const VM = 'DC0_C0_H0_VM2';
const SOURCE = 'DC0_C0_H0';
const DEST = 'DC0_C0_H1';

async function hostIdOf(page: import('@playwright/test').Page, name: string): Promise<string> {
  const row = page.locator(`[role=tree] [role=treeitem][data-name="${name}"]`).first();
  await expect(row).toBeVisible();
  return (await row.getAttribute('data-testid'))!.replace('tree-node-', '');
}

test('migrate a running VM with the wizard, watch it, compare it', async ({ page }) => {
  test.setTimeout(180_000);
  await openLab(page);
  await selectByName(page, VM);
  const vmId = (await page.locator(`[role=tree] [role=treeitem][data-name="${VM}"]`).first().getAttribute('data-testid'))!.replace('tree-node-', '');
  const sourceId = await hostIdOf(page, SOURCE);
  const destId = await hostIdOf(page, DEST);

  await runAction(page, ['Migrate…']);
  const wiz = page.getByTestId('migrate-wizard');
  await expect(wiz.getByTestId('migrate-step-type')).toBeVisible();
  await expect(wiz.getByTestId('migrate-type-compute')).toBeChecked();
  await wiz.getByTestId('wizard-next').click();

  // Compute resource: the source host is refused with the engine's reason; the other one is compatible.
  await expect(wiz.getByTestId(`migrate-host-row-${destId}`)).toHaveAttribute('data-compatible', 'true');
  await expect(wiz.getByTestId(`migrate-host-row-${sourceId}`)).toHaveAttribute('data-compatible', 'false');
  await wiz.getByTestId(`migrate-host-${sourceId}`).check();
  await expect(wiz.getByTestId('migrate-compatibility')).toContainText(`${VM} runs on this host.`);
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('migrate-error-hostId')).toContainText(`${SOURCE} cannot take this VM: ${VM} runs on this host.`);
  await wiz.getByTestId(`migrate-host-${destId}`).check();
  await expect(wiz.getByTestId('migrate-compatibility')).toContainText('Compatibility checks succeeded.');
  await expect(wiz.getByTestId('migrate-error-hostId')).toBeHidden();
  await shot(page, 'migrate-wizard-compute');
  await wiz.getByTestId('wizard-next').click();

  await expect(wiz.getByTestId('migrate-priority-high')).toBeChecked();
  await wiz.getByTestId('wizard-next').click();

  // Technique: QEMU's defaults; a value out of range is refused beside its field, in words.
  await expect(wiz.getByTestId('migrate-mode')).toHaveValue('precopy');
  await expect(wiz.getByTestId('migrate-downtimeLimitMs')).toHaveValue('300');
  await wiz.getByTestId('migrate-bandwidthMiBps').fill('fast');
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('migrate-error-bandwidthMiBps')).toHaveText(/^Bandwidth limit must be a number from .* MiB\/s to .* MiB\/s$/);
  // A slow link so the rounds can be watched while they run (64 MiB at 8 MiB/s: about 8 s of lab time).
  await wiz.getByTestId('migrate-bandwidthMiBps').fill('8');
  await expect(wiz.getByTestId('migrate-error-bandwidthMiBps')).toBeHidden();
  await shot(page, 'migrate-wizard-technique');
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('migrate-summary-host')).toHaveText(DEST);
  await expect(wiz.getByTestId('migrate-summary-technique')).toHaveText('Pre-copy, QEMU stop rule');

  // Finish: the Relocate task runs; the VM's Monitor › Migration shows the migration live.
  const monitor = page.getByTestId('migration-monitor');
  const taskRow = await expectTaskCompletes(page, 'vm.migrate', vmId, async () => {
    await wiz.getByTestId('wizard-finish').click();
    await expect(wiz).toBeHidden();
    await expect(monitor).toBeVisible();
    await expect(monitor.getByTestId('migration-round-row').first()).toBeVisible();
    await shot(page, 'migration-monitor-running');
  });
  await monitor.getByTestId('migration-bytes').scrollIntoViewIfNeeded();
  await shot(page, 'migration-monitor-bytes');
  await expect(taskRow).toContainText('Relocate virtual machine');
  await expect(taskRow.getByTestId('task-migration-link')).toHaveText('Migration details');
  await expect(monitor.getByTestId('migration-status')).toHaveAttribute('data-status', 'completed');
  await expect(monitor.getByTestId('migration-verified')).toHaveAttribute('data-verified', 'true');
  expect(await monitor.getByTestId('migration-round-row').count()).toBeGreaterThanOrEqual(2);
  await expect(monitor.getByTestId('migration-bytes').locator('[data-kind=full]')).toBeVisible();
  await expect.poll(() => paintedPixels(monitor.getByTestId('migration-rounds-chart')), { message: 'rounds chart pixels' }).toBeGreaterThan(1000);
  await shot(page, 'migration-monitor-done');

  // The VM's events tell the story, as vSphere's do.
  await page.getByTestId('monitor-section-events').click();
  await expect(page.getByTestId('events-table')).toContainText(`Migrating ${VM} from ${SOURCE} to ${DEST}`);
  await expect(page.getByTestId('events-table')).toContainText(`Migration of ${VM} from ${SOURCE} to ${DEST} completed`);

  // The VM now runs on the destination: under it in the tree, and on its Summary.
  // (DEST is the last host of the tree, so a row after it is one of its VMs.)
  await expect.poll(async () => {
    const names = await page.getByTestId('inventory-tree-hosts').locator('[role=treeitem]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    return names.indexOf(VM) > names.indexOf(DEST) && names.indexOf(DEST) >= 0;
  }, { message: `${VM} under ${DEST} in the tree` }).toBe(true);
  await page.goto(`${page.url().split('#')[0]}#/vm/${vmId}/summary`);
  await expect(page.getByTestId('summary-host')).toContainText(DEST);

  // Back again with another technique (from the monitor's Migrate… button): stop-and-copy.
  await page.goto(`${page.url().split('#')[0]}#/vm/${vmId}/monitor/migration`);
  await monitor.getByTestId('migration-open-wizard').click();
  await wiz.getByTestId('wizard-next').click();
  await wiz.getByTestId(`migrate-host-${sourceId}`).check();
  await wiz.getByTestId('wizard-next').click();
  await wiz.getByTestId('wizard-next').click();
  await wiz.getByTestId('migrate-mode').selectOption('stop-copy');
  await expect(wiz.getByTestId('migrate-stop-rule')).toBeHidden();
  // Gang migration: another running VM of the same host moves in the same stream, deduplicated.
  const partner = 'DC0_C0_H1_VM1';
  const partnerId = (await page.locator(`[role=tree] [role=treeitem][data-name="${partner}"]`).first().getAttribute('data-testid'))!.replace('tree-node-', '');
  await wiz.getByTestId(`migrate-gang-${partnerId}`).check();
  await wiz.getByTestId('migrate-dedup').check();
  await shot(page, 'migrate-wizard-gang');
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('migrate-summary-technique')).toHaveText('Stop-and-copy, deduplication');
  await expect(wiz.getByTestId('migrate-summary')).toContainText(`Moved together${partner}`);
  await expectTaskCompletes(page, 'vm.migrate', vmId, () => wiz.getByTestId('wizard-finish').click());
  await expect(monitor.getByTestId('migration-technique')).toHaveText('Stop-and-copy + dedup');
  await expect(monitor.getByTestId('migration-verified')).toHaveAttribute('data-verified', 'true');

  // Comparison: the lab's migrations side by side, each verified; CSV and PNG exports.
  await page.goto(`${page.url().split('#')[0]}#/vm/${vmId}/monitor/migrations`);
  const cmp = page.getByTestId('migration-comparison');
  await expect(cmp.getByTestId('migration-comparison-row')).toHaveCount(2);
  await expect(cmp.getByTestId('migration-comparison-row').first()).toContainText('Stop-and-copy + dedup');
  const row = cmp.getByTestId('migration-comparison-row').nth(1);
  const taskId = (await row.getAttribute('data-task'))!;
  await expect(row).toContainText('Pre-copy + QEMU rule');
  await expect(row.getByTestId('comparison-verified')).toHaveText('Yes');
  // The Relocate task's details link opens that migration in the VM's monitor.
  await taskRows(page, 'vm.migrate', vmId).nth(1).getByTestId('task-migration-link').click();
  await expect(page.getByTestId('migration-monitor')).toBeVisible();
  await expect(page.getByTestId('migration-monitor').getByTestId('migration-technique')).toHaveText('Pre-copy + QEMU rule');
  expect(page.url()).toContain(`#/vm/${vmId}/monitor/migration`);
  await page.goto(`${page.url().split('#')[0]}#/vm/${vmId}/monitor/migrations`);
  await expect(cmp.getByTestId('migration-comparison-row').nth(1)).toHaveAttribute('data-task', taskId);
  await expect(page.getByTestId('migration-monitor')).toBeHidden();
  await expect.poll(() => paintedPixels(cmp.getByTestId('comparison-chart')), { message: 'comparison chart pixels' }).toBeGreaterThan(500);
  await shot(page, 'migration-comparison');
  const [csv] = await Promise.all([page.waitForEvent('download'), cmp.getByTestId('migration-export-csv').click()]);
  const lines = (await readFile((await csv.path())!, 'utf8')).trim().split(/\r?\n/);
  expect(lines[0]).toBe('task,vm,from,to,technique,status,total_time_ms,downtime_ms,bytes_transferred,ram_bytes,amplification,rounds,verified');
  expect(lines).toHaveLength(3);
  expect(lines[1]).toContain(`,${VM},${DEST},${SOURCE},Stop-and-copy + dedup,completed,`);
  expect(lines[2]).toContain(`,${VM},${SOURCE},${DEST},Pre-copy + QEMU rule,completed,`);
  expect(lines[2]).toMatch(/,true$/);
  const [png] = await Promise.all([page.waitForEvent('download'), cmp.getByTestId('comparison-export-png').click()]);
  expect((await readFile((await png.path())!)).subarray(1, 4).toString()).toBe('PNG');
});

/** The cluster's vMotion count as its Advanced performance chart shows it (its legend's latest value). */
async function clusterVMotionCount(page: import('@playwright/test').Page): Promise<import('@playwright/test').Locator> {
  await selectByName(page, 'DC0_C0');
  await page.getByRole('tab', { name: 'Monitor', exact: true }).click();
  await page.getByTestId('monitor-section-performance-advanced').click();
  await page.getByTestId('chart-options').click();
  const dialog = page.getByTestId('chart-options-dialog');
  await dialog.getByTestId('metric-group-vmop').click();
  await dialog.getByTestId('counter-check-vmop.numVMotion.latest').check();
  await dialog.getByTestId('chart-options-ok').click();
  await expect(dialog).toBeHidden();
  return page.getByTestId('perf-chart-advanced').locator('[data-testid=legend-row][data-counter="vmop.numVMotion.latest"]').getByTestId('legend-latest');
}

/** The iteration counts of the cpu guest's progress lines ("cpu: N iterations, checksum X") on the console. */
async function consoleIterations(page: import('@playwright/test').Page): Promise<number[]> {
  const text = (await page.getByTestId('web-console').getByTestId('console-output').textContent()) ?? '';
  return [...text.matchAll(/cpu: (\d+) iterations/g)].map((m) => Number(m[1]));
}

test('after a move the VM goes on running where it was, and the cluster counts one more vMotion', async ({ page }) => {
  // Lab time runs slower than asked on a loaded machine: the waits below are generous, none is a race.
  test.setTimeout(900_000);
  await openLab(page);
  const name = 'DC0_C0_H0_VM0'; // the cpu guest: a progress line per million iterations
  await selectByName(page, name);
  const vmId = (await page.locator(`[role=tree] [role=treeitem][data-name="${name}"]`).first().getAttribute('data-testid'))!.replace('tree-node-', '');
  const destId = await hostIdOf(page, DEST);
  await expectTaskCompletes(page, 'vm.powerOn', vmId, () => runAction(page, ['Power', 'Power On']));

  // The count before: the first sample (20 s of lab time; the lab runs 10× faster meanwhile).
  const count = await clusterVMotionCount(page);
  await page.getByTestId('sim-speed-10').click();
  await expect(count).not.toHaveText('—', { timeout: 300_000 });
  await page.getByTestId('sim-speed-1').click();
  const before = Number(await count.textContent());

  // The guest counts on its console.
  await selectByName(page, name);
  await page.getByTestId('toolbar-console').click();
  await expect.poll(async () => (await consoleIterations(page)).length, { timeout: 180_000, message: 'cpu progress lines' }).toBeGreaterThan(1);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('web-console')).toBeHidden();

  // Migrate with the defaults.
  await runAction(page, ['Migrate…']);
  const wiz = page.getByTestId('migrate-wizard');
  await wiz.getByTestId('wizard-next').click();
  await wiz.getByTestId(`migrate-host-${destId}`).check();
  await expect(wiz.getByTestId('migrate-compatibility')).toContainText('Compatibility checks succeeded.');
  for (let i = 0; i < 3; i++) await wiz.getByTestId('wizard-next').click();
  await expectTaskCompletes(page, 'vm.migrate', vmId, () => wiz.getByTestId('wizard-finish').click());
  await expect(page.getByTestId('migration-monitor').getByTestId('migration-verified')).toHaveAttribute('data-verified', 'true');

  // On the destination the console goes on: more lines, one count after another with no gap, the same
  // boot (one banner): the guest was never restarted.
  await page.goto(`${page.url().split('#')[0]}#/vm/${vmId}/summary`);
  await expect(page.getByTestId('summary-host')).toContainText(DEST);
  await page.getByTestId('toolbar-console').click();
  await expect.poll(async () => (await consoleIterations(page)).length, { timeout: 120_000 }).toBeGreaterThan(1);
  const atSwitch = Math.max(...await consoleIterations(page));
  await expect.poll(async () => Math.max(...await consoleIterations(page)), { timeout: 180_000, message: 'the console counts on after the move' }).toBeGreaterThan(atSwitch);
  const seen = await consoleIterations(page);
  const period = seen[1] - seen[0];
  expect(period).toBeGreaterThan(0);
  expect(seen.every((n, i) => n === seen[0] + i * period), `progress lines in step: ${seen.join(', ')}`).toBe(true);
  const text = (await page.getByTestId('web-console').getByTestId('console-output').textContent()) ?? '';
  expect(text.match(/labos:/g) ?? []).toHaveLength(1);
  await shot(page, 'migration-console-after');
  await page.keyboard.press('Escape');

  // The cluster's vMotion count went up by one at the next sample.
  const after = await clusterVMotionCount(page);
  await page.getByTestId('sim-speed-10').click();
  await expect(after).toHaveText(String(before + 1), { timeout: 300_000 });
  await page.getByTestId('sim-speed-1').click();
  await shot(page, 'migration-vmotion-count');
});

test('dragging a VM onto a host opens the wizard there; a host in maintenance mode is refused with its reason', async ({ page }) => {
  test.setTimeout(120_000);
  await openLab(page);
  const vmName = 'DC0_C0_H1_VM2';
  const hostName = SOURCE;
  await selectByName(page, hostName);
  const hostId = await hostIdOf(page, hostName);
  // Entering maintenance mode evacuates the host's running VMs (by migrating them) first.
  await expectTaskCompletes(page, 'host.enterMaintenance', hostId, () => runAction(page, ['Maintenance Mode', 'Enter Maintenance Mode']));

  await selectByName(page, vmName);
  const vmRow = page.locator(`[role=tree] [role=treeitem][data-name="${vmName}"]`).first();
  const hostRow = page.locator(`[role=tree] [role=treeitem][data-name="${hostName}"]`).first();
  await vmRow.dragTo(hostRow);
  const wiz = page.getByTestId('migrate-wizard');
  await expect(wiz).toBeVisible();
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId(`migrate-host-${hostId}`)).toBeChecked();
  await expect(wiz.getByTestId(`migrate-host-row-${hostId}`)).toHaveAttribute('data-compatible', 'false');
  await expect(wiz.getByTestId('migrate-compatibility')).toContainText(`Host ${hostName} is in maintenance mode.`);
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('migrate-error-hostId')).toContainText('is in maintenance mode');
  await expect(wiz.getByTestId('migrate-step-compute')).toBeVisible();
  await shot(page, 'migrate-wizard-refused');
  await wiz.getByTestId('wizard-cancel').click();
  await expect(wiz).toBeHidden();

  // A powered-off VM (right-click › Migrate…): the lab has no cold relocation, and the wizard says so.
  const offVm = 'DC0_C0_H1_VM0';
  await selectByName(page, offVm);
  await page.locator(`[role=tree] [role=treeitem][data-name="${offVm}"]`).first().click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Migrate…', exact: true }).click();
  await expect(wiz.getByTestId('migrate-error-type')).toContainText('migrates running VMs only');
  await expect(wiz.getByTestId('wizard-next')).toBeDisabled();
  await shot(page, 'migrate-wizard-powered-off');
  await wiz.getByTestId('wizard-cancel').click();
});
