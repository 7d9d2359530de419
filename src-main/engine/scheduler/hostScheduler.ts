/**
 * hostScheduler — one host's CPU scheduler: places the vCPUs of every powered-on VM on the host's
 * logical CPUs (sockets × cores × threads) in virtual time, and accounts run / ready / co-stop / wait.
 *
 * Algorithm: a discrete-event simulation per pCPU. Each pCPU has a time cursor; the pCPU with the
 * smallest cursor makes the next decision, so decisions happen in time order. At a decision the pCPU
 * finishes its previous run, wakes vCPUs whose timers are due, applies co-scheduling, and picks a
 * vCPU: a VM under its CPU reservation first, then the lowest proportional-share virtual time (run ns ×
 * normal shares / the VM's effective shares per vCPU: start-time fair queueing), ties by VM order; when every
 * ready vCPU gets a pCPU anyway, simply in VM / vCPU order. The vCPU keeps the pCPU for a time slice
 * (sticky) unless it halts. It runs through `GuestMachine.runVcpu` up to the next SCHED_CHUNK_NS
 * boundary of its VM's own time (further capped by co-scheduling, limit and wake-up preemption
 * headroom under contention); the cycles it really used advance the cursor. Runs may end a little after
 * the segment end (look-ahead of < 1 chunk), never cut by the host grid: where a VM's vCPUs are cut
 * depends only on guest time, so an uncontended VM interleaves its vCPUs identically after a restore.
 * A pCPU with nothing runnable idles until the next event (a timer wake, another pCPU's decision, a
 * period boundary).
 *
 * Interface:
 *  - `new HostScheduler(shape)`; `addVm(...)` at power-on / resume / revert (optionally with the
 *    `CaptureTiming` of a saved state, so vCPUs resume exactly where their guest time left off);
 *    `removeVm(id, t)`; `setPolicy(id, policy)`; `setThrottle(id, pct)` (live migration's auto-converge:
 *    the VM gets at most (1 − pct) of its vCPUs' cycles per accounting period — QEMU makes each vCPU
 *    sleep pct / (1 − pct) of every 10 ms; the held-back time is counted as limited, like a CPU limit).
 *  - `runSegment(t0, t1)`: simulates [t0, t1) on every pCPU (host ns).
 *  - `endGridQuantum(lengthNs)`: closes one lockstep quantum (min/max usage per quantum); `gridCycles()`:
 *    what it would return now (a read).
 *  - `sample(t)` → per-VM and host CPU accounting since the last sample (and clears it).
 *  - `capture(id, t)` → the VM's per-vCPU timing for a snapshot / suspend; `save()` / `restore()`.
 *
 * Hierarchical shares (resource pools, a tree of any depth): the root pool's children — VMs placed
 * directly in it and resource pools — divide the host by their shares; each pool's part is divided among
 * its own children (child pools and VMs) by theirs, at every level. The scheduler flattens the tree into
 * one effective share per VM: the VM's shares × the shares of each pool on its path, over the product of
 * the sums of shares at each level (among the children present on this host); a VM in the root pool keeps
 * its own. With every VM busy this is exactly the hierarchical division; when a VM idles, its unused time
 * goes to every busy VM by effective shares (vSphere gives it first to its pool's siblings). A pool
 * spanning the hosts of a cluster holds its full shares on each host (DRS would divide its entitlement
 * among them). A pool's reservation and limit apply to the cycles of all the VMs under it (at any depth)
 * on this host per accounting period: while any pool on a VM's path is under its reservation the VM is
 * picked like a VM under its own reservation; once any pool on its path reaches its limit it waits
 * (limited) until the next period — per host, like its shares.
 *
 * Rules: deterministic (no randomness: iteration in VM order, pCPU order); halted vCPUs consume
 * nothing and wake at `nextWakeNs`; a limited VM waits (counted as ready and max-limited) until the next
 * accounting period; a hyper-thread shares its core (HT_SHARED_EFFICIENCY) while its sibling is busy.
 * The decision loop (`runSegment` and what it calls, millions of times per virtual minute) should allocate
 * nothing: it walks arrays by index (a for-of allocates an iterator and a result per step until V8 optimizes
 * the function, and again after each deoptimization), and keeps times in number fields and locals.
 */
import type { VmId } from '@shared/model/ids';
import type { GuestMachine } from '../vm/guestMachine';
import {
  COSCHED_POLL_NS, CPU_SHARES_PER_VCPU_NORMAL, HT_SHARED_EFFICIENCY, SCHED_CHUNK_NS, SCHED_PERIOD_NS, SCHED_SLICE_NS,
  SIM_QUANTUM_NS,
} from '../params';
import type { Pcpu, SchedVcpu, SchedVm, VcpuState } from './schedEntities';
import { HostAcc, addStateTime, copyPool, haltWake, newVcpu, setState, zeroTimes } from './schedEntities';
import { skewHeadroomNs, updateCoStop } from './coscheduling';

