/** Browse the inventory: tree levels, keyboard navigation, views, filter, tabs per type, ACTIONS menu. */
import { expect, test } from '@playwright/test';
import { openLab, shot, showVmsView } from './lab';

test('browse the tree: datacenter → cluster → host → VM, tabs and ACTIONS', async ({ page }) => {
  await openLab(page);
  await expect(page.getByTestId('header')).toContainText('Hypervisor Lab');
  const tree = page.getByTestId('inventory-tree-hosts');
  const dc = tree.locator('[data-kind=datacenter]').first();
  await expect(dc).toBeVisible();
  await expect(tree.locator('[data-kind=cluster]').first()).toBeVisible();
  const host = tree.locator('[data-kind=host]').first();
  await expect(host).toBeVisible();

  // The first load selects the datacenter: its tabs.
  await expect(page.getByRole('tab', { name: 'Hosts & Clusters' })).toBeVisible();

  // Keyboard: focus the tree, go to the first host, expand it with →, move onto its first VM, select with Enter.
  await host.click();
  await expect(page.getByTestId('object-name')).toHaveText((await host.getAttribute('data-name'))!);
  for (const name of ['Summary', 'Monitor', 'Configure', 'VMs']) await expect(page.getByRole('tab', { name, exact: true })).toBeVisible();
  await tree.focus();
  await page.keyboard.press('ArrowRight');
  await expect(host).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const vmRow = tree.locator('[data-kind=vm]').first();
  const vmName = (await vmRow.getAttribute('data-name'))!;
  await expect(page.getByTestId('object-name')).toHaveText(vmName);
  for (const name of ['Summary', 'Monitor', 'Configure', 'Snapshots']) await expect(page.getByRole('tab', { name, exact: true })).toBeVisible();
  await expect(page.getByTestId('vm-summary')).toBeVisible();
  await shot(page, 'vm-summary');

  // Cluster tabs.
  await tree.locator('[data-kind=cluster]').first().click();
  for (const name of ['Summary', 'Monitor', 'Configure', 'Hosts', 'VMs']) await expect(page.getByRole('tab', { name, exact: true })).toBeVisible();
  await page.getByRole('tab', { name: 'VMs', exact: true }).click();
  await expect(page.getByTestId('object-list-vm').locator('tbody tr[data-testid^=list-row-]').first()).toBeVisible();

  // Right-click opens the same ACTIONS menu; Escape closes it.
  await tree.locator('[data-kind=host]').first().click({ button: 'right' });
  const menu = page.getByTestId('actions-menu');
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: 'New Virtual Machine…' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();

  // VMs and Templates view and the filter box.
  await showVmsView(page);
  const vmsTree = page.getByTestId('inventory-tree-vms');
  await expect(vmsTree.locator('[data-kind=vm]').first()).toBeVisible();
  await page.getByTestId('tree-filter').fill(vmName);
  await expect(vmsTree.locator('[data-kind=vm]')).toHaveCount(1);
  await page.getByTestId('tree-filter').fill('');
  await shot(page, 'inventory');
});

test('theme toggle switches between light and dark', async ({ page }) => {
  await openLab(page);
  const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.getByTestId('theme-toggle').click();
  await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(before);
  await shot(page, 'theme-toggled');
  await page.getByTestId('theme-toggle').click();
});
