/**
 * machineCounters — the machine's event counters in two shapes: flat (what
 * `GuestMachine.counters()` returns and the engine's sampler diffs) and structured (the CLI's
 * `--json` report and the benchmarks).
 *
 * Interface: `flatCounters(parts)` → Record<string, number>; `counterReport(flat)` → `CounterReport`;
 * `addCounters(into, from)`.
 * Flat keys: per-CPU sums (`instructions`, `cycles`, `exceptions`, `interrupts`, `pageFaults`,
 * `syscalls`, `privilegedTraps`, `privilegedExecuted`, `ioReads`, `ioWrites`, `monitorTraps`,
 * `monitorEmulated`, `doubleFaults`, `halts`, `tlbHits`, `tlbMisses`, `tlbEvictions`, `tlbFlushes`,
 * `tlbPageInvalidations`, `pageWalks`, `pageWalkRefs` (alias `walkMemRefs`), `adWrites`),
 * `exceptions.<cause>`, `interrupts.<irqN>`, `timerInterrupts`, `monitorExits` (traps into a monitor
 * other than interp: the world switches of trap-and-emulate), `traps.emulated.<mnemonic>` and
 * `traps.reflected.<cause>` (monitor statistics), device counters (`timer.*`, `console.*`,
 * `disk.*`, `rtc.*`, `smp.*`, `power.*`, `ioAccesses`, `droppedTicks`), machine counters
 * (`worldSwitches`, `reboots`, `internalErrors`), `pagesDirtied`, and memory-virtualization counters
 * `paging.<name>` (cpu.snapshot().paging: shadow hidden/guest faults, page-table write traps, 2-D walk
 * references, nested violations, large-page TLB, dirty logging…; docs/memory-virtualization.md), and
 * the monitor's own counters (`bt.*`, `hw.*`, `pv.*`: docs/monitors.md; under hw, monitorExits =
 * hw.exits, the VM exits).
 * Rules: every value is a cumulative count of real events since power-on (reboots included).
 */
import type { Cpu } from '../cpu/index';

export interface CounterParts {
  cpus: readonly Cpu[];
  monitorKind: string;
  devices: Record<string, number>;
  machine: Record<string, number>;
  retired: Record<string, number>;
  pagesDirtied: number;
}

const CPU_KEYS = [
  'instructions', 'cycles', 'exceptions', 'interrupts', 'pageFaults', 'syscalls', 'privilegedTraps', 'privilegedExecuted', 'ioReads', 'ioWrites',
  'monitorTraps', 'monitorEmulated', 'doubleFaults', 'halts', 'tlbHits', 'tlbMisses', 'tlbEvictions', 'tlbFlushes', 'tlbPageInvalidations',
  'pageWalks', 'pageWalkRefs', 'adWrites',
] as const;

export function addCounters(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** The counters of the CPUs alone (what a reboot retires). */
export function cpuCounters(cpus: readonly Cpu[], monitorKind: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of CPU_KEYS) out[k] = 0;
  for (const cpu of cpus) {
    const s = cpu.snapshot();
    for (const k of CPU_KEYS) out[k] += s[k];
    for (const [name, n] of Object.entries(s.byCause)) {
      const key = name.startsWith('irq') ? `interrupts.${name}` : `exceptions.${name}`;
      out[key] = (out[key] ?? 0) + n;
    }
    for (const [name, n] of Object.entries(s.paging)) out[`paging.${name}`] = (out[`paging.${name}`] ?? 0) + n;
    const stats = (cpu.monitor as unknown as { stats?: { emulated?: Record<string, number>; reflected?: Record<string, number> } } | undefined)?.stats;
    if (stats) {
      for (const [m, n] of Object.entries(stats.emulated ?? {})) out[`traps.emulated.${m}`] = (out[`traps.emulated.${m}`] ?? 0) + n;
      for (const [c, n] of Object.entries(stats.reflected ?? {})) out[`traps.reflected.${c}`] = (out[`traps.reflected.${c}`] ?? 0) + n;
    }
    // Monitor counters (bt.*, hw.*, pv.*; docs/monitors.md): per vCPU, summed; `*.cache.*`
    // describe the translation cache the vCPUs share, so they are taken once (max), not summed.
    const mc = (cpu.monitor as unknown as { counters?: (c: Cpu) => Record<string, number> } | undefined)?.counters;
    if (mc) for (const [k, n] of Object.entries(mc.call(cpu.monitor, cpu))) out[k] = k.includes('.cache.') ? Math.max(out[k] ?? 0, n) : (out[k] ?? 0) + n;
  }
  out.monitorExits = monitorKind === 'interp' ? 0 : out['hw.exits'] ?? out.monitorTraps;
  return out;
}

