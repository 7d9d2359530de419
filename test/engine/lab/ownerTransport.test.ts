// Every call the lab makes to a host's owner, sent as a message: labs run with `ownerTransport` set to the
// checked loopback (vm/ownerTransport.ts: each call's arguments and reply walked for anything that is not
// plain data, then passed through structuredClone with the buffers a call moves transferred) give the
// digests pinned today — the benchmark-shaped labs of runDigests.test.ts (24 fakeGuest VMs; 8 on a host too
// small for them, memory reclamation hard and low; 8 real labos guests under bt), the busy lab of
// hostParts.test.ts (a memory snapshot, a suspended VM, a pre-copy and a post-copy in flight, a host
// reclaiming, saved and restored), that lab's power operations afterwards (resume, revert, guest shutdown and
// reboot, console input, reset, a CPU shares change, power off: the direct run's digests), and real guests' migrations with
// XBZRLE, compression, dedup (the sender half's port), post-copy and a hybrid (the direct run's digests).
// What is not plain yet is the explicit list NOT_PLAIN_YET (method and field, and why): a part not in it
// refuses the call (NotPlainError), and the last test fails if an entry was never met — the list only
// shrinks. The loopback itself is checked on a stub owner: a buffer that moves is detached on the side it
// left, a class instance or a function is refused, a view of part of a larger buffer crosses as its bytes,
// a callback's ask and answer cross as messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { API_VERSION } from '../../../src-shared/api/channels';
import {
  checkedLoopback, createEngine, NotPlainError, OWNER_METHODS, OWNER_READS, OwnerCallError, plainCheck, type GuestFactory,
} from '../../../src-main/engine/index';
import { CheckedLoopback, ONE_THREAD_READS, type HostOwner } from '../../../src-main/engine/vm/index';
import { Lab, digestInput } from '../../../src-main/engine/lab/index';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { stateDigestsAt } from '../../helpers/stateDigests';
import { FIVE_MOVES_VMS, migLab, startFiveMoves, type MigLab } from '../migration/migrationLab';
import { digestScenario, PARTS_SCENARIO } from '../../helpers/pinnedLabs';

/** The parts of owner calls that are not plain data yet: "method path" (paths as `inspectPlain` names them), and why. */
const NOT_PLAIN_YET: { call: string; why: string }[] = [
];

/** Owner calls no lab here makes (not checked by this test; a capture's export and import to another host, and the
 *  owner's count of its images, go through structuredClone in test/engine/snapshot/capturesOnOwner.test.ts;
 *  `quantumCycles` is read by a host worker itself for the segment's reply, test/main/workers/segmentReplies.test.ts). */
const NOT_EXERCISED = [
  'captureCount', 'drop', 'exportCapture', 'importCapture', 'markCrashed', 'outgoingAway', 'overheadFits', 'quantumCycles',
  'receiverDropHeld', 'receiverHeldPage', 'resume',
];

const check = plainCheck(NOT_PLAIN_YET.map((e) => e.call));
const clone = (v: unknown, transfer: ArrayBuffer[]): unknown => structuredClone(v, { transfer });
const ownerTransport = checkedLoopback(check, clone);

function digests(vms: number, monitor: string, factory: GuestFactory, atMs: number[], hostMemoryGiB?: number): string[] {
  const engine = createEngine({ scenarios: { digests: { file: 'digests', content: digestScenario(vms, monitor, hostMemoryGiB) } }, guestFactory: factory },
    { scenario: 'digests', seed: 1, ownerTransport });
  return stateDigestsAt(engine, atMs).got;
}

test('through the checked loopback, the 24-VM fakeGuest lab gives the digests pinned in runDigests.test.ts', () => {
  assert.deepEqual(digests(24, 'interp', fakeGuestFactory, [5000, 15_000, 25_000, 35_000]), [
    '5s 0a76af23117fa7ac', '15s f66a3a3d6ba3db0c', '25s 04329db696762fa7', '35s cead160fd3764d73',
  ]);
  assert.deepEqual(check.refused, []);
});

test('through the checked loopback, the 8-VM lab on a host too small for it (hard and low) gives its pinned digests', () => {
  assert.deepEqual(digests(8, 'interp', fakeGuestFactory, [2000, 4000, 6000], 0.27), ['2s 0ca2fe90adb65809', '4s c1b12e6e5247710d', '6s 93e1f937045d234b']);
  assert.deepEqual(check.refused, []);
});

