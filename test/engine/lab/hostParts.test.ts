// Save, digest and restore assembled from each host's part (vm/hostParts.ts, HostOwner.digestPart /
// savePart / restorePart): a lab with a pre-copy and a post-copy migration in flight, a memory snapshot,
// a suspended VM and a host reclaiming memory (pages away, hashed as their contents) gives, with every part
// sent through a real MessageChannel (a structured clone made by Node), the saved lab and the digests it gave
// with the parts handed over in the same thread, and the ones main gave when the digest and save read every
// guest machine and scheduler directly (pinned from that code): before the save, after a restore and
// as the restored lab runs on (the post-copy completes on load, the pre-copy rolls back).
// The coordinator holds no host's side: walking the busy lab's fields (its owners excepted), and the restored
// lab's, finds no scheduler, memory pool, guest machine, reclaimer, capture store or dirty-log share (host/hostSide.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { API_VERSION } from '../../../src-shared/api/channels';
import type { VmId } from '../../../src-shared/model/ids';
import { Lab, digestInput, type LabState } from '../../../src-main/engine/lab/index';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import { sameThread, type HostPartTransport } from '../../../src-main/engine/vm/index';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { canonicalBytes as bytes } from '../../helpers/canonicalBytes';
import { channelTransport } from '../../helpers/partChannel';
import { PARTS_SCENARIO as SCENARIO } from '../../helpers/pinnedLabs';
import { guestOf, hostScheduler } from '../../helpers/hostSides';
import { HostOwner } from '../../../src-main/engine/vm/index';
import { CaptureStore } from '../../../src-main/engine/vm/captureStore';
import { HostScheduler } from '../../../src-main/engine/scheduler/index';
import { HostMemory } from '../../../src-main/engine/memory/index';
import { Machine } from '../../../src-main/engine/machine/index';
import { HostReclaimer, HostReclamation, ReclaimViewCopy } from '../../../src-main/engine/overcommit/index';
import { HostSide } from '../../../src-main/engine/host/index';
import { FakeGuest } from '../../helpers/fakeGuest';
import { DirtyLogShare } from '../../../src-main/engine/vm/dirtyLogShare';
import { DirtyLogShares } from '../../../src-main/engine/vm/dirtyLogShares';

const sha = (x: Uint8Array | string): string => createHash('sha256').update(x).digest('hex').slice(0, 16);
const digestOf = (lab: Lab): string => sha(JSON.stringify(digestInput(lab)));

function command(lab: Lab, name: string, params: object): void {
  const r = dispatch(lab, { v: API_VERSION, id: 1, kind: 'command', name, params } as never, 'test');
  assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
}

function options(transport: HostPartTransport): ConstructorParameters<typeof Lab>[3] {
  return { guestFactory: fakeGuestFactory, commands: dispatch, hostPartTransport: transport };
}

/**
 * The lab at 3.1 virtual s: vm1 (pages away on H0) in pre-copy to H2, vm5 in post-copy to H2 (switched, its
 * pages still arriving), vm4's memory snapshot taken, vm3 suspended.
 */
function busyLab(transport: HostPartTransport): Lab {
  const lab = new Lab(SCENARIO as never, 1, () => {}, options(transport));
  const vm = (n: string): VmId => lab.reg.vmByName(n)!.id;
  const host = (n: string): string => lab.reg.hostByName(n)!.id;
  lab.advance(1000);
  command(lab, 'vm.snapshot.create', { vmId: vm('vm4'), name: 's1', memory: true });
  command(lab, 'vm.suspend', { vmId: vm('vm3') });
  lab.advance(1500);
  command(lab, 'vm.migrate', { vmId: vm('vm1'), hostId: host('H2'), options: { bandwidthBytesPerS: 262144 } });
  command(lab, 'vm.migrate', { vmId: vm('vm5'), hostId: host('H2'), options: { mode: 'postcopy', bandwidthBytesPerS: 262144 } });
  lab.advance(600);
  return lab;
}

/** What main's save held for the guests and schedulers, read from the machines and schedulers directly. */
function directParts(lab: Lab): { guests: [VmId, unknown][]; schedulers: [string, unknown][] } {
  return {
    guests: [...lab.runtimes.keys()].filter((id) => guestOf(lab, id)).map((id) => [id, guestOf(lab, id)!.save()]),
    schedulers: [...lab.owners.keys()].map((id) => [id, hostScheduler(lab, id)!.save()]),
  };
}

interface Run { before: string; save: string; restored: string[] }

/** The busy lab's digest and save, then a lab restored from that save through `transport`, run on. */
function run(transport: HostPartTransport, setTransport: (lab: Lab) => void = () => {}): Run & { saved: LabState } {
  const lab = busyLab(sameThread);
  setTransport(lab);
  const before = digestOf(lab);
  const saved = lab.save();
  const save = bytes(saved);
  const restored = Lab.restore(saved, () => {}, options(transport));
  const got = [digestOf(restored)];
  for (const ms of [50, 500, 1500]) { restored.advance(ms); got.push(digestOf(restored)); }
  // the restored lab's disks are its own: running it writes nothing into the state it was restored from
  assert.equal(bytes(saved), save, 'the saved state is unchanged by the lab restored from it');
  return { before, save, restored: got, saved };
}

// main's figures (the digest and save reading every machine and scheduler directly), pinned from that code;
// the save's bytes read right after the save (main's pin read them after the restored lab had run, which
// then still wrote into the saved state's disk blocks: its disks shared their writable blocks with it)
const PINNED: Run = {
  before: '0cb36b5d4b792408', save: '5e4b443405742fa1',
  restored: ['35982cbf4a1d6db0', '101eeb06517b6fed', '9a3e541371508a7b', 'bf70d3050085fbdc'],
};

