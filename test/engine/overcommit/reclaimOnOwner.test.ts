// Memory reclamation held by each host's owner (overcommit/hostReclamation.ts, HostOwner's "memory
// reclamation" calls with the plain data of reclaimOrders.ts): a lab of real guests on a host too small for
// them (page sharing, ballooning, compression and swapping all run) beside a roomy host, every order and
// reply of the group sent through a real MessageChannel and the owners' test-only views of the reclaimer
// refusing every read, gives the digests, the saved lab's bytes and the restored lab's digests that main
// gave when the coordinator held the reclaimers itself (pinned from that code); the coordinator's service
// holds no reclaimer, view copy or owner-side object at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { Lab, digestInput, type LabState } from '../../../src-main/engine/lab/index';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import { HostOwner } from '../../../src-main/engine/vm/index';
import { HostReclaimer, HostReclamation, NO_CHANGE_REPLY, ReclaimViewCopy } from '../../../src-main/engine/overcommit/index';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { reclaimScenario } from '../../helpers/reclaimScenario';

/** Real labos guests on a host too small for them beside a roomy host (`pusher` from 2 s). */
const SCENARIO = reclaimScenario('2s');

// main's figures (the coordinator's MemoryOvercommit held and called every HostReclaimer), pinned from that code
// (the saved bytes again when the saved MMU state left out the software TLB's refill count)
const PINNED = [
  '2s 2ba5c61dca2fd439', '3s 96b2d889e04536a8', '4s fa3417df50eb1900', '6s c5327bcb4f7d1aa9',
  'save b55b413115714868 memory.reclaim 19e08296f4e177f7', 'restored c5327bcb4f7d1aa9', 'restored+1.5s d4db96f9d4b983c3',
];

const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** A value's bytes in a canonical encoding (as hostParts.test.ts: keys in order, typed arrays as bytes). */
function bytes(x: unknown): string {
  const h = createHash('sha256');
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') h.update(typeof v === 'string' ? `s${JSON.stringify(v)};` : Object.is(v, -0) ? 'n-0;' : `${typeof v}:${String(v)};`);
    else if (ArrayBuffer.isView(v)) { h.update(`${v.constructor.name}[${v.byteLength}]`); h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)); }
    else if (v instanceof ArrayBuffer) { h.update(`AB[${v.byteLength}]`); h.update(new Uint8Array(v)); }
    else if (v instanceof Map) { h.update('M{'); v.forEach((val, k) => { walk(k); walk(val); }); h.update('}'); }
    else if (v instanceof Set) { h.update('S{'); v.forEach((val) => walk(val)); h.update('}'); }
    else if (Array.isArray(v)) { h.update(`[${v.length}`); for (const e of v) walk(e); h.update(']'); }
    else { h.update('{'); for (const [k, val] of Object.entries(v as object)) { h.update(`${JSON.stringify(k)}:`); walk(val); } h.update('}'); }
  };
  walk(x);
  return h.digest('hex').slice(0, 16);
}

const GROUP = ['reclaimVmIds', 'reclaimStep', 'reclaimPart', 'restoreReclaimPart'] as const;
const INSIDE = ['reclaimer', 'reclaimViewCopy', 'reclaimAwayBytes'] as const;

type Proto = Record<string, (this: HostOwner, ...args: unknown[]) => unknown>;

/** Runs `body` with the group's orders and replies through a real MessageChannel (checked unchanged) and
 *  the owners' test-only reads of their reclaimer throwing; the messages sent per call. */
function throughChannel<T>(body: () => T): { result: T; sent: Record<string, number> } {
  const proto = HostOwner.prototype as unknown as Proto;
  const saved = new Map<string, Proto[string]>();
  const ch = new MessageChannel();
  const sent: Record<string, number> = {};
  const send = <M>(m: M, what: string): M => {
    ch.port1.postMessage(m);
    const got = receiveMessageOnPort(ch.port2);
    assert.ok(got, `the ${what} arrived`);
    assert.deepStrictEqual(got.message, m, `the ${what} crossed unchanged (plain data)`);
    return got.message as M;
  };
  for (const name of GROUP) {
    const f = proto[name];
    saved.set(name, f);
    proto[name] = function (this: HostOwner, ...args: unknown[]) {
      sent[name] = (sent[name] ?? 0) + 1;
      const reply = f.call(this, ...args.map((a) => send(a, `${name} order`)));
      return send(reply, `${name} reply`);
    };
  }
  for (const name of INSIDE) {
    saved.set(name, proto[name]);
    proto[name] = () => { throw new Error(`the lab reached inside the host's reclamation (${name})`); };
  }
  try {
    return { result: body(), sent };
  } finally {
    for (const [name, f] of saved) proto[name] = f;
    ch.port1.close(); ch.port2.close();
  }
}

function run(): { got: string[]; lab: Lab; restored: Lab; saved: LabState } {
  const opts = { guestFactory: defaultGuestFactory().factory, commands: dispatch };
  assert.ok(opts.guestFactory, 'the real guest machine is built');
  const lab = new Lab(SCENARIO as never, 1, () => {}, opts);
  const got: string[] = [];
  let now = 0;
  for (const t of [2000, 3000, 4000, 6000]) {
    lab.advance(t - now);
    now = t;
    got.push(`${t / 1000}s ${sha(JSON.stringify(digestInput(lab)))}`);
  }
  const saved = lab.save();
  got.push(`save ${bytes(saved)} memory.reclaim ${bytes(saved.services['memory.reclaim'] ?? null)}`);
  const restored = Lab.restore(saved, () => {}, opts);
  got.push(`restored ${sha(JSON.stringify(digestInput(restored)))}`);
  restored.advance(1500);
  got.push(`restored+1.5s ${sha(JSON.stringify(digestInput(restored)))}`);
  return { got, lab, restored, saved };
}

