/** Power a VM on and off from the UI and watch each task complete in Recent Tasks. */
import { expect, test } from '@playwright/test';
import { expectTaskCompletes, openLab, runAction, selectVmInState, shot } from './lab';

test('power a VM on (Actions › Power) and off (toolbar); tasks complete', async ({ page }) => {
  await openLab(page);
  const vm = await selectVmInState(page, 'poweredOff');
  await expect(page.getByTestId('summary-power-state')).toHaveText('Powered Off');

  // Invalid entries are disabled for the state.
  await page.getByTestId('actions-button').click();
  await page.getByRole('menuitem', { name: 'Power', exact: true }).click();
  await expect(page.getByTestId('action-power-off')).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByTestId('action-suspend')).toHaveAttribute('aria-disabled', 'true');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');

  const on = await expectTaskCompletes(page, 'vm.powerOn', vm.id, () => runAction(page, ['Power', 'Power On']));
  await expect(on.locator('.task-name')).toHaveText('Power On virtual machine');
  await expect(page.getByTestId('summary-power-state')).toHaveText('Powered On');
  await expect(page.getByTestId(`tree-node-${vm.id}`)).toHaveAttribute('data-power-state', 'poweredOn');
  await expect(page.getByTestId('toolbar-action-power-on')).toBeDisabled();
  await shot(page, 'recent-tasks');

  await expectTaskCompletes(page, 'vm.powerOff', vm.id, () => page.getByTestId('toolbar-action-power-off').click());
  await expect(page.getByTestId('summary-power-state')).toHaveText('Powered Off');

  // Monitor › Tasks and Events › Tasks lists this VM's tasks, filterable.
  await page.getByRole('tab', { name: 'Monitor', exact: true }).click();
  await page.getByTestId('monitor-section-tasks').click();
  const table = page.getByTestId('monitor-tasks-table');
  await expect(table.locator('[data-testid=task-row]')).not.toHaveCount(0);
  await page.getByTestId('monitor-tasks-filter').fill('Power Off');
  await expect(table.locator('[data-testid=task-row][data-operation="vm.powerOn"]')).toHaveCount(0);
  await page.getByTestId('monitor-section-events').click();
  await expect(page.getByTestId('events-table')).toBeVisible();
});
