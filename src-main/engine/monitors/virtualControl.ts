/**
 * virtualControl — the virtual CPU of a deprivileging monitor (te, pv): what both do on a trap,
 * written once. They differ only in how they keep the guest's interrupt flag (te: a field of the
 * monitor; pv: an event mask in memory shared with the guest, with interrupts held back while it
 * is set), so that is the one thing each supplies, as a `VirtualCpu`.
 *
 * Interface:
 *  - `VirtualCpu`: the guest's virtual mode, control registers and trap statistics, plus the
 *    monitor's interrupt-flag model (`guestIe`, `setGuestIe`) and what it does when the guest halts
 *    or an event is delivered;
 *  - `trapToVirtualCpu(cpu, v, ev)` — a trap of the guest: emulate or reflect (below);
 *  - `emulateKernelInstruction(cpu, v, ev)` — a privileged instruction trapped in virtual kernel
 *    mode, emulated on the virtual CPU (cli, sti, hlt, iret and the machine instructions below);
 *    false when it is not one the monitor emulates (the caller reflects it);
 *  - `returnFromTrap(cpu, v)` — the emulated `iret`: flags, mode and interrupt flag from the
 *    virtual EPSW, continuing at the virtual EPC;
 *  - `reflectToGuest(cpu, v, ev)` — delivers an exception or interrupt to the guest's virtual
 *    vector as bare hardware would (virtual kernel mode, interrupts off);
 *  - `virtualPsw(cpu, v)` — the PSW the guest would see;
 *  - `readVirtualControl` / `writeVirtualControl` (a trapped `mfcr` / `mtcr`),
 *    `emulateMachineInstruction(cpu, vcr, d)` (mfcr, mtcr, invlpg, tlbflush, in, out: emulation
 *    that does not depend on the interrupt flag), `enterVirtualVector(cpu, vcr, ev, guestPsw)` (the
 *    exception frame a reflected event leaves in the virtual registers, and the jump to its vector).
 * Costs: `monitorEmulate` per emulated instruction, `monitorReflect` per reflected event (the
 * caller charges `monitorTrap` for the trap itself).
 * Rules: `status` (paging on/off) and `ptbr` go to the real MMU, because the guest's address
 * space is real. `asid` is kept in the virtual registers and forwarded to the MMU (tagged TLBs).
 * Every other register lives only in the monitor's virtual copy `vcr`, masked exactly as the
 * hardware masks it (docs/isa.md §2.2), so the guest reads back what bare hardware would return.
 * One copy for every monitor, so they cannot drift apart.
 */
import type { Cpu, TrapEvent } from '../cpu/index';
import { readControl, writeControl } from '../cpu/index';
import {
  CAUSE_BUS_ERROR, CAUSE_DOUBLE_FAULT, CAUSE_MISALIGNED, CAUSE_PAGE_FAULT, CAUSE_PRIVILEGED, causeName, CR_ASID, CR_CAUSE, CR_EPC, CR_EPSW, CR_FADDR, CR_PTBR,
  CR_STATUS, CR_VBAR, decode, Op, PSW_IE, PSW_K, PSW_MASK, type Decoded,
} from '../isa/index';

/** Trap statistics of a deprivileging monitor: emulated instructions by mnemonic, reflected events by cause. */
export interface TrapStats {
  emulated: Record<string, number>;
  reflected: Record<string, number>;
}

/** The guest's virtual CPU as a deprivileging monitor keeps it; the interrupt flag is the monitor's own model. */
export interface VirtualCpu {
  /** The guest believes it runs in kernel mode (the real CPU is in user mode either way). */
  virtualKernel: boolean;
  /** The guest's control registers (except status and ptbr, which are the real MMU's). */
  readonly vcr: Int32Array;
  readonly stats: TrapStats;
  /** The guest's interrupt flag. */
  guestIe(cpu: Cpu): boolean;
  /** Sets the guest's interrupt flag (and whatever the monitor does for it: masking, releasing or holding lines). */
  setGuestIe(cpu: Cpu, on: boolean): void;
  /** The guest executed `hlt` (the CPU has halted); optional extra bookkeeping. */
  onGuestHalt?(cpu: Cpu): void;
  /** An event was just delivered to the guest's vector; optional extra bookkeeping. */
  onReflect?(cpu: Cpu): void;
}

/**
 * A trap of the deprivileged guest: a privileged instruction in virtual kernel mode is emulated;
 * anything else (a privileged instruction in virtual user mode, an exception, an interrupt) is
 * reflected to the guest. The caller has charged `monitorTrap`.
 */
export function trapToVirtualCpu(cpu: Cpu, v: VirtualCpu, ev: TrapEvent): void {
  if (ev.cause === CAUSE_PRIVILEGED && !ev.intercepted && v.virtualKernel && emulateKernelInstruction(cpu, v, ev)) return;
  reflectToGuest(cpu, v, ev);
}

/**
 * A privileged instruction the guest executed in virtual kernel mode (it trapped: the real CPU runs
 * in user mode): emulated on the virtual CPU, continuing after it (or at EPC for iret). False when
 * the word does not decode or is not an instruction the monitor emulates: the caller reflects it.
 */
