// Snapshots through the contract: take (with / without memory), revert (exact continuation), delete one
// (consolidated), delete all, edit, the tree with "you are here", and the typed refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, vmByName } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';

const SCENARIO = {
  version: 1, name: 'snap', title: 'snapshots',
  datacenters: [{
    hosts: [{ name: 'h1', coresPerSocket: 4, cpuMhz: 100 }],
    vms: [
      { name: 'app', host: 'h1', vcpus: 2, workload: 'cpu', workloadParams: { writeEvery: 5000, ioEvery: 100_000, instrCycles: 7 }, powerOn: true },
      { name: 'cold', host: 'h1', workload: 'io' },
    ],
  }],
};

interface VmDigest { id: string; guest: { digest: string; clockNs: number } | null; disks: string[]; offsetNs: number }
const state = (h: Harness, vmId: string): VmDigest => (h.engine.digestInput() as { vms: VmDigest[] }).vms.find((v) => v.id === vmId)!;

/** Runs a task-starting command, stepping 10 ms at a time; returns the virtual time it completed at. */
function complete(h: Harness, taskId: string): { at: number; result: unknown } {
  const t = h.finish(taskId);
  assert.equal(t.state, 'success', t.error?.message);
  return { at: t.completedAtMs!, result: t.result };
}

test('snapshot → run → revert → run gives the same state digest as running on from the snapshot point', () => {
  const h = harness(SCENARIO);
  const vm = vmByName(h, 'app');
  h.advance(3_000);
  const taken = complete(h, h.cmd('vm.snapshot.create', { vmId: vm.id, name: 'S', memory: true }).taskId);
  const snapshotId = (taken.result as { snapshotId: `snapshot-${number}` }).snapshotId;
  const X = 4_000;
  h.advance(taken.at + X - h.now());
  const direct = state(h, vm.id);
  assert.ok(direct.guest);
  h.advance(7_000); // the VM goes on and changes (memory, disk, clock)
  assert.notEqual(state(h, vm.id).guest!.digest, direct.guest!.digest);
  const reverted = complete(h, h.cmd('vm.snapshot.revert', { vmId: vm.id, snapshotId }).taskId);
  h.advance(reverted.at + X - h.now());
  const again = state(h, vm.id);
  assert.equal(again.guest!.digest, direct.guest!.digest, 'guest-visible state (registers, memory, clock)');
  assert.equal(again.guest!.clockNs, direct.guest!.clockNs);
  assert.deepEqual(again.disks, direct.disks, 'disk contents');
  assert.equal(vmByName(h, 'app').currentSnapshotId, snapshotId);
});

test('memory snapshot: reverting restores the powered-on guest at the captured state; tree and VmDto follow', () => {
  const h = harness(SCENARIO);
  const vm = vmByName(h, 'app');
  h.advance(2_000);
  const s1 = complete(h, h.cmd('vm.snapshot.create', { vmId: vm.id, name: 'one', description: 'first' }).taskId);
  const id1 = (s1.result as { snapshotId: `snapshot-${number}` }).snapshotId;
  h.advance(2_000);
  const s2 = complete(h, h.cmd('vm.snapshot.create', { vmId: vm.id, name: 'two', memory: false }).taskId);
  const id2 = (s2.result as { snapshotId: `snapshot-${number}` }).snapshotId;
  const tree = h.q('vm.snapshot.tree', { vmId: vm.id });
  assert.deepEqual(tree.rootIds, [id1]);
  assert.equal(tree.currentSnapshotId, id2);
  const one = tree.snapshots.find((s) => s.id === id1)!;
  const two = tree.snapshots.find((s) => s.id === id2)!;
  assert.deepEqual([one.memory, one.powerState, one.description, one.childIds], [true, 'poweredOn', 'first', [id2]]);
  assert.deepEqual([two.memory, two.powerState, two.parentId], [false, 'poweredOff', id1], 'a non-memory snapshot reverts to powered off');
  assert.ok(one.sizeBytes > 0);
  // The size in parts (vim25's layoutEx files): the memory file and each disk's own delta add up to it.
  for (const s of [one, two]) {
    assert.equal(s.diskDeltaBytes?.length, vm.disks.length);
    assert.equal((s.memoryBytes ?? NaN) + s.diskDeltaBytes!.reduce((a, b) => a + b, 0), s.sizeBytes, s.name);
  }
  assert.ok(one.memoryBytes! > 0, 'a memory snapshot has a memory file');
  assert.equal(two.memoryBytes, 0);
  const dto = vmByName(h, 'app');
  assert.deepEqual([dto.snapshotCount, dto.currentSnapshotId], [2, id2]);
  // Revert to the non-memory snapshot: powered off, disk as it was.
  complete(h, h.cmd('vm.snapshot.revert', { vmId: vm.id, snapshotId: id2 }).taskId);
  assert.equal(vmByName(h, 'app').powerState, 'poweredOff');
  // Revert to the memory snapshot: powered on again.
  complete(h, h.cmd('vm.snapshot.revert', { vmId: vm.id, snapshotId: id1 }).taskId);
  assert.equal(vmByName(h, 'app').powerState, 'poweredOn');
  assert.equal(h.q('vm.snapshot.tree', { vmId: vm.id }).currentSnapshotId, id1);
  assert.ok(h.q('events.list', { entityId: vm.id }).some((e) => e.type === 'com.vmware.vc.vm.VmStateRevertedToSnapshot'));
  // Taking a snapshot now branches the tree under "one".
  const s3 = complete(h, h.cmd('vm.snapshot.create', { vmId: vm.id, name: 'three' }).taskId);
  const id3 = (s3.result as { snapshotId: `snapshot-${number}` }).snapshotId;
  assert.deepEqual(h.q('vm.snapshot.tree', { vmId: vm.id }).snapshots.find((s) => s.id === id1)!.childIds, [id2, id3]);
});

