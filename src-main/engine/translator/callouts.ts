/**
 * callouts — what translated code calls when it cannot go on inline: the exact interpreter slow
 * paths, followed by the checks the interpreter's outer loop makes after every slow path.
 *
 * Interface: `CALLOUT_HELPERS` (the `h` object of every generated region): `slow(x, s, va)` runs
 * the region's slow-path site s (a load, store or system instruction; tables in Region) → 0 =
 * continue inline, 1 = leave the region; `mulhu(a, b)`. `ExecContext` is the per-CPU object
 * generated code reads and writes. `chargeInterpretedCallout(x, tc, a)`: the same callout charge for
 * an instruction the interpreter runs (the executor's `cpu.beforeSystem`).
 * `leavesAfterSlowPath(cpu, r, next, cyc, stop)`: the test the helper makes after a slow path (shared
 * with bt's exact warm-up).
 * Rules:
 *  - on entry the generated code has committed its locals (registers, flags) to cpu.state; the
 *    helper sets cpu.state.pc to the instruction and runs `loadSlow` / `storeSlow` / `execSystem` — the
 *    interpreter's own code, so semantics (faults, privilege, sensitive instructions, I/O, monitor
 *    intercepts) are identical by construction;
 *  - it then continues only if nothing the interpreter's outer loop would act on happened: same
 *    next pc, no crash / stop request / halt / sti shadow / deliverable interrupt, the fetch latch
 *    still valid (mmu.version), the region still valid (not invalidated by this very store), and the
 *    block's remaining cost still under the budget; otherwise x.kind = EXIT_CALLOUT and x.tail = the
 *    first instruction of the block not executed (its cost and counts are given back);
 *  - under bt, a privileged or sensitive instruction in translated KERNEL code is a callout to the
 *    monitor: counted (x.callouts, per opcode) and charged `btCallout` cycles (`chargeCallout`) —
 *    a property of the instruction's place, not of who runs it: the executor's interpreter charges
 *    the same through `cpu.beforeSystem` (`chargeInterpretedCallout`) for an instruction of a valid
 *    region's code, so which engine runs a block does not change what its callouts cost.
 */
import type { Cpu, CostModel } from '../cpu/index';
import { execSystem, loadSlow, storeSlow } from '../cpu/index';
import { OPCODE_BY_NUMBER } from '../isa/index';
import type { Mmu } from '../mmu/index';
import type { VcpuState } from '../cpu/index';
import { EXIT_CALLOUT } from './codegen';
import type { Region, RegionHelpers } from './region';
import type { TranslationCache } from './translationCache';

/** Opcodes a BT monitor handles by callout in kernel code (privileged or sensitive). */
const SENSITIVE = new Uint8Array(256);
for (let op = 0; op < 256; op++) {
  const info = OPCODE_BY_NUMBER[op];
  if (info && (info.privileged || info.sensitive)) SENSITIVE[op] = 1;
}

/** The per-CPU state the generated code and its helpers share (one per executor). */
export class ExecContext {
  regs: Int32Array;
  st: VcpuState;
  mmu: Mmu;
  base = 0;
  b = 0;
  stop = 0;
  cyc = 0;
  kind = 0;
  site = -1;
  tail = -1;
  /** Cycles of the current run already added to cpu.counters.cycles. */
  committed = 0;
  /** Inline memory instructions that went to the slow path (not software-TLB hits). */
  slowMem = 0;
  /** Callouts to the monitor (privileged/sensitive instructions in translated kernel code), per opcode. */
  readonly calloutsByOp = new Float64Array(256);
  callouts = 0;
  /** Charge btCallout for sensitive callouts (bt only; other users of the executor run as hardware). */
  chargeCallouts = true;
  region: Region | undefined = undefined;

  constructor(readonly cpu: Cpu, readonly costs: CostModel) {
    this.regs = cpu.state.regs;
    this.st = cpu.state;
    this.mmu = cpu.mmu;
  }