export interface HostCpuShape { sockets: number; coresPerSocket: number; threadsPerCore: number; cpuMhz: number }

/** CPU resource settings of a VM (vSphere's Shares / Reservation / Limit; limit −1 = unlimited), and
 *  the resource pool it sits in (absent = directly in the root pool, a sibling of the pools). */
export interface VmCpuPolicy { shares: number; reservationMhz: number; limitMhz: number; pool?: PoolCpuPolicy }

/** A resource pool as the scheduler sees it: its id, its CPU shares among its siblings, its CPU
 *  reservation and limit (MHz, limit −1 = unlimited; absent = none) over all the VMs under it on this
 *  host, and the pool it sits in (absent = the root pool). */
export interface PoolCpuPolicy { id: string; shares: number; reservationMhz?: number; limitMhz?: number; parent?: PoolCpuPolicy }

export interface VmCpuSample {
  vcpus: number; runNs: number; readyNs: number; costopNs: number; waitNs: number; limitedNs: number;
  cycles: number; instructions: number; usageMin: number; usageMax: number;
}

export interface HostCpuSample {
  pcpus: number; busyNs: number; runNs: number; readyNs: number; costopNs: number; waitNs: number;
  limitedNs: number; cycles: number; usageMin: number; usageMax: number;
}

/** Per-vCPU timing of a captured VM, in the VM's own time base. */
export interface CaptureTiming {
  guestNowNs: number;
  vcpus: { kind: 'wait' | 'hold'; atGuestNs: number }[];
}

const NONE = Number.NaN;
const NO_STOPPED_VMS: readonly { id: VmId; crashed: boolean; poweredOff: boolean }[] = Object.freeze([]);
/** Cycles one MHz gives in one accounting period. */
const CYCLES_PER_PERIOD_PER_MHZ = 1e6 * (SCHED_PERIOD_NS / 1e9);

export class HostScheduler {
  readonly hz: number;
  readonly nsPerCycle: number;
  readonly pcpus: Pcpu[] = [];
  private readonly sliceCycles: number;
  private vms: SchedVm[] = [];
  private readonly byId = new Map<VmId, SchedVm>();
  private acc = new HostAcc();
  private periodIndex = 0;
  private nextWake = Infinity;
  private anyLimited = false;
  private anyCostop = false;
  private multi = 0;

  constructor(readonly shape: HostCpuShape) {
    this.hz = shape.cpuMhz * 1e6;
    this.nsPerCycle = 1e9 / this.hz;
    this.sliceCycles = Math.max(1, Math.round(SCHED_SLICE_NS / this.nsPerCycle));
    const threads = shape.threadsPerCore;
    const n = shape.sockets * shape.coresPerSocket * threads;
    for (let i = 0; i < n; i++) {
      const core = Math.floor(i / threads);
      this.pcpus.push({ index: i, core, idleKey: (i % threads) * 100_000 + core, cursor: 0, current: null, sliceLeft: 0, busyNs: 0 });
    }
  }

  get vmCount(): number {
    return this.vms.length;
  }

  has(id: VmId): boolean {
    return this.byId.has(id);
  }

  offsetOf(id: VmId): number {
    return this.byId.get(id)?.offsetNs ?? 0;
  }

  /** Starts scheduling a VM's guest. `timing` (from `capture`) resumes each vCPU where it left off. */
  addVm(id: VmId, order: number, guest: GuestMachine, policy: VmCpuPolicy, t: number, offsetNs: number, timing?: CaptureTiming): void {
    if (this.byId.has(id)) throw new Error(`${id} is already scheduled`);
    const vm: SchedVm = {
      id, order, guest, offsetNs, shares: 1, sharesPerVcpu: 1, reservationCyclesPerPeriod: 0, limitCyclesPerPeriod: Infinity,
      vcpus: [], periodCycles: 0, cycles: 0, instructions: 0, gridCycles: 0, gridCarry: 0, usageMin: NONE, usageMax: NONE,
      crashed: guest.state === 'crashed', poweredOff: guest.state === 'off',
    };
    this.applyPolicy(vm, policy, guest.vcpuCount);
    const floor = this.vtimeFloor();
    for (let i = 0; i < guest.vcpuCount; i++) {
      const v = newVcpu(vm, i, t);
      v.vtime = Number.isFinite(floor) ? floor : 0;
      const entry = timing?.vcpus[i];
      let at = t;
      let kind: 'wait' | 'hold' = 'hold';
      if (entry) { at = entry.atGuestNs + offsetNs; kind = entry.kind; }
      else if (guest.isHalted(i)) { at = haltWake(guest.nextWakeNs(i) + offsetNs, t); kind = 'wait'; }
      if (vm.crashed || vm.poweredOff) { kind = 'wait'; at = Infinity; }
      if (at > t) { v.state = kind; v.wakeNs = at; this.nextWake = Math.min(this.nextWake, at); }
      vm.vcpus.push(v);
    }
    this.vms.push(vm);
    this.vms.sort((a, b) => a.order - b.order);
    this.byId.set(id, vm);
    if (vm.vcpus.length > 1) this.multi++;
    this.divideShares();
  }

