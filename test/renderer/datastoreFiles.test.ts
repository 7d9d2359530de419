// @vitest-environment happy-dom
// A datastore's Files tab: a folder per VM with a file on the datastore, holding only that VM's files
// there — configuration and disks from the inventory, snapshot files, memory files and delta disks from
// the VM's snapshot tree, with their sizes; the tab asks for the trees of the VMs with snapshots only, and
// a snapshot taken (the VM's snapshotCount changing in the change feed) brings its delta disk in.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { setApiForTests } from '@renderer/api/client';
import DatastoreView from '@renderer/views/DatastoreView.vue';
import { TABS } from '@renderer/router';
import { useInventoryStore } from '@renderer/stores/inventory';
import { datastoreFolders, vmsNeedingTrees } from '@renderer/logic/datastoreFiles';
import type { DatastoreDto, InventoryDto, SnapshotDto, SnapshotTreeDto } from '@shared/model/inventory';
import { fakeApi, flush, makeHost, makeInventory, makeVm } from './fakeApi';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const ds = (n: number): DatastoreDto => ({
  id: `datastore-${n}`, name: `DS${n}`, datacenterId: 'datacenter-1', type: 'VMFS', capacityBytes: 100 * GiB,
  provisionedBytes: 0, freeBytes: 100 * GiB, hostIds: ['host-1'],
});
const disk = (datastoreId: string, gib: number, n = 1) => ({ label: `Hard disk ${n}`, capacityBytes: gib * GiB, datastoreId: datastoreId as never });
const snap = (id: string, name: string, over: Partial<SnapshotDto> = {}): SnapshotDto => ({
  id: id as never, vmId: 'vm-1' as never, name, description: '', createdAtMs: 0, memory: false, quiesced: false,
  powerState: 'poweredOn', sizeBytes: 0, childIds: [], ...over,
});

/** web: two disks, on DS1 and DS2; db: one disk on DS2; idle: no snapshots, on DS1. */
function lab(webSnapshots = 2): InventoryDto {
  return {
    ...makeInventory(0), hosts: [makeHost(1, { vmIds: ['vm-1', 'vm-2', 'vm-3'] })],
    vms: [
      makeVm(1, { name: 'web', disks: [disk('datastore-1', 16), disk('datastore-2', 4, 2)], snapshotCount: webSnapshots }),
      makeVm(2, { name: 'db', disks: [disk('datastore-2', 8)] }),
      makeVm(3, { name: 'idle', disks: [disk('datastore-1', 1)] }),
    ],
    datastores: [ds(1), ds(2)],
  };
}
const webTree = (count = 2): SnapshotTreeDto => {
  const all = [
    snap('snapshot-1', 'before patch', { createdAtMs: 10, memory: true, memoryBytes: 64 * MiB, diskDeltaBytes: [3 * MiB, MiB], sizeBytes: 68 * MiB, childIds: ['snapshot-2' as never] }),
    snap('snapshot-2', 'after patch', { createdAtMs: 20, parentId: 'snapshot-1' as never, diskDeltaBytes: [5 * MiB, 0], sizeBytes: 5 * MiB }),
  ].slice(0, count);
  return { vmId: 'vm-1' as never, snapshots: all, rootIds: ['snapshot-1' as never], currentSnapshotId: all[all.length - 1].id };
};

