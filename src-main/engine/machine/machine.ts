/**
 * machine — one guest machine: N vCPUs (each its own CPU, MMU/TLB, registers and monitor) sharing
 * one guest-physical memory, the HV32 devices on a port bus, and virtual time. It implements
 * `GuestMachine` (vm/guestMachine.ts), the seam the datacenter layer drives.
 *
 * Interface (beyond GuestMachine): built only by `builder.ts` (boot and restore share one path);
 * `config`, `image`, `mem`, `slots`, `devices`; `nextEventNs(vcpu)` (exact next device event,
 * without the SMP poll), `report()` (structured counters), `debugOutput()`, `exitCode`,
 * `vcpuNowNs(vcpu)`, the dirty-page log (`startDirtyLog`, `stopDirtyLog`, `readAndClearDirty`,
 * `dirtyLog`: machineDirtyLog.ts).
 * How a slice runs (`runVcpu`): the vCPU's clock is rebased to the host's time if it fell behind
 * (it was descheduled, halted or parked: a world switch, costed `worldSwitch` cycles); then, in
 * chunks that end at the next device event, devices are brought up to the vCPU's time (timer
 * ticks — with backlog and catch-up —, disk completions, RTC alarm raise IRQ lines) and the CPU
 * executes until the chunk's cycles are used, it halts, crashes or the guest powers off/resets.
 * Rules: deterministic (time = counted cycles / clockHz from the host's virtual time, no host
 * clock); nothing a guest does makes a method throw: a CPU crash (triple fault, host out of
 * memory) or an unexpected internal error ends in `state: 'crashed'` with reason, address and pc.
 * A halted or parked vCPU of an SMP machine reports a wake-up poll (`smpWakePollNs`) so the
 * scheduler, which has no wake callback, notices IPIs and START.
 * Pages not present here (the page-level seam: `readPage` … `frameStats`, pageOps.ts): guest memory
 * routes every access that meets one to `onNotPresent`, which asks the datacenter's handler. Supplied
 * on the spot → the access goes on and the vCPU is charged the stall. Wait → the vCPU stops at the
 * faulting instruction (nothing happened yet) and reports `waitingForPage`, halted, until the page is
 * present; it is polled at the handler's `wakeNs` or every NOT_PRESENT_POLL_NS, and its time waiting
 * is counted when it runs again. A device transfer (DMA) waits the same way on the vCPU whose update
 * runs it; host code that cannot wait must be supplied, or the machine crashes with the page named —
 * which is why the pv monitor pins its shared page (the host's reclamation never takes a pinned page). `dispose()` returns every frame to the host pool.
 * A reset watchdog, as a hardware watchdog would: a guest that resets itself more than
 * RESET_STORM_MAX_RESETS times within RESET_STORM_WINDOW_NS of its virtual time is crashed ("reset
 * storm") — each reset rebuilds memory and (under bt) discards every translation, so a reset loop costs
 * the host many times what it costs the guest.
 */
import type { Cpu, Monitor } from '../cpu/index';
import type { DeviceSet, DeviceTiming, IrqController, PowerHost, SmpHost } from '../devices/index';
import type { DigestMemo, DigestPageVisitor, DirtySet, GuestPhysicalMemory, HostMemory, PageAccess } from '../memory/index';
import { bytesToWords, Hasher, NotPresentError } from '../memory/index';
import { NOT_PRESENT_POLL_NS } from '../params';
import type {
  GuestBalloon, GuestFrameStats, GuestMachine, GuestMachineState, GuestPages, GuestPageState, NotPresentHandler, VcpuRunResult,
} from '../vm/guestMachine';
import type { BootImage } from './bootImage';
import type { MachineConfig, MachineCostModel } from './machineConfig';
import { addCounters, counterReport, cpuCounters, flatCounters, type CounterReport } from './machineCounters';
import { hashVcpu } from './machineDigest';
import { MachineDirtyLog } from './machineDirtyLog';
import type { MachineCoreState, MachineCrash, MachineOwnCounters, MachineState } from './machineState';
import { MACHINE_STATE_FORMAT, MACHINE_STATE_VERSION } from './machineState';
import { saveMemoryShared } from './memorySnapshot';
import * as pageOps from './pageOps';
import type { VcpuSlot } from './vcpuSlot';
import { RESET_STORM_MAX_RESETS, RESET_STORM_WINDOW_NS } from '../params';