test('through the checked loopback, the 8-VM lab of real labos guests under bt gives its pinned digests', () => {
  const real = defaultGuestFactory().factory;
  assert.ok(real, 'the real guest machine is built');
  assert.deepEqual(digests(8, 'bt', real, [2000, 4000, 6000]), ['2s 34145fb56d922dee', '4s 8b59e0e3f3ddaccc', '6s c4af952f7affeb0c']);
  assert.deepEqual(check.refused, []);
});

const sha = (x: string): string => createHash('sha256').update(x).digest('hex').slice(0, 16);
const digestOf = (lab: Lab): string => sha(JSON.stringify(digestInput(lab)));

function command(lab: Lab, name: string, params: object): void {
  const r = dispatch(lab, { v: API_VERSION, id: 1, kind: 'command', name, params } as never, 'test');
  assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
}

/** The busy lab to 3.1 s, saved and restored, run on; then power operations on the restored lab. */
function busyRun(options: ConstructorParameters<typeof Lab>[3]): { before: string; restored: string[]; after: string[] } {
  const lab = new Lab(PARTS_SCENARIO as never, 1, () => {}, options);
  const vm = (l: Lab, n: string): string => l.reg.vmByName(n)!.id;
  lab.advance(1000);
  command(lab, 'vm.snapshot.create', { vmId: vm(lab, 'vm4'), name: 's1', memory: true });
  command(lab, 'vm.suspend', { vmId: vm(lab, 'vm3') });
  lab.advance(1500);
  command(lab, 'vm.migrate', { vmId: vm(lab, 'vm1'), hostId: lab.reg.hostByName('H2')!.id, options: { bandwidthBytesPerS: 262144 } });
  command(lab, 'vm.migrate', { vmId: vm(lab, 'vm5'), hostId: lab.reg.hostByName('H2')!.id, options: { mode: 'postcopy', bandwidthBytesPerS: 262144 } });
  lab.advance(600);
  const before = digestOf(lab);
  const r = Lab.restore(lab.save(), () => {}, options);
  const restored = [digestOf(r)];
  for (const ms of [50, 500, 1500]) { r.advance(ms); restored.push(digestOf(r)); }
  const after: string[] = [];
  const snapshotId = (r.runtimes.get(vm(r, 'vm4') as never)!.snapshots.toDto(vm(r, 'vm4') as never) as { snapshots?: { id: string }[] } & { id?: string });
  command(r, 'vm.powerOn', { vmId: vm(r, 'vm3') });
  command(r, 'vm.console.send', { vmId: vm(r, 'vm6'), text: 'hello\n' });
  command(r, 'vm.shutdownGuest', { vmId: vm(r, 'vm7') });
  command(r, 'vm.rebootGuest', { vmId: vm(r, 'vm2') });
  command(r, 'vm.reset', { vmId: vm(r, 'vm0') });
  command(r, 'vm.reconfigure', { vmId: vm(r, 'vm6'), changes: { cpuShares: 2000 } });
  r.advance(1000);
  after.push(`queued ${[...r.owners.values()].reduce((n, o) => n + o.pendingOrders, 0)}`);
  after.push(digestOf(r));
  command(r, 'vm.snapshot.revert', { vmId: vm(r, 'vm4'), snapshotId: firstSnapshot(snapshotId) });
  command(r, 'vm.powerOff', { vmId: vm(r, 'vm6') });
  r.advance(1000);
  after.push(digestOf(r));
  return { before, restored, after };
}

/** The first snapshot's id in a snapshot tree's DTO. */
function firstSnapshot(dto: unknown): string {
  const m = /"(snapshot-\d+)"/.exec(JSON.stringify(dto));
  assert.ok(m, `a snapshot id in ${JSON.stringify(dto)}`);
  return m[1];
}

test('through the checked loopback, the busy lab (snapshot, suspend, migrations, reclamation) gives hostParts.test.ts\'s pinned digests, saved and restored, and its power operations the direct ones', () => {
  const base = { guestFactory: fakeGuestFactory, commands: dispatch };
  const direct = busyRun(base);
  const looped = busyRun({ ...base, ownerTransport });
  assert.equal(looped.before, '0cb36b5d4b792408');
  assert.deepEqual(looped.restored, ['35982cbf4a1d6db0', '101eeb06517b6fed', '9a3e541371508a7b', 'bf70d3050085fbdc']);
  assert.deepEqual(looped, direct);
  assert.deepEqual(check.refused, []);
});

