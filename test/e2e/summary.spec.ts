/** Read live counters on the VM and host Summary tabs (values come from metrics.query). */
import { expect, test } from '@playwright/test';
import { expectTaskCompletes, openLab, runAction, selectVmInState, shot, step20 } from './lab';

test('VM and host Summary show engine facts', async ({ page }) => {
  await openLab(page);
  await selectVmInState(page, 'poweredOff').catch(() => selectVmInState(page, 'poweredOn'));
  await expect(page.getByTestId('summary-compatibility')).toContainText('(VM version');
  await expect(page.getByTestId('summary-guest-os')).not.toBeEmpty();
  await expect(page.getByTestId('summary-cpu')).toHaveText(/^\d+ CPU\(s\)$/);
  await expect(page.getByTestId('summary-memory')).toHaveText(/\d+ (MB|GB)/);
  await expect(page.getByTestId('summary-monitor')).not.toBeEmpty();
  await expect(page.getByTestId('summary-paging')).not.toBeEmpty();
  await page.getByTestId('summary-host').getByRole('link').click();
  await expect(page.getByTestId('host-summary')).toBeVisible();
  await expect(page.getByTestId('summary-hypervisor')).not.toBeEmpty();
  await expect(page.getByTestId('summary-processor')).not.toBeEmpty();
  await expect(page.getByTestId('summary-sockets')).toContainText('socket(s) ×');
  await expect(page.getByTestId('summary-logical')).toHaveText(/^\d+$/);
  await expect(page.getByTestId('summary-vm-count')).toHaveText(/^\d+ \(\d+ powered on\)$/);
  await expect(page.getByTestId('summary-host-uptime')).toHaveText(/\d+ (second|minute|hour|day)s?/);
  await shot(page, 'host-summary');
});

test('VM and host Summary show live CPU / memory meters', async ({ page }) => {
  await openLab(page);
  let vm = await selectVmInState(page, 'poweredOff').catch(() => null);
  if (vm) await expectTaskCompletes(page, 'vm.powerOn', vm.id, () => runAction(page, ['Power', 'Power On']));
  else vm = await selectVmInState(page, 'poweredOn');

  await expect(page.getByTestId('summary-compatibility')).toContainText('(VM version');
  await expect(page.getByTestId('summary-monitor')).not.toBeEmpty();
  await expect(page.getByTestId('summary-paging')).not.toBeEmpty();
  // Live counters: a number with a percent sign, from cpu.usage.average / mem.usage.average. The collector
  // samples every 20 s of virtual time: stepping them makes the first sample independent of how close to
  // 1x real time a loaded machine keeps the lab.
  await step20(page);
  await expect(page.getByTestId('meter-cpu').getByTestId('meter-value')).toHaveText(/\d+(\.\d+)?%/, { timeout: 30_000 });
  await expect(page.getByTestId('meter-memory').getByTestId('meter-value')).toHaveText(/\d+(\.\d+)?%/, { timeout: 30_000 });
  await shot(page, 'vm-summary-live');

  await page.getByTestId('summary-host').getByRole('link').click();
  await expect(page.getByTestId('host-summary')).toBeVisible();
  await expect(page.getByTestId('summary-hypervisor')).not.toBeEmpty();
  await expect(page.getByTestId('summary-logical')).toHaveText(/^\d+$/);
  await expect(page.getByTestId('summary-host-uptime')).toHaveText(/\d+ (second|minute|hour|day)s?/);
  await expect(page.getByTestId('meter-cpu').getByTestId('meter-value')).toHaveText(/\d+(\.\d+)?%/, { timeout: 30_000 });
  await shot(page, 'host-summary');
});