/** Hooks the builder installs: how to (re)boot this machine's memory, CPUs and devices. */
export interface MachineWiring {
  /** Guest-requested reset: rebuild memory and CPUs from the image, reboot the devices. */
  reboot(m: Machine): void;
}

export class Machine implements GuestMachine, PowerHost, SmpHost {
  readonly nsPerCycle: number;
  readonly cyclesPerNs: number;
  mem!: GuestPhysicalMemory;
  /** Frames gained by the memories this machine had before its current one (resets): keeps `framesGained` growing. */
  private framesGainedBefore = 0;
  slots: VcpuSlot[] = [];
  devices!: DeviceSet;
  crashInfo: MachineCrash | undefined;
  poweredOff = false;
  own: MachineOwnCounters = { worldSwitches: 0, reboots: 0, internalErrors: 0 };
  retired: Record<string, number> = {};
  /** The dirty-page log (machineDirtyLog.ts): off until someone starts it. */
  readonly dirtyLog = new MachineDirtyLog();
  /** Latest virtual time any vCPU has reached (parked vCPUs start from here). */
  latestNs: number;
  /** Virtual times of the most recent guest resets (at most RESET_STORM_MAX_RESETS): the watchdog's window. */
  resetTimesNs: number[] = [];
  private active = -1;
  /** The vCPU whose slice is running (its CPU or a device update on its time): who waits for a missing page. */
  private current = -1;
  /** Decides about accesses to pages not present here (none: the vCPU waits). */
  private pageHandler: NotPresentHandler | undefined;
  /** Not-present faults of host code outside any vCPU (no vCPU to count them on). */
  private hostPageFaults = 0;
  /** dispose() ran: the frames are gone, the machine does nothing. */
  disposed = false;
  private rebootPending = false;
  /** Virtual time at which the active vCPU's current run chunk ends. */
  private chunkEndNs = Infinity;

  constructor(
    readonly config: MachineConfig, readonly image: BootImage, readonly host: HostMemory, readonly costs: MachineCostModel,
    readonly timing: DeviceTiming, readonly irq: IrqController, private readonly wiring: MachineWiring,
  ) {
    this.nsPerCycle = 1e9 / config.clockHz;
    this.cyclesPerNs = config.clockHz / 1e9;
    this.latestNs = config.bootNs;
    pageOps.registerPages(this, () => this.mem);
  }

  /** Puts `mem` in place as the guest memory (builder, guest reset) and routes its not-present faults here. */
  attachMemory(mem: GuestPhysicalMemory): void {
    // a reset swaps in a fresh memory: `framesGained` must still only grow (+ 1: the swap itself may add pages)
    if (this.mem) this.framesGainedBefore += this.mem.framesGained + 1;
    this.mem = mem;
    mem.notPresentResolver = (gpfn, access, canWait) => this.onNotPresent(gpfn, access, canWait);
  }

  // ---------------------------------------------------------------- GuestMachine: identity and state
  get vcpuCount(): number {
    return this.slots.length;
  }

  get clockHz(): number {
    return this.config.clockHz;
  }

  get crash(): MachineCrash | undefined {
    return this.crashInfo;
  }

  get state(): GuestMachineState {
    if (this.crashInfo) return 'crashed';
    if (this.poweredOff || this.disposed) return 'off';
    for (let i = 0; i < this.slots.length; i++) if (!this.isHalted(i)) return 'running';
    return 'halted';
  }

  get exitCode(): number | null {
    return this.devices.power.exitCode;
  }

