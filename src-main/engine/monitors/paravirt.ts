/**
 * paravirt — the `pv` monitor: Xen-style paravirtualization (Barham et al., "Xen and the Art of
 * Virtualization", SOSP 2003). The guest kernel is MODIFIED (the PV build of labos, resources/guests/labos-pv.s) to
 * call the hypervisor instead of relying on privileged and sensitive instructions.
 *
 * Interface: `new ParavirtMonitor({ engine?, hotCycles?, translateSpacingCycles?, onlyCodeThatRan?, enterAfterInstructions? })`; the virtual CPU `virtualKernel`, `vcr`, the
 * shared area `shared` (guest-physical, -1 before HC_SET_SHARED); `counters()` → flat `pv.*`
 * counters; `stats` {emulated, reflected} (the trap-and-emulate part, as `te`); `save()` /
 * `restore(cpu, s)`. ABI: monitors/hypercalls.ts, docs/monitors.md.
 * How it works:
 *  - the guest kernel runs deprivileged (real user mode, memory privilege = its virtual mode), as
 *    under `te`; what it still executes of the privileged instructions (control registers, iret)
 *    traps and is emulated on the virtual CPU;
 *  - hypercalls (`hcall`, number in r1, arguments r2..r6, result r1): batched page-table updates
 *    (HC_MMU_UPDATE: one trap for up to 32 entries), TLB/root/paging operations, event-channel
 *    notifications for the console and block rings (paravirtRings.ts), block (idle), port access
 *    for the devices without a ring, the virtual machine status word;
 *  - interrupts are events: the virtual IE is a flag in the shared area that the guest writes with
 *    plain stores (no trap). An interrupt that arrives while the flag masks events is recorded as
 *    pending (shared PENDING) and the lines are held back in cpu.state.irqMask until the guest
 *    unmasks through the monitor (HC_EVTCHN_UNMASK when PENDING ≠ 0, HC_BLOCK, iret with IE); the
 *    monitor also holds them whenever it masks events itself (delivery, iret without IE), as a real
 *    CPU with IE = 0 is not interrupted. An unmasked event is delivered to the guest's vector like
 *    an exception (virtual EPC/EPSW/CAUSE, events masked);
 *  - the disk is the backend's (split driver): its IRQ2 goes to BlockBackend, not to the guest;
 *  - the shared area's pages are PINNED while registered, as Xen holds a reference on a registered
 *    vcpu_info page and on granted ring pages (so its pager and balloon cannot take them): the monitor
 *    reads and writes them in the middle of an interrupt delivery or a ring response, where it cannot
 *    stop the vCPU to wait for a page, so the host's reclamation must never take them (a dropped write
 *    there leaves the guest's event mask or PENDING wrong). HC_SET_SHARED first makes each page present
 *    with a frame of its own — faulting it back in (the vCPU charged the swap-in or decompression, as for
 *    any access) or, with no free host frame, waiting at the hcall like a vCPU whose write found none —
 *    then pins it; restore pins again from the saved address.
 * Costs: `pvHypercall` per hypercall (+ `pvMmuUpdateEntry` per page-table entry applied),
 * `monitorTrap` per trap (privileged instruction, interrupt arrival, exception), `monitorEmulate`,
 * `monitorReflect` per delivery. One vCPU: the shared area has one event mask (HC_IO_READ of the
 * CPU-count port answers 1).
 */
import type { Cpu, Monitor, RunResult, TrapDecision, TrapEvent } from '../cpu/index';
import { readControl, writeControl } from '../cpu/index';
import { reflectToGuest, trapToVirtualCpu, virtualPsw, type TrapStats, type VirtualCpu } from './virtualControl';
import { CAUSE_HYPERCALL, CAUSE_IRQ_BASE, CR_COUNT, CR_PTBR, CR_STATUS, MSW_K, MSW_PG, PORT_SMP_BASE } from '../isa/index';
import type { Gpa, Gpfn } from '../mmu/index';
import { HOST_ENTER_AFTER_INSTRUCTIONS, PAGE_SHIFT } from '../params';
import { TranslatedExecutor } from '../translator/index';
import { HC, HYPERCALL_NAMES, PV_LAYOUT, PV_PORT, TLB_OP } from './hypercalls';
import { BACKEND_IRQ, BlockBackend, ConsoleBackend, newRingStats, type BlockBackendState, type RingStats } from './paravirtRings';

const CPU_COUNT_PORT = PORT_SMP_BASE + 1;
/** Most entries one HC_MMU_UPDATE applies (a guest cannot hold the hypervisor longer). */
const MMU_UPDATE_LIMIT = 1024;
/** PENDING bit: lines are held back by the monitor (ask with HC_EVTCHN_UNMASK after unmasking). */
const PENDING_HELD = 1 << 31;

