// Inventory operations with the rules real systems have: create, clone, deploy from template, Edit
// Settings (hot-add), rename, delete, and host maintenance mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, vmByName, hostByName } from '../../helpers/labHarness';

function refused(r: { ok: boolean; error?: { code: string; field?: string } }, code: string, field?: string): void {
  assert.equal(r.ok, false, 'should be refused');
  if (!r.ok && r.error) {
    assert.equal(r.error.code, code);
    if (field) assert.equal(r.error.field, field);
  }
}

test('vm.create places the VM (least-loaded usable host of the cluster), returns its id, logs VmCreatedEvent', () => {
  const h = harness('lab-small');
  const t = h.run('vm.create', { spec: { name: 'new-1', clusterId: 'cluster-1', vcpus: 2, memoryMiB: 128, workload: 'cpu' } });
  const { vmId } = t.result as { vmId: `vm-${number}` };
  const vm = h.q('vm.get', { vmId });
  assert.equal(vm.name, 'new-1');
  assert.equal(vm.vcpus, 2);
  assert.equal(vm.memoryBytes, 128 * 1024 * 1024);
  assert.equal(vm.powerState, 'poweredOff');
  assert.equal(vm.cpuShares, 2000);
  assert.ok(h.q('events.list', { entityId: vmId }).some((e) => e.type === 'VmCreatedEvent'));
  refused(h.tryCmd('vm.create', { spec: { name: 'new-1', vcpus: 1, memoryMiB: 64 } }), 'E_DUPLICATE_NAME', 'params.spec.name');
  refused(h.tryCmd('vm.create', { spec: { name: 'big', vcpus: 1, memoryMiB: 8192 } }), 'E_INVALID_ARGUMENT', 'params.spec.memoryMiB');
  refused(h.tryCmd('vm.create', { spec: { name: 'x', hostId: 'host-99', vcpus: 1, memoryMiB: 64 } }), 'E_NOT_FOUND', 'params.spec.hostId');
});

test('vm.create with powerOn powers the new VM on; two creates cannot take the same name', () => {
  const h = harness('lab-small');
  const { taskId } = h.cmd('vm.create', { spec: { name: 'twin', vcpus: 1, memoryMiB: 64, powerOn: true } });
  refused(h.tryCmd('vm.create', { spec: { name: 'twin', vcpus: 1, memoryMiB: 64 } }), 'E_DUPLICATE_NAME');
  h.finish(taskId);
  h.advance(3000);
  assert.equal(vmByName(h, 'twin').powerState, 'poweredOn');
});

test('clone needs a powered-off source (or a template); clones to a template and deploys from it', () => {
  const h = harness('lab-small');
  const running = vmByName(h, 'DC0_C0_H0_VM1');
  refused(h.tryCmd('vm.clone', { vmId: running.id, name: 'c1' }), 'E_INVALID_STATE', 'params.vmId');
  const src = vmByName(h, 'DC0_C0_H0_VM0');
  const tmpl = h.run('vm.clone', { vmId: src.id, name: 'gold', asTemplate: true });
  const goldId = (tmpl.result as { vmId: `vm-${number}` }).vmId;
  const gold = h.q('vm.get', { vmId: goldId });
  assert.equal(gold.isTemplate, true);
  refused(h.tryCmd('vm.powerOn', { vmId: goldId }), 'E_INVALID_STATE');
  refused(h.tryCmd('vm.snapshot.create', { vmId: goldId, name: 's' }), 'E_INVALID_STATE');
  const dep = h.run('vm.clone', { vmId: goldId, name: 'from-gold', hostId: 'host-2' });
  const vm = h.q('vm.get', { vmId: (dep.result as { vmId: `vm-${number}` }).vmId });
  assert.equal(vm.isTemplate, false);
  assert.equal(vm.hostId, 'host-2');
  assert.equal(vm.workload, src.workload);
  assert.ok(h.q('events.list', {}).some((e) => e.type === 'VmDeployedEvent'));
  h.run('vm.powerOn', { vmId: vm.id });
  h.advance(20_000);
  const c = h.q('metrics.query', { entityId: 'datacenter-1', counters: ['vmop.numClone.latest', 'vmop.numDeploy.latest'], interval: 'realtime', maxSamples: 1 });
  assert.deepEqual([c.values['vmop.numClone.latest'][0], c.values['vmop.numDeploy.latest'][0]], [1, 1]);
});

