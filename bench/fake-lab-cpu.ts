/**
 * fake-lab-cpu — the `--fake` datacenter lab's CPU time in any tree of this repository, for comparing trees
 * side by side (the core reshaping against the tree before it: docs/PERFORMANCE.md, "Before and after the
 * core reshaping").
 *
 * Run from the tree to measure, so that its own tsconfig paths resolve its own modules:
 *   (cd TREE && node --import tsx /path/to/bench/fake-lab-cpu.ts [--vms 210] [--seconds 10] [--mode default|core|settings])
 * Modes: `default` every service the tree has; `core` the bench-only `coreServicesOnly` lab option (trees
 * that have it); `settings` every existing scenario switch off (page sharing, ballooning, compression, HA,
 * DRS, every default alarm). Prints one JSON line: CPU ms of `advance` (the figure the comparison uses), of
 * building plus advancing, wall ms and the load average. The lab is `bench/datacenter-realtime.ts --fake`'s
 * (8 VMs a host: cpu, memwrite, io and five idle, the fakeGuest test double), seed 1. Alternate trees
 * round by round and compare medians of per-round ratios: single runs on a shared machine spread widely.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const vms = Number(opt('vms', '210'));
const seconds = Number(opt('seconds', '10'));
const mode = opt('mode', 'default');
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

const c0 = process.cpuUsage();
const engine = createEngine({ scenarios: { [scenario.name as string]: { file: scenario.name, content: scenario } }, guestFactory: fakeGuestFactory }, options);
const c1 = process.cpuUsage();
const t0 = performance.now();
if (seconds > 0) engine.advance(seconds * 1000);
const wallMs = performance.now() - t0;
const adv = process.cpuUsage(c1);
const all = process.cpuUsage(c0);
console.log(JSON.stringify({
  tree, vms, seconds, mode,
  advanceCpuMs: Math.round((adv.user + adv.system) / 1000),
  buildAndAdvanceCpuMs: Math.round((all.user + all.system) / 1000),
  wallMs: Math.round(wallMs),
  load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
}));
