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
 */
import type { Cpu, Monitor } from '../cpu/index';
import type { DeviceSet, DeviceTiming, IrqController, PowerHost, SmpHost } from '../devices/index';
import type { DirtySet, GuestPhysicalMemory, HostMemory } from '../memory/index';
import { Hasher } from '../memory/index';
import type { GuestMachine, GuestMachineState, VcpuRunResult } from '../vm/guestMachine';
import type { BootImage } from './bootImage';
import type { MachineConfig, MachineCostModel } from './machineConfig';
import { addCounters, counterReport, cpuCounters, flatCounters, type CounterReport } from './machineCounters';
import { hashVcpu } from './machineDigest';
import { MachineDirtyLog } from './machineDirtyLog';
import type { MachineCrash, MachineOwnCounters, MachineState } from './machineState';
import { MACHINE_STATE_FORMAT, MACHINE_STATE_VERSION } from './machineState';
import { saveMemoryShared } from './memorySnapshot';
import type { VcpuSlot } from './vcpuSlot';

/** Hooks the builder installs: how to (re)boot this machine's memory, CPUs and devices. */
export interface MachineWiring {
  /** Guest-requested reset: rebuild memory and CPUs from the image, reboot the devices. */
  reboot(m: Machine): void;
}

export class Machine implements GuestMachine, PowerHost, SmpHost {
  readonly nsPerCycle: number;
  readonly cyclesPerNs: number;
  mem!: GuestPhysicalMemory;
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
  private active = -1;
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
    if (this.poweredOff) return 'off';
    for (let i = 0; i < this.slots.length; i++) if (!this.isHalted(i)) return 'running';
    return 'halted';
  }

  get exitCode(): number | null {
    return this.devices.power.exitCode;
  }

  // ---------------------------------------------------------------- running
  runVcpu(vcpu: number, budgetCycles: number, hostNowNs: number): VcpuRunResult {
    const res: VcpuRunResult = { cyclesUsed: 0, instructions: 0, halted: false, crashed: false, poweredOff: false };
    const slot = this.slots[vcpu];
    if (!this.crashInfo && !this.poweredOff && slot) {
      try {
        this.runSlot(slot, Math.max(1, Math.floor(budgetCycles)), hostNowNs, res);
      } catch (e) {
        this.active = -1;
        this.own.internalErrors++;
        this.fail(`internal error: ${e instanceof Error ? e.message : String(e)}`, vcpu, slot.cpu.state.pc);
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
      if (this.rebootPending) {
        this.rebootPending = false;
        this.own.reboots++;
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
    if (!s || !s.started) return true;
    return s.cpu.state.halted && !this.deliverable(s.cpu);
  }

  /** Exact time of the next event that can wake a halted vCPU (no SMP poll); Infinity if none can. */
  nextEventNs(vcpu: number): number {
    const s = this.slots[vcpu];
    if (!s || this.crashInfo || this.poweredOff || !s.started) return Infinity;
    const now = s.nowNs();
    if (!this.isHalted(vcpu)) return now;
    if (!s.cpu.canWake()) return Infinity;
    return Math.max(now, this.devices.nextEventNs(vcpu));
  }

  nextWakeNs(vcpu: number): number {
    const s = this.slots[vcpu];
    if (!s || this.crashInfo || this.poweredOff) return Infinity;
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
      machine: { ...this.own, ...this.dirtyLog.counters() }, retired: this.retired, pagesDirtied: this.mem.pagesDirtied,
    });
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

  guestClockNs(): number {
    const t = this.devices.timers[0];
    if (t?.everEnabled) return t.guestClockNs;
    return Math.max(0, this.vcpuNowNs(0) - this.config.bootNs);
  }

  consoleRead(fromOffset: number): { text: string; nextOffset: number } {
    return this.devices.console.readOutput(fromOffset);
  }

  consoleInput(text: string): void {
    this.irq.now = this.vcpuNowNs(0);
    this.devices.console.input(String(text));
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
  save(): MachineState {
    return {
      format: MACHINE_STATE_FORMAT, version: MACHINE_STATE_VERSION, config: structuredConfig(this.config), image: this.image,
      poweredOff: this.poweredOff, crash: this.crashInfo ? { ...this.crashInfo } : null, memory: saveMemoryShared(this.mem),
      vcpus: this.slots.map((s) => ({ slot: s.save(), cpu: s.cpu.save(), monitor: saveMonitor(s.cpu.monitor) })),
      devices: this.devices.save(), counters: { ...this.own }, retired: { ...this.retired }, dirtyLog: this.dirtyLog.save(),
    };
  }

  /** The lab drops this machine: its frames go back to the host's pool (vm/guestMachine.ts `release`). */
  release(): void {
    this.mem.release();
  }

  /**
   * Hash of the guest-visible state: every vCPU (started flag, registers, pc, PSW and control
   * registers as the guest sees them), memory, guest-visible device state (devices/deviceSet.ts)
   * and whether the machine is off. Time-derived values are excluded (see deviceSet.ts).
   */
  digest(): string {
    const h = new Hasher();
    h.word(this.slots.length);
    for (const s of this.slots) {
      h.word(s.started ? 1 : 0);
      if (s.started) hashVcpu(h, s.cpu);
    }
    this.mem.digest(h);
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
