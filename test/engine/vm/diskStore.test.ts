// The live disks a host's side holds (vm/diskStore.ts), lent by the coordinator (vm/diskPlace.ts): put as
// plain data they read the blocks they were lent with, a snapshot's seal hands back the sealed layers and
// starts empty tops, tops and take give copies (a write after them does not reach what they gave, and what
// they gave does not change the disk), take lets the VM's disks go; a bad state or an unknown VM is refused
// naming it, the store unchanged. Through the owner's checked loopback (every value plain, then
// structuredClone) `takeDisks` / `diskTops` / `sealDisks` answer the same, and a machine that runs is built
// only on disks the host holds: a start whose order carried none fails naming the VM, never on an empty disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostId, VmId } from '../../../src-shared/model/ids';
import { DiskStore, HostOwner, checkedLoopback, ownerClient, plainCheck } from '../../../src-main/engine/vm/index';
import { HostSide } from '../../../src-main/engine/host/index';
import { DiskChain, exportDisks, type DiskChainsState, type DiskLayer } from '../../../src-main/engine/snapshot/index';
import { DISK_BLOCK_BYTES } from '../../../src-main/engine/params';
import { fakeGuestFactory } from '../../helpers/fakeGuest';

const VM = 'vm-1' as VmId;
const MiB = 1024 * 1024;

const block = (fill: number): Uint8Array => new Uint8Array(DISK_BLOCK_BYTES).fill(fill);
const readFill = (disk: { read(b: number, out: Uint8Array): void } | undefined, b: number): number => {
  assert.ok(disk, 'a disk is held');
  const out = new Uint8Array(DISK_BLOCK_BYTES);
  disk.read(b, out);
  return out[0];
};
const fills = (layer: DiskLayer): [number, number][] => [...layer].sort((a, b) => a[0] - b[0]).map(([k, v]) => [k, v[0]]);

/** Two disks as the coordinator lends them: the first with a sealed layer (blocks 0, 1) and a top (block 0 again). */
function lent(): DiskChainsState {
  const first = new DiskChain(8 * MiB);
  first.write(0, block(1));
  first.write(1, block(2));
  first.seal();
  first.write(0, block(3));
  return exportDisks([first, new DiskChain(4 * MiB)]);
}

test('lent disks read what they were lent with; seal, tops and take give the tops as copies', () => {
  const store = new DiskStore();
  store.put(VM, structuredClone(lent()));
  assert.deepEqual([0, 1, 2].map((b) => readFill(store.disk(VM), b)), [3, 2, 0]);
  store.disk(VM)!.write(2, block(4));
  const tops = store.tops(VM);
  assert.deepEqual(tops.map(fills), [[[0, 3], [2, 4]], []]);
  store.disk(VM)!.write(2, block(5));
  (tops[0].get(0) as Uint8Array).fill(9);
  assert.deepEqual(fills(tops[0]), [[0, 9], [2, 4]], 'a later write does not reach the copy');
  assert.equal(readFill(store.disk(VM), 0), 3, 'and the copy does not change the disk');
  const sealed = store.seal(VM);
  assert.deepEqual(sealed.map(fills), [[[0, 3], [2, 5]], []], 'Take Snapshot: the writable layers, sealed');
  assert.deepEqual(store.tops(VM).map(fills), [[], []], 'the tops start empty');
  store.disk(VM)!.write(7, block(6));
  assert.deepEqual(fills(sealed[0]), [[0, 3], [2, 5]], 'a write after the seal leaves the sealed layer alone');
  assert.deepEqual(store.take(VM)!.map(fills), [[[7, 6]], []]);
  assert.equal(store.has(VM), false, 'taken: gone from the store');
  assert.equal(store.take(VM), undefined);
});

test('bad input is refused naming it, the store unchanged', () => {
  const store = new DiskStore();
  store.put(VM, lent());
  const bad: DiskChainsState = { layers: [], disks: [{ capacityBytes: MiB, chain: [0], top: 0 }] };
  assert.throws(() => store.put(VM, bad), /disks\[0\] names layer 0, but the table has 0/);
  assert.throws(() => store.seal('vm-2' as VmId), /holds no disks of vm-2/);
  assert.throws(() => store.tops('vm-2' as VmId), /holds no disks of vm-2/);
  assert.equal(readFill(store.disk(VM), 0), 3, 'the VM\'s disks are the ones held before');
});

test('through the owner\'s checked loopback: the disks come with the start, answer takeDisks / diskTops / sealDisks, and no machine runs without them', () => {
  const hostId = 'host-1' as HostId;
  const side = new HostSide({ hostId, name: 'esx-1', cpu: { sockets: 1, coresPerSocket: 2, threadsPerCore: 1, cpuMhz: 2000 }, memoryBytes: 4096 * MiB, reclaimSeed: 1 },
    { guestFactory: fakeGuestFactory, pageCodecs: undefined });
  const check = plainCheck([]);
  const client = ownerClient(hostId, checkedLoopback(check, (v, transfer) => structuredClone(v, { transfer }))(new HostOwner(hostId, side)));
  const order = (vmId: VmId, disks?: DiskChainsState) => ({
    vmId, order: 1, overheadFrames: 64, policy: { shares: 1000, reservationMhz: 0, limitMhz: -1 } as never, nowNs: 0, offsetNs: 0, hostClockHz: 2e9, seed: 1, reclaimSeed: 1,
    config: { vmId, name: vmId, vcpus: 1, memoryBytes: 64 * MiB, workload: 'idle', workloadParams: {}, monitor: 'interp', nowNs: 0 } as never,
    ...(disks ? { disks } : {}),
  });
  const none = client.start(order('vm-2' as VmId));
  assert.equal(none.ok, false);
  assert.match(!none.ok && none.reason === 'guestFailed' ? none.message : '', /holds no disks of vm-2: its order carried none/);
  const started = client.start(order(VM, lent()));
  assert.ok(started.ok, JSON.stringify(started));
  assert.equal(readFill(side.disks().disk(VM), 0), 3, 'the machine\'s disk is the one lent with the order');
  assert.deepEqual(client.diskTops(VM).map(fills), [[[0, 3]], []]);
  assert.deepEqual(client.sealDisks(VM).map(fills), [[[0, 3]], []]);
  assert.deepEqual(client.takeDisks(VM)!.map(fills), [[], []]);
  assert.equal(client.takeDisks(VM), undefined);
  assert.deepEqual(check.refused, []);
});
