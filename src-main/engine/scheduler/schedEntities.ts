/**
 * schedEntities — what one host's CPU scheduler schedules: VMs, their vCPUs, and physical CPUs, with the
 * per-vCPU state accounting behind cpu.run / ready / costop / wait (%RUN + %RDY + %CSTP + %WAIT = 100%).
 *
 * Interface:
 *  - `VcpuState`: run | ready (runnable, waiting for a pCPU) | costop (held back by co-scheduling) |
 *    limited (over its CPU limit this period; vSphere counts it as ready and as max-limited) |
 *    hold (not yet runnable after a restore: resumes exactly where its guest time left off; counted as
 *    ready) | wait (the guest halted: idle until its next interrupt).
 *  - `SchedVcpu`, `SchedVm`, `Pcpu`; `setState(host, v, state, t)` moves a vCPU to a new state at time t
 *    and charges the time spent in the old one (`addStateTime(times, state, d)` adds to one state's sum);
 *    `progressAt(v, t)` is co-scheduling progress
 *    (run + wait time: a vCPU the guest idles counts as making progress, ESX 4).
 *  - `haltWake(pendingWakeNs, t)`: when a vCPU that halted at t may run again.
 *
 * Rules: every nanosecond of a vCPU's life is charged to exactly one state; accumulators are sums since
 * the last sample and are cleared by the sampler only.
 */
import type { VmId } from '@shared/model/ids';
import type { GuestMachine } from '../vm/guestMachine';
import { SCHED_MIN_WAKE_NS } from '../params';

export type VcpuState = 'run' | 'ready' | 'costop' | 'limited' | 'hold' | 'wait';

/** Nanoseconds spent in each state. A class rather than an object literal because the scheduler adds to
 *  these sums at every state change: V8 gives all object literals with the same keys in the same order one
 *  chain of hidden classes (a saved lab's state, a validation schema's shape share it), and once one of them
 *  held something else than a number under these keys the fields become generic, so that every `+=` then
 *  allocates a fresh heap number. A class's instances have hidden classes of their own, whose number fields
 *  are updated in place. */
export class StateTimes { run = 0; ready = 0; costop = 0; limited = 0; hold = 0; wait = 0 }

export const zeroTimes = (): StateTimes => new StateTimes();

export interface SchedVcpu {
  readonly vm: SchedVm;
  readonly index: number;
  state: VcpuState;
  /** Time the current state began (host ns). */
  since: number;
  /** State `run`: host time at which the current run ends. */
  busyUntil: number;
  /** States `wait` / `hold`: host time at which the vCPU becomes ready. */
  wakeNs: number;
  /** The current run ended in HLT: become `wait` until `pendingWake` when the run is finalized. */
  pendingHalt: boolean;
  pendingWake: number;
  /** Index of the pCPU running it (state `run`), else -1. */
  pcpu: number;
  /** Woke from idle while under its fair share: runs before others at the next decision (Xen's BOOST;
   *  latency for interrupt-driven guests). Cleared when dispatched. */
  boost: boolean;
  /** Proportional-share virtual time (ns of run, scaled by 1 / shares). */
  vtime: number;
  /** Co-scheduling progress (run + wait ns), finalized part. */
  progress: number;
  acc: StateTimes;
}

/** A resource pool on a VM's path, and the pool it sits in (absent = the root pool). */
export interface SchedPool { id: string; shares: number; reservationMhz?: number; limitMhz?: number; parent?: SchedPool }

/** A copy of a pool chain (policies are copied in, so a caller's later edits do not reach the scheduler). */
export function copyPool(p: SchedPool): SchedPool {
  return { ...p, ...(p.parent ? { parent: copyPool(p.parent) } : {}) };
}

export interface SchedVm {
  readonly id: VmId;
  /** Stable order key (VM creation order) for deterministic tie-breaking. */
  readonly order: number;
  guest: GuestMachine;
  /** Host time − VM time: grows while the VM is suspended and on snapshot revert. */
  offsetNs: number;
  /** The VM's own CPU shares, and its resource pool with its ancestors (absent = the root pool). */
  shares: number;
  pool?: SchedPool;
  /** Effective shares per vCPU after the pool hierarchy is flattened (hostScheduler's header). */
  sharesPerVcpu: number;
  reservationCyclesPerPeriod: number;
  /** Infinity = unlimited. */
  limitCyclesPerPeriod: number;
  /** Live migration's auto-converge throttle (percent, 0 = none): at most (1 − pct) of the vCPUs' cycles per period. */
  throttlePct?: number;
  /** The throttle as cycles per accounting period (Infinity when not throttled). */
  throttleCyclesPerPeriod?: number;
  readonly vcpus: SchedVcpu[];
  periodCycles: number;
  /** Since the last sample. */
  cycles: number;
  instructions: number;
  /** Cycles in the current grid quantum, and min/max usage (%) over grid quanta since the last sample. */
  gridCycles: number;
  /** Cycles of a run that crossed the current quantum's end: they count in the next quantum. */
  gridCarry: number;
  usageMin: number;
  usageMax: number;
  crashed: boolean;
  poweredOff: boolean;
}

export interface Pcpu {
  readonly index: number;
  readonly core: number;
  /** Tie-break key among idle pCPUs: first threads of every core before second threads. */
  readonly idleKey: number;
  cursor: number;
  current: SchedVcpu | null;
  /** Cycles left of the current time slice (pCPU cycles). */
  sliceLeft: number;
  /** Busy ns since the last sample. */
  busyNs: number;
}

/** Host-wide sums since the last sample (survive VMs powering off between samples); a class for the reason
 *  `StateTimes` is one. `usageMin` / `usageMax` are NaN until the first grid quantum closes. */
export class HostAcc extends StateTimes { cycles = 0; gridCycles = 0; gridCarry = 0; usageMin = Number.NaN; usageMax = Number.NaN }

/** Adds d ns to one state's sum. A switch of named fields rather than `times[state] += d`: a store under a
 *  computed key passes the new sum boxed (a fresh heap number per call, millions per virtual minute in the
 *  scheduler's loop), a named field is updated in place. */
export function addStateTime(times: StateTimes, state: VcpuState, d: number): void {
  switch (state) {
    case 'run': times.run += d; break;
    case 'ready': times.ready += d; break;
    case 'costop': times.costop += d; break;
    case 'limited': times.limited += d; break;
    case 'hold': times.hold += d; break;
    case 'wait': times.wait += d; break;
  }
}

export function setState(hostAcc: StateTimes, v: SchedVcpu, state: VcpuState, t: number): void {
  const d = t - v.since;
  if (d > 0) {
    addStateTime(v.acc, v.state, d);
    addStateTime(hostAcc, v.state, d);
    if (v.state === 'run' || v.state === 'wait') v.progress += d;
    v.since = t;
  }
  v.state = state;
}

export function progressAt(v: SchedVcpu, t: number): number {
  if (v.state === 'wait') return v.progress + Math.max(0, t - v.since);
  if (v.state === 'run') return v.progress + Math.max(0, Math.min(t, v.busyUntil) - v.since);
  return v.progress;
}

export function haltWake(pendingWakeNs: number, t: number): number {
  return pendingWakeNs > t ? pendingWakeNs : t + SCHED_MIN_WAKE_NS;
}

export function newVcpu(vm: SchedVm, index: number, t: number): SchedVcpu {
  return {
    vm, index, state: 'ready', since: t, busyUntil: t, wakeNs: t, pendingHalt: false, pendingWake: 0, pcpu: -1, boost: false,
    vtime: 0, progress: 0, acc: zeroTimes(),
  };
}
