/**
 * Storage and Networking views against the real engine: the navigator's Storage view lists the
 * datacenter's datastore; its Summary shows the engine's type, capacity, provisioned and free space and
 * what uses it, its VMs and Hosts tabs list them; the datacenter's Datastores tab is a sortable list;
 * the Networking view shows the network with its hosts and the VMs on it; a VM opened from a datastore's
 * VMs tab shows in Hosts and Clusters, and its Summary links back to the datastore; a VM's and a host's
 * Datastores and Networks tabs list what its disks, adapters and mounts use; a datastore's Files tab shows a
 * folder per VM with its files, and a snapshot taken adds its files and delta disk there.
 */
import { expect, test } from '@playwright/test';
import { expectTaskCompletes, openLab, runAction, selectVmInState, shot } from './lab';

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

test('a datastore\'s Files tab: each VM\'s folder and files; a snapshot taken adds its delta disk', async ({ page }) => {
  await openLab(page);
  const vm = await selectVmInState(page, 'poweredOn');
  await expectTaskCompletes(page, 'vm.snapshot.create', vm.id, async () => {
    await runAction(page, ['Snapshots', 'Take Snapshot…']);
    const dlg = page.getByTestId('take-snapshot-dialog');
    await dlg.getByTestId('snapshot-name').fill('files-e2e');
    await dlg.getByTestId('snapshot-create').click();
    await expect(dlg).toBeHidden();
  });

  await page.getByTestId('nav-view-storage').click();
  await page.getByTestId('inventory-tree-storage').locator('[role=treeitem][data-name="DC0_datastore1"]').click();
  await page.getByTestId('tab-files').click();
  // lab-small: six VMs, each with its folder on the datastore.
  await expect(page.getByTestId('datastore-files').locator('[data-testid^=datastore-folder-]')).toHaveCount(6);
  const folder = page.getByTestId(`datastore-folder-${vm.id}`);
  const cells = (file: string) => folder.getByTestId(`datastore-file-${file}`).locator('td');
  await expect(cells(`${vm.name}.vmx`).nth(2)).toHaveText('VM configuration file');
  await expect(cells(`${vm.name}-flat.vmdk`).nth(1)).toHaveText('1 GB');
  await expect(cells(`${vm.name}-Snapshot1.vmsn`).nth(3)).toHaveText('files-e2e');
  await expect(cells(`${vm.name}-000001-delta.vmdk`).nth(2)).toHaveText('Snapshot delta disk');
  await expect(cells(`${vm.name}-000001-delta.vmdk`).nth(3)).toHaveText('files-e2e');
  // Another VM, without snapshots, has only its configuration and disk files.
  const other = page.getByTestId('datastore-files').locator(`[data-testid^=datastore-folder-]:not([data-testid="datastore-folder-${vm.id}"])`).first();
  await expect(other.locator('tr[data-testid^=datastore-file-]')).toHaveCount(5);
  await shot(page, 'storage-datastore-files');
});
