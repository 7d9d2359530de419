/**
 * Alarms benchmark (JSON on stdout; figures go to docs/PERFORMANCE.md with the machine and its load).
 *
 * Run: `npm run bench -- alarms` or `npx tsx bench/alarms.ts [--runs 7]`.
 * A lab of 64 hosts and 2,000 powered-on VMs (no guests: the alarms read samples, given here), every
 * definition enabled; one VM in ten and one host in eight above its critical threshold.
 *  - `sampleBarrier`: `atBarrier` at a 20 s sample boundary (every metric and state condition). Goal: < 50 ms.
 *  - `quantumBarrier`: `atBarrier` between samples (state conditions only), run at every 10 ms quantum. Goal: < 0.1 ms.
 *  - `statusOfAll`: the `alarmStatus` of every host and VM (what a full inventory DTO adds). Goal: < 5 ms.
 * Median and min wall time of `runs` runs after one warm-up.
 */
import { cpus, loadavg } from 'node:os';
import { Lab } from '../src-main/engine/lab/lab';
import { AlarmManager } from '../src-main/engine/alarms/index';
import type { ManagedEntityId } from '../src-shared/model/ids';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const RUNS = arg('runs', 7);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const r3 = (x: number) => Math.round(x * 1000) / 1000;

const scenario = {
  version: 1, name: 'bench-alarms', title: 'alarms bench',
  datacenters: [{ name: 'DC0', clusters: [{ name: 'C0', hosts: { count: 64, sockets: 2, coresPerSocket: 8, cpuMhz: 100, memoryGiB: 64 }, vmsPerHost: [{ count: 31, vcpus: 1, memoryMiB: 64, workload: 'idle', powerOn: true }] }] }],
};
const lab = new Lab(scenario as never, 1, () => {});
let now = 0;
const hot = (id: string): boolean => Number(id.slice(id.indexOf('-') + 1)) % (id.startsWith('vm') ? 10 : 8) === 0;
const alarms = new AlarmManager({
  reg: lab.reg, events: lab.events, nowMs: () => now,
  latestSample: (id) => ({ timeMs: now, values: { 'cpu.usage.average': hot(id) ? 99 : 20, 'mem.usage.average': 30, 'cpu.ready.summation': 100 } }),
  datastoreUsedBytes: () => 0, haDeclared: () => undefined, markChanged: () => {},
});

// Durations 0: the runs below are a few samples long, and the triggered alarms should be there.
alarms.configure('vmCpuUsage', { durationS: 0 });
alarms.configure('hostCpuUsage', { durationS: 0 });

function timed(f: () => void): number[] {
  f();
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  return ms;
}

const sample = timed(() => { now += 20_000; alarms.atBarrier(now); });
const quantum = timed(() => { alarms.atBarrier(now + 10); });
const ids = [...lab.reg.hosts.keys(), ...lab.reg.vms.keys()] as ManagedEntityId[];
let red = 0;
const status = timed(() => { red = 0; for (const id of ids) if (alarms.statusOf(id) === 'red') red++; });

console.log(JSON.stringify({
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map(r3) }, runs: RUNS,
  lab: { hosts: lab.reg.hosts.size, vms: lab.reg.vms.size, triggered: alarms.triggered().length, redObjects: red },
  sampleBarrier: { medianMs: r3(median(sample)), minMs: r3(Math.min(...sample)), goalMs: 50 },
  quantumBarrier: { medianMs: r3(median(quantum)), minMs: r3(Math.min(...quantum)), goalMs: 0.1 },
  statusOfAll: { objects: ids.length, medianMs: r3(median(status)), minMs: r3(Math.min(...status)), goalMs: 5 },
}, null, 2));