test('Edit Settings: vCPU/memory need power-off unless hot-add is on, and then only grow', () => {
  const h = harness('lab-small');
  const vm = vmByName(h, 'DC0_C0_H0_VM1'); // powered on
  const before = JSON.stringify(h.q('vm.get', { vmId: vm.id }));
  refused(h.tryCmd('vm.reconfigure', { vmId: vm.id, changes: { vcpus: 2 } }), 'E_INVALID_STATE', 'params.changes.vcpus');
  refused(h.tryCmd('vm.reconfigure', { vmId: vm.id, changes: { memoryMiB: 128 } }), 'E_INVALID_STATE', 'params.changes.memoryMiB');
  refused(h.tryCmd('vm.reconfigure', { vmId: vm.id, changes: { monitor: 'te' } }), 'E_INVALID_STATE', 'params.changes.monitor');
  refused(h.tryCmd('vm.reconfigure', { vmId: vm.id, changes: { cpuHotAddEnabled: true } }), 'E_INVALID_STATE', 'params.changes.cpuHotAddEnabled');
  refused(h.tryCmd('vm.reconfigure', { vmId: vm.id, changes: { cpuReservationMhz: 50, cpuLimitMhz: 20 } }), 'E_INVALID_ARGUMENT', 'params.changes.cpuLimitMhz');
  assert.equal(JSON.stringify(h.q('vm.get', { vmId: vm.id })), before, 'refusals change nothing');
  // Shares / reservation / limit change while running.
  h.run('vm.reconfigure', { vmId: vm.id, changes: { cpuShares: 3000, cpuLimitMhz: 50 } });
  assert.equal(h.q('vm.get', { vmId: vm.id }).cpuLimitMhz, 50);
  // Power off, enable hot add, power on: now vCPUs may grow but not shrink.
  h.run('vm.powerOff', { vmId: vm.id });
  h.run('vm.reconfigure', { vmId: vm.id, changes: { cpuHotAddEnabled: true, memoryHotAddEnabled: true, monitor: 'te', vcpus: 2 } });
  h.run('vm.powerOn', { vmId: vm.id });
  h.run('vm.reconfigure', { vmId: vm.id, changes: { vcpus: 4, memoryMiB: 256 } });
  const dto = h.q('vm.get', { vmId: vm.id });
  assert.deepEqual([dto.vcpus, dto.memoryBytes, dto.monitor], [4, 256 * 1024 * 1024, 'te']);
  refused(h.tryCmd('vm.reconfigure', { vmId: vm.id, changes: { vcpus: 1 } }), 'E_INVALID_STATE', 'params.changes.vcpus');
  assert.ok(h.q('events.list', { entityId: vm.id }).some((e) => e.type === 'VmReconfiguredEvent' && /hot-added/.test(e.message)));
});