  /** The balloon device, once the guest's driver has registered with it (docs/isa.md §9.9). */
  get balloon(): GuestBalloon | undefined {
    const b = this.devices.balloon;
    return b.driverPresent && !this.poweredOff && !this.disposed ? b : undefined;
  }

  // ---------------------------------------------------------------- running
  runVcpu(vcpu: number, budgetCycles: number, hostNowNs: number): VcpuRunResult {
    const res: VcpuRunResult = { cyclesUsed: 0, instructions: 0, halted: false, crashed: false, poweredOff: false };
    const slot = this.slots[vcpu];
    if (!this.crashInfo && !this.poweredOff && slot && !this.disposed) {
      try {
        this.current = vcpu;
        this.runSlot(slot, Math.max(1, Math.floor(budgetCycles)), hostNowNs, res);
      } catch (e) {
        this.active = -1;
        if (e instanceof NotPresentError) this.fail(`guest page ${e.gpfn} is not present here and was not supplied (${e.access} access)`, vcpu, slot.cpu.state.pc);
        else {
          this.own.internalErrors++;
          this.fail(`internal error: ${e instanceof Error ? e.message : String(e)}`, vcpu, slot.cpu.state.pc);
        }
      } finally {
        this.current = -1;
      }
    } else if (slot && !this.crashInfo && !this.poweredOff) res.halted = true;
    res.crashed = this.crashInfo !== undefined;
    res.poweredOff = !res.crashed && this.poweredOff;
    if (!slot) res.halted = true;
    return res;
  }

  private runSlot(slot: VcpuSlot, budget: number, hostNowNs: number, res: VcpuRunResult): void {
    if (!slot.started) {
      res.halted = true;
      return;
    }
    if (slot.waitingFor >= 0 && !this.resumeWaiter(slot, hostNowNs, res)) return;
    const i = slot.index;
    const now0 = slot.nowNs();
    if (hostNowNs - now0 >= this.nsPerCycle) {
      slot.rebase(hostNowNs);
      slot.cpu.charge(this.costs.worldSwitch);
      this.own.worldSwitches++;
    }
    let used = 0;
    let stalls = 0;
    while (used < budget && !this.crashInfo && !this.poweredOff) {
      const cpu = slot.cpu;
      const now = slot.nowNs();
      this.devices.update(i, now);
      if (slot.waitingFor >= 0) break; // a device transfer on this vCPU's time waits for a page
      const ev = this.devices.nextEventNs(i);
      let chunk = budget - used;
      if (ev !== Infinity) chunk = Math.min(chunk, Math.max(1, Math.ceil((ev - now) * this.cyclesPerNs)));
      this.active = i;
      this.chunkEndNs = now + chunk * this.nsPerCycle;
      this.devices.bus.context(i, now);
      const r = cpu.run(chunk);
      this.active = -1;
      used += r.cycles;
      res.instructions += r.instructions;
      this.latestNs = Math.max(this.latestNs, slot.nowNs());
      if (r.reason === 'crashed') {
        const c = cpu.crash;
        this.fail(c?.reason ?? 'crashed', i, c?.pc ?? cpu.state.pc, c?.faultAddr, c?.cause);
        break;
      }
      if (slot.waitingFor >= 0) break;
      if (this.rebootPending) {
        this.rebootPending = false;
        this.own.reboots++;
        if (this.resetStorm(slot.nowNs())) {
          this.fail(`reset storm: the guest reset itself more than ${RESET_STORM_MAX_RESETS} times within ${RESET_STORM_WINDOW_NS / 1e9} s of virtual time (watchdog)`, i, cpu.state.pc);
          break;
        }
        addCounters(this.retired, cpuCounters(this.slots.map((s) => s.cpu), this.config.monitor));
        this.wiring.reboot(this);
        this.dirtyLog.memoryReplaced(this.mem);
        break;
      }
      if (r.reason === 'halted') {
        this.devices.update(i, slot.nowNs());
        if (this.deliverable(cpu)) continue;
        res.halted = true;
        break;
      }
      if (r.cycles === 0 && ++stalls > 2) break;
    }
    res.cyclesUsed = used;
    if (slot.waitingFor >= 0) {
      res.halted = true;
      res.waitingForPage = slot.waitingFor;
    }
  }

