// Hosts on worker threads (node/workers/hostWorkerPool.ts, hostWorker.ts): the same scenario and seed give
// the same state digests and the same saved lab with the hosts on this thread (0 workers) and on 1, 2 and
// 4 host workers — a fakeGuest lab of three hosts too small for their VMs (memory reclamation goes hard
// and low) and a live migration to a fourth, whose segments the workers run in parallel. A worker
// terminated under a running lab gives a clear error at the next advance, not a hang; a lab replaced has
// its workers ended and their channels' ports closed; a VM's disk, still the coordinator's, fails clearly on a worker (guests doing disk
// I/O, real guests among them, run on workers once disks move to the hosts' side).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEngine, type Engine } from '../../../src-main/engine/index';
import { HostWorkerError, HostWorkerPool } from '../../../src-main/node/workers/hostWorkerPool';
import { BlockingCallClient } from '../../../src-main/node/workers/blockingCallClient';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { stateDigestsAt } from '../../helpers/stateDigests';
import { digestScenario } from '../../helpers/pinnedLabs';

const here = dirname(fileURLToPath(import.meta.url));
const FAKE = { kind: 'module', url: pathToFileURL(join(here, '../../helpers/fakeGuest.ts')).href, name: 'fakeGuestFactory' } as const;

const pools: HostWorkerPool[] = [];
after(() => { for (const p of pools) p.close(); });

/** Three 8-core hosts of 0.27 GiB, 8 fakeGuest VMs each (cpu, memwrite, idle: no disk I/O; vm10 crashes at
 *  1.2 s), and an empty 2 GiB host H3 to which vm1 (memwrite) live-migrates from H0 at 0.5 s. */
function scenario(withIo = false): unknown {
  type Dc = { clusters: { hosts: unknown }[]; vms: { workload: string; workloadParams?: unknown }[] };
  const s = digestScenario(24, 'interp', 0.27) as { datacenters: Dc[]; actions?: unknown[] };
  const dc = s.datacenters[0];
  if (!withIo) {
    for (const vm of dc.vms) if (vm.workload === 'io') { vm.workload = 'cpu'; delete vm.workloadParams; }
  }
  dc.vms[10].workloadParams = { crashAtMs: 1200 }; // a guest that stops by itself: reported after its segment
  dc.clusters[0].hosts = [0, 1, 2, 3].map((i) => ({ name: `DC0_C0_H${i}`, sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: i === 3 ? 2 : 0.27 }));
  s.actions = [{ at: '500ms', do: 'migrate', vm: 'vm1', to: 'DC0_C0_H3' }];
  return s;
}

function engine(workers: number, content = scenario()): Engine {
  const hostOwners = workers > 0 ? () => { const p = new HostWorkerPool({ workers, guests: FAKE }); pools.push(p); return p; } : undefined;
  return createEngine({ scenarios: { s: { file: 's', content } }, guestFactory: fakeGuestFactory }, { scenario: 's', seed: 1, hostOwners });
}

function run(workers: number): { got: string[]; final: string; saved: string } {
  const e = engine(workers);
  try {
    const r = stateDigestsAt(e, [1000, 2500]);
    return { ...r, saved: createHash('sha256').update(JSON.stringify(e.saveState())).digest('hex') };
  } finally {
    e.close();
  }
}

test('the same digests and saved lab with the hosts on 0, 1, 2 and 4 host workers (a live migration and memory reclamation in the run)', () => {
  const one = run(0);
  assert.match(one.final, /free memory state \w+ → (soft|hard|low)/, 'the hosts went short of memory: reclamation acted');
  assert.match(one.final, /Migration of vm1 from DC0_C0_H0 to DC0_C0_H3 completed/, 'the live migration ran to its end');
  assert.match(one.final, /vm10: the guest OS has crashed/, 'the crashed guest was reported');
  for (const n of [1, 2, 4]) {
    const r = run(n);
    assert.deepEqual(r.got, one.got, `${n} workers: the digests`);
    assert.equal(r.saved, one.saved, `${n} workers: the saved lab`);
  }
});

test('a host worker terminated under a running lab: the next advance fails with HostWorkerError naming it, without a hang', async () => {
  const pool = new HostWorkerPool({ workers: 2, guests: FAKE, timeoutMs: 10_000 });
  pools.push(pool);
  const e = createEngine({ scenarios: { s: { file: 's', content: scenario() } }, guestFactory: fakeGuestFactory }, { scenario: 's', seed: 1, hostOwners: () => pool });
  e.advance(100);
  await pool.threads[1].terminate();
  const t0 = performance.now();
  assert.throws(() => e.advance(100), (err: unknown) => err instanceof HostWorkerError && /host worker 1 \(hosts host-\d+, host-\d+\) failed in runSegments: the worker exited/.test(err.message));
  assert.ok(performance.now() - t0 < 5000, 'at once, not after the call\'s bound');
  e.close();
});

test('a lab replaced (a state loaded) ends its workers and closes their ports; the new lab has its own', async () => {
  const made: HostWorkerPool[] = [];
  const e = createEngine({ scenarios: { s: { file: 's', content: scenario() } }, guestFactory: fakeGuestFactory },
    { scenario: 's', seed: 1, hostOwners: () => { const p = new HostWorkerPool({ workers: 2, guests: FAKE }); made.push(p); pools.push(p); return p; } });
  e.advance(200);
  const exited = Promise.all(made[0].threads.map((w) => new Promise((done) => w.once('exit', done))));
  // the coordinator's end of each worker's channel is closed by the pool, not left to the thread's exit
  const closed = new Set<BlockingCallClient>();
  const close = BlockingCallClient.prototype.close;
  BlockingCallClient.prototype.close = function (this: BlockingCallClient) { closed.add(this); close.call(this); };
  try {
    assert.equal(e.loadState(e.saveState()), undefined);
  } finally {
    BlockingCallClient.prototype.close = close;
  }
  assert.equal(closed.size, 2, 'each of the dropped lab\'s two workers had its client closed');
  await exited;
  assert.equal(made.length, 2, 'the loaded lab got a pool of its own');
  e.advance(200);
  e.close();
});

test('a VM\'s disk is still the coordinator\'s: a guest doing disk I/O on a worker fails with a clear error', () => {
  const e = engine(1, scenario(true));
  assert.throws(() => e.advance(1000), /the disk of VM vm-\d+ is still held by the coordinator and cannot be reached from a host worker thread/);
  e.close();
});
