/**
 * Resource pools from the client, on the built-in lab-pools scenario (two busy 1-vCPU VMs on one
 * 100 MHz core): New Resource Pool… on the cluster (a taken name refused beside the field), pools High
 * and Low, one VM moved with Move To… and the other dragged onto its pool, the lab run, and Monitor › Resource Allocation › CPU
 * read on the page: the VMs' measured usage follows the pools' shares, 4 : 1. Delete on a pool that
 * holds a VM is refused in words. Then pools inside pools: a child pool created from a pool's ACTIONS, a
 * VM moved into it, and the measured usage following the nested shares (2 : 1); a power-on refused by a
 * non-expandable pool's reservation, shown in words on its failed task. Last, a pool moved: a child pool
 * moved to the root with Move To… (labelled by its path there) and dragged back onto its pool, the tree and
 * Resource Allocation following, and the pool's Summary showing and editing Expandable reservation.
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { expectTaskCompletes, openLab, runAction, selectByName, shot, taskRows } from './lab';

async function openPoolsLab(page: Page): Promise<void> {
  const before = process.env.HVLAB_E2E_SCENARIO;
  process.env.HVLAB_E2E_SCENARIO = 'lab-pools';
  try {
    await openLab(page);
  } finally {
    if (before === undefined) delete process.env.HVLAB_E2E_SCENARIO;
    else process.env.HVLAB_E2E_SCENARIO = before;
  }
}

async function newPool(page: Page, name: string, level: 'high' | 'low'): Promise<void> {
  await selectByName(page, 'Pools');
  await runAction(page, ['New Resource Pool…']);
  const dialog = page.getByTestId('pool-dialog');
  await expect(dialog).toBeVisible();
  await page.getByTestId('pool-name').fill(name);
  await page.getByTestId('pool-shares').selectOption(level);
  await expect(page.getByTestId('pool-level-shares')).toHaveText(level === 'high' ? '8,000' : '2,000');
  await page.getByTestId('pool-ok').click();
  await expect(dialog).toBeHidden();
  await expect(page.locator(`[role=treeitem][data-kind=resourcePool][data-name="${name}"]`)).toBeVisible();
}

/** The id of the navigator row `selector` names (its test id is `tree-node-<id>`). */
async function rowIdOf(page: Page, selector: string): Promise<string> {
  const testId = await page.locator(selector).getAttribute('data-testid');
  return testId!.replace(/^tree-node-/, '');
}

/** The id of a pool, read off its navigator row (Move To…'s choices are keyed by pool id). */
const poolIdOf = (page: Page, name: string): Promise<string> => rowIdOf(page, `[role=treeitem][data-kind=resourcePool][data-name="${name}"]`);
const vmIdOf = (page: Page, name: string): Promise<string> => rowIdOf(page, `[role=treeitem][data-name="${name}"]`);

/** The cluster's Monitor › Resource Allocation › CPU table. */
async function openCpuAllocation(page: Page) {
  await selectByName(page, 'Pools');
  await page.getByRole('tab', { name: 'Monitor', exact: true }).click();
  await page.getByTestId('monitor-section-resource-allocation-cpu').click();
  return page.getByTestId('resource-allocation-cpu');
}

async function moveTo(page: Page, vm: string, pool: string): Promise<void> {
  const poolId = await poolIdOf(page, pool);
  await selectByName(page, vm);
  await runAction(page, ['Move To…']);
  await page.getByTestId(`move-pool-${poolId}`).check();
  await page.getByTestId('move-pool-ok').click();
  await expect(page.getByTestId('move-to-pool-dialog')).toBeHidden();
  await expect(page.getByTestId('vm-related-pool')).toHaveText(pool);
}