export interface PvOptions {
  engine?: 'translated' | 'interp';
  /** Heat a page needs before the translated engine compiles it (default params BT_HOT_CYCLES); host-side only. */
  hotCycles?: number;
  /** At most one compile per this many guest cycles (default 0 = no pacing); host-side only. */
  translateSpacingCycles?: number;
  /** Compile only the code seen running (default false: whole reachable regions, as `bt` — measured slower
   *  in steady state on labos `mixed` under pv, docs/PERFORMANCE.md); host-side only. */
  onlyCodeThatRan?: boolean;
  /** Guest instructions interpreted from a region's entries before its function is first called (default params
   *  HOST_ENTER_AFTER_INSTRUCTIONS; host-side lazy compilation, results unchanged). */
  enterAfterInstructions?: number;
}

export interface PvState {
  readonly virtualKernel: boolean;
  readonly vcr: number[];
  readonly shared: number;
  readonly localMask: boolean;
  readonly maskedLines: number;
  readonly guestHalted: boolean;
  readonly counts: Record<string, number>;
  readonly ring: RingStats;
  readonly block: BlockBackendState;
  readonly stats: { emulated: Record<string, number>; reflected: Record<string, number> };
}

export class ParavirtMonitor implements Monitor, VirtualCpu {
  readonly name = 'pv';
  virtualKernel = true;
  readonly vcr = new Int32Array(CR_COUNT);
  /** Guest-physical address of the shared area, -1 before the guest registers it. */
  shared = -1;
  private localMask = true;
  /** IRQ lines held back (cpu.state.irqMask) because they arrived while events were masked. */
  maskedLines = 0;
  /** The guest idles (hlt or HC_BLOCK) until an event is delivered to it. */
  guestHalted = false;
  /** Hypercalls by name and the other pv counters. */
  counts: Record<string, number> = {};
  ring: RingStats = newRingStats();
  private readonly consoleBackend = new ConsoleBackend(this.ring);
  private readonly blockBackend = new BlockBackend(this.ring);
  stats: TrapStats = { emulated: {}, reflected: {} };
  readonly execute?: (cpu: Cpu, budgetCycles: number) => RunResult;

  constructor(opts: PvOptions = {}) {
    if ((opts.engine ?? 'translated') === 'translated') {
      const ex = new TranslatedExecutor({
        chargeTranslation: false,
        hotCycles: opts.hotCycles,
        translateSpacingCycles: opts.translateSpacingCycles,
        onlyCodeThatRan: opts.onlyCodeThatRan ?? false,
        enterAfterInstructions: opts.enterAfterInstructions ?? HOST_ENTER_AFTER_INSTRUCTIONS,
      });
      this.execute = (cpu, budget) => ex.execute(cpu, budget);
    }
  }

  private count(k: string, n = 1): void {
    this.counts[k] = (this.counts[k] ?? 0) + n;
  }

  attach(cpu: Cpu): void {
    const st = cpu.state;
    this.virtualKernel = st.kernel;
    this.localMask = !st.ie;
    this.maskedLines = st.ie ? 0 : 0xffff;
    this.vcr.set(st.cr);
    this.apply(cpu);
  }

  /** The real CPU runs the guest deprivileged; interrupts always reach the monitor unless held back. */
  apply(cpu: Cpu): void {
    const st = cpu.state;
    st.kernel = false;
    st.ie = true;
    st.irqMask = 0xffff & ~this.maskedLines;
    cpu.userOverride = !this.virtualKernel;
    cpu.updatePrivilege();
  }

  masked(cpu: Cpu): boolean {
    return this.shared >= 0 ? cpu.mem.readWord((this.shared + PV_LAYOUT.MASK) as Gpa) !== 0 : this.localMask;
  }

  private setMask(cpu: Cpu, m: boolean): void {
    if (this.shared >= 0) cpu.mem.writeWord((this.shared + PV_LAYOUT.MASK) as Gpa, m ? 1 : 0);
    else this.localMask = m;
  }

  /** Events are on again: release the held-back lines (a raised one traps again and is delivered). */
  private releaseEvents(cpu: Cpu): void {
    this.maskedLines = 0;
    if (this.shared >= 0) cpu.mem.writeWord((this.shared + PV_LAYOUT.PENDING) as Gpa, 0);
  }

  /**
   * Events are masked and the monitor knows it: hold every line back (as a real CPU with IE = 0
   * would not be interrupted) and say so in PENDING (bit 31 + the raised lines), so the guest's
   * unmask path — a plain store, then HC_EVTCHN_UNMASK if PENDING ≠ 0 — comes back for them.
   */
  private holdEvents(cpu: Cpu, line = -1): void {
    // The backend's device line (the disk) is the hypervisor's, never held for the guest.
    const own = this.shared >= 0 ? 1 << BACKEND_IRQ : 0;
    this.maskedLines = 0xffff & ~own;
    if (this.shared >= 0) {
      const a = (this.shared + PV_LAYOUT.PENDING) as Gpa;
      const raised = cpu.state.irqLines & 0xffff & ~own;
      cpu.mem.writeWord(a, cpu.mem.readWord(a) | PENDING_HELD | raised | (line >= 0 ? 1 << line : 0));
    }
  }