describe('datastoreFolders', () => {
  it('a folder per VM with a file on the datastore, only the files there, sizes from the disks and the snapshot tree', () => {
    const trees = new Map([['vm-1', webTree()]]);
    const one = datastoreFolders(lab(), 'datastore-1', trees);
    expect(one.map((f) => f.name)).toEqual(['idle', 'web']);
    const web = one[1];
    expect(web.files.map((f) => [f.name, f.sizeBytes, f.typeLabel, f.snapshotName ?? ''])).toEqual([
      ['web.vmx', 0, 'VM configuration file', ''],
      ['web.vmsd', 0, 'Snapshot list', ''],
      ['web.nvram', 0, 'Non-volatile memory file', ''],
      ['web.vmdk', 0, 'Virtual disk descriptor', ''],
      ['web-flat.vmdk', 16 * GiB, 'Virtual disk', ''],
      ['web-Snapshot1.vmsn', 0, 'Snapshot file', 'before patch'],
      ['web-Snapshot1.vmem', 64 * MiB, 'Snapshot memory file', 'before patch'],
      ['web-000001.vmdk', 0, 'Virtual disk descriptor', 'before patch'],
      ['web-000001-delta.vmdk', 3 * MiB, 'Snapshot delta disk', 'before patch'],
      ['web-Snapshot2.vmsn', 0, 'Snapshot file', 'after patch'],
      ['web-000002.vmdk', 0, 'Virtual disk descriptor', 'after patch'],
      ['web-000002-delta.vmdk', 5 * MiB, 'Snapshot delta disk', 'after patch'],
    ]);
    expect(web.totalBytes).toBe(16 * GiB + 72 * MiB);
    // The second disk's datastore holds only that disk's files, under the VM's folder name.
    const two = datastoreFolders(lab(), 'datastore-2', trees);
    expect(two.map((f) => f.name)).toEqual(['db', 'web']);
    expect(two[1].files.map((f) => [f.name, f.sizeBytes])).toEqual([
      ['web_1.vmdk', 0], ['web_1-flat.vmdk', 4 * GiB], ['web_1-000001.vmdk', 0], ['web_1-000001-delta.vmdk', MiB],
      ['web_1-000002.vmdk', 0], ['web_1-000002-delta.vmdk', 0],
    ]);
    expect(two[0].files.map((f) => f.name)).toEqual(['db.vmx', 'db.vmsd', 'db.nvram', 'db.vmdk', 'db-flat.vmdk']);
  });

  it('without its tree a VM is listed with its disks only; trees are needed only for VMs with snapshots', () => {
    expect(datastoreFolders(lab(), 'datastore-1', new Map())[1].files.map((f) => f.name)).toEqual(['web.vmx', 'web.vmsd', 'web.nvram', 'web.vmdk', 'web-flat.vmdk']);
    expect(vmsNeedingTrees(lab(), 'datastore-1')).toEqual(['vm-1']);
    expect(vmsNeedingTrees(lab(0), 'datastore-1')).toEqual([]);
  });
});

describe('the Files tab', () => {
  let wrapper: VueWrapper | undefined;
  afterEach(() => { wrapper?.unmount(); wrapper = undefined; });

  it('comes after Summary, as vSphere\'s datastore tabs; a snapshot taken brings its delta disk in', async () => {
    expect(TABS.datastore.map((t) => t.label)).toEqual(['Summary', 'Files', 'VMs', 'Hosts']);
    let snapshots = 1;
    const asked: string[] = [];
    const api = fakeApi({
      'inventory.get': () => lab(1),
      'vm.snapshot.tree': (p: { vmId: string }) => { asked.push(p.vmId); return webTree(snapshots); },
    });
    setApiForTests(api);
    const pinia = createPinia();
    setActivePinia(pinia);
    await useInventoryStore().load();
    wrapper = mount(DatastoreView, { props: { id: 'datastore-1', tab: 'files' }, global: { plugins: [pinia] } });
    await flush();
    expect(asked).toEqual(['vm-1']);
    expect(wrapper.findAll('[data-testid^=datastore-folder-]').map((f) => f.attributes('data-testid'))).toEqual(['datastore-folder-vm-3', 'datastore-folder-vm-1']);
    const row = (name: string) => wrapper!.find(`[data-testid="datastore-file-${name}"]`);
    expect(row('web-000001-delta.vmdk').findAll('td').map((c) => c.text())).toEqual(['web-000001-delta.vmdk', '3 MB', 'Snapshot delta disk', 'before patch']);
    expect(row('web-000002-delta.vmdk').exists()).toBe(false);

    snapshots = 2;
    api.emit({ type: 'inventory.changed', version: 2, updates: [{ op: 'modify', id: 'vm-1', changes: [{ path: 'snapshotCount', value: 2 }, { path: 'currentSnapshotId', value: 'snapshot-2' }] }] });
    await vi.waitFor(() => expect(asked).toEqual(['vm-1', 'vm-1']));
    await flush();
    expect(row('web-000002-delta.vmdk').findAll('td').map((c) => c.text())).toEqual(['web-000002-delta.vmdk', '5 MB', 'Snapshot delta disk', 'after patch']);
  });
});
