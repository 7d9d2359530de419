/** Cluster services in the client: Configure › vSphere Availability / DRS (validated edits), Monitor's HA (with its heartbeat datastores) and DRS sections, a host's lab-only Simulate failure and repair. */
import { expect, test } from '@playwright/test';
import { openLab, selectByName, shot } from './lab';

test('cluster Configure edits vSphere HA and DRS; a refused setting shows the engine\'s message', async ({ page }) => {
  await openLab(page);
  await selectByName(page, 'DC0_C0');
  await page.getByTestId('tab-configure').click();
  await expect(page.getByTestId('ha-state')).toHaveText('vSphere HA is Turned OFF');
  await page.getByTestId('ha-edit').click();
  await page.getByTestId('ha-enabled').check();
  await page.getByTestId('ha-policy').selectOption('slotPolicy');
  await page.getByTestId('ha-tolerate').fill('2');
  await page.getByTestId('ha-save').click();
  await expect(page.getByTestId('ha-error')).toContainText('can tolerate at most 1 host failure');
  await page.getByTestId('ha-tolerate').fill('1');
  await page.getByTestId('ha-save').click();
  await expect(page.getByTestId('ha-state')).toHaveText('vSphere HA is Turned ON');
  await expect(page.getByTestId('ha-admission')).toContainText('Slot Policy');
  await expect(page.getByTestId('ha-heartbeat-setting')).toContainText('Automatically select datastores accessible from the hosts');
  await page.getByTestId('drs-edit').click();
  await page.getByTestId('drs-enabled').check();
  await page.getByTestId('drs-automation').selectOption('manual');
  await page.getByTestId('drs-save').click();
  await expect(page.getByTestId('drs-level')).toHaveText('Manual');
  await shot(page, 'cluster-configure-services');

  await page.getByTestId('tab-monitor').click();
  await expect(page.getByTestId('monitor-ha')).toBeVisible();
  await expect(page.getByTestId('ha-slots')).toContainText('total');
  // lab-small's two shared datastores: both heartbeat datastores, so no configuration issue.
  await expect(page.getByTestId('ha-heartbeat-datastore')).toHaveCount(2);
  await expect(page.getByTestId('ha-heartbeat-host').first()).toContainText('Seen on DC0_datastore1, DC0_datastore2');
  await expect(page.getByTestId('ha-heartbeat-problem')).toHaveCount(0);
  await expect(page.getByTestId('drs-imbalance')).toHaveText(/^\d+\.\d{3}$/);
  await page.getByTestId('drs-run').click();
  await expect(page.getByTestId('monitor-drs')).toBeVisible();
  await shot(page, 'cluster-monitor-services');
});

test('host Summary: Simulate failure (lab only) makes the host not respond; Repair reconnects it', async ({ page }) => {
  await openLab(page);
  await selectByName(page, 'DC0_C0_H1');
  await expect(page.getByTestId('host-simulate-failure')).toContainText('LAB ONLY');
  await page.getByTestId('fail-isolate').click();
  await expect(page.getByTestId('summary-host-state')).toHaveText('Not responding');
  await page.getByTestId('fail-repair').click();
  await expect(page.getByTestId('summary-host-state')).toHaveText('Connected');
});