  /** The guest-physical pages of a shared area at `pa`. */
  private sharedPages(pa: number): number[] {
    const out: number[] = [];
    for (let g = pa >>> PAGE_SHIFT; g <= (pa + PV_LAYOUT.SIZE - 1) >>> PAGE_SHIFT; g++) out.push(g);
    return out;
  }

  /**
   * Makes the pages of a shared area about to be registered present with a frame of their own, then pins
   * them (see the header). False: a page is not here yet or no host frame is free — the vCPU now waits
   * for it and the hcall runs again when it wakes.
   */
  private pinShared(cpu: Cpu, pa: number): boolean {
    if ((pa & 3) !== 0 || pa + PV_LAYOUT.SIZE > cpu.mem.sizeBytes) return true; // refused by the hypercall itself
    const mem = cpu.mem;
    const pages = this.sharedPages(pa);
    for (const g of pages) {
      if (!mem.ensurePresent(g, 'host', true)) return false;
      // pinned before its frame is made its own: a frame a snapshot holds is then copied in place
      mem.pin(g);
      if (!mem.isExclusive(g as Gpfn) && !mem.frameForWrite(g as Gpfn)) {
        if (cpu.frameShortage?.(g)) return false;
        cpu.crashVm('host out of memory', cpu.state.pc);
        return false;
      }
    }
    if (this.shared >= 0) for (const g of this.sharedPages(this.shared)) if (!pages.includes(g)) mem.unpin(g);
    return true;
  }

  onTrap(cpu: Cpu, ev: TrapEvent): TrapDecision {
    if (ev.cause === CAUSE_HYPERCALL && this.virtualKernel && cpu.state.regs[1] === HC.SET_SHARED && !this.pinShared(cpu, cpu.state.regs[2] >>> 0)) {
      this.count('sharedPageWaits');
      return 'exit';
    }
    if (ev.cause === CAUSE_HYPERCALL && this.virtualKernel) this.hypercall(cpu, ev);
    else {
      cpu.charge(cpu.costs.monitorTrap);
      if (ev.cause >= CAUSE_IRQ_BASE) this.interrupt(cpu, ev);
      else trapToVirtualCpu(cpu, this, ev);
    }
    this.apply(cpu);
    return 'resume';
  }

  private interrupt(cpu: Cpu, ev: TrapEvent): void {
    const line = ev.cause - CAUSE_IRQ_BASE;
    if (line === BACKEND_IRQ && this.shared >= 0) {
      // The hypervisor's own device: the guest does not see it (if it was idle, it stays idle).
      this.blockBackend.onInterrupt(cpu, this.shared);
      if (this.guestHalted) cpu.state.halted = true;
      return;
    }
    if (this.masked(cpu)) {
      this.holdEvents(cpu, line);
      this.count('eventsPended');
      return;
    }
    this.count('eventsDelivered');
    reflectToGuest(cpu, this, ev);
  }

