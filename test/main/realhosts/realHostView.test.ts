// A real host's inventory as contract DTOs: namespaced, stable ids; a libvirt host's own datacenter;
// vim25's datacenters and clusters; connection states; snapshot trees; the real-time sample store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntityIds, inventoryView, snapshotTreeView } from '../../../src-main/node/backends/realHost/realHostView';
import { RealSampleStore, REAL_SAMPLES_KEPT, realCounterCatalog } from '../../../src-main/node/backends/realHost/realMetrics';
import type { RealInventory, RealVm } from '../../../src-main/node/backends/realHost/hostDriver';

const host = { key: 'h1', name: 'kvm.lab', vendor: 'AMD', model: 'm', cpuModel: 'EPYC', sockets: 1, coresPerSocket: 2, threadsPerCore: 1, cpuMhz: 2000, memoryBytes: 8 << 30, hypervisorVersion: 'QEMU 7.2 (libvirt 9.0.0)', connected: true, inMaintenanceMode: false };
const vm = (key: string, extra: Partial<RealVm> = {}): RealVm => ({
  key, name: `dom-${key}`, hostKey: 'h1', powerState: 'poweredOn', stateDetail: 'running (booted)', vcpus: 2, memoryBytes: 1 << 30, guestOs: 'debian 12',
  disks: [{ label: 'Hard disk 1 (vda)', capacityBytes: 10 << 30, datastoreKey: '/var/lib/libvirt/images' }],
  nics: [{ label: 'Network adapter 1', macAddress: '52:54:00:00:00:01', networkKey: 'network:default', connected: true }],
  isTemplate: false, hasConsole: true, snapshots: [], ...extra,
});
const inv = (vms: RealVm[]): RealInventory => ({
  datacenters: [], clusters: [], hosts: [host], vms,
  datastores: [{ key: '/var/lib/libvirt/images', name: '/var/lib/libvirt/images', capacityBytes: 100 << 30, freeBytes: 50 << 30, hostKeys: ['h1'] }],
  networks: [{ key: 'network:default', name: 'default', hostKeys: ['h1'] }],
});

test('a libvirt host: its own datacenter named after the connection, namespaced ids that stay stable', () => {
  const ids = new EntityIds('kvm1');
  const v1 = inventoryView(inv([vm('u1'), vm('u2')]), { ids, kind: 'libvirt', name: 'Lab KVM', state: 'connected' });
  assert.deepEqual(v1.datacenters, [{ id: 'kvm1:datacenter-1', name: 'Lab KVM' }]);
  assert.equal(v1.hosts[0].id, 'kvm1:host-1');
  assert.equal(v1.hosts[0].kind, 'libvirt');
  assert.deepEqual(v1.hosts[0].vmIds, ['kvm1:vm-1', 'kvm1:vm-2']);
  assert.equal(v1.vms[1].disks[0].datastoreId, 'kvm1:datastore-1');
  assert.equal(v1.vms[1].nics[0].networkId, 'kvm1:network-1');
  const v2 = inventoryView(inv([vm('u2'), vm('u3')]), { ids, kind: 'libvirt', name: 'Lab KVM', state: 'notResponding' });
  assert.deepEqual(v2.vms.map((v) => v.id), ['kvm1:vm-2', 'kvm1:vm-3'], 'u2 keeps its id; u1\'s is never reused');
  assert.equal(v2.hosts[0].connectionState, 'notResponding');
  assert.equal(ids.key('kvm1:vm-2', 'vm'), 'u2');
  assert.equal(ids.key('kvm1:vm-2', 'host'), undefined);
});

test('vim25: remote datacenters and clusters; a snapshot tree with parents, children and "you are here"', () => {
  const ids = new EntityIds('esx1');
  const snaps = [
    { key: 's1', name: 'base', description: '', createdAtMs: 1, memory: false, quiesced: false, powerState: 'poweredOff' as const },
    { key: 's2', name: 'live', description: 'd', createdAtMs: 2, memory: true, quiesced: false, powerState: 'poweredOn' as const, parentKey: 's1' },
  ];
  const i = { ...inv([vm('vm-9', { snapshots: snaps, currentSnapshotKey: 's2' })]), datacenters: [{ key: 'dc', name: 'ha-datacenter' }], clusters: [{ key: 'c', name: 'C1', datacenterKey: 'dc' }] };
  i.hosts = [{ ...host, datacenterKey: 'dc', clusterKey: 'c' }];
  const v = inventoryView(i, { ids, kind: 'vim25', name: 'esx', state: 'connected' });
  assert.deepEqual(v.datacenters.map((d) => d.name), ['ha-datacenter']);
  assert.equal(v.hosts[0].clusterId, 'esx1:cluster-1');
  assert.equal(v.hosts[0].kind, 'esxi');
  assert.equal(v.vms[0].snapshotCount, 2);
  const tree = snapshotTreeView(i.vms[0], ids);
  assert.deepEqual(tree.rootIds, [tree.snapshots[0].id]);
  assert.deepEqual(tree.snapshots[0].childIds, [tree.snapshots[1].id]);
  assert.equal(tree.currentSnapshotId, tree.snapshots[1].id);
  assert.equal(v.vms[0].currentSnapshotId, tree.snapshots[1].id);
});

test('samples: one hour kept, null where a counter had no value, no rollups', () => {
  const s = new RealSampleStore();
  for (let i = 0; i < REAL_SAMPLES_KEPT + 5; i++) s.record(i * 20_000, 'kvm1:vm-1', i % 2 ? { 'cpu.usage.average': i } : {});
  const q = s.query('kvm1:vm-1' as never, ['cpu.usage.average'], 'realtime', 3);
  assert.deepEqual(q.timestampsMs, [182, 183, 184].map((i) => i * 20_000));
  assert.deepEqual(q.values['cpu.usage.average'], [null, 183, null]);
  assert.equal(s.query('kvm1:vm-1' as never, ['cpu.usage.average'], 'realtime').timestampsMs.length, REAL_SAMPLES_KEPT);
  assert.deepEqual(s.query('kvm1:vm-1' as never, ['cpu.usage.average'], 'day').timestampsMs, []);
  const lib = realCounterCatalog('libvirt', 'vm').map((c) => c.name);
  assert.ok(lib.includes('cpu.usage.average') && lib.includes('net.usage.average') && !lib.includes('mem.active.average'));
  assert.ok(realCounterCatalog('vim25', 'host').some((c) => c.name === 'mem.active.average'));
});