/** Whether `root` reaches (through objects, maps, sets and arrays; not functions) a value `bad` accepts. */
function reaches(root: unknown, bad: (v: object) => boolean): string | undefined {
  const seen = new Set<unknown>();
  const walk = (v: unknown, path: string): string | undefined => {
    if (v === null || typeof v !== 'object' || seen.has(v) || ArrayBuffer.isView(v)) return undefined;
    seen.add(v);
    if (bad(v)) return path;
    const kids: [string, unknown][] = v instanceof Map ? [...v].map(([k, x]) => [String(k), x])
      : v instanceof Set ? [...v].map((x, i) => [String(i), x]) : Object.entries(v);
    for (const [k, x] of kids) {
      const hit = walk(x, `${path}.${k}`);
      if (hit) return hit;
    }
    return undefined;
  };
  return walk(root, 'overcommit');
}

test('reclamation on the owners, every order and reply through a real MessageChannel, gives main\'s digests, saved bytes and restored run', () => {
  const { result: { got, lab, restored }, sent } = throughChannel(run);
  assert.deepEqual(got, PINNED, `the run's figures:\n${got.join('\n')}`);
  for (const name of GROUP) assert.ok((sent[name] ?? 0) > 0, `${name} went through the channel`);
  // one step per host per barrier (two hosts), and one view read before each
  assert.equal(sent.reclaimStep, sent.reclaimVmIds);
  assert.equal(sent.reclaimStep % 2, 0);
  assert.equal(sent.restoreReclaimPart, 2, 'one restore order per host');

  // the run exercised every mechanism (read after it, in this thread)
  const h = lab.reg.hostByName('h')!;
  const roomy = lab.reg.hostByName('roomy')!;
  const rc = lab.owners.get(h.id)!.reclaimer()!;
  const c = (name: string) => rc.vm(lab.reg.vmByName(name)!.id)!.c;
  const all = ['giver', 'checker', 'pusher'].map(c);
  assert.ok(all.some((x) => x.balloonInflated > 0), 'balloons inflated');
  assert.ok(all.some((x) => x.zipped > 0), 'pages compressed');
  assert.ok(all.some((x) => x.swapOut > 0), 'pages swapped');
  assert.ok(rc.sharing.counters.shared > 0 || lab.owners.get(roomy.id)!.reclaimer()!.sharing.counters.shared > 0, 'pages shared');
  assert.ok(lab.events.list(10_000).some((e) => e.type === 'HostMemoryStateChangedEvent' && /→ hard/.test(e.message)), 'the state changes were logged');
  assert.notEqual(lab.overcommit.hostState(h.id), 'high', 'the coordinator knows the state from the replies');
  assert.ok(restored.owners.get(h.id)!.reclaimer(), 'the restored host reclaims');
});

test('the coordinator\'s service holds no reclaimer, view copy or owner-side reclamation (it cannot reach one)', () => {
  const lab = new Lab(SCENARIO as never, 1, () => {}, { guestFactory: defaultGuestFactory().factory, commands: dispatch });
  lab.advance(1000);
  assert.ok(lab.owners.get(lab.reg.hostByName('h')!.id)!.reclaimer(), 'the owner holds one');
  const held = reaches(lab.overcommit, (v) => v instanceof HostReclaimer || v instanceof ReclaimViewCopy || v instanceof HostReclamation || v instanceof HostOwner);
  assert.equal(held, undefined, `the service reaches ${held}`);
  // and the guard is real: an object that does hold one is found
  assert.ok(reaches({ x: new Map([['h', lab.owners.get(lab.reg.hostByName('h')!.id)!.reclaimer()]]) }, (v) => v instanceof HostReclaimer));
});

test('a pass that changed no state answers the one shared NO_CHANGE_REPLY (frozen); a pass that changed one, its own list', () => {
  let free = 1000;
  const pool = { get freeFrames() { return free; }, setHeldFrames: () => true } as never;
  const r = new HostReclamation('host-1' as never, 1, { pool: () => pool, guest: () => undefined });
  const view = { hostId: 'host-1' as never, generation: 1, host: { memoryBytes: 64 * 1024 * 1024 }, vms: [] };
  const first = r.step({ nowMs: 0, view });
  assert.equal(first, NO_CHANGE_REPLY);
  assert.equal(r.step({ nowMs: 100 }), NO_CHANGE_REPLY);
  assert.ok(Object.isFrozen(NO_CHANGE_REPLY) && Object.isFrozen(NO_CHANGE_REPLY.stateChanges) && NO_CHANGE_REPLY.stateChanges.length === 0);
  free = 0;
  const changed = r.step({ nowMs: 200 });
  assert.notEqual(changed, NO_CHANGE_REPLY);
  assert.deepEqual(changed.stateChanges.map((c) => [c.from, c.to]), [['high', 'low']]);
  assert.equal(r.step({ nowMs: 300 }), NO_CHANGE_REPLY, 'the changes were handed back once');
});
