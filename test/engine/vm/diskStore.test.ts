// The disks a host's side holds (vm/diskStore.ts): a VM's live chains and its snapshots' layer chains
// leave a store and arrive in another as one plain state, through structuredClone, reading the same
// blocks and still sharing their layers (the second take's table is no larger than the first); Take
// Snapshot seals every disk and Revert rebuilds the live disks on a snapshot's chains; a bad state or an
// unknown VM or snapshot is refused naming it, the store unchanged. Through the owner's checked loopback
// (every value plain, then structuredClone), `putDisks` / `takeDisks` move the disks, and the host's
// side builds machines on the held disk while it holds it, on the port's disk otherwise. Delete (one
// snapshot, an ancestor, with and without its children) and Delete All on a store leave the contents and
// layer sharing the coordinator's snapshot tree and live chains do, fed the same writes, seals and reverts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostId, SnapshotId, VmId } from '../../../src-shared/model/ids';
import { DiskStore, HostOwner, checkedLoopback, ownerClient, plainCheck } from '../../../src-main/engine/vm/index';
import { HostSide, type HostSidePorts } from '../../../src-main/engine/host/index';
import { DiskChain, exportDisks, SnapshotTree, type DiskChainsState, type DiskLayer } from '../../../src-main/engine/snapshot/index';
import { DISK_BLOCK_BYTES } from '../../../src-main/engine/params';

const VM = 'vm-1' as VmId;
const S1 = 'snapshot-1' as SnapshotId;
const S2 = 'snapshot-2' as SnapshotId;
const MiB = 1024 * 1024;

const block = (fill: number): Uint8Array => new Uint8Array(DISK_BLOCK_BYTES).fill(fill);
const readFill = (disk: { read(b: number, out: Uint8Array): void } | undefined, b: number): number => {
  assert.ok(disk, 'a disk is held');
  const out = new Uint8Array(DISK_BLOCK_BYTES);
  disk.read(b, out);
  return out[0];
};

/** A store holding VM's two disks: blocks 0 and 1 written before snapshot-1, block 0 rewritten before snapshot-2, block 2 live. */
function storeWithSnapshots(): DiskStore {
  const store = new DiskStore();
  store.put(VM, exportDisks([new DiskChain(8 * MiB), new DiskChain(4 * MiB)]).state);
  const disk = store.disk(VM)!;
  disk.write(0, block(1));
  disk.write(1, block(2));
  assert.deepEqual(store.seal(VM, S1), [2 * DISK_BLOCK_BYTES, 0], 'snapshot-1 seals two blocks of the first disk');
  disk.write(0, block(3));
  store.seal(VM, S2);
  disk.write(2, block(4));
  return store;
}

test('a VM\'s disks cross through structuredClone as one state: same blocks, snapshot layers still shared', () => {
  const from = storeWithSnapshots();
  const state = from.take(VM)!;
  assert.equal(from.has(VM), false, 'taken: gone from the store it left');
  assert.equal(from.take(VM), undefined);
  // live chains: 2 sealed layers (first disk) + 2 (second disk, empty seals) + their 2 tops: each layer once
  assert.equal(state.layers.length, 6);
  const to = new DiskStore();
  to.put(VM, structuredClone(state) as DiskChainsState);
  assert.deepEqual([0, 1, 2, 3].map((b) => readFill(to.disk(VM), b)), [3, 2, 4, 0]);
  assert.deepEqual(to.capacities(VM), [8 * MiB, 4 * MiB]);
  const again = to.take(VM)!;
  assert.equal(again.layers.length, state.layers.length, 'the snapshots\' chains still share the live chains\' layers');
  assert.deepEqual(again.extra.map(([k]) => k), [S1, S2]);
});

test('revert rebuilds the live disks on a snapshot\'s chains, with empty tops; the snapshot stays', () => {
  const store = storeWithSnapshots();
  store.revert(VM, S1, [8 * MiB, 4 * MiB]);
  assert.deepEqual([0, 1, 2].map((b) => readFill(store.disk(VM), b)), [1, 2, 0]);
  store.disk(VM)!.write(1, block(9));
  store.revert(VM, S2, [8 * MiB, 4 * MiB]);
  assert.deepEqual([0, 1, 2].map((b) => readFill(store.disk(VM), b)), [3, 2, 0], 'a write after a revert touches no snapshot');
  store.forgetSnapshot(VM, S1);
  assert.throws(() => store.revert(VM, S1, []), /has no snapshot snapshot-1/);
});

test('bad input is refused naming it, the store unchanged', () => {
  const store = storeWithSnapshots();
  assert.throws(() => store.seal(VM, S1), /already has snapshot snapshot-1/);
  assert.throws(() => store.seal('vm-2' as VmId, S1), /holds no disks of vm-2/);
  const bad: DiskChainsState = { layers: [], disks: [{ capacityBytes: MiB, chain: [0], top: 0 }], extra: [] };
  assert.throws(() => store.put(VM, bad), /disks\[0\] names layer 0/);
  const twice: DiskChainsState = { layers: [new Map()], disks: [], extra: [['s', [[0]]], ['s', [[0]]]] };
  assert.throws(() => store.put(VM, twice), /names snapshot s twice/);
  assert.equal(readFill(store.disk(VM), 2), 4, 'the VM\'s disks are the ones held before');
});

