/**
 * host-workers — a busy multi-host lab with its hosts on 1 and on 2 host worker threads
 * (`src-main/node/workers/hostWorkerPool.ts`), and on the engine's own thread (0) for reference: whole
 * processes timed, in pairs whose order alternates (`abPairs.ts`), so the machine's load biases neither side.
 *
 * Run: `node --import tsx bench/host-workers.ts [--hosts 4] [--vms 8] [--seconds 10] [--pairs 5] [--workload memwrite]
 * [--params JSON]`.
 * The lab: `--hosts` hosts of 8 cores at 100 MHz, `--vms` one-vCPU fakeGuest VMs each (the test double,
 * to measure the layer's own cost; `datacenter-realtime.ts --workers` runs real guests), all running `--workload` with the fakeGuest's `--params`, seed 1, advanced
 * `--seconds` virtual seconds (a long run, e.g. 40, amortises each worker's own JIT warm-up).
 * Each run is a child process (`--child N`): its wall time from spawn to exit (worker start-up included)
 * and, reported by the child, the advance alone and the lab's digest (the same for every N, or the
 * benchmark fails) and the owner calls the coordinator made per segment. Prints one JSON object: per N the
 * median wall and advance times, the per-pair ratios 1 worker / 2 workers (the speed-up: > 1 = 2 faster),
 * and the machine's load before and after.
 * `--base DIR` (another checkout of the engine with this benchmark, e.g. an export of the commit to compare
 * against, node_modules beside it): each pair also runs DIR's child with 2 workers, right after this tree's
 * pair; the JSON adds its median and the per-pair ratio base / this tree (2 workers: > 1 = this tree faster),
 * and its digest joins the check (a change that is meant to keep every result must keep the digest).
 * Rules: a ratio is computed within a pair, never median over median; the machine is shared, so quote the
 * load with the figures.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { median, pairOrder, ratioSummary } from './abPairs';

const opt = (name: string, def: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const HOSTS = Number(opt('hosts', '4'));
const VMS = Number(opt('vms', '8'));
const SECONDS = Number(opt('seconds', '10'));
const PAIRS = Number(opt('pairs', '5'));
const WORKLOAD = opt('workload', 'memwrite');
/** The fakeGuest's parameters (`test/helpers/fakeGuest.ts`): by default a fast timer and a page written
 *  every few instructions, so each host's segment has real work to run in parallel. */
const PARAMS = JSON.parse(opt('params', '{"tickHz":2000,"writeEvery":50,"workingSetPages":256}')) as Record<string, number>;
const BASE = opt('base', '');

function scenario(): unknown {
  return {
    version: 1, name: 'host-workers', title: 'host workers',
    datacenters: [{
      name: 'DC0',
      clusters: [{ name: 'DC0_C0', hosts: { count: HOSTS, sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: 64 } }],
      vms: Array.from({ length: HOSTS * VMS }, (_, i) => ({
        name: `vm${i}`, host: `DC0_C0_H${Math.floor(i / VMS)}`, vcpus: 1, memoryMiB: 64, monitor: 'bt', powerOn: true, workload: WORKLOAD, workloadParams: PARAMS,
      })),
    }],
  };
}

interface ChildResult { workers: number; advanceMs: number; digest: string; segments: number; callsPerSegment: Record<string, number>; blockedMs: Record<string, number> }

async function child(workers: number): Promise<void> {
  const { createEngine } = await import('../src-main/engine/index');
  const { HostWorkerPool } = await import('../src-main/node/workers/hostWorkerPool');
  const { FAKE_GUEST_MODULE, fakeGuestFactory } = await import('../test/helpers/fakeGuest');
  const pools: InstanceType<typeof HostWorkerPool>[] = [];
  const guests = FAKE_GUEST_MODULE;
  const engine = createEngine({ scenarios: { s: { file: 's', content: scenario() } }, guestFactory: fakeGuestFactory }, {
    scenario: 's', seed: 1,
    hostOwners: workers > 0 ? () => { const p = new HostWorkerPool({ workers, guests }); pools.push(p); return p; } : undefined,
  });
  const t0 = performance.now();
  engine.advance(SECONDS * 1000);
  const advanceMs = performance.now() - t0;
  const digest = createHash('sha256').update(JSON.stringify(engine.digestInput())).digest('hex').slice(0, 16);
  const calls = pools[0]?.calls ?? new Map<string, number>();
  const segments = calls.get('runSegments') ?? 0;
  const callsPerSegment: Record<string, number> = {};
  for (const [name, n] of calls) callsPerSegment[name] = Math.round((n / Math.max(1, segments)) * 100) / 100;
  const blockedMs: Record<string, number> = {};
  for (const [name, ms] of pools[0]?.callMs ?? []) if (ms >= 1) blockedMs[name] = Math.round(ms);
  engine.close();
  const out: ChildResult = { workers, advanceMs: Math.round(advanceMs), digest, segments, callsPerSegment, blockedMs };
  console.log(JSON.stringify(out));
}