  /**
   * A waiting vCPU runs again once its page is present — or, waiting for a frame, once the host pool has
   * one free (its time waiting is counted); false while it is not.
   */
  private resumeWaiter(slot: VcpuSlot, hostNowNs: number, res: VcpuRunResult): boolean {
    if (slot.waitingForFrame ? this.host.freeFrames < 1 : !slot.waitServed && this.mem.isNotPresent(slot.waitingFor as never)) {
      slot.waitLookNs = hostNowNs;
      res.halted = true;
      res.waitingForPage = slot.waitingFor;
      return false;
    }
    const waited = Math.max(0, hostNowNs - slot.waitSinceNs);
    if (slot.waitingForFrame) slot.pageFaults.frameWaitedNs += waited;
    else slot.pageFaults.waitedNs += waited;
    slot.waitingForFrame = false;
    slot.waitServed = false;
    slot.waitingFor = -1;
    slot.wakeHintNs = Number.NaN;
    slot.waitLookNs = Number.NaN;
    return true;
  }

  // ---------------------------------------------------------------- pages not present here
  /**
   * Guest memory met a not-present page (see the header). True when it is present now. The vCPU is the
   * one whose slice runs; host code outside any slice (a digest reading the pv shared page) gets false
   * without asking the handler: it must not change the machine.
   */
  private onNotPresent(gpfn: number, access: PageAccess, canWait: boolean): boolean {
    const i = this.current;
    const slot = this.slots[i];
    if (!slot) {
      this.hostPageFaults++;
      return false;
    }
    if (slot.waitingFor === gpfn) return false; // asked again within the same wait (a device polled twice)
    slot.pageFaults.faults++;
    const decision = this.pageHandler ? this.pageHandler({ gpfn, vcpu: i, access, canWait }) : { kind: 'wait' as const };
    if (decision.kind === 'supply') {
      if (this.mem.isNotPresent(gpfn as never) && !this.mem.supplyPage(gpfn as never, bytesToWords(decision.bytes))) {
        this.fail(`host out of memory while supplying guest page ${gpfn}`, i, slot.cpu.state.pc);
        slot.cpu.crashVm('host out of memory');
        return false;
      }
      const stall = Math.max(0, Math.ceil((decision.stallNs ?? 0) * this.cyclesPerNs));
      slot.pageFaults.supplied++;
      slot.pageFaults.stallCycles += stall;
      if (stall > 0) slot.cpu.charge(stall);
      return true;
    }
    if (!canWait) {
      this.fail(`guest page ${gpfn} is not present here and the ${access} access cannot wait for it`, i, slot.cpu.state.pc);
      slot.cpu.crashVm(`guest page ${gpfn} not present`);
      return false;
    }
    if (slot.waitingFor < 0) {
      slot.pageFaults.waits++;
      slot.waitingFor = gpfn;
      slot.waitSinceNs = slot.nowNs();
      slot.wakeHintNs = decision.wakeNs ?? Number.NaN;
    }
    if (this.active === i) slot.cpu.stopRequest = 'monitor';
    return false;
  }

  /**
   * A vCPU's write found no free host frame (the host's low state): the vCPU waits at the faulting
   * instruction until the pool has a frame, as ESX blocks the allocating vCPU, instead of crashing.
   * Host code outside a slice has no vCPU to stop: false (it reports the shortage its own way).
   */
  private onFrameShortage(gpfn: number): boolean {
    const slot = this.slots[this.current];
    if (!slot) return false;
    if (slot.waitingFor < 0) {
      slot.pageFaults.frameWaits++;
      slot.waitingFor = gpfn;
      slot.waitingForFrame = true;
      slot.waitSinceNs = slot.nowNs();
      slot.wakeHintNs = Number.NaN;
    }
    return true;
  }

