// Stretches (engine/lab/simLoop.ts): with the hosts on host workers, a lab whose barrier services are quiet
// runs several quanta per call, each quantum's per-host barrier steps made on the workers and taken in
// by the coordinator in the lockstep order. The run must be the lockstep loop's: the same state digests,
// the same events in the same order and the same saved lab with stretches of up to 10 quanta as with
// stretches of 1 (the lockstep loop itself), on 1 and 2 workers — through memory reclamation on
// overcommitted hosts, a scenario action in the middle starting a live-migration task, and a guest that
// crashes by itself inside a stretch (its worker stops there; on 2 workers the other ran on).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createEngine } from '../../../src-main/engine/index';
import { HostWorkerPool } from '../../../src-main/node/workers/hostWorkerPool';
import { FAKE_GUEST_MODULE, fakeGuestFactory } from '../../helpers/fakeGuest';
import { stateDigestsAt } from '../../helpers/stateDigests';
import { digestScenario } from '../../helpers/pinnedLabs';

const pools: HostWorkerPool[] = [];
after(() => { for (const p of pools) p.close(); });

/** Four 8-core hosts, three of 0.27 GiB (overcommitted: reclamation acts) holding 8 fakeGuest VMs each, vm10
 *  crashing at 1,234 ms (inside a stretch); vm1 live-migrates to the empty 2 GiB host at 500 ms (an action). */
function scenario(): unknown {
  type Dc = { clusters: { hosts: unknown }[]; vms: { workload: string; workloadParams?: unknown }[] };
  const s = digestScenario(24, 'interp', 0.27) as { datacenters: Dc[]; actions?: unknown[] };
  const dc = s.datacenters[0];
  for (const vm of dc.vms) if (vm.workload === 'io') { vm.workload = 'cpu'; delete vm.workloadParams; }
  dc.vms[10].workloadParams = { crashAtMs: 1234 };
  dc.clusters[0].hosts = [0, 1, 2, 3].map((i) => ({ name: `DC0_C0_H${i}`, sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: i === 3 ? 2 : 0.27 }));
  s.actions = [{ at: '500ms', do: 'migrate', vm: 'vm1', to: 'DC0_C0_H3' }];
  return s;
}

interface Run { got: string[]; events: string; saved: string; stretches: number; stepsTaken: number; onAfterStop: number }

function run(workers: number, stretchMaxQuanta: number): Run {
  const pool = new HostWorkerPool({ workers, guests: FAKE_GUEST_MODULE });
  pools.push(pool);
  const e = createEngine({ scenarios: { s: { file: 's', content: scenario() } }, guestFactory: fakeGuestFactory },
    { scenario: 's', seed: 1, hostOwners: () => pool, stretchMaxQuanta });
  const events = createHash('sha256');
  e.onEvent((ev) => { if (ev.type === 'event.logged' || ev.type === 'task.updated') events.update(JSON.stringify(ev)); });
  try {
    const { got } = stateDigestsAt(e, [300, 1000, 1500, 2500]);
    return {
      got, events: events.digest('hex'), saved: createHash('sha256').update(JSON.stringify(e.saveState())).digest('hex'),
      stretches: pool.calls.get('runStretch') ?? 0, stepsTaken: pool.calls.get('reclaimStep (stretch reply)') ?? 0,
      onAfterStop: pool.calls.get('runStretch (on after a stop)') ?? 0,
    };
  } finally {
    e.close();
  }
}

test('stretches of up to 10 quanta give the lockstep loop\'s digests, events and saved lab on 1 and 2 host workers (reclamation, a migration, a crash inside a stretch)', () => {
  const lockstep = run(2, 1);
  assert.equal(lockstep.stretches, 0, 'a cap of 1 quantum runs no stretch');
  for (const workers of [1, 2]) {
    const r = run(workers, 10);
    assert.ok(r.stretches > 10, `${workers} workers: stretches ran (${r.stretches})`);
    assert.ok(r.stepsTaken > 0, `${workers} workers: reclamation passes made on the workers were taken in (${r.stepsTaken})`);
    // the crash's worker stopped inside a stretch and ran on after the coordinator's barrier there
    assert.ok(r.onAfterStop > 0, `${workers} workers: a worker stopped by the crash ran on (${r.onAfterStop})`);
    assert.deepEqual(r.got, lockstep.got, `${workers} workers: the digests`);
    assert.equal(r.events, lockstep.events, `${workers} workers: the events and tasks, in order`);
    assert.equal(r.saved, lockstep.saved, `${workers} workers: the saved lab`);
  }
});