/** Five migrations of real guests from H0 to H1 (ownerHeldMachines.test.ts's set) to their ends: digests and statistics. */
async function moves(options: Parameters<typeof migLab>[2]): Promise<{ digests: string[]; stats: unknown[] }> {
  const lab: MigLab = await migLab({
    vms: FIVE_MOVES_VMS,
  }, {}, options);
  const digest = (): string => sha(JSON.stringify(lab.engine.digestInput()));
  lab.advance(1500);
  const ids = startFiveMoves(lab);
  const digests = [digest()];
  for (const id of ids) lab.finish(id);
  digests.push(digest());
  lab.advance(500);
  digests.push(digest());
  return { digests, stats: ids.map((id) => lab.q('migration.get', { taskId: id })) };
}

test('through the checked loopback, real guests\' migrations (XBZRLE, compression, dedup, post-copy, a cut, a hybrid) give the direct digests and statistics', async () => {
  const direct = await moves({});
  const before = check.calls.get('openSender') ?? 0;
  const looped = await moves({ ownerTransport });
  assert.equal((check.calls.get('openSender') ?? 0) - before, 5, 'each migration made its sender half through the transport');
  assert.deepEqual(looped, direct);
  assert.deepEqual(check.refused, []);
});

test('the loopback: a moving buffer is detached on the side it left, a class instance or a function is refused, a partial view crosses as its bytes, a callback crosses as messages', () => {
  const local = plainCheck([]);
  let got: unknown[] = [];
  const stub = {
    receiverApply: (...args: unknown[]) => { got = args; return new ArrayBuffer(8); },
    consoleInput: (...args: unknown[]) => { got = args; return true; },
    receiverReadPlace: () => new Uint8Array(new ArrayBuffer(64), 16, 8),
    openSender: (_o: unknown, port: (ask: unknown) => unknown) => { got = [port({ batches: [{ buffer: new ArrayBuffer(4), length: 1 }] })]; },
    start: () => { throw new TypeError('no pool'); },
  };
  const t = new CheckedLoopback(stub as unknown as HostOwner, local, clone);
  const batch = { buffer: new ArrayBuffer(16), length: 2 };
  const reply = t.call('receiverApply', ['vm-1', batch]) as ArrayBuffer;
  assert.equal(batch.buffer.byteLength, 0, 'the batch was transferred: detached here');
  assert.equal((got[1] as { buffer: ArrayBuffer }).buffer.byteLength, 16, 'and arrived whole');
  assert.equal(reply.byteLength, 8);
  class Handle { x = 1; }
  assert.throws(() => t.call('consoleInput', ['vm-1', new Handle()]), (e: unknown) => e instanceof NotPlainError && /consoleInput args\[1\]: Handle/.test(e.message));
  assert.throws(() => t.call('consoleInput', ['vm-1', { f: () => 1 }]), /consoleInput args\[1\]\.f: function/);
  assert.deepEqual(local.refused, ['consoleInput args[1]: Handle', 'consoleInput args[1].f: function']);
  const view = t.call('receiverReadPlace', []) as Uint8Array;
  assert.equal(view.buffer.byteLength, 8, 'a view of 8 bytes crosses as 8 bytes, not its 64-byte buffer');
  let asked: unknown;
  const answer = { bytes: undefined, spare: [new ArrayBuffer(4)] };
  t.call('openSender', [{ members: ['vm-1'] }, (ask: unknown) => { asked = ask; return answer; }]);
  assert.equal(((asked as { batches: { buffer: ArrayBuffer }[] }).batches[0].buffer).byteLength, 4, 'the ask arrived');
  assert.equal(answer.spare[0].byteLength, 0, 'the answer\'s spare buffer was transferred back');
  assert.throws(() => t.call('start', [{}]), (e: unknown) => e instanceof OwnerCallError && e.message === 'no pool' && e.method === 'start');
});

test('what is not plain yet is exactly NOT_PLAIN_YET (a new part refuses its call; an entry no lab met has become plain: remove it), and every other call was made', () => {
  assert.deepEqual(check.refused, [], 'parts refused');
  assert.deepEqual([...check.seen].sort(), NOT_PLAIN_YET.map((e) => e.call).sort(), 'the non-plain parts met');
  // the tests' one-thread reads of the host's objects never cross a transport
  const oneThread = new Set<string>(ONE_THREAD_READS);
  const never = [...OWNER_METHODS, ...OWNER_READS].filter((m) => !check.calls.has(m) && !oneThread.has(m));
  assert.deepEqual(never.sort(), [...NOT_EXERCISED].sort(), 'the owner calls no lab here made');
});
