/** New Virtual Machine wizard: validation at the field, then a VM created by the engine. */
import { expect, test } from '@playwright/test';
import { vmLimitMessage } from '../../src-shared/model/vmLimits';
import { expectTaskCompletes, openLab, runAction, shot } from './lab';

test('create a VM with the New Virtual Machine wizard', async ({ page }) => {
  await openLab(page);
  const tree = page.getByTestId('inventory-tree-hosts');
  const host = tree.locator('[data-kind=host]').first();
  const hostId = (await host.getAttribute('data-testid'))!.replace('tree-node-', '');
  await host.click();
  if ((await host.getAttribute('aria-expanded')) !== 'true') await page.getByTestId(`tree-toggle-${hostId}`).click();
  const existing = await tree.locator('[data-kind=vm]').first().getAttribute('data-name');
  await runAction(page, ['New Virtual Machine…']);
  const wiz = page.getByTestId('new-vm-wizard');
  await expect(wiz.getByTestId('wizard-step-type')).toBeVisible();
  await wiz.getByTestId('wizard-type-new').check();
  await wiz.getByTestId('wizard-next').click();

  // Name: required, and unique.
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('wizard-error-name')).toContainText('required');
  if (existing) {
    await wiz.getByTestId('wizard-name').fill(existing);
    await wiz.getByTestId('wizard-next').click();
    await expect(wiz.getByTestId('wizard-error-name')).toContainText('already exists');
  }
  const name = `e2e-vm-${Date.now() % 100000}`;
  await wiz.getByTestId('wizard-name').fill(name);
  await wiz.getByTestId('wizard-next').click();

  // Compute resource: the host we started from is preselected.
  await expect(wiz.getByTestId(`wizard-host-${hostId}`)).toBeChecked();
  await wiz.getByTestId('wizard-next').click();
  await wiz.getByTestId('wizard-next').click(); // guest OS

  // Hardware: a CPU count beyond the VM limit is refused at the field, with the message the contract
  // and scenario files give (one table of limits: @shared/model/vmLimits).
  await wiz.getByTestId('wizard-vcpus').fill('40');
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('wizard-error-vcpus')).toHaveText(vmLimitMessage('vcpus'));
  await expect(wiz.getByTestId('wizard-step-hardware')).toBeVisible();
  await wiz.getByTestId('wizard-vcpus').fill('0');
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('wizard-error-vcpus')).toHaveText(vmLimitMessage('vcpus'));
  await wiz.getByTestId('wizard-vcpus').fill('2');
  await wiz.getByTestId('wizard-memory').fill('128');
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('wizard-summary')).toContainText(name);
  await shot(page, 'new-vm-wizard');

  await expectTaskCompletes(page, 'vm.create', hostId, async () => {
    await wiz.getByTestId('wizard-finish').click();
    await expect(wiz).toBeHidden();
  });
  await expect(page.locator(`[role=tree] [data-name="${name}"]`).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('object-name')).toHaveText(name, { timeout: 30_000 });
  await expect(page.getByTestId('summary-cpu')).toHaveText('2 CPU(s)');
});
