/**
 * Storage and Networking views against the real engine: the navigator's Storage view lists the
 * datacenter's datastore; its Summary shows the engine's type, capacity, provisioned and free space and
 * what uses it, its VMs and Hosts tabs list them; the datacenter's Datastores tab is a sortable list;
 * the Networking view shows the network with its hosts and the VMs on it; a VM opened from a datastore's
 * VMs tab shows in Hosts and Clusters, and its Summary links back to the datastore; a VM's and a host's
 * Datastores and Networks tabs list what its disks, adapters and mounts use.
 */
import { expect, test } from '@playwright/test';
import { openLab, shot } from './lab';

test('Storage and Networking: datastore and network with their hosts and VMs', async ({ page }) => {
  await openLab(page);
  await page.getByTestId('nav-view-storage').click();
  const tree = page.getByTestId('inventory-tree-storage');
  await expect(tree).toBeVisible();
  await tree.locator('[role=treeitem][data-name="DC0_datastore1"]').click();
  await expect(page.getByTestId('object-header')).toContainText('Datastore');
  // lab-small: six VMs with one 1 GB thick disk each, on one 4 TB datastore both hosts reach.
  await expect(page.getByTestId('datastore-type')).toHaveText('VMFS');
  await expect(page.getByTestId('datastore-capacity')).toHaveText('4 TB');
  await expect(page.getByTestId('datastore-provisioned')).toHaveText('6 GB');
  await expect(page.getByTestId('datastore-free')).toHaveText('3.99 TB');
  await expect(page.getByTestId('datastore-host-count')).toHaveText('2');
  await expect(page.getByTestId('datastore-vm-count')).toHaveText('6');
  await shot(page, 'storage-datastore-summary');

  await page.getByTestId('tab-vms').click();
  await expect(page.getByTestId('object-list-vm').locator('tr[data-testid^=list-row-]')).toHaveCount(6);
  await page.getByTestId('tab-hosts').click();
  await expect(page.getByTestId('object-list-host').locator('tr[data-testid^=list-row-]')).toHaveCount(2);

  // The datacenter's Datastores tab: its two shared datastores (the VMs' disks on the first), sortable headers.
  await tree.locator('[role=treeitem][data-name="DC0"]').click();
  await page.getByTestId('tab-datastores').click();
  const list = page.getByTestId('object-list-datastore');
  await expect(list.locator('tr[data-testid^=list-row-]')).toHaveCount(2);
  await expect(list.locator('tr[data-testid="list-row-datastore-1"] td').nth(3)).toHaveText('6 GB');
  await expect(list.locator('tr[data-testid="list-row-datastore-2"] td').nth(3)).toHaveText('0 B');
  await list.getByTestId('sort-free').click();
  await expect(list.locator('th[data-sort-key=free]')).toHaveAttribute('aria-sort', 'ascending');
  await shot(page, 'storage-datastores-list');

  await page.getByTestId('nav-view-networks').click();
  const nets = page.getByTestId('inventory-tree-networks');
  await nets.locator('[role=treeitem][data-name="DC0_VM Network"]').click();
  await expect(page.getByTestId('object-header')).toContainText('Network');
  await expect(page.getByTestId('network-host-count')).toHaveText('2');
  await expect(page.getByTestId('network-vm-count')).toHaveText('6 (6 with the adapter connected)');
  await shot(page, 'networking-summary');
  await page.getByTestId('tab-vms').click();
  const first = page.getByTestId('object-list-vm').locator('tr[data-testid^=list-row-] a').first();
  const name = (await first.textContent())!.trim();
  await first.click();
  await expect(page.getByTestId('object-name')).toHaveText(name);
  await expect(page.getByTestId('inventory-tree-hosts')).toBeVisible();
  // And back: the VM's Summary links its datastore (Related Objects), which opens in the Storage view.
  await page.getByTestId('tab-summary').click();
  await page.getByTestId('vm-related-datastore-1').click();
  await expect(page.getByTestId('object-name')).toHaveText('DC0_datastore1');
  await expect(page.getByTestId('object-header')).toContainText('Datastore');
  await expect(page.getByTestId('inventory-tree-storage')).toBeVisible();

  // A VM's Datastores and Networks tabs: its one disk's datastore, its adapter's network.
  await page.getByTestId('nav-view-hosts').click();
  const hosts = page.getByTestId('inventory-tree-hosts');
  await hosts.locator(`[data-kind=vm][data-name="${name}"]`).click();
  await expect(page.getByTestId('object-name')).toHaveText(name);
  await page.getByTestId('tab-datastores').click();
  await expect(page.getByTestId('object-list-datastore').locator('tr[data-testid^=list-row-]')).toHaveCount(1);
  await expect(page.getByTestId('object-list-datastore').locator('tr[data-testid="list-row-datastore-1"]')).toBeVisible();
  await page.getByTestId('tab-networks').click();
  await expect(page.getByTestId('object-list-network').locator('tr[data-testid^=list-row-]')).toHaveCount(1);
  await shot(page, 'vm-networks-tab');
  // A host's: both shared datastores, and the VM Network.
  await hosts.locator('[data-kind=host]').first().click();
  await page.getByTestId('tab-datastores').click();
  await expect(page.getByTestId('object-list-datastore').locator('tr[data-testid^=list-row-]')).toHaveCount(2);
  await page.getByTestId('tab-networks').click();
  await expect(page.getByTestId('object-list-network').locator('tr[data-testid^=list-row-]')).toHaveCount(1);
});