  /**
   * A device transfer into memory found too few free host frames (the builder's DMA): the vCPU whose
   * update ran the device waits for a frame as for its own write; the device retries at its next update.
   */
  deviceFrameShortage(gpfn: number): void {
    this.onFrameShortage(gpfn);
  }

  /** Lets every vCPU of this machine wait for a host frame instead of crashing (the builder calls it for new CPUs). */
  installFrameShortage(): void {
    for (const s of this.slots) s.cpu.frameShortage = (g) => this.onFrameShortage(g);
  }

  /** Installs what decides about accesses to pages not present here (GuestMachine). */
  setNotPresentHandler(handler: NotPresentHandler | undefined): void {
    this.pageHandler = handler;
  }

  waitingForPage(vcpu: number): number {
    const s = this.slots[vcpu];
    return s && s.waitingFor >= 0 && !s.waitingForFrame && !s.waitServed && this.mem.isNotPresent(s.waitingFor as never) ? s.waitingFor : -1;
  }

  /**
   * When to look at a waiting vCPU again: the handler's hint while it lies ahead, else a poll after
   * the last look. Also once the page is here: a scheduler learns it only by looking, so the vCPU runs
   * again at its next look, in the lab as in the standalone runner.
   */
  private waiterWakeNs(s: VcpuSlot): number {
    const now = Math.max(s.nowNs(), this.latestNs, Number.isNaN(s.waitLookNs) ? -Infinity : s.waitLookNs);
    return s.wakeHintNs > now ? s.wakeHintNs : now + NOT_PRESENT_POLL_NS;
  }

  // ---------------------------------------------------------------- page-level operations (GuestPages)
  get pageCount(): number {
    return this.mem.pageCount;
  }

  readPage(gpfn: number, out?: Uint8Array): Uint8Array | undefined { return pageOps.readPage(this.mem, gpfn, out); }
  pageWords(gpfn: number): Int32Array | undefined { return pageOps.pageWords(this.mem, gpfn); }
  writePage(gpfn: number, bytes: Uint8Array): boolean { return pageOps.writePage(this.mem, gpfn, bytes); }
  discardPage(gpfn: number): void { pageOps.discardPage(this.mem, gpfn); }
  supplyPage(gpfn: number, bytes: Uint8Array): boolean { return pageOps.supplyPage(this.mem, gpfn, bytes); }
  sharePage(gpfn: number, from: GuestPages, fromGpfn: number): boolean { return pageOps.sharePage(this.mem, gpfn, from, fromGpfn); }
  /** Drops an all-zero page's frame; a vCPU executing from it fetches again (its latch held that frame). */
  dropZeroPage(gpfn: number): boolean {
    if (!pageOps.dropZeroPage(this.mem, gpfn)) return false;
    for (const s of this.slots) if (s.cpu.codeGpfn === gpfn) s.cpu.codeVpn = -1;
    return true;
  }
  isPinned(gpfn: number): boolean { return this.mem.pinnedCount !== 0 && pageOps.isPinned(this.mem, gpfn); }
  pageState(gpfn: number): GuestPageState { return pageOps.pageState(this.mem, gpfn); }
  scanPages(fn: (gpfn: number, hfn: number, refCount: number) => void): void { pageOps.scanPages(this.mem, fn); }
  forEachFramedPage(fn: (gpfn: number) => void): void { pageOps.forEachFramedPage(this.mem, fn); }
  get framesGained(): number { return this.framesGainedBefore + this.mem.framesGained; }
  get mappedPageCount(): number { return this.mem.touchedPageCount; }
  frameStats(): GuestFrameStats {
    let waitNs = 0;
    for (const s of this.slots) waitNs += s.pageFaults.frameWaitedNs;
    return { ...pageOps.frameStats(this.mem), frameWaitNs: waitNs };
  }