test('two pools (High, Low) from the UI divide one core 4 : 1 between their VMs, read in Resource Allocation', async ({ page }) => {
  test.setTimeout(240_000);
  await openPoolsLab(page);

  await newPool(page, 'High', 'high');
  // A second pool of the same name is refused beside the name field, in words.
  await selectByName(page, 'Pools');
  await runAction(page, ['New Resource Pool…']);
  await page.getByTestId('pool-name').fill('High');
  await page.getByTestId('pool-ok').click();
  await expect(page.getByTestId('pool-name-error')).toHaveText("A resource pool named 'High' already exists here.");
  await shot(page, 'pool-new-dialog-error');
  await page.getByTestId('dialog-close').click();
  await newPool(page, 'Low', 'low');

  await moveTo(page, 'web-01', 'High');
  // The other by vSphere's drag and drop: batch-01 dropped on pool Low in the navigator.
  await selectByName(page, 'batch-01');
  await page.locator('[role=treeitem][data-name="batch-01"]').dragTo(page.locator('[role=treeitem][data-kind=resourcePool][data-name="Low"]'));
  await expect(page.getByTestId('vm-related-pool')).toHaveText('Low');
  // The tree now holds each VM under its pool.
  const high = page.locator('[role=treeitem][data-kind=resourcePool][data-name="High"]');
  const level = Number(await high.getAttribute('aria-level'));
  await expect(page.locator('[role=treeitem][data-name="web-01"]')).toHaveAttribute('aria-level', String(level + 1));

  // Let the lab run (10×) and read the measured usage on the cluster's Resource Allocation › CPU.
  await page.getByTestId('sim-speed-10').click();
  if (await page.getByTestId('sim-run').isVisible()) await page.getByTestId('sim-run').click();
  const table = await openCpuAllocation(page);
  await expect(table.getByTestId('allocation-row-High').getByTestId('allocation-share-percent')).toHaveText('80%');
  await expect(table.getByTestId('allocation-row-Low').getByTestId('allocation-share-percent')).toHaveText('20%');
  const mhz = async (row: string) => Number(await table.getByTestId(`allocation-row-${row}`).getByTestId('allocation-usage').getAttribute('data-mhz') || 'NaN');
  // Two full 20 s samples after the moves are needed (the first may straddle them): poll until the ratio settles.
  await expect.poll(async () => {
    const h = await mhz('High');
    const l = await mhz('Low');
    return l > 0 ? Math.abs(h / l - 4) < 0.4 && Math.abs(h + l - 100) < 5 : false;
  }, { timeout: 150_000, intervals: [2000] }).toBe(true);
  const h = await mhz('High');
  const l = await mhz('Low');
  console.log(`measured usage: High (web-01) ${h.toFixed(1)} MHz, Low (batch-01) ${l.toFixed(1)} MHz, ratio ${(h / l).toFixed(2)}`);
  await shot(page, 'pool-resource-allocation-cpu');
  await page.getByTestId('sim-pause').click();

  // Inside the pool: its VM with 100 % of the pool's shares and the same measured usage.
  await selectByName(page, 'High');
  await page.getByRole('tab', { name: 'Summary', exact: true }).click();
  await expect(page.getByTestId('pool-summary-shares')).toHaveText('High (8,000)');
  await expect(page.getByTestId('pool-summary-vms')).toContainText('web-01');
  await shot(page, 'pool-summary');

  // Delete on a pool that holds a VM: refused, in words, naming the VM.
  await runAction(page, ['Delete']);
  await page.getByTestId('delete-pool-dialog').getByTestId('confirm-ok').click();
  await expect(page.getByTestId('delete-pool-error')).toContainText('web-01');
  await expect(page.getByTestId('delete-pool-error')).toContainText('move them out first');
  await shot(page, 'pool-delete-refused');
  await page.getByTestId('confirm-cancel').click();
});

test('a child pool inside a pool: its VM\'s measured usage follows the nested shares; a fixed pool refuses a power-on in words', async ({ page }) => {
  test.setTimeout(300_000);
  await openPoolsLab(page);
  // Outer (Low, 2000 shares) beside batch-01 (1000) in the root pool; Inner inside Outer holds web-01.
  await newPool(page, 'Outer', 'low');
  await selectByName(page, 'Outer');
  await runAction(page, ['New Resource Pool…']);
  await expect(page.getByTestId('pool-dialog')).toContainText('New Resource Pool — Outer');
  await page.getByTestId('pool-name').fill('Inner');
  await page.getByTestId('pool-ok').click();
  await expect(page.getByTestId('pool-dialog')).toBeHidden();
  const outer = page.locator('[role=treeitem][data-kind=resourcePool][data-name="Outer"]');
  const inner = page.locator('[role=treeitem][data-kind=resourcePool][data-name="Inner"]');
  const level = Number(await outer.getAttribute('aria-level'));
  // A pool that just got its first child shows collapsed: open it in the navigator.
  await expect(outer).toHaveAttribute('aria-expanded', /true|false/);
  if ((await outer.getAttribute('aria-expanded')) === 'false') await outer.locator('[data-testid^="tree-toggle-"]').click();
  await expect(inner).toHaveAttribute('aria-level', String(level + 1));
  await moveTo(page, 'web-01', 'Inner');
  await expect(page.locator('[role=treeitem][data-name="web-01"]')).toHaveAttribute('aria-level', String(level + 2));

  await page.getByTestId('sim-speed-10').click();
  if (await page.getByTestId('sim-run').isVisible()) await page.getByTestId('sim-run').click();
  const table = await openCpuAllocation(page);
  await expect(table.getByTestId('allocation-row-Inner').locator('td').first()).toHaveAttribute('data-depth', '1');
  await expect(table.getByTestId('allocation-row-web-01').locator('td').first()).toHaveAttribute('data-depth', '2');
  const mhz = async (row: string) => Number(await table.getByTestId(`allocation-row-${row}`).getByTestId('allocation-usage').getAttribute('data-mhz') || 'NaN');
  await expect.poll(async () => {
    const w = await mhz('web-01');
    const b = await mhz('batch-01');
    return b > 0 ? Math.abs(w / b - 2) < 0.25 && Math.abs(w + b - 100) < 5 : false;
  }, { timeout: 150_000, intervals: [2000] }).toBe(true);
  console.log(`measured usage: web-01 (Outer › Inner) ${(await mhz('web-01')).toFixed(1)} MHz, batch-01 (root) ${(await mhz('batch-01')).toFixed(1)} MHz`);
  await shot(page, 'pool-nested-allocation');

  // A fixed pool (reservation 0, not expandable) cannot admit batch-01 with a 10 MHz reservation.
  await selectByName(page, 'Pools');
  await runAction(page, ['New Resource Pool…']);
  await page.getByTestId('pool-name').fill('Fixed');
  await page.getByTestId('pool-expandable').uncheck();
  await page.getByTestId('pool-ok').click();
  await expect(page.getByTestId('pool-dialog')).toBeHidden();
  const batch = await vmIdOf(page, 'batch-01');
  await selectByName(page, 'batch-01');
  await expectTaskCompletes(page, 'vm.powerOff', batch, () => runAction(page, ['Power', 'Power Off']));
  await runAction(page, ['Edit Settings…']);
  await page.getByTestId('settings-reservation').fill('10');
  await expectTaskCompletes(page, 'vm.reconfigure', batch, () => page.getByTestId('settings-ok').click());
  await moveTo(page, 'batch-01', 'Fixed');
  const rows = taskRows(page, 'vm.powerOn', batch);
  const before = await rows.count();
  await runAction(page, ['Power', 'Power On']);
  await expect(rows).toHaveCount(before + 1, { timeout: 30_000 });
  await expect(rows.first()).toHaveAttribute('data-state', 'error');
  await expect(rows.first().getByTestId('task-error')).toContainText('Insufficient CPU resources');
  await expect(rows.first().getByTestId('task-error')).toContainText('resource pool Fixed has 0 MHz unreserved');
  await shot(page, 'pool-power-on-refused');
  await page.getByTestId('sim-pause').click();
});

