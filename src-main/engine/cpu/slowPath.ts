/**
 * slowPath — everything the interpreter's inner loop does not do inline: memory accesses that
 * miss the software TLB, misaligned accesses, system and sensitive instructions, traps.
 *
 * Interface: `loadSlow(cpu, a, va)`, `storeSlow(cpu, a, va)`, `execSystem(cpu, a, imm)`,
 * `fetchFault(cpu, pc)`; each starts with cpu.state.pc = the instruction's address and leaves
 * cpu.state.pc at the next instruction or at an exception vector.
 * Rules: semantics are those of docs/isa.md. Misalignment is checked before translation.
 * Privileged instructions in user mode raise `privileged` (EPC = the instruction); in kernel
 * mode they execute unless their opcode is intercepted by the monitor. Sensitive unprivileged
 * instructions never trap: setf ignores IE in user mode, getf/smsw reveal the real mode.
 * `xchg` (atomic exchange) always runs here: one write translation (so it needs write
 * permission and sets A/D), then load-old / store-new on the same word; atomic because a vCPU
 * executes whole instructions between the machine's interleaving points.
 * A translation that fails with FAULT_NOT_PRESENT (the page or one of its tables is not present
 * here and was not supplied) is no guest exception: the instruction has changed nothing, pc stays on
 * it, and the CPU stops (`stopRequest`) so the machine can wait for the page and run it again.
 */
import {
  ACCESS_FETCH, ACCESS_READ, ACCESS_WRITE, CAUSE_BREAKPOINT, CAUSE_DIVIDE, CAUSE_HYPERCALL, CAUSE_ILLEGAL, CAUSE_MISALIGNED,
  CAUSE_PRIVILEGED, CAUSE_SYSCALL, CR_ASID, CR_EPC, CR_EPSW, CR_PTBR, CR_STATUS, CR_VBAR, MSW_K, MSW_PG, Op, OPCODE_BY_NUMBER, PSW_MASK, STATUS_PG,
} from '../isa/index';
import { FAULT_NOT_PRESENT, faultDetailBits } from '../mmu/index';
import type { Cpu } from './cpu';
import { raise } from './traps';

function word(cpu: Cpu): number {
  return cpu.mem.frameForRead(cpu.codeGpfn as never)[(cpu.state.pc & 0xfff) >>> 2];
}

/** The access waits for a page that is not present here: nothing happened, the instruction runs again later. */
function waitForPage(cpu: Cpu): void {
  cpu.stopRequest = 'monitor';
}

function memFault(cpu: Cpu, va: number): void {
  const m = cpu.mmu;
  if (m.faultCause === FAULT_NOT_PRESENT) return waitForPage(cpu);
  if (m.faultCause === -1) {
    cpu.crashVm('host out of memory', cpu.state.pc, va, 0);
    return;
  }
  raise(cpu, m.faultCause, cpu.state.pc, cpu.state.pc, word(cpu), va, m.faultDetail);
}

export function loadSlow(cpu: Cpu, a: number, va: number): void {
  const st = cpu.state;
  const op = a & 0xff;
  if (op === Op.LDW && (va & 3) !== 0) {
    raise(cpu, CAUSE_MISALIGNED, st.pc, st.pc, word(cpu), va, faultDetailBits(ACCESS_READ, cpu.mmu.user, false));
    return;
  }
  const f = cpu.mmu.fillRead(va);
  if (!f) return memFault(cpu, va);
  const w = f[(va & 0xfff) >>> 2];
  const sh = (va & 3) << 3;
  st.regs[(a >>> 8) & 31] = op === Op.LDW ? w : op === Op.LDB ? (w >>> sh) & 255 : ((w << (24 - sh)) >> 24);
  st.pc = (st.pc + 4) | 0;
}

export function storeSlow(cpu: Cpu, a: number, va: number): void {
  const st = cpu.state;
  const op = a & 0xff;
  if (op === Op.STW && (va & 3) !== 0) {
    raise(cpu, CAUSE_MISALIGNED, st.pc, st.pc, word(cpu), va, faultDetailBits(ACCESS_WRITE, cpu.mmu.user, false));
    return;
  }
  const f = cpu.mmu.fillWrite(va);
  if (!f) return memFault(cpu, va);
  const v = st.regs[(a >>> 8) & 15];
  const wi = (va & 0xfff) >>> 2;
  if (op === Op.STW) f[wi] = v;
  else {
    const sh = (va & 3) << 3;
    f[wi] = (f[wi] & ~(255 << sh)) | ((v & 255) << sh);
  }
  if (!cpu.mmu.lastFastWrite) cpu.mem.notifyWrite(cpu.mmu.lastGpfn as never, op === Op.STW ? va & 0xffc : va & 0xfff, op === Op.STW ? 4 : 1);
  st.pc = (st.pc + 4) | 0;
}

/** xchg rX, imm(rs1): rX <-> mem32[rs1 + imm] in one step. */
export function xchgSlow(cpu: Cpu, a: number, imm: number): void {
  const st = cpu.state;
  const va = (st.regs[(a >>> 16) & 15] + imm) | 0;
  if ((va & 3) !== 0) {
    raise(cpu, CAUSE_MISALIGNED, st.pc, st.pc, word(cpu), va, faultDetailBits(ACCESS_WRITE, cpu.mmu.user, false));
    return;
  }
  const f = cpu.mmu.fillWrite(va);
  if (!f) return memFault(cpu, va);
  const ra = (a >>> 8) & 31;
  const wi = (va & 0xfff) >>> 2;
  const old = f[wi];
  f[wi] = st.regs[ra & 15];
  if (!cpu.mmu.lastFastWrite) cpu.mem.notifyWrite(cpu.mmu.lastGpfn as never, va & 0xffc, 4);
  st.regs[ra] = old;
  st.regs[16] = 0;
  st.pc = (st.pc + 4) | 0;
}