  /**
   * Marks a page not present; a vCPU executing from it fetches it again (its fetch latch is dropped).
   * A vCPU still waiting for it although it is present (it arrived; the vCPU has not looked since) has
   * its wait served: it retries and faults to the handler in charge now, instead of waiting on one
   * that already delivered the page (or is gone: a finished post-copy) and will never supply it again.
   */
  markNotPresent(gpfn: number): void {
    const wasPresent = !this.mem.isNotPresent(gpfn as never);
    pageOps.markNotPresent(this.mem, gpfn);
    for (const s of this.slots) {
      if (s.cpu.codeGpfn === gpfn) s.cpu.codeVpn = -1;
      if (wasPresent && s.waitingFor === gpfn && !s.waitingForFrame) s.waitServed = true;
    }
  }

  /**
   * Returns every host frame the machine holds to its pool (call when the machine is dropped: power
   * off, suspend after save, a finished move). Saved states stay valid. Afterwards nothing runs.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.mem.release();
    this.mem.notPresentResolver = undefined;
  }

  /** Records a reset at `nowNs`; true when it is one too many for the watchdog's window. */
  private resetStorm(nowNs: number): boolean {
    const t = this.resetTimesNs;
    if (t.length >= RESET_STORM_MAX_RESETS && nowNs - t[t.length - RESET_STORM_MAX_RESETS] < RESET_STORM_WINDOW_NS) return true;
    t.push(nowNs);
    if (t.length > RESET_STORM_MAX_RESETS) t.splice(0, t.length - RESET_STORM_MAX_RESETS);
    return false;
  }

  private deliverable(cpu: Cpu): boolean {
    const st = cpu.state;
    return st.ie && (st.irqLines & st.irqMask) !== 0;
  }

  private fail(reason: string, vcpu: number, pc?: number, address?: number, cause?: number): void {
    if (this.crashInfo) return;
    this.crashInfo = { reason, vcpu, pc: pc === undefined ? undefined : pc >>> 0, address: address === undefined ? undefined : address >>> 0, cause };
    if (this.crashInfo.address === undefined) delete this.crashInfo.address;
    if (this.crashInfo.cause === undefined) delete this.crashInfo.cause;
  }

  isHalted(vcpu: number): boolean {
    const s = this.slots[vcpu];
    if (!s || !s.started || this.disposed) return true;
    if (s.waitingFor >= 0) return true; // until it runs again (at its next look), also once the page is here
    return s.cpu.state.halted && !this.deliverable(s.cpu);
  }

  /** Exact time of the next event that can wake a halted vCPU (no SMP poll); Infinity if none can. */
  nextEventNs(vcpu: number): number {
    const s = this.slots[vcpu];
    if (!s || this.crashInfo || this.poweredOff || !s.started || this.disposed) return Infinity;
    if (s.waitingFor >= 0) return this.waiterWakeNs(s);
    const now = s.nowNs();
    if (!this.isHalted(vcpu)) return now;
    if (!s.cpu.canWake()) return Infinity;
    return Math.max(now, this.devices.nextEventNs(vcpu));
  }

  nextWakeNs(vcpu: number): number {
    const s = this.slots[vcpu];
    if (!s || this.crashInfo || this.poweredOff || this.disposed) return Infinity;
    if (s.started && s.waitingFor >= 0) return this.waiterWakeNs(s);
    const poll = this.slots.length > 1 ? this.timing.smpWakePollNs : Infinity;
    if (!s.started) return Math.max(s.nowNs(), this.latestNs) + poll;
    const t = this.nextEventNs(vcpu);
    if (t === Infinity && !s.cpu.canWake()) return Infinity;
    return Math.min(t, s.nowNs() + poll);
  }

  /** Virtual time of the vCPU executing right now (the bus's clock for port accesses). */
  activeNowNs(): number {
    return this.slots[this.active]?.nowNs() ?? this.latestNs;
  }

  vcpuNowNs(vcpu: number): number {
    return this.slots[vcpu]?.nowNs() ?? this.latestNs;
  }

  // ---------------------------------------------------------------- PowerHost / SmpHost (called by devices)
  powerOff(_exitCode: number): void {
    this.poweredOff = true;
    this.stopActive();
  }