  /** Re-reads cpu.state (reset and restore replace it). */
  sync(): void {
    this.regs = this.cpu.state.regs;
    this.st = this.cpu.state;
  }
}

/** A callout to the monitor: counted and charged before the instruction runs (its charge is pending while it does). */
function chargeCallout(x: ExecContext, op: number): void {
  x.callouts++;
  x.calloutsByOp[op]++;
  x.cpu.charge(x.costs.btCallout);
}

/**
 * The interpreter is about to run system instruction `a` at cpu.state.pc of page cpu.codeGpfn: the
 * callout a region would have made there if the instruction is sensitive, the CPU in kernel mode and
 * the word translated code of a valid region of `tc` (the same moment as in `slow`: before
 * `execSystem`). Installed as `cpu.beforeSystem` by the executor when it charges callouts.
 */
export function chargeInterpretedCallout(x: ExecContext, tc: TranslationCache, a: number): void {
  const op = a & 0xff;
  const cpu = x.cpu;
  const st = cpu.state;
  if (SENSITIVE[op] === 1 && st.kernel && tc.covering(cpu.codeGpfn, true, (st.pc & 0xfff) >>> 2) !== undefined) chargeCallout(x, op);
}

/**
 * After a slow path at the word before `next`, with `cyc` the region's cycles then: whether the region must
 * leave to the dispatcher (EXIT_CALLOUT) — a crash, a stop, a jump away, an sti shadow, a halt, a mode or
 * TLB-epoch change, an invalidated region, the budget reached or an interrupt pending. The translated
 * code's callout helper and bt's exact warm-up (exactWarmUp.ts) must make the same test.
 */
export function leavesAfterSlowPath(cpu: Cpu, r: Region, next: number, cyc: number, stop: number): boolean {
  const st = cpu.state;
  return (
    cpu.crash !== undefined || cpu.stopRequest !== undefined || st.pc !== next || st.stiShadow || st.halted ||
    cpu.mmu.version !== cpu.codeVersion || !r.valid || cyc >= stop || (st.ie && (st.irqLines & st.irqMask) !== 0)
  );
}

function after(x: ExecContext, next: number, tail: number): number {
  const cpu = x.cpu;
  x.cyc += cpu.drainPending();
  cpu.mmu.syncEpoch();
  if (leavesAfterSlowPath(cpu, x.region!, next, x.cyc, x.stop)) {
    x.tail = tail;
    x.kind = EXIT_CALLOUT;
    return 1;
  }
  return 0;
}

function slow(xx: unknown, s: number, va: number): number {
  const x = xx as ExecContext;
  const r = x.region!;
  const cpu = x.cpu;
  const st = x.st;
  const tail = r.slowTail[s];
  const pc = (x.base + r.slowW[s] * 4) | 0;
  st.pc = pc;
  const next = (pc + 4) | 0;
  const kind = r.slowKind[s];
  const a = r.slowA[s];
  if (kind === 0) {
    x.slowMem++;
    loadSlow(cpu, a, va);
  } else if (kind === 1) {
    x.slowMem++;
    storeSlow(cpu, a, va);
  } else {
    const imm = r.slowImm[s];
    const op = a & 0xff;
    if (SENSITIVE[op] === 1 && r.kernel && x.chargeCallouts) chargeCallout(x, op);
    cpu.runCycles = x.cyc - x.committed - (tail >= 0 ? r.tailCost[tail] : 0);
    execSystem(cpu, a, imm);
    cpu.runCycles = 0;
  }
  return after(x, next, tail);
}

function mulhu(a: number, b: number): number {
  const x = a >>> 0;
  const y = b >>> 0;
  const xl = x & 0xffff, xh = x >>> 16, yl = y & 0xffff, yh = y >>> 16;
  const lh = xl * yh, hl = xh * yl;
  const mid = ((xl * yl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (xh * yh + Math.floor(lh / 65536) + Math.floor(hl / 65536) + Math.floor(mid / 65536)) | 0;
}

export const CALLOUT_HELPERS: RegionHelpers = { slow, mulhu };