test('a child pool moved to the root with Move To… and dragged back: the tree and Resource Allocation follow', async ({ page }) => {
  test.setTimeout(120_000);
  await openPoolsLab(page);
  await newPool(page, 'Outer', 'low');
  await selectByName(page, 'Outer');
  await runAction(page, ['New Resource Pool…']);
  await page.getByTestId('pool-name').fill('Inner');
  await page.getByTestId('pool-ok').click();
  await expect(page.getByTestId('pool-dialog')).toBeHidden();
  const outer = page.locator('[role=treeitem][data-kind=resourcePool][data-name="Outer"]');
  const inner = page.locator('[role=treeitem][data-kind=resourcePool][data-name="Inner"]');
  await expect(outer).toHaveAttribute('aria-expanded', /true|false/);
  if ((await outer.getAttribute('aria-expanded')) === 'false') await outer.locator('[data-testid^="tree-toggle-"]').click();
  const level = Number(await outer.getAttribute('aria-level'));
  await expect(inner).toHaveAttribute('aria-level', String(level + 1));
  await moveTo(page, 'web-01', 'Inner');
  const outerId = await poolIdOf(page, 'Outer');
  const innerId = await poolIdOf(page, 'Inner');

  // Move To… on Inner: the list is the tree by path, without Inner itself; Inner goes to the root pool.
  await selectByName(page, 'Inner');
  await runAction(page, ['Move To…']);
  const dialog = page.getByTestId('move-to-pool-dialog');
  await expect(dialog.getByTestId(`move-pool-${outerId}`)).toBeChecked();
  await expect(dialog.getByTestId(`move-pool-${innerId}`)).toHaveCount(0);
  await shot(page, 'pool-move-to-dialog');
  await dialog.getByTestId('move-pool-root').check();
  await page.getByTestId('move-pool-ok').click();
  await expect(dialog).toBeHidden();
  await expect(inner).toHaveAttribute('aria-level', String(level));
  await expect(page.locator('[role=treeitem][data-name="web-01"]')).toHaveAttribute('aria-level', String(level + 1));

  const table = await openCpuAllocation(page);
  await expect(table.getByTestId('allocation-row-Inner').locator('td').first()).toHaveAttribute('data-depth', '0');
  await expect(table.getByTestId('allocation-row-web-01').locator('td').first()).toHaveAttribute('data-depth', '1');

  // Dragged back onto Outer in the navigator: one level down again, in the table too.
  await inner.dragTo(outer);
  await expect(inner).toHaveAttribute('aria-level', String(level + 1));
  await expect(table.getByTestId('allocation-row-Inner').locator('td').first()).toHaveAttribute('data-depth', '1');
  await expect(table.getByTestId('allocation-row-web-01').locator('td').first()).toHaveAttribute('data-depth', '2');

  // Its Summary shows Expandable reservation, and Edit… changes it.
  await selectByName(page, 'Inner');
  await page.getByRole('tab', { name: 'Summary', exact: true }).click();
  await expect(page.getByTestId('pool-summary-expandable')).toHaveText('Yes');
  await expect(page.getByTestId('pool-summary-parent')).toHaveText('Outer');
  await page.getByTestId('pool-summary-edit').click();
  await page.getByTestId('pool-expandable').uncheck();
  await page.getByTestId('pool-ok').click();
  await expect(page.getByTestId('pool-dialog')).toBeHidden();
  await expect(page.getByTestId('pool-summary-expandable')).toHaveText('No');
  await shot(page, 'pool-summary-expandable');
});
