/**
 * busy-mix-ab — the busy mix (or one of its workloads) on two engine trees side by side in ONE process:
 * what a host-side change saves per VM per virtual second, on a machine whose load moves too much for
 * separate runs to compare (the datacenter benchmark's whole runs differ by 30 % at load 10).
 *
 * Run (from this tree): `node --import tsx bench/busy-mix-ab.ts --base DIR [--mix busy|cpu|memwrite|io|idle]
 * [--vms 8] [--after 5] [--pairs 12] [--host-gib 64] [--stats]`. DIR is another checkout of the engine (e.g. an export of the
 * commit to compare against, with node_modules beside it). Both trees build the same lab (the datacenter
 * benchmark's: hosts of 8 cores at 100 MHz, 8 one-vCPU VMs per host, every VM under `bt`, seed 1), run
 * `--after` virtual seconds untimed, then advance in alternating 1-virtual-s slices (base first in even
 * pairs, this tree first in odd ones); each slice's process CPU time (user + system) is recorded. Prints
 * one JSON object: the median slice of each tree, per VM per virtual second, and the median of the
 * per-pair ratios (this tree / base) with how many pairs were lower — the figure to quote. `--host-gib`: the
 * hosts' memory (default 64: no pressure); a small one (0.27 for 8 VMs) puts memory reclamation to work.
 * `--stats`: also counts, for this tree only, what the binary translator's dispatcher did per VM per
 * virtual second over the timed slices (execute calls by stop reason, region entries, translated and
 * interpreted instructions, callouts) — by wrapping `TranslatedExecutor.prototype.execute`, a
 * measurement hook that costs a little CPU of its own (the ratio is then biased against this tree) —
 * and what the guests did (`guestPerVmPerVirtualS`: instructions, port accesses by device, disk
 * commands and bytes, interrupts, exceptions by cause, the monitor's traps), read from the machines'
 * own counters (their CPUs, buses and disks, found by wrapping `Cpu.prototype.run`).
 * Rules: a slice is whole virtual seconds of both labs, which stay bit-identical to separate runs (the
 * trees share no module state); the first pairs include V8 warming up on either side. Run it against
 * an export of this same tree first: that A/A ratio is the method's noise at the machine's load (1.032 on
 * `io` × 8, 12 pairs, load 9–12 — differences under ~3 % are not shown).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { alternatingPairs, median, pairRatios } from './abPairs';

const opt = (name: string, def: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const BASE = opt('base', '');
if (!BASE) { console.error('usage: bench/busy-mix-ab.ts --base DIR [--mix busy|cpu|memwrite|io|idle] [--vms N] [--after S] [--pairs N] [--host-gib G] [--stats]'); process.exit(2); }
const MIX_NAME = opt('mix', 'busy');
const VMS = Number(opt('vms', '8'));
const AFTER = Number(opt('after', '5'));
const PAIRS = Number(opt('pairs', '12'));
const STATS = process.argv.includes('--stats');
const HOST_GIB = Number(opt('host-gib', '64'));
const HERE = resolve(import.meta.dirname, '..');

/** The datacenter benchmark's mix (bench/datacenter-realtime.ts), cycled VM by VM. */
const WORKLOADS: Record<string, { workload: string; workloadParams?: Record<string, number> }> = {
  cpu: { workload: 'cpu' },
  memwrite: { workload: 'memwrite', workloadParams: { wss_kib: 1024, rate_pps: 500, passes: 0 } },
  io: { workload: 'io', workloadParams: { rounds: 1000000 } },
  idle: { workload: 'idle' },
};
const BUSY = ['cpu', 'memwrite', 'io', 'idle', 'idle', 'idle', 'idle', 'idle'];
if (MIX_NAME !== 'busy' && !WORKLOADS[MIX_NAME]) { console.error(`--mix: "${MIX_NAME}" is not busy, cpu, memwrite, io or idle`); process.exit(2); }
const workloadOf = (i: number): (typeof WORKLOADS)[string] => WORKLOADS[MIX_NAME === 'busy' ? BUSY[i % BUSY.length] : MIX_NAME];

const scenario = {
  version: 1, name: 'ab', title: 'busy mix A/B',
  datacenters: [{
    name: 'DC0',
    clusters: [{ name: 'DC0_C0', hosts: { count: Math.ceil(VMS / 8), sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: HOST_GIB } }],
    vms: Array.from({ length: VMS }, (_, i) => ({ name: `vm${i}`, host: `DC0_C0_H${Math.floor(i / 8)}`, vcpus: 1, memoryMiB: 64, monitor: 'bt', powerOn: true, ...workloadOf(i) })),
  }],
};

interface Engine { advance(ms: number): void }
async function engineOf(root: string): Promise<Engine> {
  const url = (p: string): string => pathToFileURL(resolve(root, p)).href;
  const { createEngine } = await import(url('src-main/engine/index.ts'));
  const { defaultGuestFactory } = await import(url('src-main/node/guestFactories.ts'));
  const real = defaultGuestFactory();
  if (!real.factory) throw new Error(`${root}: no real guest machine in this tree`);
  return createEngine({ scenarios: { ab: { file: 'ab', content: scenario } }, guestFactory: real.factory }, { scenario: 'ab', seed: 1 });
}