/** Instruction fetch failed (translation fault or misaligned pc). */
export function fetchFault(cpu: Cpu, pc: number): void {
  const m = cpu.mmu;
  if ((pc & 3) !== 0) {
    raise(cpu, CAUSE_MISALIGNED, pc, pc, 0, pc, faultDetailBits(ACCESS_FETCH, m.user, false));
    return;
  }
  if (m.faultCause === FAULT_NOT_PRESENT) return waitForPage(cpu);
  raise(cpu, m.faultCause, pc, pc, 0, pc, m.faultDetail);
}

/** Executes a control-register read (shared with monitors that emulate mfcr). */
export function readControl(cpu: Cpu, n: number): number {
  if (n === CR_STATUS) return cpu.mmu.pagingEnabled ? STATUS_PG : 0;
  if (n === CR_PTBR) return cpu.mmu.ptbr | 0;
  return cpu.state.cr[n];
}

/** Executes a control-register write with its side effects (PTBR / STATUS flush the TLB, ASID retags it). */
export function writeControl(cpu: Cpu, n: number, v: number): void {
  const st = cpu.state;
  if (n === CR_STATUS) cpu.mmu.setPaging((v & STATUS_PG) !== 0);
  else if (n === CR_PTBR) cpu.mmu.setPtbr(v);
  else if (n === CR_ASID) { st.cr[n] = v; cpu.mmu.setAsid(v); } // tags TLB entries when the machine has tagging
  else if (n === CR_EPSW) st.cr[n] = v & PSW_MASK;
  else if (n === CR_VBAR || n === CR_EPC) st.cr[n] = v & ~3;
  else st.cr[n] = v;
}

export function execSystem(cpu: Cpu, a: number, imm: number): void {
  const st = cpu.state;
  const op = a & 0xff;
  const pc = st.pc;
  const next = (pc + 4) | 0;
  const regs = st.regs;
  const info = OPCODE_BY_NUMBER[op];
  if (!info) {
    raise(cpu, CAUSE_ILLEGAL, pc, pc, word(cpu), 0, 0);
    return;
  }
  if (info.privileged) {
    if (!st.kernel) {
      raise(cpu, CAUSE_PRIVILEGED, pc, pc, word(cpu), 0, 0);
      return;
    }
    if (cpu.monitor && cpu.intercepts[op]) {
      cpu.counters.monitorTraps++;
      const d = cpu.monitor.onTrap(cpu, { cause: CAUSE_PRIVILEGED, pc, epc: pc, word: word(cpu), faultAddr: 0, detail: 0, intercepted: true });
      if (d === 'resume') { cpu.counters.monitorEmulated++; return; }
      if (d === 'exit') { cpu.stopRequest = 'monitor'; return; }
    }
    cpu.counters.privilegedExecuted++;
  }
  const b = (a >>> 16) & 15;
  const ra = (a >>> 8) & 31;
  switch (op) {
    case Op.XCHG: xchgSlow(cpu, a, imm); return;
    case Op.BRK: raise(cpu, CAUSE_BREAKPOINT, pc, next, word(cpu), 0, 0); return;
    case Op.SYS: raise(cpu, CAUSE_SYSCALL, pc, next, word(cpu), 0, 0); return;
    case Op.HCALL: raise(cpu, CAUSE_HYPERCALL, pc, next, word(cpu), 0, 0); return;
    case Op.DIV: case Op.DIVU: case Op.REM: case Op.REMU:
      raise(cpu, CAUSE_DIVIDE, pc, pc, word(cpu), 0, 0); return;
    case Op.GETF: regs[ra] = st.psw(); break;
    case Op.SETF: st.setPsw(regs[b], st.kernel, false); break; // user mode: IE change silently ignored (POPF)
    case Op.SMSW: regs[ra] = (st.kernel ? MSW_K : 0) | (cpu.mmu.pagingEnabled ? MSW_PG : 0); break;
    case Op.CLI: st.ie = false; break;
    case Op.STI: if (!st.ie) st.stiShadow = true; st.ie = true; break;
    case Op.HLT: st.halted = true; cpu.counters.halts++; break;
    case Op.IRET:
      st.setPsw(st.cr[CR_EPSW], true, true);
      st.pc = st.cr[CR_EPC];
      cpu.updatePrivilege();
      cpu.charge(cpu.costs.iretExtra);
      return;
    case Op.MFCR: regs[ra] = readControl(cpu, imm); break;
    case Op.MTCR: writeControl(cpu, imm, regs[b]); break;
    case Op.INVLPG: cpu.mmu.invalidatePage(regs[b]); break;
    case Op.TLBFLUSH: cpu.mmu.flushTlb(); break;
    case Op.IN: cpu.counters.ioReads++; regs[ra] = cpu.io.read((regs[b] + imm) & 0xffff) | 0; break;
    case Op.OUT: cpu.counters.ioWrites++; cpu.io.write((regs[b] + imm) & 0xffff, regs[ra & 15]); break;
    default:
      raise(cpu, CAUSE_ILLEGAL, pc, pc, word(cpu), 0, 0);
      return;
  }
  regs[16] = 0;
  st.pc = next;
}