function runChild(workers: number, script = fileURLToPath(import.meta.url)): ChildResult & { wallMs: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--child', String(workers),
    '--hosts', String(HOSTS), '--vms', String(VMS), '--seconds', String(SECONDS), '--workload', WORKLOAD, '--params', JSON.stringify(PARAMS)], { encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`the ${workers}-worker run failed: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildResult), wallMs: Math.round(wallMs) };
}

function main(): void {
  const loadBefore = loadavg().map((x) => Math.round(x * 10) / 10);
  const runs: Record<number, (ChildResult & { wallMs: number })[]> = { 0: [], 1: [], 2: [] };
  const wallRatios: number[] = [];
  const advanceRatios: number[] = [];
  const baseRuns: (ChildResult & { wallMs: number })[] = [];
  const baseAdvanceRatios: number[] = [];
  const baseScript = BASE ? resolve(BASE, 'bench/host-workers.ts') : '';
  for (let i = 0; i < PAIRS; i++) {
    const got: Record<number, ChildResult & { wallMs: number }> = {};
    for (const side of pairOrder(i)) { const n = side === 'base' ? 1 : 2; got[n] = runChild(n); }
    if (baseScript) { const b = runChild(2, baseScript); baseRuns.push(b); baseAdvanceRatios.push(b.advanceMs / got[2].advanceMs); }
    got[0] = runChild(0);
    for (const n of [0, 1, 2]) runs[n].push(got[n]);
    wallRatios.push(got[1].wallMs / got[2].wallMs);
    advanceRatios.push(got[1].advanceMs / got[2].advanceMs);
  }
  const digests = new Set([...Object.values(runs).flat(), ...baseRuns].map((r) => r.digest));
  if (digests.size !== 1) throw new Error(`the runs' digests differ: ${[...digests].join(', ')}`);
  const summary = (n: number) => ({
    wallMsMedian: median(runs[n].map((r) => r.wallMs)), advanceMsMedian: median(runs[n].map((r) => r.advanceMs)),
    wallMs: runs[n].map((r) => r.wallMs), advanceMs: runs[n].map((r) => r.advanceMs),
  });
  console.log(JSON.stringify({
    bench: 'host-workers', hosts: HOSTS, vmsPerHost: VMS, workload: WORKLOAD, virtualSeconds: SECONDS, pairs: PAIRS, digest: [...digests][0],
    workers0: summary(0), workers1: summary(1), workers2: summary(2),
    speedup2over1: { wall: ratioSummary(wallRatios), advance: ratioSummary(advanceRatios) },
    ...(baseScript ? {
      base: { dir: BASE, workers2: { advanceMsMedian: median(baseRuns.map((r) => r.advanceMs)), advanceMs: baseRuns.map((r) => r.advanceMs) },
        advanceBaseOverThis2: ratioSummary(baseAdvanceRatios), callsPerSegment: baseRuns[0].callsPerSegment },
    } : {}),
    segments: runs[1][0].segments, callsPerSegment: runs[2][0].callsPerSegment, blockedMs1: runs[1][0].blockedMs, blockedMs2: runs[2][0].blockedMs,
    loadBefore, loadAfter: loadavg().map((x) => Math.round(x * 10) / 10),
  }, null, 2));
}

const childAt = process.argv.indexOf('--child');
if (childAt > 0) await child(Number(process.argv[childAt + 1]));
else main();
