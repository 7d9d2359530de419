// What rides on a segment's reply (node/workers/hostWorkerPool.ts, hostWorker.ts): the pool answers a
// host's `stoppedVms`, `endQuantum` and `reclaimVmIds` from the last segment's reply, each once, and only
// while no other call has reached that host; `endQuantum` answered so leaves the quantum's closing due on
// the worker, closed before anything else reaches the host. A one-thread lab and a lab on one host worker,
// built alike and advanced alike, then get the same owner calls straight from the test — a segment, then
// calls that change what the reply read — and every reply must be the same on both. An answer used after
// another call reached its host (the invalidation broken), or a closing left undone, gives a different
// reply. A lab advanced through the batched path (the segment's replies and the barrier's fan-outs, both
// used: counted) keeps the one-thread digests.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, localOwners, type Engine, type HostOwnerCalls, type HostOwnerMaker } from '../../../src-main/engine/index';
import { SIM_QUANTUM_NS } from '../../../src-main/engine/params';
import { HostWorkerPool } from '../../../src-main/node/workers/hostWorkerPool';
import { FAKE_GUEST_MODULE, fakeGuestFactory } from '../../helpers/fakeGuest';
import { stateDigestsAt } from '../../helpers/stateDigests';


const pools: HostWorkerPool[] = [];
after(() => { for (const p of pools) p.close(); });

/** Two 8-core hosts of 0.27 GiB (reclamation at work), 4 busy fakeGuest VMs each. */
function scenario(): unknown {
  return {
    version: 1, name: 'replies', title: 'replies',
    datacenters: [{
      name: 'DC0',
      clusters: [{ name: 'DC0_C0', hosts: { count: 2, sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: 0.27 } }],
      vms: Array.from({ length: 8 }, (_, i) => ({
        name: `vm${i}`, host: `DC0_C0_H${Math.floor(i / 4)}`, vcpus: 1, memoryMiB: 64, monitor: 'interp', powerOn: true,
        workload: i % 2 ? 'memwrite' : 'cpu',
      })),
    }],
  };
}

interface Lab { engine: Engine; owners: HostOwnerCalls[]; runSegments(t0: number, t1: number): void; pool?: HostWorkerPool }

/** A lab whose hosts' owners the test holds: in this thread, or on one host worker. */
function lab(workers: 0 | 1): Lab {
  const owners: HostOwnerCalls[] = [];
  let maker: HostOwnerMaker;
  let pool: HostWorkerPool | undefined;
  if (workers === 0) {
    const local = localOwners();
    maker = { owner: (d, p) => { const o = local.owner(d, p); owners.push(o); return o; } };
  } else {
    pool = new HostWorkerPool({ workers, guests: FAKE_GUEST_MODULE });
    pools.push(pool);
    const p = pool;
    maker = {
      owner: (d) => { const o = p.owner(d); owners.push(o); return o; },
      runSegments: (t0, t1) => p.runSegments(t0, t1),
      callEach: (calls) => p.callEach(calls),
      close: () => p.close(),
    };
  }
  const engine = createEngine({ scenarios: { s: { file: 's', content: scenario() } }, guestFactory: fakeGuestFactory }, { scenario: 's', seed: 1, hostOwners: () => maker });
  const runSegments = pool ? pool.runSegments.bind(pool) : (t0: number, t1: number) => { for (const o of owners) o.runSegment(t0, t1); };
  return { engine, owners, runSegments, pool };
}

const Q = SIM_QUANTUM_NS;

/** The same owner calls on a lab, from 100 ms on (the lab's own loop stopped there, on the grid): the replies in order. */
function script(l: Lab): unknown[] {
  const [h0, h1] = l.owners;
  const t = 100e6;
  const got: unknown[] = [];
  // a segment, then another call reaches h0 (a second segment: the quantum's cycles grow) before its
  // endQuantum; h1's is answered from the reply
  l.runSegments(t, t + Q);
  h0.runSegment(t + Q, t + 2 * Q);
  got.push(h0.endQuantum(2 * Q), h1.endQuantum(Q));
  // h1's quantum was closed from the reply: its next endQuantum (a real call) must find it closed
  got.push(h1.endQuantum(Q));
  // a segment, h0's answer used, then a call that reads what the closing changed (a sample)
  l.runSegments(t + 2 * Q, t + 3 * Q);
  got.push(h0.endQuantum(Q), h0.sample({ timeNs: t + 3 * Q, vms: [] }));
  // a segment; a VM leaves h1's reclamation before the reclaimer's VMs are asked
  l.runSegments(t + 3 * Q, t + 4 * Q);
  const before = h0.reclaimVmIds();
  const leaving = (h1.reclaimVmIds() as string[])[0];
  l.runSegments(t + 4 * Q, t + 5 * Q);
  h1.leaveReclamation(leaving as never);
  got.push(before, h1.reclaimVmIds(), h1.stoppedVms(), h0.stoppedVms());
  return got;
}

test('a segment reply\'s answer is used once and never after another call reached the host; a quantum closed from it is closed on the worker first', () => {
  const one = lab(0);
  const worker = lab(1);
  try {
    one.engine.advance(100);
    worker.engine.advance(100);
    const expected = script(one);
    const got = script(worker);
    assert.ok((expected[0] as number) > (expected[1] as number) * 1.5, 'h0\'s quantum holds two segments\' cycles (the case can fail)');
    assert.ok((expected[1] as number) > 0 && expected[2] !== expected[1], 'h1\'s quantum closed: the next one starts empty');
    assert.deepEqual(got, expected);
    const calls = worker.pool!.calls;
    for (const name of ['endQuantum (segment reply)', 'reclaimVmIds (segment reply)', 'stoppedVms (segment reply)']) assert.ok((calls.get(name) ?? 0) > 0, `${name} used`);
  } finally {
    one.engine.close();
    worker.engine.close();
  }
});

test('the batched path (segment replies and the barrier\'s fan-outs) keeps the one-thread digests', () => {
  const one = lab(0);
  const worker = lab(1);
  try {
    const a = stateDigestsAt(one.engine, [500, 1500]);
    const b = stateDigestsAt(worker.engine, [500, 1500]);
    assert.deepEqual(b.got, a.got);
    assert.equal(b.final, a.final);
    const calls = worker.pool!.calls;
    for (const name of ['endQuantum (segment reply)', 'reclaimVmIds (segment reply)', 'reclaimStep (fan-out)', 'readConsole (fan-out)']) {
      assert.ok((calls.get(name) ?? 0) > 0, `${name} used`);
    }
    assert.equal(calls.get('endQuantum') ?? 0, 0, 'no endQuantum of its own on a plain barrier');
  } finally {
    one.engine.close();
    worker.engine.close();
  }
});
