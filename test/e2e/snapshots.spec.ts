/** Take, revert and delete snapshots in the Snapshot Manager (the VM's Snapshots tab). */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { expectTaskCompletes, openLab, runAction, selectVmInState, shot } from './lab';

async function takeSnapshot(page: Page, vmId: string, name: string, description: string): Promise<void> {
  await expectTaskCompletes(page, 'vm.snapshot.create', vmId, async () => {
    await runAction(page, ['Snapshots', 'Take Snapshot…']);
    const dlg = page.getByTestId('take-snapshot-dialog');
    await expect(dlg.getByTestId('snapshot-name')).toHaveValue(/^VM Snapshot /);
    await dlg.getByTestId('snapshot-name').fill(name);
    await dlg.getByTestId('snapshot-description').fill(description);
    await dlg.getByTestId('snapshot-create').click();
    await expect(dlg).toBeHidden();
  });
}

test('take / revert / delete snapshots in the Snapshot Manager', async ({ page }) => {
  await openLab(page);
  const vm = await selectVmInState(page, 'poweredOn').catch(() => null) ?? await selectVmInState(page, 'poweredOff');

  await takeSnapshot(page, vm.id, 'e2e-before', 'first snapshot');
  await takeSnapshot(page, vm.id, 'e2e-after', 'second snapshot');

  await page.getByRole('tab', { name: 'Snapshots', exact: true }).click();
  const mgr = page.getByTestId('snapshot-manager');
  const before = mgr.locator('[data-testid=snapshot-node][data-name="e2e-before"]');
  const after = mgr.locator('[data-testid=snapshot-node][data-name="e2e-after"]');
  await expect(before).toBeVisible();
  await expect(after).toBeVisible();
  await expect(mgr.getByTestId('snapshot-you-are-here')).toBeVisible();
  await after.click();
  await expect(mgr.getByTestId('snapshot-detail-name')).toHaveText('e2e-after');
  await expect(mgr.getByTestId('snapshot-detail-description')).toHaveText('second snapshot');
  await shot(page, 'snapshot-manager');

  // Revert to the first one: "You are here" moves under it.
  await before.click();
  await expectTaskCompletes(page, 'vm.snapshot.revert', vm.id, async () => {
    await mgr.getByTestId('snapshot-revert').click();
    await page.getByTestId('confirm-revert').getByTestId('confirm-ok').click();
  });
  const you = mgr.getByTestId('snapshot-you-are-here');
  await expect(you).toHaveAttribute('aria-level', String(Number(await before.getAttribute('aria-level')) + 1));

  // Edit renames.
  await before.click();
  await mgr.getByTestId('snapshot-edit').click();
  await page.getByTestId('edit-snapshot-name').fill('e2e-base');
  await page.getByTestId('edit-snapshot-ok').click();
  await expect(mgr.locator('[data-testid=snapshot-node][data-name="e2e-base"]')).toBeVisible();

  // Delete one, then Delete All.
  await after.click();
  await expectTaskCompletes(page, 'vm.snapshot.remove', vm.id, async () => {
    await mgr.getByTestId('snapshot-delete').click();
    await page.getByTestId('confirm-delete-snapshot').getByTestId('confirm-ok').click();
  });
  await expect(after).toHaveCount(0);
  await expectTaskCompletes(page, 'vm.snapshot.removeAll', vm.id, async () => {
    await mgr.getByTestId('snapshot-delete-all').click();
    await page.getByTestId('confirm-delete-all').getByTestId('confirm-ok').click();
  });
  await expect(mgr.getByTestId('snapshot-node')).toHaveCount(0);
  await expect(mgr.getByTestId('snapshot-you-are-here')).toBeVisible();
});
