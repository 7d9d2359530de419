// A VM's dirty log is held on the side of the host its machine runs on (vm/dirtyLogShares.ts), and travels
// with the VM as plain state: a pre-copy and a post-copy of real guests, saved mid-move (the shares with pages
// kept for a reader, in the saved runtimes), finished, and the lab saved mid-move loaded and run on. The saved bytes, the
// digests and the saved shares are the ones main gave when the coordinator held every log (pinned from that
// code); the source's side holds the log before the switch, the destination's after it, and the
// coordinator records which (`VmRuntime.dirtyLogHost`). A VM powered off right after a move keeps the pages
// its counters have not read (saved from the host's side) and takes them to the host it is powered on on
// next, live or from the saved lab: the samples are main's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { API_VERSION } from '../../../src-shared/api/channels';
import { Lab, digestInput } from '../../../src-main/engine/lab/index';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { hostCodecs, scenarioOf } from './migrationLab';

const sha = (x: unknown): string => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);

function command(lab: Lab, name: string, params: object): string {
  const r = dispatch(lab, { v: API_VERSION, id: 1, kind: 'command', name, params } as never, 'test');
  assert.ok(r.ok, `${name}: ${JSON.stringify(r)}`);
  return (r.result as { taskId: string }).taskId;
}

/** The hosts (by name) whose side holds a share of the VM's log with pages kept for a reader (their save parts). */
function holders(lab: Lab, vmId: string): string[] {
  return [...lab.owners.values()].filter((o) => o.savePart().dirtyLogs.some(([id]) => id === vmId)).map((o) => lab.reg.nameOf(o.hostId));
}

async function movingLab(): Promise<Lab> {
  const scenario = scenarioOf({ hosts: 3, vms: [
    { name: 'a', params: { wss_kib: 2048, rate_pps: 4000, passes: 0 } }, { name: 'b' }, { name: 'c', host: 'H1' },
  ] });
  return new Lab(scenario as never, 1, () => {}, { guestFactory: defaultGuestFactory().factory, pageCodecs: await hostCodecs(), commands: dispatch });
}

/** Save, digest and saved shares now (hashes) and how many VMs' saved runtimes hold a share. */
function figures(lab: Lab): unknown[] {
  const s = lab.save();
  const dirty = s.runtimes.map(([id, r]) => [id, r.dirty ?? null]);
  return [sha(s), sha(digestInput(lab)), sha(dirty), dirty.filter(([, d]) => d).length];
}

test('the dirty log lives on the host where the VM runs, moves at the switch, and saves and digests as main did', async () => {
  const lab = await movingLab();
  const got: unknown[] = [];
  const id = (n: string): string => lab.reg.vmByName(n)!.id;
  const host = (n: string): string => lab.reg.hostByName(n)!.id;
  lab.advance(1500);
  const t1 = command(lab, 'vm.migrate', { vmId: id('a'), hostId: host('H1'), options: { bandwidthBytesPerS: 400000 } });
  command(lab, 'vm.migrate', { vmId: id('b'), hostId: host('H2'), options: { mode: 'postcopy', bandwidthBytesPerS: 300000 } });
  lab.advance(150);
  got.push(figures(lab));
  assert.deepEqual(holders(lab, id('a')), ['H0'], 'before the switch the source\'s side holds a\'s log (pages kept for a reader)');
  lab.advance(300);
  got.push(figures(lab));
  const mid = lab.save();
  for (let t = 0; t < 60_000 && lab.tasks.get(t1 as never)?.state !== 'success' && lab.tasks.get(t1 as never)?.state !== 'error'; t += 100) lab.advance(100);
  got.push(figures(lab));
  const restored = Lab.restore(mid, () => {}, { guestFactory: defaultGuestFactory().factory, pageCodecs: await hostCodecs(), commands: dispatch });
  got.push(figures(restored));
  restored.advance(21_000);
  got.push(figures(restored));
  assert.deepEqual(got, PINNED, `figures:\n${JSON.stringify(got)}`);
  // after the switch the destination's side holds b's log; the source gave it up
  const b = id('b');
  assert.equal(lab.runtime(b as never).dirtyLogHost, host('H2'));
  assert.equal(lab.owners.get(host('H0') as never)!.takeDirtyLog(b as never), undefined, 'the source gave b\'s log up at the switch');
  assert.ok(lab.owners.get(host('H2') as never)!.takeDirtyLog(b as never)?.some(([reader]) => reader === 'counters'), 'the destination holds it');
});