test('the busy lab is what the test needs: migrations in flight (one post-copy), a memory snapshot, a suspended VM, pages away', () => {
  const lab = busyLab(sameThread);
  const tasks = lab.tasks.list(1000).filter((t) => t.name === 'Relocate virtual machine' || /migrat/i.test(t.name));
  assert.ok(tasks.filter((t) => t.state === 'running').length >= 2, JSON.stringify(tasks.map((t) => [t.name, t.state])));
  assert.ok(lab.runtimes.get(lab.reg.vmByName('vm3')!.id)!.suspended, 'vm3 is suspended');
  assert.match(JSON.stringify(lab.runtimes.get(lab.reg.vmByName('vm4')!.id)!.snapshots.toDto(lab.reg.vmByName('vm4')!.id)), /"s1"/, 'vm4 has its snapshot');
  assert.equal(lab.reg.vmByName('vm1')!.hostId, lab.reg.hostByName('H0')!.id, 'the pre-copy has not switched');
  assert.equal(lab.reg.vmByName('vm5')!.hostId, lab.reg.hostByName('H2')!.id, 'the post-copy switched: vm5 runs on H2 while its pages arrive');
  const h0 = lab.reg.hostByName('H0')!.id;
  let away = 0;
  for (const vm of lab.reg.vmsOnHost(h0)) {
    const g = guestOf(lab, vm.id);
    g?.scanPages((gpfn, hfn) => { if (hfn < 0 && lab.owners.get(vm.hostId!)!.reclaimAwayBytes(vm.id, gpfn)) away++; });
  }
  assert.ok(away > 100, `H0's reclamation holds pages of its guests (${away})`);
});

test('save and digest through parts sent over a MessageChannel equal the direct ones, byte for byte', () => {
  const lab = busyLab(sameThread);
  const direct = directParts(lab);
  const directDigest = digestOf(lab);
  const ch = channelTransport();
  lab.hostParts = ch.send;
  const viaChannel = lab.save();
  assert.equal(digestOf(lab), directDigest, 'the digest through the channel');
  assert.equal(ch.sent(), 2 * lab.owners.size, 'one save part and one digest part per host');
  lab.hostParts = sameThread;
  const inThread = lab.save();
  assert.deepEqual(viaChannel, inThread);
  assert.deepEqual(inThread.guests, direct.guests, 'the guests in the lab\'s runtime order, as main saved them');
  assert.deepEqual(inThread.schedulers, direct.schedulers, 'the schedulers in host order');
  assert.equal(bytes(viaChannel), bytes({ ...inThread, ...direct }), 'the saved lab\'s bytes');
  ch.close();
});

test('digests and save through a MessageChannel, and a restore from its parts, are the ones main gave (pinned)', () => {
  const ch = channelTransport();
  const { saved, ...got } = run(ch.send, (lab) => { lab.hostParts = ch.send; });
  const { saved: savedInThread, ...inThread } = run(sameThread);
  assert.deepEqual(saved, savedInThread, 'the saved lab through the channel is the one saved in one thread');
  assert.deepEqual(inThread, PINNED, `the run's figures in one thread:\n${JSON.stringify(inThread)}`);
  assert.deepEqual(got, PINNED, `the run's figures through the channel:\n${JSON.stringify(got)}`);
  ch.close();
});


/** A host-side object anywhere in `x` (class instances, arrays, maps, plain objects), not crossing a `HostOwner`; its path or undefined. */
function hostSideObject(x: unknown, path: string, seen = new Set<unknown>()): string | undefined {
  if (!x || typeof x !== 'object' || seen.has(x) || x instanceof HostOwner || ArrayBuffer.isView(x)) return undefined;
  seen.add(x);
  const held = [HostScheduler, HostMemory, Machine, FakeGuest, HostReclaimer, HostReclamation, ReclaimViewCopy, CaptureStore, HostSide, DirtyLogShare, DirtyLogShares];
  if (held.some((c) => x instanceof c)) return `${path} (${x.constructor.name})`;
  const entries: [string, unknown][] = x instanceof Map ? [...x].map(([k, v]) => [String(k), v])
    : x instanceof Set ? [...x].map((v, i) => [String(i), v]) : Object.entries(x);
  for (const [k, v] of entries) {
    const found = hostSideObject(v, `${path}.${k}`, seen);
    if (found) return found;
  }
  return undefined;
}

/** The lab's own fields, its owners left out (they are the seam: the host's side is behind them). */
function coordinatorHolds(lab: Lab): string | undefined {
  const seen = new Set<unknown>([lab.owners]);
  for (const [k, v] of Object.entries(lab)) {
    const found = hostSideObject(v, `lab.${k}`, seen);
    if (found) return found;
  }
  return undefined;
}

test('the coordinator holds no host\'s side: no scheduler, pool, guest machine, reclaimer, capture store or dirty-log share outside the owners', () => {
  const lab = busyLab(sameThread);
  assert.ok([...lab.owners.values()].some((o) => o.reclaimer()), 'a host reclaims memory');
  assert.ok([...lab.owners.values()].some((o) => o.captureCount() > 0), 'a host holds captures');
  assert.equal(coordinatorHolds(lab), undefined);
  const restored = Lab.restore(lab.save(), () => {}, options(sameThread));
  restored.advance(500);
  assert.equal(coordinatorHolds(restored), undefined, 'the restored lab: each host\'s side rebuilt behind its owner');
  // the walk finds them where they are: behind the owners
  const behind = hostSideObject({ env: (lab.owners.values().next().value as unknown as { env: unknown }).env }, 'owner');
  assert.match(behind ?? '', /\(HostSide\)$/, 'the walk finds a host\'s side behind an owner');
});