  private hypercall(cpu: Cpu, ev: TrapEvent): void {
    const st = cpu.state;
    const regs = st.regs;
    const n = regs[1];
    const name = HYPERCALL_NAMES[n] ?? 'unknown';
    cpu.charge(cpu.costs.pvHypercall);
    this.count('hypercalls');
    this.count(`hypercalls.${name}`);
    let result = 0;
    switch (n) {
      case HC.SET_SHARED: {
        const pa = regs[2] >>> 0;
        if ((pa & 3) !== 0 || pa + PV_LAYOUT.SIZE > cpu.mem.sizeBytes) { result = -1; break; }
        const mask = this.masked(cpu);
        this.shared = pa;
        this.setMask(cpu, mask);
        if (mask) this.holdEvents(cpu);
        break;
      }
      case HC.MMU_UPDATE: {
        const list = regs[2] >>> 0;
        const k = Math.min(regs[3] >>> 0, MMU_UPDATE_LIMIT);
        this.count('mmuBatches');
        for (let i = 0; i < k; i++) {
          const at = list + 8 * i;
          if (at + 8 > cpu.mem.sizeBytes) { result = -1; break; }
          const pte = cpu.mem.readWord(at as Gpa) >>> 0;
          const val = cpu.mem.readWord((at + 4) as Gpa);
          // Validation (Xen checks the frame is the guest's and is a page table): in RAM and aligned.
          if ((pte & 3) !== 0 || pte + 4 > cpu.mem.sizeBytes) { result = -1; break; }
          cpu.mem.writeWord(pte as Gpa, val);
          cpu.charge(cpu.costs.pvMmuUpdateEntry);
          this.count('mmuUpdates');
          result = i + 1;
        }
        break;
      }
      case HC.TLB_OP: {
        const arg = regs[3];
        if (regs[2] === TLB_OP.INVLPG) cpu.mmu.invalidatePage(arg);
        else if (regs[2] === TLB_OP.FLUSH) cpu.mmu.flushTlb();
        else if (regs[2] === TLB_OP.SET_ROOT) writeControl(cpu, CR_PTBR, arg);
        else if (regs[2] === TLB_OP.PAGING) writeControl(cpu, CR_STATUS, arg !== 0 ? 1 : 0);
        else result = -1;
        break;
      }
      case HC.EVTCHN_SEND:
        this.count('notifications');
        if (this.shared < 0) result = -1;
        else if (regs[2] === PV_PORT.CONSOLE) this.consoleBackend.drain(cpu, this.shared);
        else if (regs[2] === PV_PORT.BLOCK) this.blockBackend.kick(cpu, this.shared);
        else result = -1;
        break;
      case HC.EVTCHN_UNMASK:
        if (!this.masked(cpu)) this.releaseEvents(cpu);
        break;
      case HC.BLOCK:
        this.setMask(cpu, false);
        this.releaseEvents(cpu);
        st.halted = true;
        this.guestHalted = true;
        cpu.counters.halts++;
        break;
      case HC.IO_READ: {
        const port = regs[2] & 0xffff;
        cpu.counters.ioReads++;
        result = port === CPU_COUNT_PORT ? 1 : cpu.io.read(port) | 0;
        break;
      }
      case HC.IO_WRITE:
        cpu.counters.ioWrites++;
        cpu.io.write(regs[2] & 0xffff, regs[3]);
        break;
      case HC.VCPU_STATUS:
        result = (this.virtualKernel ? MSW_K : 0) | (cpu.mmu.pagingEnabled ? MSW_PG : 0);
        break;
      default:
        result = -1;
    }
    regs[1] = result | 0;
    st.pc = ev.epc;
  }

  /** The guest's interrupt flag is the event mask (in the shared area once the guest registered it). */
  guestIe(cpu: Cpu): boolean {
    return !this.masked(cpu);
  }

  /** Unmasking releases the held-back lines; masking holds every line back (as a real CPU with IE = 0). */
  setGuestIe(cpu: Cpu, on: boolean): void {
    this.setMask(cpu, !on);
    if (on) this.releaseEvents(cpu);
    else this.holdEvents(cpu);
  }

  onGuestHalt(cpu: Cpu): void {
    this.guestHalted = true;
    if (this.masked(cpu)) this.maskedLines = 0xffff; // nothing can wake it: the machine is off
  }

  /** An event delivered to the guest's vector (events masked by then) wakes an idle guest. */
  onReflect(): void {
    this.guestHalted = false;
  }

  guestPsw(cpu: Cpu): number {
    return virtualPsw(cpu, this);
  }

  guestControl(cpu: Cpu, n: number): number {
    return n === CR_STATUS || n === CR_PTBR ? readControl(cpu, n) : this.vcr[n];
  }

  /** Flat counters for reports (`pv.*`). */
  counters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.counts)) out[`pv.${k}`] = v;
    out['pv.ringRequests'] = this.ring.consoleNotifications + this.ring.blockRequests;
    out['pv.consoleBytes'] = this.ring.consoleBytes;
    out['pv.blockRequests'] = this.ring.blockRequests;
    out['pv.backendIo'] = this.ring.backendIo;
    return out;
  }

  save(): PvState {
    return {
      virtualKernel: this.virtualKernel, vcr: Array.from(this.vcr), shared: this.shared, localMask: this.localMask, maskedLines: this.maskedLines, guestHalted: this.guestHalted,
      counts: { ...this.counts }, ring: { ...this.ring }, block: this.blockBackend.save(),
      stats: { emulated: { ...this.stats.emulated }, reflected: { ...this.stats.reflected } },
    };
  }

  restore(cpu: Cpu, s: PvState): void {
    this.virtualKernel = s.virtualKernel;
    this.vcr.set(s.vcr);
    this.shared = s.shared;
    if (s.shared >= 0) for (const g of this.sharedPages(s.shared)) if (g < cpu.mem.pageCount) cpu.mem.pin(g);
    this.localMask = s.localMask;
    this.maskedLines = s.maskedLines;
    this.guestHalted = s.guestHalted;
    this.counts = { ...s.counts };
    Object.assign(this.ring, s.ring);
    this.blockBackend.restore(s.block);
    this.stats = { emulated: { ...s.stats.emulated }, reflected: { ...s.stats.reflected } };
    cpu.monitor = this;
    this.apply(cpu);
  }
}