/** Pinned from main's code, where the coordinator held every VM's log; pinned again when the saved MMU state
 *  left out the software TLB's refill count (host state: the one change in these bytes). */
const PINNED: unknown[] = [
  ['b6f67f01c6a154b6', '42e41fcacef3f5d9', '4dc84ffc67c2ede7', 2], ['5f4a1983580d7cbc', 'd6fe445c93e4d387', '4dc84ffc67c2ede7', 2],
  ['97d1d444bcd63b4b', '0c5d175524fec134', '3d9a55b6d525434a', 0], ['ce418207ab8934a0', 'fc010284963dc272', '4dc84ffc67c2ede7', 2],
  ['d02076d2c6e8071d', 'a9815ab5d33e93d2', '3d9a55b6d525434a', 0],
];

test('a VM stopped with pages kept for its counters (a move just ended), saved, then powered on on another host, samples as main did', async () => {
  const lab = await movingLab();
  const id = (n: string): string => lab.reg.vmByName(n)!.id;
  const host = (n: string): string => lab.reg.hostByName(n)!.id;
  const settle = (taskId: string): void => {
    for (let t = 0; t < 60_000; t += 20) {
      const state = lab.tasks.get(taskId as never)?.state;
      if (state === 'success' || state === 'error' || state === 'cancelled') return;
      lab.advance(20);
    }
  };
  lab.advance(1500);
  settle(command(lab, 'vm.migrate', { vmId: id('a'), hostId: host('H1'), options: { bandwidthBytesPerS: 4000000 } }));
  settle(command(lab, 'vm.powerOff', { vmId: id('a') }));
  const off = lab.save();
  const kept = off.runtimes.find(([vmId]) => vmId === id('a'))![1].dirty;
  assert.ok(kept?.some(([reader, pages]) => reader === 'counters' && pages.length > 0), 'the stopped VM\'s log keeps pages for its counters');
  const got: unknown[] = [figures(lab)];
  settle(command(lab, 'vm.powerOn', { vmId: id('a'), hostId: host('H2') }));
  assert.equal(lab.runtime(id('a') as never).dirtyLogHost, host('H2'), 'the log went with the machine to the host it started on');
  lab.advance(25_000);
  got.push(figures(lab));
  const restored = Lab.restore(off, () => {}, { guestFactory: defaultGuestFactory().factory, pageCodecs: await hostCodecs(), commands: dispatch });
  const r = dispatch(restored, { v: API_VERSION, id: 1, kind: 'command', name: 'vm.powerOn', params: { vmId: id('a'), hostId: host('H2') } } as never, 'test');
  assert.ok(r.ok, JSON.stringify(r));
  restored.advance(25_000);
  got.push(figures(restored));
  assert.deepEqual(got, PINNED_STOPPED, `figures:\n${JSON.stringify(got)}`);
});

/** Pinned from main's code (again when the saved MMU state left out the software TLB's refill count). */
const PINNED_STOPPED: unknown[] = [
  ['60c0c12609f952f3', 'a9d08bf442977a09', 'eb58dcc478279873', 1], ['b67892849cf53b4f', 'e4e0377d5502886f', '3d9a55b6d525434a', 0],
  ['4cf1d5b5cec354fc', '9df276fcb71ec796', '3d9a55b6d525434a', 0],
];
