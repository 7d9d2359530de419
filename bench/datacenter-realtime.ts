/**
 * Datacenter benchmark: how many VMs running mixed workloads the engine sustains at 1× real time, and
 * the aggregate guest instructions per second at that size.
 *
 * Run: `npx tsx bench/datacenter-realtime.ts [--seconds 20] [--max 4096] [--vms N | --sizes A,B,…] [--monitor interp|bt|hw] [--fake]
 * [--mix busy|idle] [--nohz on|off|both] [--core-only] [--workers N [--pin]]`. Prints one JSON object.
 * `--workers N`: the lab's hosts on N host worker threads (`node/workers/hostWorkerPool.ts`; 0, the default:
 * this thread). The workers start (and load the engine) while the lab is made (`buildMs`: the lab's making,
 * the workers' start included), before the timed run; each run's `workers` says where the timed wall went
 * (the coordinator's serial part, its waits by call, each worker's busy time, the imbalance); use
 * `--after S` so that their JIT warm-up is not timed either (this thread warms up over the series' sizes).
 * `threadCpuMs` (Linux): the timed window's CPU by thread — this one, each worker's, and V8's helper threads
 * (GC, compiles) with the rest (`bench/threadCpu.ts`).
 * `--core-only`: the lab runs only its core barrier services (the engine's bench-only `coreServicesOnly`:
 * no memory reclamation — page sharing, activity sampling, ballooning, swapping —, migrations, HA/DRS or
 * alarms), to measure the reshaped core against the tree before those services existed.
 * `--mix idle`: every VM runs labos's `idle` (the idle-VM goal); `--mix cpu|memwrite|io`: every VM runs that
 * member of the busy mix, with the mix's parameters (what each workload costs per VM, one at a time). `--nohz off` boots every labos with nohz=0
 * (a timer interrupt every tick, as before tickless idle); `both` runs each size ticking, then tickless, in
 * one process, and reports `sustainedVmsAt1x` per mode (the before/after of tickless idle side by side).
 * Lab: hosts of 8 cores at 100 MHz (the built-in labs' teaching clock), 8 one-vCPU VMs per host; VM i runs
 * MIX[i mod 8] (cpu, memwrite, io, 5 × idle). For N = 1, 2, 3, 5, 8, 12, … VMs it runs `--seconds` of
 * virtual time as fast as possible and records wall time; "sustained" is the largest N whose run took no
 * more wall time than virtual time. `cpuMs` is the process's CPU time (user + system) for the same run:
 * on a shared machine it moves less with the other processes' load than wall time does (compare runs by
 * it when the load differs; "sustained" is still decided by wall time). `--vms N` runs that one size only
 * (for comparing trees at one size; "sustained" is then N or 0). `--after S` first runs S virtual seconds
 * untimed (boot and warm-up), then times `--seconds` more: the steady state alone (`afterSeconds` in the JSON;
 * `guestInstructionsPerSecond` is then null: the 20 s sample would not cover the timed window).
 *
 * Guest: the real guest machine when `node/guestFactories.ts` provides one; otherwise the fakeGuest test
 * double, which measures only the datacenter layer (scheduler, counters, snapshots-ready state) — the
 * JSON says which in `guest`, and the figure is then an upper bound that real guest execution lowers
 * (and `guestInstructionsPerSecond` is null: the double counts cycles, it executes no instructions).
 * Runs start at virtual time 0 so that the 20 s sample covers the run (its engine.mips gives the
 * instruction rate); a run shorter than one sample (`--seconds` < 20) has no sample to read and reports
 * `guestInstructionsPerSecond` null, not 0.
 */
import { createEngine } from '../src-main/engine/index';
import type { GuestFactory } from '../src-main/engine/index';
import { defaultGuestFactory } from '../src-main/node/guestFactories';
import { FAKE_GUEST_MODULE, fakeGuestFactory } from '../test/helpers/fakeGuest';
import { HostWorkerPool, hostWorkerCount } from '../src-main/node/workers/hostWorkerPool';
import { API_VERSION } from '../src-shared/api/channels';
import { applyEngineTiering } from '../src-main/node/v8Tuning';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { threadCpuAccount, threadCpuSnapshot } from './threadCpu';