  /** Stops scheduling a VM at time t (power off, suspend, crash, revert); its time so far stays counted. */
  removeVm(id: VmId, t: number): void {
    const vm = this.byId.get(id);
    if (!vm) return;
    for (const v of vm.vcpus) this.charge(v, t);
    for (const p of this.pcpus) if (p.current?.vm === vm) { p.current = null; p.sliceLeft = 0; }
    this.vms = this.vms.filter((x) => x !== vm);
    this.byId.delete(id);
    if (vm.vcpus.length > 1) this.multi--;
    this.divideShares();
  }

  setPolicy(id: VmId, policy: VmCpuPolicy): void {
    const vm = this.byId.get(id);
    if (!vm) return;
    this.applyPolicy(vm, policy, vm.vcpus.length);
    this.divideShares();
  }

  /** A VM's effective CPU shares on this host after the pool hierarchy is flattened (undefined when not scheduled). */
  effectiveSharesOf(id: VmId): number | undefined {
    const vm = this.byId.get(id);
    return vm ? vm.sharesPerVcpu * vm.vcpus.length : undefined;
  }

  /** Throttles a VM to (100 − pct) % of its vCPUs' cycles per period (0 = no throttle). */
  setThrottle(id: VmId, pct: number): void {
    const vm = this.byId.get(id);
    if (!vm) return;
    vm.throttlePct = pct > 0 ? pct : undefined;
    vm.throttleCyclesPerPeriod = pct > 0 ? Math.max(1, (1 - pct / 100) * vm.vcpus.length * this.hz * (SCHED_PERIOD_NS / 1e9)) : undefined;
  }

  throttleOf(id: VmId): number {
    return this.byId.get(id)?.throttlePct ?? 0;
  }

  /** VMs whose guest crashed or powered itself off during the last segment (the Lab acts on them). */
  stoppedVms(): readonly { id: VmId; crashed: boolean; poweredOff: boolean }[] {
    let out: { id: VmId; crashed: boolean; poweredOff: boolean }[] | undefined;
    for (let i = 0; i < this.vms.length; i++) {
      const vm = this.vms[i];
      if (vm.crashed || vm.poweredOff) (out ??= []).push({ id: vm.id, crashed: vm.crashed, poweredOff: vm.poweredOff });
    }
    return out ?? NO_STOPPED_VMS; // asked at every barrier, and almost always empty: no list to allocate
  }

  /** Simulates host time [t0, t1) on every pCPU. */
  runSegment(t0: number, t1: number): void {
    const pcpus = this.pcpus;
    if (this.vms.length === 0) {
      for (let i = 0; i < pcpus.length; i++) { const p = pcpus[i]; if (p.cursor < t1) p.cursor = t1; p.current = null; }
      return;
    }
    for (let i = 0; i < pcpus.length; i++) if (pcpus[i].cursor < t0) pcpus[i].cursor = t0;
    for (;;) {
      let p: Pcpu | null = null;
      for (let i = 0; i < pcpus.length; i++) {
        const q = pcpus[i];
        if (q.cursor >= t1) continue;
        if (!p || q.cursor < p.cursor || (q.cursor === p.cursor && this.key(q) < this.key(p))) p = q;
      }
      if (!p) break;
      const t = p.cursor;
      const cur = p.current;
      if (cur && cur.state === 'run' && cur.pcpu === p.index) this.finishRun(cur, t);
      this.processWakes(t);
      if (this.multi > 0) this.updateCostops(t);
      const v = this.pick(p, t, t1);
      if (!v) { p.current = null; this.idleUntil(p, t, t1); continue; }
      this.dispatch(p, v, t);
      this.wakeWatcher(p, t);
    }
  }

  /** Closes one lockstep quantum of `lengthNs`: updates min/max usage per VM and for the host; returns
   *  the cycles the host executed in it (for cluster-level min/max). */
  /** What `endGridQuantum` would return now (the host's cycles in the quantum being closed), closing nothing. */
  gridCycles(): number {
    return this.acc.gridCycles;
  }