test('through the owner\'s checked loopback, putDisks / takeDisks move the disks and the side builds on the held disk', () => {
  const portDisk = new DiskChain(MiB);
  portDisk.write(0, block(7));
  const ports: HostSidePorts = { guestFactory: undefined, pageCodecs: undefined, disk: () => portDisk };
  const hostId = 'host-1' as HostId;
  const side = new HostSide({ hostId, name: 'esx-1', cpu: { sockets: 1, coresPerSocket: 2, threadsPerCore: 1, cpuMhz: 2000 }, memoryBytes: 4096 * MiB, reclaimSeed: 1 }, ports);
  const check = plainCheck([]);
  const client = ownerClient(hostId, checkedLoopback(check, (v, transfer) => structuredClone(v, { transfer }))(new HostOwner(hostId, side)));
  assert.equal(readFill(side.disk(VM), 0), 7, 'no disks held: the port\'s');
  client.putDisks(VM, storeWithSnapshots().take(VM)!);
  assert.equal(readFill(side.disk(VM), 0), 3, 'held: the store\'s live disk');
  const back = client.takeDisks(VM);
  assert.ok(back);
  assert.equal(back.extra.length, 2);
  assert.equal(readFill(side.disk(VM), 0), 7, 'taken: the port\'s again');
  assert.equal(client.takeDisks(VM), undefined);
  assert.deepEqual(check.refused, []);
  assert.deepEqual([...check.calls.keys()].sort(), ['putDisks', 'takeDisks']);
});

/** Contents of a disks state: the layer table as sorted block fills, the chains as indices (sharing shows as equal indices). */
function contents(state: DiskChainsState): unknown {
  return {
    layers: state.layers.map((l) => [...l].sort((a, b) => a[0] - b[0]).map(([k, v]) => [k, v[0]])),
    disks: state.disks, extra: state.extra,
  };
}

const CAPS = [8 * MiB, 4 * MiB];

/** The coordinator's way (a snapshot tree and live chains) and a host store's, fed the same writes (to the first disk), snapshots and reverts. */
class BothWays {
  readonly tree = new SnapshotTree();
  readonly store = new DiskStore();
  live = CAPS.map((c) => new DiskChain(c));

  constructor() { this.store.put(VM, exportDisks(this.live).state); }

  write(b: number, fill: number): this {
    this.live[0].write(b, block(fill));
    this.store.disk(VM)!.write(b, block(fill));
    return this;
  }

  take(id: string): this {
    const disks = this.live.map((d) => { d.seal(); return d.chain(); });
    this.tree.add({ id: id as SnapshotId, name: id, description: '', createdAtMs: 0, memory: false, quiesced: false, powerState: 'poweredOff', config: {} as never, capture: undefined, disks });
    this.store.seal(VM, id as SnapshotId);
    return this;
  }

  revert(id: string): this {
    this.live = this.tree.get(id as SnapshotId)!.disks.map((c, i) => DiskChain.onChain(CAPS[i], c));
    this.tree.currentId = id as SnapshotId;
    this.store.revert(VM, id as SnapshotId, CAPS);
    return this;
  }

  /** Both as one disks state each (the tree's snapshots in its order, the store's in its own). */
  states(): [unknown, unknown] {
    const coordinator = exportDisks(this.live, [...this.tree.nodes.values()].map((n) => [n.id, n.disks] as [string, DiskLayer[][]])).state;
    const host = this.store.take(VM)!;
    this.store.put(VM, host);
    return [contents(coordinator), contents(host)];
  }
}

/** A tree: s1 ← s2 ← s3, and s4 under s1 (taken after reverting to s1), with writes between. */
function branched(): BothWays {
  return new BothWays().write(0, 1).write(1, 2).take('s1').write(0, 3).take('s2').write(2, 4).take('s3').revert('s1').write(1, 5).take('s4').write(3, 6);
}

test('Delete on a host\'s store consolidates as the snapshot tree does: same contents, same sharing', () => {
  for (const [id, children, doomed] of [['s1', false, ['s1']], ['s2', false, ['s2']], ['s2', true, ['s2', 's3']], ['s1', true, ['s1', 's2', 's4', 's3']]] as const) {
    const both = branched();
    const [before] = both.states();
    const live = both.tree.remove(id as SnapshotId, children, both.live.map((x) => x.chain()));
    both.live.forEach((d, i) => d.replaceChain(live[i]));
    both.store.remove(VM, doomed.map((d) => d as SnapshotId));
    const [coordinator, host] = both.states();
    assert.deepEqual(host, coordinator, `delete ${id}${children ? ' with its children' : ''}`);
    assert.notDeepEqual(coordinator, before, 'the delete changed the chains');
  }
});

test('Delete All on a host\'s store commits the live chains as the snapshot tree does', () => {
  const both = branched();
  const live = both.tree.removeAll(both.live.map((d) => d.chain()));
  both.live.forEach((d, i) => d.replaceChain(live[i]));
  both.store.removeAll(VM);
  const [coordinator, host] = both.states();
  assert.deepEqual(host, coordinator);
  assert.equal((host as { extra: unknown[] }).extra.length, 0);
  assert.throws(() => both.store.remove(VM, ['s1' as SnapshotId]), /has no snapshot s1/);
});
