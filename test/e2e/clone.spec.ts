/**
 * Clone and templates through the UI against the real engine: ACTIONS › Clone › Clone to Virtual
 * Machine… runs the wizard (name, compute resource, storage, clone options, ready to complete) and the
 * clone appears; Template › Convert to Template turns a VM into a template (template icon, no power
 * entries, power-on refused), and Convert to Virtual Machine… brings it back; each conversion leaves a
 * completed row in Recent Tasks.
 */
import { expect, test } from '@playwright/test';
import { openLab, runAction, selectVmInState, shot } from './lab';

test('clone a powered-off VM with the Clone wizard, convert it to a template and back', async ({ page }) => {
  await openLab(page);
  const vm = await selectVmInState(page, 'poweredOff');

  await runAction(page, ['Clone', 'Clone to Virtual Machine…']);
  const wizard = page.getByTestId('clone-wizard');
  await expect(wizard).toBeVisible();
  // A duplicate name is refused at the field, in words.
  await page.getByTestId('clone-name').fill(vm.name);
  await page.getByTestId('clone-next').click();
  await expect(page.getByTestId('clone-error-name')).toHaveText(`The name '${vm.name}' already exists.`);
  await page.getByTestId('clone-name').fill(`${vm.name}-clone`);
  await page.getByTestId('clone-next').click();
  await expect(page.getByTestId('clone-step-compute')).toBeVisible();
  await page.getByTestId('clone-next').click();
  await expect(page.getByTestId('clone-storage').locator('tbody tr.selected')).toHaveCount(1);
  await page.getByTestId('clone-next').click();
  await expect(page.getByTestId('clone-step-options')).toBeVisible();
  await page.getByTestId('clone-next').click();
  await expect(page.getByTestId('clone-summary')).toContainText(`${vm.name}-clone`);
  await shot(page, 'clone-wizard');
  await page.getByTestId('clone-finish').click();
  await expect(wizard).toBeHidden();

  const tree = page.getByTestId('inventory-tree-vms');
  const clone = tree.locator(`[role=treeitem][data-name="${vm.name}-clone"]`);
  await expect(clone).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('object-name')).toHaveText(`${vm.name}-clone`, { timeout: 30_000 });
  await expect(page.getByTestId('recent-tasks').locator('[data-testid=task-row][data-operation="vm.clone"]').first()).toHaveAttribute('data-state', 'success');

  // Convert to Template: the node becomes a template, its ACTIONS offer no power entries.
  await runAction(page, ['Template', 'Convert to Template']);
  await expect(clone).toHaveAttribute('data-kind', 'template');
  await expect(page.getByTestId('object-header')).toContainText('VM Template');
  // Like every command, the conversion leaves a completed row in Recent Tasks: its name, target and initiator.
  const markRow = page.getByTestId('recent-tasks').locator('[data-testid=task-row][data-operation="vm.markAsTemplate"]').first();
  await expect(markRow).toHaveAttribute('data-state', 'success');
  await expect(markRow).toContainText('Mark as template');
  await expect(markRow).toContainText(`${vm.name}-clone`);
  await page.getByTestId('actions-button').click();
  await expect(page.getByRole('menuitem', { name: 'Power', exact: true })).toHaveCount(0);
  await expect(page.getByTestId('action-convert-to-vm')).toBeVisible();
  await shot(page, 'template-actions');
  await page.getByTestId('action-convert-to-vm').click();
  const convert = page.getByTestId('convert-to-vm-dialog');
  await expect(convert).toBeVisible();
  await page.getByTestId('convert-ok').click();
  await expect(convert).toBeHidden();
  await expect(clone).toHaveAttribute('data-kind', 'vm');
  await expect(clone).toHaveAttribute('data-power-state', 'poweredOff');
  await expect(page.getByTestId('recent-tasks').locator('[data-testid=task-row][data-operation="vm.markAsVirtualMachine"]').first()).toHaveAttribute('data-state', 'success');
  await shot(page, 'convert-recent-tasks');
});