export function emulateKernelInstruction(cpu: Cpu, v: VirtualCpu, ev: TrapEvent): boolean {
  const st = cpu.state;
  const d = decode(ev.word);
  cpu.charge(cpu.costs.monitorEmulate);
  if (!d) return false;
  const m = d.info.mnemonic;
  v.stats.emulated[m] = (v.stats.emulated[m] ?? 0) + 1;
  let next = (ev.pc + 4) | 0;
  switch (d.info.opcode) {
    case Op.CLI: v.setGuestIe(cpu, false); break;
    case Op.STI:
      // the one-instruction interrupt shadow of a real sti that sets IE
      if (!v.guestIe(cpu)) st.stiShadow = true;
      v.setGuestIe(cpu, true);
      break;
    case Op.HLT:
      st.halted = true;
      cpu.counters.halts++;
      v.onGuestHalt?.(cpu);
      break;
    case Op.IRET: next = returnFromTrap(cpu, v); break;
    default:
      if (!emulateMachineInstruction(cpu, v.vcr, d)) return false;
  }
  st.pc = next;
  return true;
}

/**
 * The emulated `iret`: the guest's flags, mode and interrupt flag come back from the virtual EPSW
 * (the real CPU stays in user mode with real IE = 1); returns the virtual EPC, where it continues.
 */
export function returnFromTrap(cpu: Cpu, v: VirtualCpu): number {
  const epsw = v.vcr[CR_EPSW];
  cpu.state.setPsw(epsw, false, false);
  v.virtualKernel = (epsw & PSW_K) !== 0;
  v.setGuestIe(cpu, (epsw & PSW_IE) !== 0);
  return v.vcr[CR_EPC];
}

/** Delivers an exception or interrupt to the guest's virtual vector, as the hardware would: virtual kernel mode, interrupts off. */
export function reflectToGuest(cpu: Cpu, v: VirtualCpu, ev: TrapEvent): void {
  const n = causeName(ev.cause);
  v.stats.reflected[n] = (v.stats.reflected[n] ?? 0) + 1;
  cpu.charge(cpu.costs.monitorReflect);
  enterVirtualVector(cpu, v.vcr, ev, virtualPsw(cpu, v));
  v.virtualKernel = true;
  v.setGuestIe(cpu, false);
  v.onReflect?.(cpu);
  cpu.markDelivering();
}

/** The PSW the guest sees: the real flags, with its virtual interrupt flag and mode. */
export function virtualPsw(cpu: Cpu, v: VirtualCpu): number {
  return cpu.state.flags() | (v.guestIe(cpu) ? PSW_IE : 0) | (v.virtualKernel ? PSW_K : 0);
}

export function readVirtualControl(cpu: Cpu, vcr: Int32Array, index: number): number {
  return index === CR_STATUS || index === CR_PTBR ? readControl(cpu, index) : vcr[index];
}

export function writeVirtualControl(cpu: Cpu, vcr: Int32Array, index: number, value: number): void {
  if (index === CR_STATUS || index === CR_PTBR) writeControl(cpu, index, value);
  else if (index === CR_ASID) { vcr[index] = value; cpu.mmu.setAsid(value); }
  else if (index === CR_EPSW) vcr[index] = value & PSW_MASK;
  else if (index === CR_VBAR || index === CR_EPC) vcr[index] = value & ~3;
  else vcr[index] = value;
}

/** Emulates `d` when it is one of the interrupt-flag-independent kernel instructions; false otherwise. */
export function emulateMachineInstruction(cpu: Cpu, vcr: Int32Array, d: Decoded): boolean {
  const regs = cpu.state.regs;
  switch (d.info.opcode) {
    case Op.MFCR: if (d.a !== 0) regs[d.a] = readVirtualControl(cpu, vcr, d.imm) | 0; return true;
    case Op.MTCR: writeVirtualControl(cpu, vcr, d.imm, regs[d.b]); return true;
    case Op.INVLPG: cpu.mmu.invalidatePage(regs[d.b]); return true;
    case Op.TLBFLUSH: cpu.mmu.flushTlb(); return true;
    case Op.IN: {
      cpu.counters.ioReads++;
      const v = cpu.io.read((regs[d.b] + d.imm) & 0xffff);
      if (d.a !== 0) regs[d.a] = v | 0;
      return true;
    }
    case Op.OUT: cpu.counters.ioWrites++; cpu.io.write((regs[d.b] + d.imm) & 0xffff, regs[d.a]); return true;
    default: return false;
  }
}

/**
 * Reflects `ev` to the guest as bare hardware would deliver it: saves pc, the guest-visible PSW
 * (`guestPsw`, which each monitor derives from its own interrupt-flag model), cause and fault address
 * in the virtual registers, and continues at the guest's vector. The caller enters virtual kernel
 * mode and masks events in its own way.
 */
export function enterVirtualVector(cpu: Cpu, vcr: Int32Array, ev: TrapEvent, guestPsw: number): void {
  const c = ev.cause;
  vcr[CR_EPC] = ev.epc;
  vcr[CR_EPSW] = guestPsw;
  vcr[CR_CAUSE] = (c & 0xff) | (ev.detail & ~0xff);
  if (c === CAUSE_PAGE_FAULT || c === CAUSE_MISALIGNED || c === CAUSE_BUS_ERROR || c === CAUSE_DOUBLE_FAULT) vcr[CR_FADDR] = ev.faultAddr;
  cpu.state.halted = false;
  cpu.state.pc = (vcr[CR_VBAR] + c * 4) | 0;
}