// The product's V8 flags (the CLI and every host worker set them): the hosts run in this thread with --workers 0.
applyEngineTiering();

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = arg('seconds', 20);
/** `--after S`: virtual seconds run untimed before the timed `--seconds` (0: the run is timed from power-on). */
const AFTER = arg('after', 0);
const MAX = arg('max', 4096);
/** `--vms N`: only this size (0: the growing series); `--sizes A,B,…`: exactly these sizes. */
const ONLY = arg('vms', 0);
const SIZES = (() => { const i = process.argv.indexOf('--sizes'); return i > 0 ? process.argv[i + 1].split(',').map(Number) : []; })();
const opt = (name: string, def: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
/** `--mix idle`: every VM idles (labos `idle`); `--mix cpu|memwrite|io`: every VM runs that member of MIX; default the busy mix below. */
const MIX_NAME = opt('mix', 'busy');
/** Tickless idle modes to run each size in: labos's default (on), nohz=0 (off), or both side by side. */
const NOHZ_MODES: ('on' | 'off')[] = (() => { const m = opt('nohz', 'on'); return m === 'both' ? ['off', 'on'] : [m === 'off' ? 'off' : 'on']; })();
/** `--core-only`: the core barrier services alone (see the header). */
const CORE_ONLY = process.argv.includes('--core-only');
/** Monitor every VM runs under (`--monitor bt` shows what binary translation buys). */
const MONITOR = (() => { const i = process.argv.indexOf('--monitor'); return i > 0 ? process.argv[i + 1] : 'interp'; })();
/** `--workers N`: host worker threads (0: the hosts on this thread). */
const WORKERS = hostWorkerCount(opt('workers', '0'), '--workers');

// `--fake`: the fakeGuest test double instead of the real machine — measures the datacenter layer alone
// (scheduler, counters, copy-on-write bookkeeping), the "layer alone" row of docs/PERFORMANCE.md.
const real = process.argv.includes('--fake') ? { factory: undefined, name: 'fake' } : defaultGuestFactory();
const factory: GuestFactory = real.factory ?? fakeGuestFactory;
/** The pool of the lab being measured (its account of the segments: `workerAccount`). */
let pool: HostWorkerPool | undefined;
const hostOwners = WORKERS > 0 ? () => (pool = new HostWorkerPool({ workers: WORKERS, guests: real.factory ? { kind: 'machine' } : FAKE_GUEST_MODULE })) : undefined;
const guest = real.factory
  ? `real guest machine (${real.name})`
  : `fakeGuest test double (${process.argv.includes('--fake') ? '--fake' : 'no real guest machine in this build'}): datacenter-layer overhead only`;

/** The mix, cycled VM by VM: every workload keeps running for the whole measurement (defaults are finite). */
const MIX: { workload: string; workloadParams?: Record<string, number> }[] = [
  { workload: 'cpu' },
  { workload: 'memwrite', workloadParams: { wss_kib: 1024, rate_pps: 500, passes: 0 } },
  { workload: 'io', workloadParams: { rounds: 1000000 } },
  { workload: 'idle' }, { workload: 'idle' }, { workload: 'idle' }, { workload: 'idle' }, { workload: 'idle' },
];
const VMS_PER_HOST = 8;
const IDLE_MIX = [{ workload: 'idle' }];
/** The mix the run cycles through: the busy mix, or one of its members alone. */
const RUN_MIX = (() => {
  if (MIX_NAME === 'busy') return MIX;
  if (MIX_NAME === 'idle') return IDLE_MIX;
  const one = MIX.find((m) => m.workload === MIX_NAME);
  if (!one) throw new RangeError(`--mix: "${MIX_NAME}" is not busy, idle or a workload of the mix (${[...new Set(MIX.map((m) => m.workload))].join(', ')})`);
  return [one];
})();

function scenario(vms: number, nohz: 'on' | 'off'): unknown {
  const mix = RUN_MIX;
  const hosts = Math.ceil(vms / VMS_PER_HOST);
  return {
    version: 1, name: `bench-${vms}`, title: `bench ${vms}`,
    datacenters: [{
      name: 'DC0',
      clusters: [{ name: 'DC0_C0', hosts: { count: hosts, sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: 64 } }],
      vms: Array.from({ length: vms }, (_, i) => ({
        name: `vm${i}`, host: `DC0_C0_H${Math.floor(i / VMS_PER_HOST)}`, vcpus: 1, memoryMiB: 64, monitor: MONITOR, powerOn: true, ...withNohz(mix[i % mix.length], nohz),
      })),
    }],
  };
}

/** nohz=0 on labos's command line (the fakeGuest double ignores parameters it does not know). */
function withNohz(w: { workload: string; workloadParams?: Record<string, number> }, nohz: 'on' | 'off'): typeof w {
  return nohz === 'on' ? w : { ...w, workloadParams: { ...w.workloadParams, nohz: 0 } };
}

function measure(vms: number, nohz: 'on' | 'off'): { vms: number; nohz: string; wallMs: number; cpuMs: number; realtimeFactor: number; guestInstructionsPerSecond: number | null; workers?: Record<string, unknown>; buildMs?: number; threadCpuMs: ReturnType<typeof threadCpuAccount> } {
  const name = `bench-${vms}`;
  const built = performance.now();
  const engine = createEngine({ scenarios: { [name]: { file: name, content: scenario(vms, nohz) } }, guestFactory: factory }, { scenario: name, seed: 1, coreServicesOnly: CORE_ONLY, hostOwners });
  const buildMs = Math.round(performance.now() - built);
  try {
    return { ...timed(engine, vms, nohz), buildMs };
  } finally {
    engine.close();
  }
}

/** What the pool counts, copied (the timed window's share is the difference of two). */
function poolCounts(p: HostWorkerPool): { calls: Map<string, number>; callMs: Map<string, number>; busyMs: number[]; slowestMs: number; imbalanceMs: number } {
  return { calls: new Map(p.calls), callMs: new Map(p.callMs), busyMs: [...p.segmentWork.busyMs], slowestMs: p.segmentWork.slowestMs, imbalanceMs: p.segmentWork.imbalanceMs };
}

/**
 * With host workers, where the timed window's wall time went (ms): `coordinatorSerialMs`, the engine's
 * thread outside any wait for a worker (barrier services, collector, tasks, the loop's bookkeeping: what no
 * worker overlaps); `blockedMs`, its waits by call (`runSegments`: the segments themselves); per worker its
 * busy time in the segments; `slowestWorkerMs`, the sum of each segment's slowest worker (what the
 * segments would cost with no messaging); `imbalanceMs`, the sum of slowest less quickest.
 */
function workerAccount(before: ReturnType<typeof poolCounts>, after: ReturnType<typeof poolCounts>, wallMs: number): Record<string, unknown> {
  const segments = (after.calls.get('runSegments') ?? 0) - (before.calls.get('runSegments') ?? 0);
  const blockedMs: Record<string, number> = {};
  let blocked = 0;
  for (const [name, ms] of after.callMs) {
    const d = ms - (before.callMs.get(name) ?? 0);
    blocked += d;
    if (d >= 1) blockedMs[name] = Math.round(d);
  }
  const callsPerSegment: Record<string, number> = {};
  for (const [name, n] of after.calls) {
    const d = n - (before.calls.get(name) ?? 0);
    if (d > 0) callsPerSegment[name] = Math.round((d / Math.max(1, segments)) * 100) / 100;
  }
  return {
    segments, coordinatorSerialMs: Math.round(wallMs - blocked), blockedMs, callsPerSegment,
    workerBusyMs: after.busyMs.map((ms, i) => Math.round(ms - (before.busyMs[i] ?? 0))),
    slowestWorkerMs: Math.round(after.slowestMs - before.slowestMs), imbalanceMs: Math.round(after.imbalanceMs - before.imbalanceMs),
  };
}

/** `--pin`: each worker's thread held to one core (worker i on CPU i mod cores, `taskset`; Linux), the engine's
 *  thread left free — whether the workers' moving between cores costs them (cold caches). */
const PIN = process.argv.includes('--pin');

function pinWorkers(p: HostWorkerPool): void {
  const cores = availableParallelism();
  p.segmentWork.threads.forEach((tid, i) => { if (tid !== null) execFileSync('taskset', ['-pc', String(i % cores), String(tid)], { stdio: 'ignore' }); });
}

function timed(engine: ReturnType<typeof createEngine>, vms: number, nohz: 'on' | 'off'): ReturnType<typeof measure> {
  if (AFTER > 0) engine.advance(AFTER * 1000);
  if (PIN && pool) pinWorkers(pool);
  const counted = pool ? poolCounts(pool) : undefined;
  const threads0 = threadCpuSnapshot();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  engine.advance(SECONDS * 1000);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const threadCpuMs = threadCpuAccount(threads0, threadCpuSnapshot(), pool ? pool.segmentWork.threads : []);
  const workers = pool && counted ? workerAccount(counted, poolCounts(pool), wallMs) : undefined;
  const inv = engine.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'inventory.get', params: {} });
  let instructions = 0;
  // the realtime interval's first sample closes at 20 virtual s: before it there is no rate to read
  let sampled = false;
  if (inv.ok) {
    for (const h of (inv.result as { hosts: { id: string }[] }).hosts) {
      const r = engine.handle({ v: API_VERSION, id: 2, kind: 'query', name: 'metrics.query', params: { entityId: h.id, counters: ['engine.mips.average'], interval: 'realtime', maxSamples: 1 } });
      const mips = r.ok ? (r.result as { values: Record<string, (number | null)[]> }).values['engine.mips.average']?.[0] : undefined;
      if (mips === null || mips === undefined) continue;
      sampled = true;
      instructions += mips * 1e6;
    }
  }
  const factor = (SECONDS * 1000) / wallMs;
  // Instructions per wall-clock second; only meaningful when a real guest executes them.
  return {
    vms, nohz, wallMs: Math.round(wallMs), cpuMs: Math.round((cpu.user + cpu.system) / 1000), realtimeFactor: Math.round(factor * 100) / 100,
    guestInstructionsPerSecond: real.factory && sampled && AFTER === 0 ? Math.round(instructions * factor) : null,
    ...(workers ? { workers } : {}),
    threadCpuMs,
  };
}

