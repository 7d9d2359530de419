// A VM's dirty log is held on the side of the host its machine runs on (vm/dirtyLogShares.ts), and travels
// with the VM as plain state: a pre-copy and a post-copy of real guests, saved mid-move (the shares with pages
// kept for a reader, in the saved runtimes), finished, and the lab saved mid-move loaded and run on. The saved bytes, the
// digests and the saved shares are the ones main gave when the coordinator held every log (pinned from that
// code); the source's side holds the log before the switch, the destination's after it, and the
// coordinator records which (`VmRuntime.dirtyLogHost`).
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

/** Pinned from main's code, where the coordinator held every VM's log. */
const PINNED: unknown[] = [
  ['e086aa79d632e0a4', '42e41fcacef3f5d9', '4dc84ffc67c2ede7', 2], ['616f1fd08506f8bd', 'd6fe445c93e4d387', '4dc84ffc67c2ede7', 2],
  ['f89917879b0b4dd6', '68e55fd4e1207828', '3d9a55b6d525434a', 0], ['3606830097564e8e', 'fc010284963dc272', '4dc84ffc67c2ede7', 2],
  ['48c16268e3ad9c4d', 'd9f8880afd3e4c5b', '3d9a55b6d525434a', 0],
];