  endGridQuantum(lengthNs: number): number {
    const seconds = lengthNs / 1e9;
    for (let i = 0; i < this.vms.length; i++) {
      const vm = this.vms[i];
      const u = (vm.gridCycles / (vm.vcpus.length * this.hz * seconds)) * 100;
      vm.usageMin = Number.isNaN(vm.usageMin) ? u : Math.min(vm.usageMin, u);
      vm.usageMax = Number.isNaN(vm.usageMax) ? u : Math.max(vm.usageMax, u);
      vm.gridCycles = vm.gridCarry;
      vm.gridCarry = 0;
    }
    const hu = (this.acc.gridCycles / (this.pcpus.length * this.hz * seconds)) * 100;
    this.acc.usageMin = Number.isNaN(this.acc.usageMin) ? hu : Math.min(this.acc.usageMin, hu);
    this.acc.usageMax = Number.isNaN(this.acc.usageMax) ? hu : Math.max(this.acc.usageMax, hu);
    const cycles = this.acc.gridCycles;
    this.acc.gridCycles = this.acc.gridCarry;
    this.acc.gridCarry = 0;
    return cycles;
  }

  /** Accounting since the last sample, brought up to time t, then cleared. */
  sample(t: number): { host: HostCpuSample; vms: Map<VmId, VmCpuSample> } {
    const vms = new Map<VmId, VmCpuSample>();
    for (const vm of this.vms) {
      const s: VmCpuSample = {
        vcpus: vm.vcpus.length, runNs: 0, readyNs: 0, costopNs: 0, waitNs: 0, limitedNs: 0,
        cycles: vm.cycles, instructions: vm.instructions, usageMin: vm.usageMin, usageMax: vm.usageMax,
      };
      for (const v of vm.vcpus) {
        this.charge(v, t);
        s.runNs += v.acc.run;
        s.readyNs += v.acc.ready + v.acc.limited + v.acc.hold;
        s.costopNs += v.acc.costop;
        s.waitNs += v.acc.wait;
        s.limitedNs += v.acc.limited;
        v.acc = zeroTimes();
      }
      vm.cycles = 0; vm.instructions = 0; vm.usageMin = NONE; vm.usageMax = NONE;
      vms.set(vm.id, s);
    }
    let busy = 0;
    for (const p of this.pcpus) { busy += p.busyNs; p.busyNs = 0; }
    const a = this.acc;
    const host: HostCpuSample = {
      pcpus: this.pcpus.length, busyNs: busy, runNs: a.run, readyNs: a.ready + a.limited + a.hold, costopNs: a.costop,
      waitNs: a.wait, limitedNs: a.limited, cycles: a.cycles, usageMin: a.usageMin, usageMax: a.usageMax,
    };
    this.acc = new HostAcc();
    this.acc.gridCycles = a.gridCycles;
    this.acc.gridCarry = a.gridCarry;
    return { host, vms };
  }

  /** Per-vCPU timing of a VM at time t, in its own time base (for snapshots and suspend). */
  capture(id: VmId, t: number): CaptureTiming | undefined {
    const vm = this.byId.get(id);
    if (!vm) return undefined;
    const off = vm.offsetNs;
    const vcpus = vm.vcpus.map((v): { kind: 'wait' | 'hold'; atGuestNs: number } => {
      if (v.state === 'run') {
        return v.pendingHalt ? { kind: 'wait', atGuestNs: haltWake(v.pendingWake, v.busyUntil) - off } : { kind: 'hold', atGuestNs: v.busyUntil - off };
      }
      if (v.state === 'wait' || v.state === 'hold') return { kind: v.state, atGuestNs: v.wakeNs - off };
      return { kind: 'hold', atGuestNs: t - off };
    });
    return { guestNowNs: t - off, vcpus };
  }

  // ---- persistence ------------------------------------------------------------------------------

  save(): HostSchedulerState {
    return {
      periodIndex: this.periodIndex, acc: { ...this.acc },
      pcpus: this.pcpus.map((p) => ({
        cursor: p.cursor, sliceLeft: p.sliceLeft, busyNs: p.busyNs,
        current: p.current ? { vmId: p.current.vm.id, index: p.current.index } : null,
      })),
      vms: this.vms.map((vm) => ({
        id: vm.id, order: vm.order, offsetNs: vm.offsetNs, shares: vm.shares, sharesPerVcpu: vm.sharesPerVcpu,
        ...(vm.pool ? { pool: copyPool(vm.pool) } : {}),
        reservationCyclesPerPeriod: vm.reservationCyclesPerPeriod, limitCyclesPerPeriod: vm.limitCyclesPerPeriod,
        periodCycles: vm.periodCycles, cycles: vm.cycles, instructions: vm.instructions, gridCycles: vm.gridCycles, gridCarry: vm.gridCarry,
        usageMin: vm.usageMin, usageMax: vm.usageMax, crashed: vm.crashed, poweredOff: vm.poweredOff,
        ...(vm.throttlePct ? { throttlePct: vm.throttlePct, throttleCyclesPerPeriod: vm.throttleCyclesPerPeriod } : {}),
        vcpus: vm.vcpus.map((v) => ({
          state: v.state, since: v.since, busyUntil: v.busyUntil, wakeNs: v.wakeNs, pendingHalt: v.pendingHalt,
          pendingWake: v.pendingWake, pcpu: v.pcpu, boost: v.boost, vtime: v.vtime, progress: v.progress, acc: { ...v.acc },
        })),
      })),
    };
  }

