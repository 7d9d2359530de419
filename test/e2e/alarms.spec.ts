/**
 * Alarms in the client: Configure › Alarm Definitions (a refused threshold shows the engine's message
 * beside its field; a valid edit shortens the duration), a VM driven to 100 % CPU gets its red alarm
 * badge in the tree and in the header's counts, Monitor › Issues and Alarms › Triggered Alarms
 * acknowledges it and resets it to green.
 */
import { expect, test } from '@playwright/test';
import { expectTaskCompletes, openLab, runAction, selectByName, selectVmInState, shot } from './lab';

test('a hot VM raises "Virtual machine CPU usage": red in the tree, acknowledged, reset to green', async ({ page }) => {
  test.setTimeout(180_000);
  await openLab(page);
  await selectByName(page, 'DC0');
  await page.getByTestId('tab-configure').click();
  const row = page.locator('[data-testid=alarm-definition-row][data-alarm=vmCpuUsage]');
  await expect(row).toContainText('CPU usage above 75 % (warning) / 90 % (critical) for 5 min');
  await row.click();
  await page.getByTestId('alarm-def-edit').click();
  await page.getByTestId('alarm-def-warning').fill('95');
  await page.getByTestId('alarm-def-save').click();
  await expect(page.getByTestId('alarm-def-warning-error')).toHaveText('The warning threshold (95 %) must be below the critical threshold (90 %).');
  await expect(page.getByTestId('alarm-def-warning')).toHaveAttribute('aria-invalid', 'true');
  await page.getByTestId('alarm-def-warning').fill('50');
  await page.getByTestId('alarm-def-critical').fill('80');
  // No duration: the shared test machine runs lab-small's real guests near 1× real time, so the first
  // 20 s sample after the power-on is the one that counts (the engine tests cover durations).
  await page.getByTestId('alarm-def-duration').fill('0');
  await page.getByTestId('alarm-def-save').click();
  await expect(page.getByTestId('alarm-def-form')).toBeHidden();
  await expect(row).toHaveText(/CPU usage above 50 % \(warning\) \/ 80 % \(critical\)$/);
  await shot(page, 'alarm-definitions');

  // The compute VM of lab-small starts powered off: power it on and let the lab run.
  const vm = await selectVmInState(page, 'poweredOff');
  await expectTaskCompletes(page, 'vm.powerOn', vm.id, () => runAction(page, ['Power', 'Power On']));
  await page.getByTestId('sim-speed-max').click();
  // A freshly loaded lab may already be running.
  if (await page.getByTestId('sim-run').isVisible()) await page.getByTestId('sim-run').click();
  const badge = page.getByTestId(`tree-alarm-${vm.id}`);
  await expect(badge).toHaveAttribute('data-status', 'red', { timeout: 90_000 });
  await page.getByTestId('sim-pause').click();
  await expect(page.getByTestId('header-alarms-red')).not.toHaveText('0');
  await page.getByTestId('header-alarms').click();
  await expect(page.locator(`[data-testid=alarms-pane-row][data-entity="${vm.id}"]`)).toBeVisible();
  await shot(page, 'alarms-tree-red');

  await page.getByTestId('tab-monitor').click();
  await page.getByTestId('monitor-section-all-issues').click();
  await expect(page.getByTestId('issue-row').filter({ hasText: 'Virtual machine CPU usage' })).toBeVisible();
  await page.getByTestId('monitor-section-triggered-alarms').click();
  const alarm = page.locator(`[data-testid=triggered-alarm-row][data-alarm=vmCpuUsage][data-entity="${vm.id}"]`);
  await expect(alarm).toHaveAttribute('data-status', 'red');
  await expect(alarm).toContainText('Virtual machine CPU usage');
  await expect(alarm).toContainText(/CPU usage [\d.]+ % above 80 %/);
  await alarm.click();
  await page.getByTestId('alarm-acknowledge').click();
  await expect(alarm).toContainText('lab-user');
  await expect(page.getByTestId('alarm-acknowledge')).toBeDisabled();
  await shot(page, 'alarms-triggered');

  await page.getByTestId('alarm-reset').click();
  await expect(alarm).toHaveCount(0);
  await expect(badge).toHaveCount(0);
  // The Alarms pane lists no alarm on the VM any more (its host may still have its own).
  await page.getByTestId('header-alarms').click();
  await expect(page.getByTestId('alarms-table')).toBeVisible();
  await expect(page.locator(`[data-testid=alarms-pane-row][data-entity="${vm.id}"]`)).toHaveCount(0);
});
