/**
 * interpreter — the reference interpreter: exact HV32 semantics, fast enough to be the cold
 * tier of every monitor (goal ≥ 150 M guest instructions/s with counting on).
 *
 * Interface: `interpret(cpu, budgetCycles)` → RunResult (via Cpu.run).
 * Design (docs/monitors.md, "Why page regions"): pre-decoded pages (decodeCache) + a dense `switch` on the
 * opcode, int32 arithmetic on an Int32Array register file, memory through the software TLB
 * (a hit is two array loads). The inner loop runs straight-line within one code page; anything
 * else (leaving the page, TLB-miss, system instruction, exception, budget) leaves it with a
 * `slow` code and is handled by the outer loop, which also checks interrupts, halts, crashes,
 * monitor stops and the memory epoch. Every instruction counts (straight into the CPU's per-opcode
 * totals; the call's instruction count is settled per stretch, with no per-call pass over the 256
 * opcodes) and costs cycles from the per-opcode cost table (costModel.ts).
 * Dispatch: the `case` labels are numeric LITERALS (with the mnemonic in a comment), because V8
 * builds a jump table only for literal labels — `case Op.ADD:` compiles to a chain of compares,
 * which made late opcodes (branches) ~40 compares away. test/engine/cpu/interpreterCases.test.ts
 * checks every label against the opcode table (isa/opcodes.ts stays the single source of truth).
 * Rules: the budget is checked after each instruction (a run executes at least one instruction
 * when budget > 0 and the CPU is runnable); interrupts are recognised before an instruction
 * when IE = 1, except right after an sti that set IE (one-instruction shadow); a system
 * instruction's slow path calls `cpu.beforeSystem` first when an execution engine installed one;
 * with `cpu.oneStretch` set a call returns after one stretch of the inner loop (bt's exact warm-up).
 */
import { Op } from '../isa/index';
import { SOFT_MASK, SOFT_READ_OFFSET, SOFT_READ_TAG, SOFT_WRITE_OFFSET, SOFT_WRITE_TAG } from '../mmu/index';
import type { Cpu, RunResult, StopReason } from './cpu';
import { PAGE_END_IMM } from './decodeCache';
import { execSystem, fetchFault, loadSlow, storeSlow } from './slowPath';
import { takeInterrupt } from './traps';

const SLOW_NONE = 0;
const SLOW_LOAD = 1;
const SLOW_STORE = 2;
const SLOW_SYSTEM = 3;
const SLOW_JUMP = 4;

/**
 * Per stretch of the inner loop: what taken jumps within the page add to the instruction count on top
 * of the distance i moved. A slot, not a local: a local updated at the 14 jump sites made V8 keep one
 * more value live around the whole dispatch loop, and long stretches measured a few per cent slower
 * (as with a per-instruction `n++`). Only the inner loop touches it, which calls nothing, so one
 * slot serves every CPU.
 */
const jumpSkew = new Int32Array(1);