  static restore(shape: HostCpuShape, state: HostSchedulerState, guests: Map<VmId, GuestMachine>): HostScheduler {
    const s = new HostScheduler(shape);
    s.periodIndex = state.periodIndex;
    s.acc = Object.assign(new HostAcc(), state.acc, { gridCarry: state.acc.gridCarry ?? 0 });
    for (const vs of state.vms) {
      const guest = guests.get(vs.id);
      if (!guest) throw new Error(`no guest to restore ${vs.id} on the scheduler`);
      const vm: SchedVm = {
        id: vs.id, order: vs.order, guest, offsetNs: vs.offsetNs, sharesPerVcpu: vs.sharesPerVcpu,
        shares: vs.shares ?? vs.sharesPerVcpu * vs.vcpus.length, ...(vs.pool ? { pool: copyPool(vs.pool) } : {}),
        reservationCyclesPerPeriod: vs.reservationCyclesPerPeriod, limitCyclesPerPeriod: vs.limitCyclesPerPeriod,
        vcpus: [], periodCycles: vs.periodCycles, cycles: vs.cycles, instructions: vs.instructions,
        gridCycles: vs.gridCycles, gridCarry: vs.gridCarry ?? 0, usageMin: vs.usageMin, usageMax: vs.usageMax, crashed: vs.crashed, poweredOff: vs.poweredOff,
        ...(vs.throttlePct ? { throttlePct: vs.throttlePct, throttleCyclesPerPeriod: vs.throttleCyclesPerPeriod } : {}),
      };
      vs.vcpus.forEach((x, i) => {
        const v = newVcpu(vm, i, 0);
        Object.assign(v, { ...x, acc: Object.assign(zeroTimes(), x.acc) });
        vm.vcpus.push(v);
        if (v.state === 'wait' || v.state === 'hold') s.nextWake = Math.min(s.nextWake, v.wakeNs);
        if (v.state === 'limited') s.anyLimited = true;
        if (v.state === 'costop') s.anyCostop = true;
      });
      s.vms.push(vm);
      s.byId.set(vm.id, vm);
      if (vm.vcpus.length > 1) s.multi++;
    }
    state.pcpus.forEach((ps, i) => {
      const p = s.pcpus[i];
      p.cursor = ps.cursor; p.sliceLeft = ps.sliceLeft; p.busyNs = ps.busyNs;
      p.current = ps.current ? s.byId.get(ps.current.vmId as VmId)?.vcpus[ps.current.index] ?? null : null;
    });
    return s;
  }

  // ---- internals --------------------------------------------------------------------------------

  private applyPolicy(vm: SchedVm, policy: VmCpuPolicy, vcpus: number): void {
    vm.shares = policy.shares;
    vm.pool = policy.pool ? copyPool(policy.pool) : undefined;
    vm.sharesPerVcpu = Math.max(1, policy.shares / Math.max(1, vcpus));
    vm.reservationCyclesPerPeriod = policy.reservationMhz * CYCLES_PER_PERIOD_PER_MHZ;
    vm.limitCyclesPerPeriod = policy.limitMhz < 0 ? Infinity : Math.max(1, policy.limitMhz * CYCLES_PER_PERIOD_PER_MHZ);
  }

  /** Flattens the pool hierarchy into each VM's effective shares per vCPU (rule in the header). */
  private divideShares(): void {
    // Σ shares of each pool's children on this host: its own VMs, and each child pool once.
    const sums = new Map<string, number>();
    const counted = new Set<string>();
    for (const vm of this.vms) {
      if (!vm.pool) continue;
      sums.set(vm.pool.id, (sums.get(vm.pool.id) ?? 0) + vm.shares);
      for (let p: PoolCpuPolicy = vm.pool; p.parent && !counted.has(p.id); p = p.parent) {
        counted.add(p.id);
        sums.set(p.parent.id, (sums.get(p.parent.id) ?? 0) + p.shares);
      }
    }
    for (const vm of this.vms) {
      let num = vm.shares;
      let den = 1;
      for (let p = vm.pool; p; p = p.parent) { num *= p.shares; den *= sums.get(p.id) ?? 0; }
      const effective = vm.pool && den > 0 ? num / den : vm.shares;
      vm.sharesPerVcpu = Math.max(1, effective / Math.max(1, vm.vcpus.length));
    }
  }

  /** Charges the time since `since` to the vCPU's current state without changing it. */
  private charge(v: SchedVcpu, t: number): void {
    const end = v.state === 'run' ? Math.min(t, v.busyUntil) : t;
    const d = end - v.since;
    if (d <= 0) return;
    addStateTime(v.acc, v.state, d);
    addStateTime(this.acc, v.state, d);
    if (v.state === 'run' || v.state === 'wait') v.progress += d;
    v.since = end;
  }

