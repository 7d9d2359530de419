// Hosts on worker threads (node/workers/hostWorkerPool.ts, hostWorker.ts): the same scenario and seed give
// the same state digests and the same saved lab with the hosts on this thread (0 workers) and on 1, 2 and
// 4 host workers — a fakeGuest lab of three hosts too small for their VMs (memory reclamation goes hard
// and low) and a live migration to a fourth, whose segments the workers run in parallel. A worker
// terminated under a running lab gives a clear error at the next advance, not a hang; a lab replaced has
// its workers ended and their channels' ports closed; real guests doing disk I/O give the same digests and
// saved lab on 0 and 2 workers while their disks are lent to the hosts their machines run on
// (engine/vm/diskPlace.ts): snapshots taken on the host holding them, a migration carrying them, a revert,
// a delete, a clone and a restore. A pool starts a thread only when a host needs one (no idle thread for a
// lab of fewer hosts), and the threads a lab starts load at once (each host's addHost waited for at the next call
// to its worker; a failed one fails that call); hosts are placed by CPU capacity, not in turn.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEngine, type Engine } from '../../../src-main/engine/index';
import { HostWorkerError, HostWorkerPool } from '../../../src-main/node/workers/hostWorkerPool';
import { BlockingCallClient } from '../../../src-main/node/workers/blockingCallClient';
import { FAKE_GUEST_MODULE, fakeGuestFactory } from '../../helpers/fakeGuest';
import { stateDigestsAt } from '../../helpers/stateDigests';
import { digestScenario } from '../../helpers/pinnedLabs';
import { canonicalBytes } from '../../helpers/canonicalBytes';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { API_VERSION } from '../../../src-shared/api/channels';

const here = dirname(fileURLToPath(import.meta.url));

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
  const hostOwners = workers > 0 ? () => { const p = new HostWorkerPool({ workers, guests: FAKE_GUEST_MODULE }); pools.push(p); return p; } : undefined;
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
  const pool = new HostWorkerPool({ workers: 2, guests: FAKE_GUEST_MODULE, timeoutMs: 10_000 });
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
    { scenario: 's', seed: 1, hostOwners: () => { const p = new HostWorkerPool({ workers: 2, guests: FAKE_GUEST_MODULE }); made.push(p); pools.push(p); return p; } });
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

/**
 * Real (HV32) guests on two hosts: `web` runs labos `io` (it reads and writes its disk), `calc` idles.
 * `web`'s disks follow its machine: a memory snapshot on H0, a live migration to H1, a second snapshot
 * there (sealed where the disks are), a revert to the first (the disks come back and go out again), the
 * second snapshot deleted (consolidated on the coordinator's chains), then powered off and cloned (the
 * clone reads the disks from the host that holds them).
 */
const REAL = {
  version: 1, name: 'real', title: 'Real guests', description: 'Disk I/O on host workers.',
  datacenters: [{
    name: 'DC', clusters: [{
      name: 'C', hosts: { count: 2, sockets: 1, coresPerSocket: 2, cpuMhz: 100, memoryGiB: 2 },
    }],
    vms: [
      { name: 'web', host: 'C_H0', vcpus: 1, memoryMiB: 64, workload: 'io', workloadParams: { rounds: 1000000 }, powerOn: true },
      { name: 'calc', host: 'C_H1', vcpus: 1, memoryMiB: 64, workload: 'idle', powerOn: true },
    ],
  }],
  actions: [
    { at: '300ms', do: 'snapshot', vm: 'web', snapshot: 's1', memory: true },
    { at: '1200ms', do: 'migrate', vm: 'web', to: 'C_H1' },
    { at: '3000ms', do: 'snapshot', vm: 'web', snapshot: 's2', memory: false },
    { at: '3800ms', do: 'revert', vm: 'web', snapshot: 's1' },
    { at: '5000ms', do: 'removeSnapshot', vm: 'web', snapshot: 's2' },
    { at: '5800ms', do: 'powerOff', vm: 'web' },
  ],
};

function realRun(workers: number): { got: string[]; saved: string; clone: unknown; restored: string[] } {
  const { factory } = defaultGuestFactory();
  const hostOwners = workers > 0 ? () => { const p = new HostWorkerPool({ workers, guests: { kind: 'machine' } }); pools.push(p); return p; } : undefined;
  const e = createEngine({ scenarios: { real: { file: 'real', content: REAL } }, guestFactory: factory }, { scenario: 'real', seed: 1, hostOwners });
  try {
    const { got } = stateDigestsAt(e, [1000, 2800, 3500, 4500, 5500, 7500]);
    const web = (e.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'inventory.get', params: {} }) as { result: { vms: { id: string; name: string }[] } }).result.vms.find((v) => v.name === 'web')!;
    const clone = e.handle({ v: API_VERSION, id: 2, kind: 'command', name: 'vm.clone', params: { vmId: web.id, name: 'web-copy' } });
    e.advance(1500);
    got.push(...stateDigestsAt(e, [500]).got);
    const state = e.saveState();
    const saved = canonicalBytes(state);
    assert.equal(e.loadState(state), undefined);
    e.handle({ v: API_VERSION, id: 3, kind: 'command', name: 'vm.powerOn', params: { vmId: web.id } });
    const restored = stateDigestsAt(e, [400, 800]).got;
    return { got, saved, clone, restored };
  } finally {
    e.close();
  }
}

