// Captures held by the owner of the host they were taken on (`vm/captureOrders.ts`): the coordinator's
// snapshot trees and suspended states hold handles, never a machine save or reclaimed pages. The captures
// lab's run (captureScenario.ts: memory snapshots reverted on the same host and after a live migration,
// suspends resumed on the same host and on another, a snapshot of a suspended VM, a save and restore with
// captures held, every snapshot deleted — one, all, with its VM) is made with every capture order and reply
// (`capture`, `start`, `exportCapture`, `importCapture`, `releaseCapture`, `captureCount`) through
// `structuredClone` (the start order whole: the owner adds the VM's disk) and every host part through a real
// MessageChannel, and gives the state digests and the saved lab's bytes pinned from main. After every step
// the owners hold exactly the images the coordinator has handles to (none left at the end), and the
// coordinator's captures are walked for anything but plain data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lab } from '../../../src-main/engine/lab/index';
import type { HostOwnerCalls } from '../../../src-main/engine/vm/index';
import { channelTransport } from '../../helpers/partChannel';
import { runCaptures, CAPTURE_STEPS, type CaptureRun } from './captureScenario';

// main's figures (the coordinator held each capture's machine save and reclaimed pages), pinned from that code
const PINNED: CaptureRun = {
  digests: ['6bd308f62ae941df', '39f9ff3e7458c382', '06ae890588cf57a2', '75abf4a93338615a', 'b9eaf89d6c118f12', 'b9eaf89d6c118f12', '944d89d05f96f99d', 'bb568b28592014a6'],
  saved: '56b25fa314e75fbb',
};

const CAPTURE_CALLS = ['capture', 'exportCapture', 'importCapture', 'releaseCapture', 'captureCount'] as const;

/** The owner's capture calls and its start through `structuredClone`, counted. */
function throughClone(owner: HostOwnerCalls, calls: Map<string, number>): void {
  const count = (name: string): void => { calls.set(name, (calls.get(name) ?? 0) + 1); };
  const methods = owner as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of CAPTURE_CALLS) {
    const call = methods[name].bind(owner);
    methods[name] = (...args: unknown[]) => { count(name); return structuredClone(call(...structuredClone(args))); };
  }
  const start = owner.start.bind(owner);
  owner.start = (o) => {
    if (o.capture !== undefined) count('start from a capture');
    // the order is plain data (the owner adds the VM's disk itself)
    return structuredClone(start(structuredClone(o)));
  };
}

/** Paths in the coordinator's captures (suspended states, snapshot nodes but their disk layers) holding anything but plain data. */
function nonPlain(lab: Lab): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'function') out.push(`${path}: a function`);
    if (v === null || typeof v !== 'object') return;
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== Array.prototype) { out.push(`${path}: ${(v as object).constructor?.name}`); return; }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'guestState' || k === 'reclaimed') out.push(`${path}.${k}`);
      walk(x, `${path}.${k}`);
    }
  };
  lab.runtimes.forEach((rt, vmId) => {
    walk(rt.suspended, `${vmId}.suspended`);
    rt.snapshots.nodes.forEach((n, id) => { const { disks: _layers, ...node } = n; walk(node, `${vmId}.snapshots.${id}`); });
  });
  return out;
}

/** The images the owners hold, and the handles the coordinator holds (distinct). */
function images(lab: Lab): { held: number; handles: number } {
  let held = 0;
  lab.owners.forEach((o) => { held += o.captureCount(); });
  const handles = new Set<string>();
  lab.runtimes.forEach((rt) => { for (const c of rt.captures()) if (c.image) handles.add(`${c.image.hostId}/${c.image.captureId}`); });
  return { held, handles: handles.size };
}

test('captures on their owners: every order through structuredClone, parts through a MessageChannel, main\'s digests and saved bytes', () => {
  const ch = channelTransport();
  const calls = new Map<string, number>();
  const counts: Record<string, { held: number; handles: number }> = {};
  let reclaimedPages = 0;
  const run = runCaptures({
    transport: ch.send,
    opened: (lab) => lab.owners.forEach((o) => throughClone(o, calls)),
    check: (lab, step) => {
      assert.deepEqual(nonPlain(lab), [], `${step}: the coordinator's captures are plain handles`);
      counts[step] = images(lab);
      assert.equal(counts[step].held, counts[step].handles, `${step}: the owners hold exactly the images the coordinator has handles to`);
      if (step === 'taken') {
        const vm0 = lab.reg.vmByName('vm0')!;
        const image = lab.runtimes.get(vm0.id)!.snapshots.byName('s0')!.capture!.image!;
        assert.equal(image.hostId, vm0.hostId, 'the image is held where it was taken');
        reclaimedPages = lab.owners.get(image.hostId)!.exportCapture(image.captureId).reclaimed?.pages.length ?? 0;
      }
    },
  });
  ch.close();
  assert.deepEqual(run, PINNED, `the run's figures:\n${JSON.stringify(run)}`);
  assert.ok(reclaimedPages > 0, `H0's capture holds pages its reclamation had away (${reclaimedPages})`);
  assert.deepEqual(Object.keys(counts), [...CAPTURE_STEPS]);
  assert.deepEqual(counts.taken, { held: 3, handles: 3 }, 'two memory snapshots and a suspend');
  assert.deepEqual(counts.saved, { held: 5, handles: 5 }, 'three snapshots (one of a suspended VM), vm6 suspended, vm7\'s snapshot');
  assert.deepEqual(counts.restored, counts.saved, 'the restored lab\'s owners hold the saved images');
  assert.deepEqual(counts.deleted, { held: 0, handles: 0 }, 'every image released with its last holder');
  for (const name of [...CAPTURE_CALLS, 'start from a capture']) assert.ok((calls.get(name) ?? 0) > 0, `${name} was called`);
  // vm4's revert after its migration and vm5's two resumes on H2 started from images held on H1
  assert.ok(calls.get('exportCapture')! >= 4 && calls.get('importCapture')! >= 3, JSON.stringify([...calls]));
});

test('the checks catch a coordinator holding a machine save, and an image not released', () => {
  let caught: string[] = [];
  let counted: { held: number; handles: number } | undefined;
  const stop = new Error('checked');
  assert.throws(() => runCaptures({
    check: (lab, step) => {
      if (step !== 'taken') return;
      const rt = lab.runtimes.get(lab.reg.vmByName('vm3')!.id)!;
      const handle = rt.suspended!.image!;
      const owner = lab.owners.get(handle.hostId)!;
      const image = owner.exportCapture(handle.captureId);
      // a capture as main held it: the machine save and the reclaimed pages in the coordinator
      const held = rt.suspended as unknown as Record<string, unknown>;
      Object.assign(held, { guestState: image.guestState, reclaimed: image.reclaimed });
      caught = nonPlain(lab);
      delete held.guestState;
      delete held.reclaimed;
      // a second image nobody holds a handle to
      const stray = owner.importCapture(image);
      counted = images(lab);
      owner.releaseCapture(stray.captureId);
      throw stop; // the rest of the run is the first test's
    },
  }), (e) => e === stop);
  assert.ok(caught.some((p) => p.endsWith('.suspended.guestState')), JSON.stringify(caught));
  assert.ok(caught.some((p) => p.endsWith('.suspended.reclaimed')), JSON.stringify(caught));
  assert.ok(caught.some((p) => p.endsWith(': Map')), `the save's page maps are found: ${JSON.stringify(caught)}`);
  assert.deepEqual(counted, { held: 4, handles: 3 });
});