  private key(p: Pcpu): number {
    const c = p.current;
    if (c && c.state === 'run' && c.pcpu === p.index) return c.vm.order * 1024 + c.index;
    return 1e15 + p.idleKey;
  }

  private vtimeFloor(): number {
    let floor = Infinity;
    for (let i = 0; i < this.vms.length; i++) {
      const vcpus = this.vms[i].vcpus;
      for (let j = 0; j < vcpus.length; j++) if (vcpus[j].state === 'run' || vcpus[j].state === 'ready') floor = Math.min(floor, vcpus[j].vtime);
    }
    return floor;
  }

  private finishRun(v: SchedVcpu, t: number): void {
    const vm = v.vm;
    let next: VcpuState = 'ready';
    if (vm.crashed || vm.poweredOff) { next = 'wait'; v.wakeNs = Infinity; }
    else if (v.pendingHalt) {
      next = 'wait';
      v.wakeNs = haltWake(v.pendingWake, t);
      this.nextWake = Math.min(this.nextWake, v.wakeNs);
    }
    setState(this.acc, v, next, t);
    v.pendingHalt = false;
    v.pcpu = -1;
  }

  private processWakes(t: number): void {
    const pi = Math.floor(t / SCHED_PERIOD_NS);
    if (pi !== this.periodIndex) {
      const boundary = pi * SCHED_PERIOD_NS;
      this.periodIndex = pi;
      for (let i = 0; i < this.vms.length; i++) {
        const vm = this.vms[i];
        vm.periodCycles = 0;
        for (let j = 0; j < vm.vcpus.length; j++) {
          const v = vm.vcpus[j];
          if (v.state === 'limited') setState(this.acc, v, 'ready', Math.max(boundary, v.since));
        }
      }
      this.anyLimited = false;
    }
    if (t < this.nextWake) return;
    const floor = this.vtimeFloor();
    let next = Infinity;
    for (let i = 0; i < this.vms.length; i++) {
      const vcpus = this.vms[i].vcpus;
      for (let j = 0; j < vcpus.length; j++) {
        const v = vcpus[j];
        if (v.state !== 'wait' && v.state !== 'hold') continue;
        if (v.wakeNs <= t) {
          const fromIdle = v.state === 'wait';
          setState(this.acc, v, 'ready', Math.max(v.wakeNs, v.since));
          if (Number.isFinite(floor) && v.vtime < floor) v.vtime = floor;
          v.boost = fromIdle && (!Number.isFinite(floor) || v.vtime - floor < SCHED_SLICE_NS);
        } else next = Math.min(next, v.wakeNs);
      }
    }
    this.nextWake = next;
  }

  private updateCostops(t: number): void {
    let any = false;
    for (let i = 0; i < this.vms.length; i++) {
      const vm = this.vms[i];
      if (vm.vcpus.length < 2) continue;
      updateCoStop(this.acc, vm, t);
      for (let j = 0; j < vm.vcpus.length; j++) if (vm.vcpus[j].state === 'costop') any = true;
    }
    this.anyCostop = any;
  }

  private overLimit(vm: SchedVm): boolean {
    if (vm.periodCycles >= vm.limitCyclesPerPeriod || (vm.throttleCyclesPerPeriod !== undefined && vm.periodCycles >= vm.throttleCyclesPerPeriod)) return true;
    return vm.pool !== undefined && this.poolLimitLeft(vm) <= 0;
  }

  /** Cycles the VMs under a pool (at any depth) used this period on this host. */
  private poolCycles(poolId: string): number {
    let n = 0;
    for (let i = 0; i < this.vms.length; i++) {
      const vm = this.vms[i];
      for (let p = vm.pool; p; p = p.parent) if (p.id === poolId) { n += vm.periodCycles; break; }
    }
    return n;
  }

  /** Cycles left under the tightest limit of the pools on the VM's path this period (Infinity when none has one). */
  private poolLimitLeft(vm: SchedVm): number {
    let left = Infinity;
    for (let p = vm.pool; p; p = p.parent) {
      if (p.limitMhz === undefined || p.limitMhz < 0) continue;
      left = Math.min(left, p.limitMhz * CYCLES_PER_PERIOD_PER_MHZ - this.poolCycles(p.id));
    }
    return left;
  }

  private underPoolReservation(vm: SchedVm): boolean {
    for (let p = vm.pool; p; p = p.parent) {
      if (p.reservationMhz !== undefined && p.reservationMhz > 0 && this.poolCycles(p.id) < p.reservationMhz * CYCLES_PER_PERIOD_PER_MHZ) return true;
    }
    return false;
  }