export function flatCounters(p: CounterParts): Record<string, number> {
  const out = cpuCounters(p.cpus, p.monitorKind);
  addCounters(out, p.retired);
  out.walkMemRefs = out.pageWalkRefs;
  out.timerInterrupts = out['interrupts.irq0'] ?? 0;
  Object.assign(out, p.devices, p.machine);
  out.pagesDirtied = p.pagesDirtied;
  return out;
}

export interface CounterReport {
  instructions: number;
  cycles: number;
  /** Traps by kind: system calls, breakpoints, hypercalls, privileged-instruction faults, and the monitor's view. */
  traps: {
    syscall: number; breakpoint: number; hypercall: number; privileged: number;
    monitor: number; monitorExits: number; emulated: Record<string, number>; reflected: Record<string, number>;
  };
  /** Exceptions by cause name (page-fault, privileged, syscall, …). */
  exceptions: Record<string, number>;
  pageFaults: number;
  tlbHits: number;
  tlbMisses: number;
  pageWalks: number;
  walkMemRefs: number;
  interrupts: number;
  interruptsByLine: Record<string, number>;
  ioAccesses: number;
  worldSwitches: number;
  timer: { ticksDelivered: number; ticksBacklogged: number; ticksDropped: number };
  disk: { reads: number; writes: number; readBytes: number; writeBytes: number };
  /** Memory virtualization (shadow / nested paging, large pages, TLB tags), non-zero counters only. */
  paging: Record<string, number>;
  /** Every flat counter not shown above. */
  other: Record<string, number>;
}

export function counterReport(f: Record<string, number>): CounterReport {
  const used = new Set<string>();
  const get = (k: string): number => { used.add(k); return f[k] ?? 0; };
  const prefixed = (p: string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(f)) if (k.startsWith(p)) { out[k.slice(p.length)] = v; used.add(k); }
    return out;
  };
  const exceptions = prefixed('exceptions.');
  const r: CounterReport = {
    instructions: get('instructions'), cycles: get('cycles'),
    traps: {
      syscall: exceptions.syscall ?? 0, breakpoint: exceptions.breakpoint ?? 0, hypercall: exceptions.hypercall ?? 0, privileged: exceptions.privileged ?? 0,
      monitor: get('monitorTraps'), monitorExits: get('monitorExits'), emulated: prefixed('traps.emulated.'), reflected: prefixed('traps.reflected.'),
    },
    exceptions, pageFaults: get('pageFaults'), tlbHits: get('tlbHits'), tlbMisses: get('tlbMisses'), pageWalks: get('pageWalks'),
    walkMemRefs: get('walkMemRefs'), interrupts: get('interrupts'), interruptsByLine: prefixed('interrupts.'), ioAccesses: get('ioAccesses'),
    worldSwitches: get('worldSwitches'),
    timer: { ticksDelivered: get('timer.ticksDelivered'), ticksBacklogged: get('timer.ticksBacklogged'), ticksDropped: get('timer.ticksDropped') },
    disk: { reads: get('disk.reads'), writes: get('disk.writes'), readBytes: get('disk.readBytes'), writeBytes: get('disk.writeBytes') },
    paging: prefixed('paging.'),
    other: {},
  };
  used.add('exceptions').add('pageWalkRefs');
  for (const [k, v] of Object.entries(f)) if (!used.has(k)) r.other[k] = v;
  return r;
}
