/**
 * Max-speed benchmark: what "Max" achieves against a fixed multiple (default 10×) on a busy lab, through
 * the engine host's real pacing loop (node/engineHost.ts → slicePacer.ts), as `hvlab serve` runs it.
 *
 * Run: `npx tsx bench/max-speed.ts [--vms 24] [--speed 10] [--seconds 5] [--rounds 2]`. Prints one JSON
 * object. The lab: hosts of 8 cores at 100 MHz, 8 one-vCPU VMs per host running the datacenter
 * benchmark's busy mix (cpu, memwrite, io, 5 × idle), all powered on. Each round runs `--seconds` of wall
 * time at 'max', then at the fixed speed (alternating, so both see the same machine load), and reads the
 * virtual time each advanced: `achieved` = virtual ms / wall ms. The first second of every run (the
 * guests' and the loop's warm-up after a speed change) is not counted.
 */
import { EngineHost } from '../src-main/node/engineHost';
import { API_VERSION } from '../src-shared/api/channels';
import { loadavg } from 'node:os';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const VMS = arg('vms', 24);
const SPEED = arg('speed', 10);
const SECONDS = arg('seconds', 5);
const ROUNDS = arg('rounds', 2);
const WARMUP_MS = 1000;

const MIX: { workload: string; workloadParams?: Record<string, number> }[] = [
  { workload: 'cpu' },
  { workload: 'memwrite', workloadParams: { wss_kib: 1024, rate_pps: 500, passes: 0 } },
  { workload: 'io', workloadParams: { rounds: 1000000 } },
  { workload: 'idle' }, { workload: 'idle' }, { workload: 'idle' }, { workload: 'idle' }, { workload: 'idle' },
];
const name = `max-speed-${VMS}`;
const scenario = {
  version: 1, name, title: name,
  datacenters: [{
    name: 'DC0',
    clusters: [{ name: 'DC0_C0', hosts: { count: Math.ceil(VMS / 8), sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: 64 } }],
    vms: Array.from({ length: VMS }, (_, i) => ({ name: `vm${i}`, host: `DC0_C0_H${Math.floor(i / 8)}`, vcpus: 1, memoryMiB: 64, powerOn: true, ...MIX[i % MIX.length] })),
  }],
};

const host = new EngineHost({ scenario: name, seed: 1, paused: true, ports: { scenarios: { [name]: { file: name, content: scenario } } } });
let id = 1;
const ask = (kind: 'command' | 'query', n: string, params: unknown) => {
  const r = host.request({ v: API_VERSION, id: id++, kind, name: n, params });
  if (!r.ok) throw new Error(`${n}: ${r.error.message}`);
  return r.result as { virtualTimeMs: number };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(speed: number | 'max'): Promise<number> {
  ask('command', 'sim.run', { speed });
  await sleep(WARMUP_MS);
  const v0 = ask('query', 'sim.status', {}).virtualTimeMs;
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const v1 = ask('query', 'sim.status', {}).virtualTimeMs;
  const wall = performance.now() - t0;
  ask('command', 'sim.pause', {});
  return Math.round(((v1 - v0) / wall) * 100) / 100;
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0];
  host.start();
  const rounds: { max: number; fixed: number }[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) rounds.push({ max: await run('max'), fixed: await run(SPEED) });
  } finally {
    host.stop();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(JSON.stringify({
    benchmark: 'max-speed', vms: VMS, fixedSpeed: SPEED, secondsPerRun: SECONDS, rounds,
    medianAchieved: { max: median(rounds.map((x) => x.max)), fixed: median(rounds.map((x) => x.fixed)) },
    // Every round's 'max' at least the fixed speed, give or take 5 % (the two runs are seconds apart on a shared machine).
    maxAtLeastFixedEveryRound: rounds.every((x) => x.max >= x.fixed * 0.95),
    loadAverage: { before: Math.round(loadBefore * 10) / 10, after: Math.round(loadavg()[0] * 10) / 10 },
  }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