test('deleting a snapshot consolidates it: the live state and every other snapshot stay exactly as they were', () => {
  const h = harness(SCENARIO);
  const vm = vmByName(h, 'app');
  const ids: `snapshot-${number}`[] = [];
  const disksAt: string[][] = [];
  for (const name of ['a', 'b', 'c']) {
    h.advance(3_000);
    const r = complete(h, h.cmd('vm.snapshot.create', { vmId: vm.id, name, memory: false }).taskId);
    ids.push((r.result as { snapshotId: `snapshot-${number}` }).snapshotId);
  }
  h.run('vm.powerOff', { vmId: vm.id });
  const live = state(h, vm.id).disks;
  for (const id of ids) {
    complete(h, h.cmd('vm.snapshot.revert', { vmId: vm.id, snapshotId: id }).taskId);
    disksAt.push(state(h, vm.id).disks);
  }
  assert.notDeepEqual(disksAt[0], disksAt[2], 'the snapshots differ');
  complete(h, h.cmd('vm.snapshot.revert', { vmId: vm.id, snapshotId: ids[2] }).taskId);
  const before = state(h, vm.id).disks;
  complete(h, h.cmd('vm.snapshot.remove', { vmId: vm.id, snapshotId: ids[1] }).taskId);
  assert.deepEqual(state(h, vm.id).disks, before, 'live state unchanged');
  complete(h, h.cmd('vm.snapshot.revert', { vmId: vm.id, snapshotId: ids[2] }).taskId);
  assert.deepEqual(state(h, vm.id).disks, disksAt[2], 'the child of the deleted snapshot is unchanged');
  complete(h, h.cmd('vm.snapshot.revert', { vmId: vm.id, snapshotId: ids[0] }).taskId);
  assert.deepEqual(state(h, vm.id).disks, disksAt[0], 'the parent is unchanged');
  const tree = h.q('vm.snapshot.tree', { vmId: vm.id });
  assert.deepEqual(tree.snapshots.map((s) => s.name), ['a', 'c']);
  assert.equal(tree.snapshots.find((s) => s.name === 'c')!.parentId, ids[0]);
  // Delete All: no snapshots left, current state kept.
  const keep = state(h, vm.id).disks;
  complete(h, h.cmd('vm.snapshot.removeAll', { vmId: vm.id }).taskId);
  const after = h.q('vm.snapshot.tree', { vmId: vm.id });
  assert.deepEqual([after.snapshots.length, after.currentSnapshotId], [0, undefined]);
  assert.deepEqual(state(h, vm.id).disks, keep);
  assert.equal(vmByName(h, 'app').snapshotCount, 0);
  void live;
});

test('edit renames a snapshot; typed refusals change nothing', () => {
  const h = harness(SCENARIO);
  const app = vmByName(h, 'app');
  const cold = vmByName(h, 'cold');
  const bad = h.tryCmd('vm.snapshot.create', { vmId: cold.id, name: 'm', memory: true });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual([bad.error.code, bad.error.field], ['E_INVALID_STATE', 'params.memory']);
  const q = h.tryCmd('vm.snapshot.create', { vmId: app.id, name: 'q', memory: true, quiesce: true });
  if (!q.ok) assert.equal(q.error.field, 'params.quiesce'); else assert.fail('quiesce with memory must be refused');
  const nf = h.tryCmd('vm.snapshot.revert', { vmId: app.id, snapshotId: 'snapshot-99' });
  if (!nf.ok) assert.deepEqual([nf.error.code, nf.error.field], ['E_NOT_FOUND', 'params.snapshotId']); else assert.fail();
  const r = complete(h, h.cmd('vm.snapshot.create', { vmId: cold.id, name: 'cold-1' }).taskId);
  const id = (r.result as { snapshotId: `snapshot-${number}` }).snapshotId;
  assert.equal(h.q('vm.snapshot.tree', { vmId: cold.id }).snapshots[0].memory, false, 'memory defaults to off for a powered-off VM');
  h.cmd('vm.snapshot.edit', { vmId: cold.id, snapshotId: id, name: 'renamed', description: 'd' });
  const s = h.q('vm.snapshot.tree', { vmId: cold.id }).snapshots[0];
  assert.deepEqual([s.name, s.description], ['renamed', 'd']);
  assert.equal(h.q('vm.snapshot.tree', { vmId: app.id }).snapshots.length, 0);
});

test('taking a memory snapshot costs the same virtual time for a 64 MiB and a 4 GiB VM (copy-on-write)', () => {
  const h = harness({
    version: 1, name: 'sizes', title: 'sizes',
    datacenters: [{ hosts: [{ name: 'h1', cpuMhz: 100 }], vms: [
      { name: 'small', host: 'h1', memoryMiB: 64, workload: 'memwrite', powerOn: true },
      { name: 'large', host: 'h1', memoryMiB: 4096, workload: 'memwrite', powerOn: true },
    ] }],
  }, 7);
  h.advance(1_000);
  const dur = (name: string) => {
    const t = h.finish(h.cmd('vm.snapshot.create', { vmId: vmByName(h, name).id, name: 's', memory: true }).taskId);
    return t.completedAtMs! - t.startedAtMs!;
  };
  const small = dur('small');
  const large = dur('large');
  assert.ok(Math.abs(small - large) <= 0.2 * 800, `${small} ms vs ${large} ms`);
});