  reset(): void {
    this.rebootPending = true;
    this.stopActive();
  }

  debug(_byte: number): void {}

  /** After a port access: if the guest moved a device event before the end of the current chunk
   *  (it armed the timer, issued a disk command…), end the chunk so the event is not late. */
  afterIo(): void {
    const s = this.slots[this.active];
    if (s && this.devices.nextEventNs(this.active) < this.chunkEndNs) s.cpu.stopRequest = 'monitor';
  }

  private stopActive(): void {
    const s = this.slots[this.active];
    if (s) s.cpu.stopRequest = 'monitor';
  }

  get cpuCount(): number {
    return this.slots.length;
  }

  startCpu(n: number, entry: number, arg: number, nowNs: number): boolean {
    const s = this.slots[n];
    if (!s || n === 0 || s.started) return false;
    s.started = true;
    s.cpu.reset(entry | 0);
    s.cpu.state.regs[1] = arg | 0;
    s.rebase(Math.max(s.nowNs(), nowNs));
    return true;
  }

  startedMask(): number {
    let m = 0;
    for (const s of this.slots) if (s.started) m |= 1 << s.index;
    return m;
  }

  // ---------------------------------------------------------------- observation
  counters(): Record<string, number> {
    return flatCounters({
      cpus: this.slots.map((s) => s.cpu), monitorKind: this.config.monitor, devices: this.devices.metrics(),
      machine: { ...this.own, ...this.dirtyLog.counters(), ...this.notPresentCounters() }, retired: this.retired, pagesDirtied: this.mem.pagesDirtied,
    });
  }