test('monitor and paging must make a valid pair: nested paging needs hw (create and Edit Settings, refused at paging)', () => {
  const h = harness('lab-small');
  const invalid = (r: ReturnType<typeof h.tryCmd>, field: string) => {
    refused(r, 'E_INVALID_ARGUMENT', field);
    if (!r.ok) assert.match(r.error.message, /nested paging .* needs the hw monitor/);
  };
  // vm.create: an explicit non-hw monitor, or none (the default is interp), with nested.
  invalid(h.tryCmd('vm.create', { spec: { name: 'n1', vcpus: 1, memoryMiB: 64, monitor: 'bt', paging: 'nested' } }), 'params.spec.paging');
  invalid(h.tryCmd('vm.create', { spec: { name: 'n2', vcpus: 1, memoryMiB: 64, paging: 'nested' } }), 'params.spec.paging');
  const made = h.run('vm.create', { spec: { name: 'hw-nested', vcpus: 1, memoryMiB: 64, monitor: 'hw', paging: 'nested' } });
  const vmId = (made.result as { vmId: `vm-${number}` }).vmId;
  assert.deepEqual([h.q('vm.get', { vmId }).monitor, h.q('vm.get', { vmId }).paging], ['hw', 'nested']);
  h.run('vm.create', { spec: { name: 'pv-shadow', vcpus: 1, memoryMiB: 64, monitor: 'pv', paging: 'shadow' } });

  // Edit Settings (powered off): leaving hw while nested, or choosing nested under another monitor.
  const before = JSON.stringify(h.q('vm.get', { vmId }));
  invalid(h.tryCmd('vm.reconfigure', { vmId, changes: { monitor: 'te' } }), 'params.changes.paging');
  invalid(h.tryCmd('vm.reconfigure', { vmId, changes: { monitor: 'interp', paging: 'nested' } }), 'params.changes.paging');
  assert.equal(JSON.stringify(h.q('vm.get', { vmId })), before, 'refusals change nothing');
  h.run('vm.reconfigure', { vmId, changes: { monitor: 'bt', paging: 'shadow' } });
  invalid(h.tryCmd('vm.reconfigure', { vmId, changes: { paging: 'nested' } }), 'params.changes.paging');
  h.run('vm.reconfigure', { vmId, changes: { monitor: 'hw' } });
  h.run('vm.reconfigure', { vmId, changes: { paging: 'nested' } });
  assert.deepEqual([h.q('vm.get', { vmId }).monitor, h.q('vm.get', { vmId }).paging], ['hw', 'nested']);
  // Clone copies a valid pair.
  const c = h.run('vm.clone', { vmId, name: 'hw-nested-clone' });
  const clone = h.q('vm.get', { vmId: (c.result as { vmId: `vm-${number}` }).vmId });
  assert.deepEqual([clone.monitor, clone.paging], ['hw', 'nested']);
});

test('a CPU reservation that does not fit the host is refused at power-on', () => {
  const h = harness('lab-small');
  const vm = vmByName(h, 'DC0_C0_H0_VM0');
  h.run('vm.reconfigure', { vmId: vm.id, changes: { cpuReservationMhz: 500 } }); // host: 4 × 100 MHz
  refused(h.tryCmd('vm.powerOn', { vmId: vm.id }), 'E_INSUFFICIENT_RESOURCES', 'params.vmId');
});

test('rename keeps names unique; remove needs a powered-off VM and deletes it', () => {
  const h = harness('lab-small');
  const a = vmByName(h, 'DC0_C0_H0_VM0');
  const b = vmByName(h, 'DC0_C0_H0_VM1');
  refused(h.tryCmd('vm.rename', { vmId: a.id, name: b.name }), 'E_DUPLICATE_NAME', 'params.name');
  h.cmd('vm.rename', { vmId: a.id, name: 'renamed' });
  assert.equal(h.q('vm.get', { vmId: a.id }).name, 'renamed');
  refused(h.tryCmd('vm.remove', { vmId: b.id }), 'E_INVALID_STATE', 'params.vmId');
  h.run('vm.remove', { vmId: a.id });
  assert.equal(h.q('inventory.get', {}).vms.some((v) => v.id === a.id), false);
  assert.ok(h.q('events.list', {}).some((e) => e.type === 'VmRemovedEvent'));
});

test('maintenance mode: blocks power-on and VM creation; exits (evacuation by live migration: test/engine/migration)', () => {
  const h = harness('lab-small');
  const host = hostByName(h, 'DC0_C0_H1');
  refused(h.tryCmd('host.exitMaintenance', { hostId: host.id }), 'E_INVALID_STATE', 'params.hostId');
  for (const vm of h.q('inventory.get', {}).vms.filter((v) => v.hostId === host.id && v.powerState === 'poweredOn')) {
    h.run('vm.suspend', { vmId: vm.id }); // suspended VMs may stay on a host in maintenance
  }
  h.run('host.enterMaintenance', { hostId: host.id });
  assert.equal(h.q('host.get', { hostId: host.id }).inMaintenanceMode, true);
  const vm = vmByName(h, 'DC0_C0_H1_VM0');
  refused(h.tryCmd('vm.powerOn', { vmId: vm.id }), 'E_INVALID_STATE', 'params.vmId');
  refused(h.tryCmd('vm.create', { spec: { name: 'x', hostId: host.id, vcpus: 1, memoryMiB: 64 } }), 'E_INVALID_STATE', 'params.spec.hostId');
  h.run('host.exitMaintenance', { hostId: host.id });
  h.run('vm.powerOn', { vmId: vm.id });
  const types = h.q('events.list', { entityId: host.id }).map((e) => e.type);
  for (const t of ['EnteringMaintenanceModeEvent', 'EnteredMaintenanceModeEvent', 'ExitMaintenanceModeEvent']) assert.ok(types.includes(t), t);
});

