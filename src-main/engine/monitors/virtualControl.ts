/**
 * virtualControl — the guest's control registers as a deprivileging monitor (te, pv) emulates them.
 *
 * Interface: `readVirtualControl(cpu, vcr, index)` and `writeVirtualControl(cpu, vcr, index, value)`,
 * used on a trapped `mfcr` / `mtcr`; `emulateMachineInstruction(cpu, vcr, d)` — the trapped kernel
 * instructions whose emulation does not depend on how the monitor virtualizes the interrupt flag
 * (mfcr, mtcr, invlpg, tlbflush, in, out); `enterVirtualVector(cpu, vcr, ev, guestPsw)` — the
 * exception frame a reflected event leaves in the virtual registers, and the jump to its vector.
 * Rules: `status` (paging on/off) and `ptbr` go to the real MMU, because the guest's address
 * space is real. `asid` is kept in the virtual registers and forwarded to the MMU (tagged TLBs).
 * Every other register lives only in the monitor's virtual copy `vcr`, masked exactly as the
 * hardware masks it (docs/isa.md §2.2), so the guest reads back what bare hardware would return.
 * One copy for every monitor, so they cannot drift apart.
 */
import type { Cpu, TrapEvent } from '../cpu/index';
import { readControl, writeControl } from '../cpu/index';
import {
  CAUSE_BUS_ERROR, CAUSE_DOUBLE_FAULT, CAUSE_MISALIGNED, CAUSE_PAGE_FAULT, CR_ASID, CR_CAUSE, CR_EPC, CR_EPSW, CR_FADDR, CR_PTBR, CR_STATUS,
  CR_VBAR, Op, PSW_MASK, type Decoded,
} from '../isa/index';

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