const runs = [];
const sustained: Record<string, number> = {};
const failed = new Set<string>();
// Sizes grow by about 1.5× so the sustained figure is resolved to within a third.
const sizes: number[] = [];
if (SIZES.length) sizes.push(...SIZES);
else if (ONLY > 0) sizes.push(ONLY);
else for (let n = 1; n <= MAX; n = Math.max(n + 1, Math.round(n * 1.5))) sizes.push(n);
for (const n of sizes) {
  for (const mode of NOHZ_MODES) {
    if (failed.has(mode)) continue;
    const r = measure(n, mode);
    runs.push(r);
    if (r.realtimeFactor >= 1) sustained[mode] = n; else failed.add(mode);
  }
  if (NOHZ_MODES.every((m) => failed.has(m))) break;
}
const load = (() => { try { return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '); } catch { return null; } })();
console.log(JSON.stringify({
  benchmark: 'datacenter-realtime', guest, monitor: MONITOR, barrierServices: CORE_ONLY ? 'core only (--core-only)' : 'all', hostClockMhz: 100,
  mix: MIX_NAME === 'busy' ? 'VM i runs MIX[i mod 8]: cpu, memwrite, io, 5 × idle; 8 one-vCPU VMs per 8-core host' : `every VM runs labos ${MIX_NAME}; 8 one-vCPU VMs per 8-core host`,
  hostWorkers: WORKERS, virtualSecondsPerRun: SECONDS, afterSeconds: AFTER, loadAverageAtEnd: load,
  sustainedVmsAt1x: NOHZ_MODES.length === 1 ? (sustained[NOHZ_MODES[0]] ?? 0) : Object.fromEntries(NOHZ_MODES.map((m) => [`nohz ${m}`, sustained[m] ?? 0])), runs,
}, null, 2));
