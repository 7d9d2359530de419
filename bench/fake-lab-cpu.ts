/**
 * fake-lab-cpu — the `--fake` datacenter lab's CPU time in any tree of this repository, for comparing trees
 * side by side (the core reshaping against the tree before it: docs/PERFORMANCE.md, "Before and after the
 * core reshaping").
 *
 * Run from the tree to measure, so that its own tsconfig paths resolve its own modules:
 *   (cd TREE && node --import tsx /path/to/bench/fake-lab-cpu.ts [--vms 210] [--seconds 10] [--warmup 0] [--mode default|core|settings])
 * Modes: `default` every service the tree has; `core` the bench-only `coreServicesOnly` lab option (trees
 * that have it); `settings` every existing scenario switch off (page sharing, ballooning, compression, HA,
 * DRS, every default alarm). `--warmup W` advances W virtual s first, untimed, so that the timed `--seconds`
 * run in steady state (V8's young generation grows with what survives, and reaches its largest size sooner
 * in a process that loaded more: compare trees at the same size). Prints one JSON line: CPU ms of `advance`
 * (the figure the comparison uses), of building plus advancing (warm-up included), wall ms and the load average; the capacity
 * of V8's new space (both semi-spaces, MiB) before and after the timed advance; then, to split a
 * difference: the main thread's own
 * CPU ms during `advance` (the process figure also holds V8's compiler and collector threads), the garbage
 * collections `advance` caused (count and pauses in wall ms by kind: scavenge, mark-compact, incremental, weak
 * callbacks) and the heap used after it. `--cpu-profile FILE` writes a V8 CPU profile of `advance` alone (for
 * bench/profile-summary.mjs), `--heap-profile FILE` a sampling allocation profile of it (`.heapprofile`, for
 * bench/heap-profile-summary.mjs); either slows the run, so time runs without them. The lab is `bench/datacenter-realtime.ts --fake`'s
 * (8 VMs a host: cpu, memwrite, io and five idle, the fakeGuest test double), seed 1. Alternate trees
 * round by round and compare medians of per-round ratios: single runs on a shared machine spread widely.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const vms = Number(opt('vms', '210'));
const seconds = Number(opt('seconds', '10'));
const warmup = Number(opt('warmup', '0'));
const mode = opt('mode', 'default');
const cpuProfileFile = opt('cpu-profile', '');
const heapProfileFile = opt('heap-profile', '');
const tree = process.cwd();

const { createEngine } = await import(pathToFileURL(join(tree, 'src-main/engine/index.ts')).href);
const { fakeGuestFactory } = await import(pathToFileURL(join(tree, 'test/helpers/fakeGuest.ts')).href);

const MIX = [
  { workload: 'cpu' },
  { workload: 'memwrite', workloadParams: { wss_kib: 1024, rate_pps: 500, passes: 0 } },
  { workload: 'io', workloadParams: { rounds: 1000000 } },
  { workload: 'idle' }, { workload: 'idle' }, { workload: 'idle' }, { workload: 'idle' }, { workload: 'idle' },
];
const cluster: Record<string, unknown> = { name: 'DC0_C0', hosts: { count: Math.ceil(vms / 8), sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: 64 } };
const scenario: Record<string, unknown> = {
  version: 1, name: `bench-${vms}`, title: `bench ${vms}`,
  datacenters: [{
    name: 'DC0', clusters: [cluster],
    vms: Array.from({ length: vms }, (_, i) => ({ name: `vm${i}`, host: `DC0_C0_H${Math.floor(i / 8)}`, vcpus: 1, memoryMiB: 64, monitor: 'interp', powerOn: true, ...MIX[i % 8] })),
  }],
};
const options: Record<string, unknown> = { scenario: scenario.name, seed: 1 };
if (mode === 'core') options.coreServicesOnly = true;
if (mode === 'settings') {
  cluster.drs = false;
  cluster.ha = false;
  (cluster.hosts as Record<string, unknown>).memoryReclamation = { sharing: false, ballooning: false, compression: false };
  scenario.alarms = ['hostCpuUsage', 'hostMemoryUsage', 'vmCpuUsage', 'vmMemoryUsage', 'vmCpuReady', 'datastoreUsage', 'hostConnectionPowerState', 'haHostStatus']
    .map((alarm) => ({ alarm, enabled: false }));
}

/** The calling thread's time on a CPU, ns (the kernel's scheduler statistics for this thread). */
const threadCpuNs = (): number => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'markCompact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakCallbacks',
};
const gcEntries: (PerformanceEntry & { detail?: unknown })[] = [];
const gcObserver = new PerformanceObserver((list) => { gcEntries.push(...list.getEntries()); });

/** The new space's capacity, MiB (V8 doubles its semi-spaces, up to --max-semi-space-size, as objects survive scavenges). */
const newSpaceMiB = (): number => (getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')?.space_size ?? 0) / 2 ** 20;

const c0 = process.cpuUsage();
const engine = createEngine({ scenarios: { [scenario.name as string]: { file: scenario.name, content: scenario } }, guestFactory: fakeGuestFactory }, options);
if (warmup > 0) engine.advance(warmup * 1000);
const c1 = process.cpuUsage();
const newSpaceBefore = newSpaceMiB();
const inspector = cpuProfileFile || heapProfileFile ? new Session() : undefined;
inspector?.connect();
if (cpuProfileFile) {
  await inspector!.post('Profiler.enable');
  await inspector!.post('Profiler.setSamplingInterval', { interval: 200 });
  await inspector!.post('Profiler.start');
}
if (heapProfileFile) {
  await inspector!.post('HeapProfiler.enable');
  await inspector!.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
gcObserver.observe({ entryTypes: ['gc'] });
const t0 = performance.now();
const th0 = threadCpuNs();
if (seconds > 0) engine.advance(seconds * 1000);
const th1 = threadCpuNs();
const t1 = performance.now();
const wallMs = t1 - t0;
const adv = process.cpuUsage(c1);
const all = process.cpuUsage(c0);
if (cpuProfileFile) writeFileSync(cpuProfileFile, JSON.stringify((await inspector!.post('Profiler.stop')).profile));
if (heapProfileFile) writeFileSync(heapProfileFile, JSON.stringify((await inspector!.post('HeapProfiler.stopSampling')).profile));
inspector?.disconnect();
await new Promise((resolve) => setTimeout(resolve, 100)); // the observer is called back after the synchronous advance
gcObserver.disconnect();
const gc: Record<string, { count: number; ms: number }> = {};
for (const e of gcEntries) {
  if (e.startTime < t0 || e.startTime > t1) continue;
  const kind = GC_KINDS[(e.detail as { kind: number } | undefined)?.kind ?? -1] ?? 'other';
  gc[kind] ??= { count: 0, ms: 0 };
  gc[kind].count++;
  gc[kind].ms += e.duration;
}
for (const g of Object.values(gc)) g.ms = Math.round(g.ms * 10) / 10;
console.log(JSON.stringify({
  tree, vms, seconds, warmup, mode,
  advanceCpuMs: Math.round((adv.user + adv.system) / 1000),
  buildAndAdvanceCpuMs: Math.round((all.user + all.system) / 1000),
  wallMs: Math.round(wallMs),
  newSpaceMiB: [newSpaceBefore, newSpaceMiB()],
  advanceMainThreadCpuMs: Math.round((th1 - th0) / 1e6),
  gc,
  heapUsedMiB: Math.round(getHeapStatistics().used_heap_size / 2 ** 20),
  load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
}));
