// @vitest-environment happy-dom
// The Storage and Networking views: the navigator's trees (Datacenter → datastores / networks), a
// datastore's Summary (type, capacity, provisioned, free, hosts, VMs from their disks) and its VMs and
// Hosts tabs, the datacenter's Datastores list sorted by Free as a number, a network's VMs from their
// adapters, the Datastores and Networks tabs of a host (what it mounts, its port groups) and of a VM (its
// disks', its adapters'), and a link to a datastore switching the navigator to the Storage view.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { setApiForTests } from '@renderer/api/client';
import DatastoreView from '@renderer/views/DatastoreView.vue';
import NetworkView from '@renderer/views/NetworkView.vue';
import HostView from '@renderer/views/HostView.vue';
import VmView from '@renderer/views/VmView.vue';
import { TABS } from '@renderer/router';
import InventoryObjectList from '@renderer/components/inventory/InventoryObjectList.vue';
import { useInventoryStore } from '@renderer/stores/inventory';
import { useSelectionStore } from '@renderer/stores/selection';
import { buildTree, visibleRows } from '@renderer/logic/inventoryTree';
import { vmsOnDatastore, vmsOnNetwork } from '@renderer/logic/inventoryRelations';
import type { DatastoreDto, InventoryDto } from '@shared/model/inventory';
import { fakeApi, flush, makeHost, makeInventory, makeVm } from './fakeApi';

const GiB = 2 ** 30;
const ds = (n: number, over: Partial<DatastoreDto> = {}): DatastoreDto => ({
  id: `datastore-${n}`, name: `DS${n}`, datacenterId: 'datacenter-1', type: 'VMFS', capacityBytes: 100 * GiB,
  provisionedBytes: 0, freeBytes: 100 * GiB, hostIds: ['host-1'], ...over,
});
const disk = (datastoreId: string, gib: number) => ({ label: 'Hard disk 1', capacityBytes: gib * GiB, datastoreId: datastoreId as never });
const nic = (networkId: string, connected = true) => ({ label: 'Network adapter 1', networkId: networkId as never, macAddress: '00:50:56:00:00:01', connected });

function lab(): InventoryDto {
  const vms = [
    makeVm(1, { disks: [disk('datastore-1', 16)], nics: [nic('network-1')] }),
    makeVm(2, { disks: [disk('datastore-1', 8)], nics: [nic('network-1', false)], isTemplate: true }),
    makeVm(3, { disks: [disk('datastore-2', 40)], nics: [] }),
  ];
  return {
    ...makeInventory(0), vms, hosts: [makeHost(1, { vmIds: ['vm-1', 'vm-2'] }), makeHost(2, { vmIds: ['vm-3'] })],
    datastores: [
      ds(1, { provisionedBytes: 24 * GiB, freeBytes: 76 * GiB, hostIds: ['host-1', 'host-2'] }),
      ds(2, { name: 'DS10', type: 'NFS', capacityBytes: 50 * GiB, provisionedBytes: 40 * GiB, freeBytes: 10 * GiB, hostIds: ['host-2'] }),
    ],
    networks: [{ id: 'network-1', name: 'VM Network', datacenterId: 'datacenter-1', hostIds: ['host-1', 'host-2'] }],
  };
}

let pinia: Pinia;
let wrapper: VueWrapper | undefined;
beforeEach(async () => {
  window.location.hash = '';
  setApiForTests(fakeApi({ 'inventory.get': lab }));
  pinia = createPinia();
  setActivePinia(pinia);
  await useInventoryStore().load();
  await flush();
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
});
const text = (w: VueWrapper, testId: string) => w.find(`[data-testid=${testId}]`).text();
const rowIds = (w: VueWrapper) => w.findAll('tr[data-testid^=list-row-]').map((r) => r.attributes('data-testid')!.replace('list-row-', ''));

describe('Storage and Networking trees', () => {
  it('hang datastores and networks under their datacenter, named naturally sorted', () => {
    const storage = buildTree(lab(), 'storage');
    const rows = visibleRows(storage, new Set(['datacenter-1']));
    expect(rows.map((r) => [r.node.kind, r.node.name, r.depth])).toEqual([['datacenter', 'DC0', 1], ['datastore', 'DS1', 2], ['datastore', 'DS10', 2]]);
    const nets = visibleRows(buildTree(lab(), 'networks'), new Set(['datacenter-1']));
    expect(nets.map((r) => [r.node.kind, r.node.name])).toEqual([['datacenter', 'DC0'], ['network', 'VM Network']]);
  });

  it('VMs are on a datastore by their disks and on a network by their adapters', () => {
    expect(vmsOnDatastore(lab(), 'datastore-1')).toEqual(['vm-1', 'vm-2']);
    expect(vmsOnDatastore(lab(), 'datastore-2')).toEqual(['vm-3']);
    expect(vmsOnNetwork(lab(), 'network-1')).toEqual(['vm-1', 'vm-2']);
  });
});