// The figures main gave in one thread, while the coordinator's runtimes held every disk (pinned from that code;
// pinned again when the saved MMU state left out the software TLB's refill count, host state).
const PINNED_REAL = {
  got: ['1s 0363d421c93418df', '2.8s 4595d82f955c9433', '3.5s e4e09ee4d3fa3382', '4.5s 23432148b1ec2235', '5.5s 978c4ed46abcdd74', '7.5s 36e93cded5a37622', '0.5s 97f93fef67e908bb'],
  saved: '79bfa086e631a106',
  restored: ['0.4s 0fd024d3ecc82a1f', '0.8s 128e54fe4e4a671e'],
};

test('real guests doing disk I/O run on host workers: main\'s digests and saved lab on 0 and 2 workers through snapshots, a migration, a revert, a delete, a clone and a restore', () => {
  const one = realRun(0);
  assert.ok((one.clone as { ok: boolean }).ok, JSON.stringify(one.clone));
  assert.deepEqual({ got: one.got, saved: one.saved, restored: one.restored }, PINNED_REAL, 'one thread: main\'s figures');
  const two = realRun(2);
  assert.deepEqual(two.got, one.got, '2 workers: the digests');
  assert.equal(two.saved, one.saved, '2 workers: the saved lab');
  assert.deepEqual(two.restored, one.restored, '2 workers: the restored lab run on');
});

test('a pool starts a thread only when a host needs one: 4 workers asked for a lab of 2 hosts start 2', () => {
  const pool = new HostWorkerPool({ workers: 4, guests: { kind: 'none' } });
  pools.push(pool);
  assert.equal(pool.threads.length, 0, 'none before the lab adds its hosts');
  const e = createEngine({ scenarios: { real: { file: 'real', content: REAL } } }, { scenario: 'real', seed: 1, hostOwners: () => pool });
  assert.equal(pool.threads.length, 2, 'one per host, none idle');
  e.advance(100);
  e.close();
});

test('a pool places each host on the worker whose hosts have the least CPU capacity (logical CPUs × MHz), not in turn; a host added later the same way', () => {
  const host = (i: number, cores: number) => ({ hostId: `h${i}`, name: `H${i}`, cpu: { sockets: 1, coresPerSocket: cores, threadsPerCore: 1, cpuMhz: 100 }, memoryBytes: 2 ** 30, reclaimSeed: i }) as never;
  const pool = new HostWorkerPool({ workers: 2, guests: { kind: 'none' } });
  pools.push(pool);
  // in turn the 8-core hosts would share a worker with a small one each (h0 h2 h4 | h1 h3: 12 against 10 cores)
  [8, 2, 2, 8, 2].forEach((cores, i) => pool.owner(host(i, cores)));
  assert.deepEqual(pool.placement, [['h0', 'h4'], ['h1', 'h2', 'h3']], '10 against 12 cores, each large host alone with small ones');
  pool.runSegments(0, 10e6);
  pool.owner(host(5, 4));
  assert.deepEqual(pool.placement, [['h0', 'h4', 'h5'], ['h1', 'h2', 'h3']], 'a host added later: onto the worker with less capacity');
  const even = new HostWorkerPool({ workers: 2, guests: { kind: 'none' } });
  pools.push(even);
  [2, 2, 2].forEach((cores, i) => even.owner(host(i, cores)));
  assert.deepEqual(even.placement, [['h0', 'h2'], ['h1']], 'equal hosts: in turn, as before');
});

test('a pool posts each host\'s addHost and waits for it at the next call to that worker: the threads load at once; a failed addHost fails that call', () => {
  const host = (i: number) => ({ hostId: `h${i}`, name: `H${i}`, cpu: { sockets: 1, coresPerSocket: 2, threadsPerCore: 1, cpuMhz: 100 }, memoryBytes: 2 ** 30, reclaimSeed: i }) as never;
  const pool = new HostWorkerPool({ workers: 2, guests: FAKE_GUEST_MODULE });
  pools.push(pool);
  pool.owner(host(0));
  pool.owner(host(1));
  assert.equal(pool.threads.length, 2, 'the second thread started while the first still loads');
  assert.equal(pool.calls.get('addHost'), undefined, 'no addHost waited for yet');
  pool.runSegments(0, 10e6);
  assert.equal(pool.calls.get('addHost'), 2, 'both waited for before the first segment');
  const broken = new HostWorkerPool({ workers: 1, guests: { kind: 'module', url: pathToFileURL(join(here, 'no-such-factory.ts')).href, name: 'f' } });
  pools.push(broken);
  const owner = broken.owner(host(0));
  assert.throws(() => owner.stoppedVms(), (err: unknown) => err instanceof HostWorkerError && /host worker 0 \(hosts h0\) failed in addHost/.test(err.message));
});