  /**
   * `notPresent.*` (totals) and `notPresent.vcpuN.*` (per vCPU): faults, supplied, waits, waitedNs,
   * stallCycles, and `notPresent.hostFaults`; absent until the first fault, so other machines' reports
   * do not change.
   */
  private notPresentCounters(): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.hostPageFaults === 0 && this.slots.every((s) => s.pageFaults.faults === 0 && s.pageFaults.frameWaits === 0)) return out;
    const keys = ['faults', 'supplied', 'waits', 'waitedNs', 'stallCycles', 'frameWaits', 'frameWaitedNs'] as const;
    for (const k of keys) out[`notPresent.${k}`] = 0;
    for (const s of this.slots) {
      for (const k of keys) {
        out[`notPresent.${k}`] += s.pageFaults[k];
        out[`notPresent.vcpu${s.index}.${k}`] = s.pageFaults[k];
      }
    }
    out['notPresent.hostFaults'] = this.hostPageFaults;
    return out;
  }

  report(): CounterReport {
    return counterReport(this.counters());
  }

  /** Touched = pages ever written (lazily backed). Active is reported as touched: the machine does not
   *  sample page activity (an upper bound; ESX-style sampling would belong to the datacenter layer).
   *  Written pages are the dirty log's business (`readAndClearDirty`). */
  memoryStats(): { configuredBytes: number; touchedBytes: number; activeBytes: number } {
    const touched = this.mem.touchedPageCount * 4096;
    return { configuredBytes: this.config.memoryBytes, touchedBytes: touched, activeBytes: touched };
  }

  // ---------------------------------------------------------------- dirty-page log (live migration, dirty rate)
  /** Starts the dirty log (idempotent): from now on every page written is reported once per read. */
  startDirtyLog(nowNs: number): void {
    this.dirtyLog.start(this.mem, nowNs);
  }

  stopDirtyLog(): void {
    this.dirtyLog.stop();
  }

  /** Pages written since the log started or the previous call, then clears them. Call between slices. */
  readAndClearDirty(nowNs: number): DirtySet {
    return this.dirtyLog.readAndClear(nowNs);
  }

  guestClockNs(atGuestNs?: number): number {
    const t = this.devices.timers[0];
    if (t?.everEnabled) return atGuestNs === undefined ? t.guestClockNs : t.clockAtNs(atGuestNs);
    return Math.max(0, this.vcpuNowNs(0) - this.config.bootNs);
  }

  consoleRead(fromOffset: number): { text: string; nextOffset: number } {
    return this.devices.console.readOutput(fromOffset);
  }

  consoleInput(text: string): boolean {
    this.irq.now = this.vcpuNowNs(0);
    return this.devices.console.input(String(text));
  }

  debugOutput(): string {
    return this.devices.power.debugText;
  }

  requestGuestShutdown(): boolean {
    this.irq.now = this.vcpuNowNs(0);
    return !this.crashInfo && !this.poweredOff && this.devices.power.hostRequest(1);
  }

  requestGuestReboot(): boolean {
    this.irq.now = this.vcpuNowNs(0);
    return !this.crashInfo && !this.poweredOff && this.devices.power.hostRequest(2);
  }

  // ---------------------------------------------------------------- persistence
  /** The whole machine; guest memory is shared copy-on-write with it (memorySnapshot.ts). */
  save(): MachineState {
    return { ...this.saveCore(), memory: saveMemoryShared(this.mem) };
  }

  /** Everything but guest memory (vCPUs, devices, monitors, dirty log, config): a move sends the pages apart. */
  saveCore(): MachineCoreState {
    if (this.disposed) throw new RangeError('this machine was disposed');
    return {
      format: MACHINE_STATE_FORMAT, version: MACHINE_STATE_VERSION, config: structuredConfig(this.config), image: this.image,
      poweredOff: this.poweredOff, crash: this.crashInfo ? { ...this.crashInfo } : null,
      vcpus: this.slots.map((s) => ({ slot: s.save(), cpu: s.cpu.save(), monitor: saveMonitor(s.cpu.monitor) })),
      devices: this.devices.save(), counters: { ...this.own }, retired: { ...this.retired }, dirtyLog: this.dirtyLog.save(),
      resetTimesNs: [...this.resetTimesNs],
    };
  }

  /**
   * Hash of the guest-visible state: every vCPU (started flag, registers, pc, PSW and control
   * registers as the guest sees them), memory, guest-visible device state (devices/deviceSet.ts)
   * and whether the machine is off. Time-derived values are excluded (see deviceSet.ts).
   */
  digest(notPresentPage?: (gpfn: number) => Uint8Array | null | undefined, memo?: DigestMemo): string {
    return this.digestPages(notPresentPage, undefined, memo);
  }

  /** `digest`, showing `visit` each page whose contents it hashes (the check at a migration's switch). */
  digestVisitingPages(visit: DigestPageVisitor, notPresentPage?: (gpfn: number) => Uint8Array | null | undefined, memo?: DigestMemo): string {
    return this.digestPages(notPresentPage, visit, memo);
  }

  private digestPages(notPresentPage?: (gpfn: number) => Uint8Array | null | undefined, visit?: DigestPageVisitor, memo?: DigestMemo): string {
    const h = new Hasher();
    h.word(this.slots.length);
    for (const s of this.slots) {
      h.word(s.started ? 1 : 0);
      if (s.started) {
        try {
          hashVcpu(h, s.cpu);
        } catch (e) {
          // a monitor keeps part of the guest's CPU state in a page that is not here (pv's shared page)
          if (!(e instanceof NotPresentError)) throw e;
          h.word(e.gpfn).word(-1);
        }
      }
    }
    this.mem.digest(h, notPresentPage && ((gpfn) => {
      const bytes = notPresentPage(gpfn);
      return bytes && bytesToWords(bytes);
    }), visit, memo);
    this.devices.digest(h);
    h.word(this.poweredOff ? 1 : 0);
    return h.hex();
  }
}

function structuredConfig(c: MachineConfig): MachineConfig {
  return { ...c, costs: { ...c.costs }, timing: { ...c.timing }, ...(c.paging ? { paging: { ...c.paging } } : {}) };
}

function saveMonitor(m: Monitor | undefined): unknown {
  const s = (m as unknown as { save?: () => unknown } | undefined)?.save;
  return s ? s.call(m) : null;
}