describe('a datastore', () => {
  it('Summary: type, hosts, VMs and templates, capacity, provisioned, free and the usage meter', () => {
    wrapper = mount(DatastoreView, { props: { id: 'datastore-1', tab: 'summary' }, global: { plugins: [pinia] } });
    expect(text(wrapper, 'datastore-type')).toBe('VMFS');
    expect(text(wrapper, 'datastore-host-count')).toBe('2');
    expect(text(wrapper, 'datastore-vm-count')).toBe('1');
    expect(text(wrapper, 'datastore-capacity')).toBe('100 GB');
    expect(text(wrapper, 'datastore-provisioned')).toBe('24 GB');
    expect(text(wrapper, 'datastore-free')).toBe('76 GB');
    expect(wrapper.find('[data-testid=datastore-usage] [role=meter]').attributes('aria-valuenow')).toBe('24');
  });

  it('VMs and Hosts tabs list what uses it', () => {
    wrapper = mount(DatastoreView, { props: { id: 'datastore-1', tab: 'vms' }, global: { plugins: [pinia] } });
    expect(rowIds(wrapper).sort()).toEqual(['vm-1', 'vm-2']);
    wrapper.unmount();
    wrapper = mount(DatastoreView, { props: { id: 'datastore-2', tab: 'hosts' }, global: { plugins: [pinia] } });
    expect(rowIds(wrapper)).toEqual(['host-2']);
  });

  it('the Datastores list sorts Free by bytes and counts VMs from their disks', async () => {
    wrapper = mount(InventoryObjectList, { props: { ids: ['datastore-1', 'datastore-2'], type: 'datastore' }, global: { plugins: [pinia] } });
    await wrapper.find('[data-testid=sort-free]').trigger('click');
    expect(rowIds(wrapper)).toEqual(['datastore-2', 'datastore-1']);
    const cells = wrapper.find('[data-testid=list-row-datastore-1]').findAll('td').map((c) => c.text());
    expect(cells).toEqual(['DS1', 'VMFS', '100 GB', '24 GB', '76 GB', '2', '2']);
  });
});

describe('a network', () => {
  it('Summary counts its hosts and the VMs with an adapter on it; its VMs tab lists them', () => {
    wrapper = mount(NetworkView, { props: { id: 'network-1', tab: 'summary' }, global: { plugins: [pinia] } });
    expect(text(wrapper, 'network-host-count')).toBe('2');
    expect(text(wrapper, 'network-vm-count')).toBe('2 (1 with the adapter connected)');
    wrapper.unmount();
    wrapper = mount(NetworkView, { props: { id: 'network-1', tab: 'vms' }, global: { plugins: [pinia] } });
    expect(rowIds(wrapper).sort()).toEqual(['vm-1', 'vm-2']);
  });
});

describe('the Datastores and Networks tabs of hosts and VMs', () => {
  it('come in vSphere\'s order: a host after VMs, a VM before Snapshots', () => {
    expect(TABS.host.map((t) => t.label)).toEqual(['Summary', 'Monitor', 'Configure', 'VMs', 'Datastores', 'Networks']);
    expect(TABS.vm.map((t) => t.label)).toEqual(['Summary', 'Monitor', 'Configure', 'Datastores', 'Networks', 'Snapshots']);
  });

  it('a host lists the datastores it mounts and its networks, as their Hosts tabs say', () => {
    wrapper = mount(HostView, { props: { id: 'host-2', tab: 'datastores', name: 'host-2' }, global: { plugins: [pinia] } });
    expect(rowIds(wrapper).sort()).toEqual(['datastore-1', 'datastore-2']);
    wrapper.unmount();
    wrapper = mount(HostView, { props: { id: 'host-1', tab: 'datastores', name: 'host-1' }, global: { plugins: [pinia] } });
    expect(rowIds(wrapper)).toEqual(['datastore-1']);
    wrapper.unmount();
    wrapper = mount(HostView, { props: { id: 'host-1', tab: 'networks', name: 'host-1' }, global: { plugins: [pinia] } });
    expect(rowIds(wrapper)).toEqual(['network-1']);
  });

  it('a VM lists the datastores of its disks and the networks of its adapters (none: an empty list)', () => {
    wrapper = mount(VmView, { props: { id: 'vm-3', tab: 'datastores', name: 'vm-3' }, global: { plugins: [pinia] } });
    expect(rowIds(wrapper)).toEqual(['datastore-2']);
    wrapper.unmount();
    wrapper = mount(VmView, { props: { id: 'vm-1', tab: 'networks', name: 'vm-1' }, global: { plugins: [pinia] } });
    expect(rowIds(wrapper)).toEqual(['network-1']);
    wrapper.unmount();
    wrapper = mount(VmView, { props: { id: 'vm-3', tab: 'networks', name: 'vm-3' }, global: { plugins: [pinia] } });
    expect(rowIds(wrapper)).toEqual([]);
  });
});

describe('selecting', () => {
  it('a datastore shows the Storage view, a network the Networking view, a host Hosts and Clusters', () => {
    const selection = useSelectionStore();
    selection.select('datastore-2');
    expect([selection.view, window.location.hash]).toEqual(['storage', '#/datastore/datastore-2/summary']);
    selection.select('network-1', 'vms');
    expect([selection.view, window.location.hash]).toEqual(['networks', '#/network/network-1/vms']);
    selection.select('vm-1');
    expect(selection.view).toBe('hosts');
    selection.view = 'vms';
    selection.select('vm-3');
    expect(selection.view, 'a VM stays in VMs and Templates').toBe('vms');
  });
});