test('a power-on while the host is entering maintenance mode is refused', () => {
  const h = harness('lab-small');
  const host = hostByName(h, 'DC0_C0_H1');
  for (const vm of h.q('inventory.get', {}).vms.filter((v) => v.hostId === host.id && v.powerState === 'poweredOn')) h.run('vm.powerOff', { vmId: vm.id });
  const { taskId } = h.cmd('host.enterMaintenance', { hostId: host.id });
  h.advance(100);
  refused(h.tryCmd('vm.powerOn', { vmId: vmByName(h, 'DC0_C0_H1_VM0').id }), 'E_INVALID_STATE');
  assert.equal(h.finish(taskId).state, 'success');
});

test('clone to a chosen datastore: the clone\'s disks go there; one the host does not reach, an unknown or a full one is refused', () => {
  const h = harness('lab-small');
  const src = vmByName(h, 'DC0_C0_H0_VM0');
  const diskBytes = src.disks.reduce((n, d) => n + d.capacityBytes, 0);
  // A second datastore that only host-2 reaches, room for two clones, added through a saved lab (the
  // scenarios give one per datacenter).
  const state = structuredClone(h.engine.saveState()) as unknown as { registry: { ids: [string, number][]; datastores: Record<string, unknown>[]; hosts: { id: string; datastoreIds: string[] }[] } };
  const reg = state.registry;
  const counter = reg.ids.find(([k]) => k === 'datastore')!;
  const dsId = `datastore-${++counter[1]}`;
  reg.datastores.push({ ...reg.datastores[0], id: dsId, name: 'DC0_datastore2', capacityBytes: 2 * diskBytes + 1, hostIds: ['host-2'] });
  reg.hosts.find((x) => x.id === 'host-2')!.datastoreIds.push(dsId);
  assert.equal(h.engine.loadState(state as never), undefined);

  const before = h.q('inventory.get', {}).datastores.find((d) => d.id === dsId)!;
  const t = h.run('vm.clone', { vmId: src.id, name: 'on-ds2', hostId: 'host-2', datastoreId: dsId as `datastore-${number}` });
  const clone = h.q('vm.get', { vmId: (t.result as { vmId: `vm-${number}` }).vmId });
  assert.deepEqual(clone.disks.map((d) => d.datastoreId), [dsId]);
  const after = h.q('inventory.get', {}).datastores.find((d) => d.id === dsId)!;
  assert.equal(after.provisionedBytes - before.provisionedBytes, clone.disks[0].capacityBytes, 'the clone is counted on the chosen datastore');

  refused(h.tryCmd('vm.clone', { vmId: src.id, name: 'x1', hostId: 'host-1', datastoreId: dsId as `datastore-${number}` }), 'E_INVALID_ARGUMENT', 'params.datastoreId');
  refused(h.tryCmd('vm.clone', { vmId: src.id, name: 'x2', hostId: 'host-2', datastoreId: 'datastore-99' }), 'E_NOT_FOUND', 'params.datastoreId');
  // The datastore holds two clones: the second fits, the third is refused.
  h.run('vm.clone', { vmId: src.id, name: 'second', hostId: 'host-2', datastoreId: dsId as `datastore-${number}` });
  refused(h.tryCmd('vm.clone', { vmId: src.id, name: 'x3', hostId: 'host-2', datastoreId: dsId as `datastore-${number}` }), 'E_INSUFFICIENT_RESOURCES', 'params.datastoreId');
  const plain = h.run('vm.clone', { vmId: src.id, name: 'default-ds', hostId: 'host-2' });
  assert.deepEqual(h.q('vm.get', { vmId: (plain.result as { vmId: `vm-${number}` }).vmId }).disks.map((d) => d.datastoreId), [reg.datastores[0].id], 'without datastoreId: the host\'s first');
});