  /** Priority: boosted wakers, then VMs under their reservation, then lowest vtime; the current vCPU
   *  keeps its pCPU while its slice lasts unless a boosted vCPU is waiting. */
  private pick(p: Pcpu, t: number, t1: number): SchedVcpu | null {
    let best: SchedVcpu | null = null;
    let bestClass = 3;
    let ready = 0;
    let first: SchedVcpu | null = null;
    for (let i = 0; i < this.vms.length; i++) {
      const vm = this.vms[i];
      if (vm.crashed || vm.poweredOff) continue;
      const over = this.overLimit(vm);
      const cls = vm.periodCycles < vm.reservationCyclesPerPeriod || (vm.pool !== undefined && this.underPoolReservation(vm)) ? 1 : 2;
      for (let j = 0; j < vm.vcpus.length; j++) {
        const v = vm.vcpus[j];
        if (v.state !== 'ready') continue;
        if (over) { setState(this.acc, v, 'limited', t); this.anyLimited = true; v.boost = false; continue; }
        ready++;
        if (!first) first = v;
        const c = v.boost ? 0 : cls;
        if (!best || c < bestClass || (c === bestClass && v.vtime < best.vtime)) { best = v; bestClass = c; }
      }
    }
    const cur = p.current;
    if (bestClass > 0 && cur && cur.state === 'ready' && p.sliceLeft > 0 && !this.overLimit(cur.vm)) return cur;
    // No contention: every ready vCPU gets a pCPU now, so take them in canonical (VM, vCPU) order.
    if (first && ready <= this.freePcpus(t, t1)) return first;
    return best;
  }

  /** pCPUs that can start a vCPU at time t (idle, or finishing exactly at t). */
  private freePcpus(t: number, t1: number): number {
    let n = 0;
    for (let i = 0; i < this.pcpus.length; i++) {
      const q = this.pcpus[i];
      const busy = q.current && q.current.state === 'run' && q.current.pcpu === q.index && q.cursor > t;
      if (!busy && q.cursor < t1) n++;
    }
    return n;
  }

  /** True when, with one more pCPU busy from t, every pCPU would be busy (a waker would have to wait). */
  private saturated(p: Pcpu, t: number): boolean {
    for (let i = 0; i < this.pcpus.length; i++) {
      const q = this.pcpus[i];
      if (q === p) continue;
      if (!(q.current && q.current.state === 'run' && q.current.pcpu === q.index && q.cursor > t)) return false;
    }
    return true;
  }

  private busyAt(q: Pcpu, t: number): boolean {
    return q.current !== null && q.current.state === 'run' && q.current.pcpu === q.index && q.cursor > t;
  }

  /** The idle pCPU that watches for wake-ups: the one with the lowest idle key. Other idle pCPUs sleep
   *  through the segment (so an event wakes one pCPU, not all of them: O(P) per event, not O(P²)). */
  private watcher(t: number, except?: Pcpu): Pcpu | null {
    let w: Pcpu | null = null;
    for (let i = 0; i < this.pcpus.length; i++) {
      const q = this.pcpus[i];
      if (q !== except && !this.busyAt(q, t) && (!w || q.idleKey < w.idleKey)) w = q;
    }
    return w;
  }

  /** After a dispatch at t, the watcher role may have passed to another idle pCPU: bring it to t. */
  private wakeWatcher(p: Pcpu, t: number): void {
    const w = this.watcher(t, p);
    if (w && w.cursor > t) w.cursor = t;
  }

  /** Idles p from t until the next event: moves its cursor there. Written to allocate nothing per call:
   *  the cursor is set here rather than returned (a number returned from a call V8 does not inline is boxed
   *  in a fresh heap number), and the minimum starts from Infinity and meets the segment end `t1` (an
   *  argument, of no known type to the compiler) only in the last step, so that the running minimum stays an
   *  unboxed double instead of being boxed at every step. */
  private idleUntil(p: Pcpu, t: number, t1: number): void {
    if (this.watcher(t) !== p) { p.cursor = t1; return; }
    let next = Infinity;
    if (this.nextWake > t) next = this.nextWake;
    for (let i = 0; i < this.pcpus.length; i++) {
      const q = this.pcpus[i];
      if (q !== p && q.current && q.current.state === 'run' && q.current.pcpu === q.index && q.cursor > t) next = Math.min(next, q.cursor);
    }
    if (this.anyLimited) next = Math.min(next, (this.periodIndex + 1) * SCHED_PERIOD_NS);
    if (this.anyCostop) next = Math.min(next, t + COSCHED_POLL_NS);
    if (next < t1 && next > t) p.cursor = next;
    else p.cursor = t1;
  }

  private siblingBusy(p: Pcpu, t: number): boolean {
    if (this.shape.threadsPerCore < 2) return false;
    for (let i = 0; i < this.pcpus.length; i++) {
      const q = this.pcpus[i];
      if (q !== p && q.core === p.core && q.current && q.current.state === 'run' && q.current.pcpu === q.index && q.cursor > t) return true;
    }
    return false;
  }

