/**
 * Live migration in the client: the Migrate wizard (a refused destination shows the engine's reason, a
 * bad technique value is refused beside its field), the migration running in VM › Monitor › Migration
 * (rounds, chart, verification), the Relocate task in Recent Tasks, the VM under its new host, the
 * comparison view (row, CSV, PNG), and dragging a VM onto a host in maintenance mode.
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