type Counts = Record<string, number>;
/** `--stats`: the dispatcher's own counters summed over this tree's executors, plus execute calls by stop reason. */
async function countDispatcher(): Promise<() => Counts> {
  const { TranslatedExecutor } = await import(pathToFileURL(resolve(HERE, 'src-main/engine/translator/executor.ts')).href);
  const executors = new Set<{ stats: Counts }>();
  const calls: Counts = {};
  const execute = TranslatedExecutor.prototype.execute;
  TranslatedExecutor.prototype.execute = function (this: { stats: Counts }, ...args: unknown[]) {
    executors.add(this);
    const r = execute.apply(this, args) as { reason: string };
    const k = `executeCalls.${r.reason}`;
    calls[k] = (calls[k] ?? 0) + 1;
    return r;
  };
  return () => {
    const sum: Counts = { ...calls };
    for (const e of executors) for (const [k, v] of Object.entries(e.stats)) sum[k] = (sum[k] ?? 0) + v;
    return sum;
  };
}

/** `--stats`: the guests' own counters summed over this tree's machines (CPUs, port buses, disks). */
async function countGuests(): Promise<() => Counts> {
  const url = (p: string): string => pathToFileURL(resolve(HERE, p)).href;
  const { Cpu } = await import(url('src-main/engine/cpu/index.ts'));
  const { IoBus, DiskDevice } = await import(url('src-main/engine/devices/index.ts'));
  const { CAUSE_IRQ_BASE } = await import(url('src-main/engine/isa/index.ts'));
  type Seen = { counters: { instructions: number; causes: Float64Array; monitorTraps: number } };
  const cpus = new Set<Seen>();
  const buses = new Set<{ counters: { reads: number; writes: number; byDevice: Counts } }>();
  const disks = new Set<{ metrics: Counts }>();
  const hook = (proto: Record<string, unknown>, name: string, into: Set<never>): void => {
    const f = proto[name] as (...a: unknown[]) => unknown;
    proto[name] = function (this: never, ...a: unknown[]) { into.add(this); return f.apply(this, a); };
  };
  hook(Cpu.prototype, 'run', cpus as Set<never>);
  hook(IoBus.prototype, 'read', buses as Set<never>);
  hook(IoBus.prototype, 'write', buses as Set<never>);
  hook(DiskDevice.prototype, 'update', disks as Set<never>);
  return () => {
    const s: Counts = {};
    const add = (k: string, v: number): void => { s[k] = (s[k] ?? 0) + v; };
    for (const c of cpus) {
      add('instructions', c.counters.instructions);
      add('monitorTraps', c.counters.monitorTraps);
      c.counters.causes.forEach((v, cause) => { if (v !== 0) add(cause >= CAUSE_IRQ_BASE ? `interrupts.irq${cause - CAUSE_IRQ_BASE}` : `exceptions.cause${cause}`, v); });
    }
    for (const b of buses) {
      const c = b.counters;
      add('portReads', c.reads);
      add('portWrites', c.writes);
      for (const [k, v] of Object.entries(c.byDevice)) add(`ports.${k}`, v);
    }
    for (const d of disks) {
      add('diskCommands', d.metrics.reads + d.metrics.writes);
      add('diskBytes', d.metrics.readBytes + d.metrics.writeBytes);
    }
    return s;
  };
}

const snapshot = STATS ? await countDispatcher() : undefined;
const guests = STATS ? await countGuests() : undefined;
const base = await engineOf(resolve(BASE));
const here = await engineOf(HERE);
base.advance(AFTER * 1000);
here.advance(AFTER * 1000);
const before = snapshot?.();
const guestsBefore = guests?.();

const slice = (e: Engine): number => {
  const c0 = process.cpuUsage();
  e.advance(1000);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const ms = alternatingPairs(PAIRS, (side) => slice(side === 'base' ? base : here));
const ratios = pairRatios(ms);
const round = (v: number, d = 1): number => Math.round(v * 10 ** d) / 10 ** d;
/** Per VM per virtual second of the timed slices: the counts now less the counts before them. */
const perVmPerSecond = (now: Counts, then: Counts): Counts => {
  const out: Counts = {};
  for (const k of Object.keys(now).sort()) out[k] = Math.round((now[k] - (then[k] ?? 0)) / VMS / PAIRS);
  return out;
};
const dispatcher = snapshot && before ? perVmPerSecond(snapshot(), before) : undefined;
const guestCounts = guests && guestsBefore ? perVmPerSecond(guests(), guestsBefore) : undefined;
const load = (() => { try { return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '); } catch { return null; } })();
console.log(JSON.stringify({
  benchmark: 'busy-mix-ab', mix: MIX_NAME, vms: VMS, hostGiB: HOST_GIB, afterSeconds: AFTER, pairs: PAIRS, base: resolve(BASE), tree: HERE,
  baseCpuMsPerVmPerVirtualS: round(median(ms.base) / VMS), treeCpuMsPerVmPerVirtualS: round(median(ms.tree) / VMS),
  ratioMedian: round(median(ratios), 3), pairsLower: ratios.filter((r) => r < 1).length,
  ...(dispatcher ? { dispatcherPerVmPerVirtualS: dispatcher } : {}), ...(guestCounts ? { guestPerVmPerVirtualS: guestCounts } : {}), loadAverageAtEnd: load,
}, null, 2));
