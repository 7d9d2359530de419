/**
 * Workload parameters as fields against the real engine and guest catalogue: Edit Settings › VM Options
 * offers memwrite's parameters with their defaults, refuses an out-of-range value beside its field, and
 * the valid value reaches the VM through the reconfigure task.
 */
import { expect, test } from '@playwright/test';
import { expectTaskCompletes, openLab, runAction, selectVmInState, shot } from './lab';

test('Edit Settings: memwrite parameters as validated fields', async ({ page }) => {
  await openLab(page);
  const vm = await selectVmInState(page, 'poweredOff');
  await runAction(page, ['Edit Settings…']);
  await page.getByTestId('settings-tab-options').click();
  await page.getByTestId('settings-workload').selectOption('memwrite');
  const bytes = page.getByTestId('settings-param-write_bytes');
  await expect(bytes).toHaveAttribute('placeholder', '4');
  await bytes.fill('8192');
  await page.getByTestId('settings-ok').click();
  await expect(page.getByTestId('settings-param-error-write_bytes')).toHaveText('write_bytes must be between 4 and 4096.');
  await shot(page, 'workload-params');
  await bytes.fill('4096');
  await page.getByTestId('settings-param-wss_kib').fill('512');
  await expectTaskCompletes(page, 'vm.reconfigure', vm.id, () => page.getByTestId('settings-ok').click());
  await expect(page.getByTestId('recent-tasks').locator(`[data-testid=task-row][data-operation="vm.reconfigure"][data-target="${vm.id}"]`).first()).toHaveAttribute('data-state', 'success');
});