  private dispatch(p: Pcpu, v: SchedVcpu, t: number): void {
    if (p.current !== v || p.sliceLeft <= 0) p.sliceLeft = this.sliceCycles;
    const vm = v.vm;
    // Up to the next chunk boundary of the VM's own time (never cut by the host's grid).
    const guestNow = t - vm.offsetNs;
    const chunkEnd = (Math.floor(guestNow / SCHED_CHUNK_NS) + 1) * SCHED_CHUNK_NS;
    let budget = Math.max(1, Math.ceil((chunkEnd - guestNow) / this.nsPerCycle));
    const headroom = skewHeadroomNs(v, t);
    if (Number.isFinite(headroom)) budget = Math.min(budget, Math.max(1, Math.floor(headroom / this.nsPerCycle)));
    if (Number.isFinite(vm.limitCyclesPerPeriod)) budget = Math.min(budget, Math.max(1, Math.ceil(vm.limitCyclesPerPeriod - vm.periodCycles)));
    // Asked only for a VM in a pool: the call is then never taken for root-pool VMs, so V8 does not spend
    // this function's inlining budget on it (the budget the guest's `nextWakeNs` below needs).
    if (vm.pool !== undefined) {
      const poolLeft = this.poolLimitLeft(vm);
      if (Number.isFinite(poolLeft)) budget = Math.min(budget, Math.max(1, Math.ceil(poolLeft)));
    }
    // Wake-up preemption: on a saturated host, stop at the next timer wake so a boosted waker gets a pCPU.
    if (Number.isFinite(this.nextWake) && this.nextWake > t && this.saturated(p, t)) {
      budget = Math.min(budget, Math.max(1, Math.ceil((this.nextWake - t) / this.nsPerCycle)));
    }
    const eff = this.siblingBusy(p, t) ? HT_SHARED_EFFICIENCY : 1;
    const guestBudget = Math.max(1, Math.floor(budget * eff));
    setState(this.acc, v, 'run', t);
    v.boost = false;
    v.pcpu = p.index;
    p.current = v;
    const r = vm.guest.runVcpu(v.index, guestBudget, t - vm.offsetNs);
    let used = r.cyclesUsed > 0 ? r.cyclesUsed : 0;
    if (used === 0 && !r.halted && !r.crashed && !r.poweredOff) used = guestBudget;
    const pcpuCycles = used / eff;
    const durNs = pcpuCycles * this.nsPerCycle;
    v.busyUntil = t + durNs;
    p.cursor = t + durNs;
    p.sliceLeft -= pcpuCycles;
    p.busyNs += durNs;
    // A run stops at the VM's own chunk boundary, not the lockstep grid's, so it may cross the current
    // quantum's end: the cycles past it count in the next quantum (else min/max usage could read > 100 %).
    const gridEnd = (Math.floor(t / SIM_QUANTUM_NS) + 1) * SIM_QUANTUM_NS;
    const carry = t + durNs > gridEnd ? used * ((t + durNs - gridEnd) / durNs) : 0;
    vm.cycles += used; vm.periodCycles += used; vm.gridCycles += used - carry; vm.gridCarry += carry; vm.instructions += r.instructions;
    this.acc.cycles += used; this.acc.gridCycles += used - carry; this.acc.gridCarry += carry;
    v.vtime += (durNs * CPU_SHARES_PER_VCPU_NORMAL) / vm.sharesPerVcpu;
    if (r.crashed) vm.crashed = true;
    if (r.poweredOff) vm.poweredOff = true;
    v.pendingHalt = r.halted;
    if (r.halted) v.pendingWake = vm.guest.nextWakeNs(v.index) + vm.offsetNs;
    if (durNs === 0) this.finishRun(v, t);
  }
}

export interface HostSchedulerState {
  periodIndex: number;
  /** `gridCarry` is absent from labs saved before it existed (read as 0). */
  acc: Omit<HostAcc, 'gridCarry'> & { gridCarry?: number };
  pcpus: { cursor: number; sliceLeft: number; busyNs: number; current: { vmId: string; index: number } | null }[];
  vms: {
    /** `shares` (the VM's own) and `pool` are absent from labs saved before resource pools (root pool). */
    id: VmId; order: number; offsetNs: number; shares?: number; pool?: PoolCpuPolicy; sharesPerVcpu: number; reservationCyclesPerPeriod: number;
    limitCyclesPerPeriod: number; periodCycles: number; cycles: number; instructions: number; gridCycles: number; gridCarry?: number;
    usageMin: number; usageMax: number; crashed: boolean; poweredOff: boolean;
    throttlePct?: number; throttleCyclesPerPeriod?: number;
    vcpus: {
      state: VcpuState; since: number; busyUntil: number; wakeNs: number; pendingHalt: boolean; pendingWake: number;
      pcpu: number; boost: boolean; vtime: number; progress: number; acc: ReturnType<typeof zeroTimes>;
    }[];
  }[];
}