export function interpret(cpu: Cpu, budget: number): RunResult {
  const mmu = cpu.mmu;
  const costs = cpu.opCost;
  // Each instruction is counted straight into the CPU's long-lived per-opcode totals (read between
  // runs, never during one), so a short stretch (bt hands the interpreter many) pays no pass over the
  // 256 opcode slots; the run's instruction count `n` is settled once per stretch (see jumpSkew).
  const opCounts = cpu.counters.opCounts;
  let n = 0;
  const dc = cpu.decodeCache;
  let cyc = 0;

  let reason: StopReason = 'budget';
  if (cpu.crash) return { reason: 'crashed', cycles: 0, instructions: 0 };
  outer: for (;;) {
    const st = cpu.state;
    cyc += cpu.drainPending();
    if (cpu.crash) { reason = 'crashed'; break; }
    if (cpu.stopRequest) { reason = cpu.stopRequest; cpu.stopRequest = undefined; break; }
    // one stretch for bt's exact warm-up: the memory epoch is synced where translated code syncs it (after a slow path)
    if (!cpu.oneStretch) mmu.syncEpoch();
    const shadow = st.stiShadow;
    st.stiShadow = false;
    if (!shadow && st.ie && (st.irqLines & st.irqMask) !== 0) {
      takeInterrupt(cpu);
      continue;
    }
    if (st.halted) { reason = 'halted'; break; }
    // Out of budget right after an sti: keep the shadow for the next run (run(a) + run(b) = run(a + b)).
    if (cyc >= budget) { st.stiShadow = shadow; break; }
    // ---- fetch: enter the code page of pc ----
    const pc = st.pc | 0;
    const base = pc & ~0xfff;
    let pcOut = 0;
    const vpn = pc >>> 12;
    let code: Int32Array;
    if (vpn === cpu.codeVpn && mmu.version === cpu.codeVersion && (pc & 3) === 0) code = cpu.code;
    else {
      const g = (pc & 3) === 0 ? mmu.translateFetch(pc) : -1;
      if (g < 0) {
        cyc += cpu.drainPending();
        fetchFault(cpu, pc);
        continue;
      }
      code = dc.page(g);
      // decoding a new page watches it (epoch bump): drop any fast write entry to it before running
      mmu.syncEpoch();
      cpu.code = code;
      cpu.codeVpn = vpn;
      cpu.codeGpfn = g;
      cpu.codeVersion = mmu.version;
      cyc += cpu.drainPending();
    }
    st.delivering = 0;
    const regs = st.regs;
    const T = mmu.T;
    const M = mmu.M;
    let fk = st.fk;
    let fa = st.fa;
    let fb = st.fb;
    let i = (pc & 0xfff) >>> 1;
    // The stretch's instruction count by position: straight code moves i by 2 per instruction, so the
    // count before the instruction at i is (i - entry) / 2 + jumpSkew[0] (a taken jump within the page
    // from i to j adds (i + 2 - j) / 2: itself, less its move of i).
    n -= i >> 1;
    jumpSkew[0] = 0;
    const memAtEntry = memOps(opCounts);
    let slow = SLOW_NONE;
    let a = 0;
    let imm = 0;
    let va = 0;
    const stop = shadow ? 0 : budget;
    inner: for (;;) {
      a = code[i];
      imm = code[i + 1];
      const op = a & 0xff;
      opCounts[op]++;
      cyc += costs[op];
      switch (op) {
        case 0x01: /* NOP */ break;
        case 0x10: /* ADD */ regs[(a >>> 8) & 31] = (regs[(a >>> 16) & 15] + regs[a >>> 24]) | 0; break;
        case 0x11: /* SUB */ regs[(a >>> 8) & 31] = (regs[(a >>> 16) & 15] - regs[a >>> 24]) | 0; break;
        case 0x12: /* AND */ regs[(a >>> 8) & 31] = regs[(a >>> 16) & 15] & regs[a >>> 24]; break;
        case 0x13: /* OR */ regs[(a >>> 8) & 31] = regs[(a >>> 16) & 15] | regs[a >>> 24]; break;
        case 0x14: /* XOR */ regs[(a >>> 8) & 31] = regs[(a >>> 16) & 15] ^ regs[a >>> 24]; break;
        case 0x15: /* SHL */ regs[(a >>> 8) & 31] = regs[(a >>> 16) & 15] << (regs[a >>> 24] & 31); break;
        case 0x16: /* SHR */ regs[(a >>> 8) & 31] = regs[(a >>> 16) & 15] >>> (regs[a >>> 24] & 31); break;
        case 0x17: /* SAR */ regs[(a >>> 8) & 31] = regs[(a >>> 16) & 15] >> (regs[a >>> 24] & 31); break;
        case 0x18: /* MUL */ regs[(a >>> 8) & 31] = Math.imul(regs[(a >>> 16) & 15], regs[a >>> 24]); break;
        case 0x19: /* MULHU */ {
          const x = regs[(a >>> 16) & 15] >>> 0;
          const y = regs[a >>> 24] >>> 0;
          const xl = x & 0xffff, xh = x >>> 16, yl = y & 0xffff, yh = y >>> 16;
          const lh = xl * yh, hl = xh * yl;
          const mid = ((xl * yl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
          regs[(a >>> 8) & 31] = (xh * yh + Math.floor(lh / 65536) + Math.floor(hl / 65536) + Math.floor(mid / 65536)) | 0;
          break;
        }
        case 0x1a: /* DIV */ {
          const y = regs[a >>> 24];
          if (y === 0) { slow = SLOW_SYSTEM; break inner; }
          regs[(a >>> 8) & 31] = (regs[(a >>> 16) & 15] / y) | 0;
          break;
        }
        case 0x1b: /* DIVU */ {
          const y = regs[a >>> 24] >>> 0;
          if (y === 0) { slow = SLOW_SYSTEM; break inner; }
          regs[(a >>> 8) & 31] = ((regs[(a >>> 16) & 15] >>> 0) / y) | 0;
          break;
        }
        case 0x1c: /* REM */ {
          const y = regs[a >>> 24];
          if (y === 0) { slow = SLOW_SYSTEM; break inner; }
          regs[(a >>> 8) & 31] = (regs[(a >>> 16) & 15] % y) | 0;
          break;
        }
        case 0x1d: /* REMU */ {
          const y = regs[a >>> 24] >>> 0;
          if (y === 0) { slow = SLOW_SYSTEM; break inner; }
          regs[(a >>> 8) & 31] = ((regs[(a >>> 16) & 15] >>> 0) % y) | 0;
          break;
        }
        case 0x1e: /* CMP */ fk = 0; fa = regs[(a >>> 16) & 15]; fb = regs[a >>> 24]; break;
        case 0x1f: /* TST */ {
          const r = regs[(a >>> 16) & 15] & regs[a >>> 24];
          fk = 1; fa = (r === 0 ? 1 : 0) | (r < 0 ? 2 : 0); fb = 0;
          break;
        }
        case 0x20: /* ADDI */ regs[(a >>> 8) & 31] = (regs[(a >>> 16) & 15] + imm) | 0; break;
        case 0x21: /* ANDI */ regs[(a >>> 8) & 31] = regs[(a >>> 16) & 15] & imm; break;
        case 0x22: /* ORI */ regs[(a >>> 8) & 31] = regs[(a >>> 16) & 15] | imm; break;
        case 0x23: /* XORI */ regs[(a >>> 8) & 31] = regs[(a >>> 16) & 15] ^ imm; break;
        case 0x24: /* SLLI */ regs[(a >>> 8) & 31] = regs[(a >>> 16) & 15] << imm; break;
        case 0x25: /* SRLI */ regs[(a >>> 8) & 31] = regs[(a >>> 16) & 15] >>> imm; break;
        case 0x26: /* SRAI */ regs[(a >>> 8) & 31] = regs[(a >>> 16) & 15] >> imm; break;
        case 0x27: /* LUI */ regs[(a >>> 8) & 31] = imm; break;
        case 0x28: /* CMPI */ fk = 0; fa = regs[(a >>> 16) & 15]; fb = imm; break;
        case 0x30: /* LDW */ {
          va = (regs[(a >>> 16) & 15] + imm) | 0;
          const p = va >>> 12;
          const si = p & SOFT_MASK;
          if (T[SOFT_READ_TAG + si] === p && (va & 3) === 0) { regs[(a >>> 8) & 31] = M[T[SOFT_READ_OFFSET + si] | ((va & 0xfff) >>> 2)]; break; }
          slow = SLOW_LOAD; break inner;
        }
        case 0x31: /* LDB */ {
          va = (regs[(a >>> 16) & 15] + imm) | 0;
          const p = va >>> 12;
          const si = p & SOFT_MASK;
          if (T[SOFT_READ_TAG + si] === p) { regs[(a >>> 8) & 31] = (M[T[SOFT_READ_OFFSET + si] | ((va & 0xfff) >>> 2)] >>> ((va & 3) << 3)) & 255; break; }
          slow = SLOW_LOAD; break inner;
        }
        case 0x32: /* LDBS */ {
          va = (regs[(a >>> 16) & 15] + imm) | 0;
          const p = va >>> 12;
          const si = p & SOFT_MASK;
          if (T[SOFT_READ_TAG + si] === p) { regs[(a >>> 8) & 31] = (M[T[SOFT_READ_OFFSET + si] | ((va & 0xfff) >>> 2)] << (24 - ((va & 3) << 3))) >> 24; break; }
          slow = SLOW_LOAD; break inner;
        }
        case 0x33: /* STW */ {
          va = (regs[(a >>> 16) & 15] + imm) | 0;
          const p = va >>> 12;
          const si = p & SOFT_MASK;
          if (T[SOFT_WRITE_TAG + si] === p && (va & 3) === 0) { M[T[SOFT_WRITE_OFFSET + si] | ((va & 0xfff) >>> 2)] = regs[(a >>> 8) & 15]; break; }
          slow = SLOW_STORE; break inner;
        }
        case 0x34: /* STB */ {
          va = (regs[(a >>> 16) & 15] + imm) | 0;
          const p = va >>> 12;
          const si = p & SOFT_MASK;
          if (T[SOFT_WRITE_TAG + si] === p) {
            const wi = T[SOFT_WRITE_OFFSET + si] | ((va & 0xfff) >>> 2);
            const sh = (va & 3) << 3;
            M[wi] = (M[wi] & ~(255 << sh)) | ((regs[(a >>> 8) & 15] & 255) << sh);
            break;
          }
          slow = SLOW_STORE; break inner;
        }
        case 0x40: /* J */ {
          const t = (base + (i << 1) + imm) | 0;
          if (((t ^ base) >>> 12) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
          slow = SLOW_JUMP; pcOut = t; break inner;
        }
        case 0x41: /* JAL */ {
          const t = (base + (i << 1) + imm) | 0;
          regs[15] = (base + (i << 1) + 4) | 0;
          if (((t ^ base) >>> 12) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
          slow = SLOW_JUMP; pcOut = t; break inner;
        }
        case 0x42: /* JR */ {
          const t = regs[(a >>> 16) & 15];
          if (((t ^ base) >>> 12) === 0 && (t & 3) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
          slow = SLOW_JUMP; pcOut = t; break inner;
        }
        case 0x43: /* JALR */ {
          const t = regs[(a >>> 16) & 15];
          regs[15] = (base + (i << 1) + 4) | 0;
          if (((t ^ base) >>> 12) === 0 && (t & 3) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
          slow = SLOW_JUMP; pcOut = t; break inner;
        }

        case 0x44: /* BEQ */
          if (fk === 0 ? fa === fb : (fa & 1) !== 0) {
            const t = (base + (i << 1) + imm) | 0;
            if (((t ^ base) >>> 12) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
            slow = SLOW_JUMP; pcOut = t; break inner;
          }
          break;
        case 0x45: /* BNE */
          if (fk === 0 ? fa !== fb : (fa & 1) === 0) {
            const t = (base + (i << 1) + imm) | 0;
            if (((t ^ base) >>> 12) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
            slow = SLOW_JUMP; pcOut = t; break inner;
          }
          break;
        case 0x46: /* BLT */
          if (fk === 0 ? fa < fb : (((fa >>> 1) ^ (fa >>> 3)) & 1) !== 0) {
            const t = (base + (i << 1) + imm) | 0;
            if (((t ^ base) >>> 12) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
            slow = SLOW_JUMP; pcOut = t; break inner;
          }
          break;
        case 0x47: /* BGE */
          if (fk === 0 ? fa >= fb : (((fa >>> 1) ^ (fa >>> 3)) & 1) === 0) {
            const t = (base + (i << 1) + imm) | 0;
            if (((t ^ base) >>> 12) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
            slow = SLOW_JUMP; pcOut = t; break inner;
          }
          break;
        case 0x48: /* BGT */
          if (fk === 0 ? fa > fb : !(fa & 1) && (((fa >>> 1) ^ (fa >>> 3)) & 1) === 0) {
            const t = (base + (i << 1) + imm) | 0;
            if (((t ^ base) >>> 12) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
            slow = SLOW_JUMP; pcOut = t; break inner;
          }
          break;
        case 0x49: /* BLE */
          if (fk === 0 ? fa <= fb : (fa & 1) !== 0 || (((fa >>> 1) ^ (fa >>> 3)) & 1) !== 0) {
            const t = (base + (i << 1) + imm) | 0;
            if (((t ^ base) >>> 12) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
            slow = SLOW_JUMP; pcOut = t; break inner;
          }
          break;
        case 0x4a: /* BLTU */
          if (fk === 0 ? (fa >>> 0) < (fb >>> 0) : (fa & 4) === 0) {
            const t = (base + (i << 1) + imm) | 0;
            if (((t ^ base) >>> 12) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
            slow = SLOW_JUMP; pcOut = t; break inner;
          }
          break;
        case 0x4b: /* BGEU */
          if (fk === 0 ? (fa >>> 0) >= (fb >>> 0) : (fa & 4) !== 0) {
            const t = (base + (i << 1) + imm) | 0;
            if (((t ^ base) >>> 12) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
            slow = SLOW_JUMP; pcOut = t; break inner;
          }
          break;
        case 0x4c: /* BGTU */
          if (fk === 0 ? (fa >>> 0) > (fb >>> 0) : (fa & 4) !== 0 && (fa & 1) === 0) {
            const t = (base + (i << 1) + imm) | 0;
            if (((t ^ base) >>> 12) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
            slow = SLOW_JUMP; pcOut = t; break inner;
          }
          break;
        case 0x4d: /* BLEU */
          if (fk === 0 ? (fa >>> 0) <= (fb >>> 0) : (fa & 4) === 0 || (fa & 1) !== 0) {
            const t = (base + (i << 1) + imm) | 0;
            if (((t ^ base) >>> 12) === 0) { const j = (t & 0xfff) >>> 1; jumpSkew[0] += (i + 2 - j) >> 1; i = j; if (cyc >= stop) break inner; continue inner; }
            slow = SLOW_JUMP; pcOut = t; break inner;
          }
          break;
        default:
          if (a === 0 && imm === PAGE_END_IMM) {
            // sentinel after the page's last instruction: not an instruction (uncount, uncost)
            opCounts[0]--;
            cyc -= costs[0];
            break inner;
          }
          // illegal, traps, sensitive and privileged instructions
          slow = SLOW_SYSTEM;
          break inner;
      }
      i += 2;
      if (cyc >= stop) break;
    }
    // With a slow code the instruction at i ran too (dispatched, i not moved past it). The sentinel
    // (not an instruction) and a budget stop leave the slow code unset, and so does an in-page jump
    // out of budget (i is its target, which is then the pc).
    n += (i >> 1) + jumpSkew[0] + (slow === SLOW_NONE ? 0 : 1);
    regs[16] = 0;
    st.fk = fk;
    st.fa = fa;
    st.fb = fb;
    st.pc = slow === SLOW_JUMP ? pcOut : (base + (i << 1)) | 0;
    // software-TLB hits = memory instructions of this stretch minus the one that went slow
    mmu.addFastHits(smallInteger(memOps(opCounts) - memAtEntry - (slow === SLOW_LOAD || slow === SLOW_STORE ? 1 : 0)));
    if (slow === SLOW_LOAD) loadSlow(cpu, a, va);
    else if (slow === SLOW_STORE) storeSlow(cpu, a, va);
    else if (slow === SLOW_SYSTEM) {
      cpu.runCycles = cyc; // I/O devices read the vCPU's exact time (cpu.cyclesInFlight())
      if (cpu.beforeSystem !== undefined) cpu.beforeSystem(a);
      execSystem(cpu, a, imm);
    }
    if (cpu.oneStretch) {
      cpu.stretchSlowWord = slow === SLOW_NONE || slow === SLOW_JUMP ? -1 : i >> 1;
      break;
    }
  }
  cpu.counters.instructions += n;
  cpu.counters.cycles += cyc;
  cpu.runCycles = 0;
  return { reason, cycles: cyc, instructions: n };
}

/**
 * `n` as V8's small integer when it is one (the same number). A difference of the Float64Array totals is a
 * heap number to V8 even when it is a small integer, and added to the TLB's hit count (a small integer
 * field) it made that field a double: the TLB statistics object took a new shape, and the next TLB built —
 * the guest's, right after the warm-up — invalidated the interpreter's optimised code (or threw away the
 * compile in flight, in `bt`'s first CPU-second). The count itself is exact either way.
 */
function smallInteger(n: number): number {
  return n >= -0x40000000 && n <= 0x3fffffff ? n | 0 : n;
}

/** Memory instructions counted so far (the CPU's totals; a stretch's fast-path hits are the difference across it). */
function memOps(c: Float64Array): number {
  return c[Op.LDW] + c[Op.LDB] + c[Op.LDBS] + c[Op.STW] + c[Op.STB];
}
