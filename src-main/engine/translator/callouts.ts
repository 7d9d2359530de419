/**
 * callouts — what translated code calls when it cannot go on inline: the exact interpreter slow
 * paths, followed by the checks the interpreter's outer loop makes after every slow path.
 *
 * Interface: `CALLOUT_HELPERS` (the `h` object of every generated region): `slow(x, s, va)` runs
 * the region's slow-path site s (a load, store or system instruction; tables in Region) → 0 =
 * continue inline, 1 = leave the region; `mulhu(a, b)`. `ExecContext` is the per-CPU object
 * generated code reads and writes. `chargeInterpretedCallout(x, tc, a)`: the same callout charge for
 * an instruction the interpreter runs (the executor's `cpu.beforeSystem`).
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
import { execSystem, fetchFault, loadSlow, storeSlow } from '../cpu/index';
import { OPCODE_BY_NUMBER } from '../isa/index';
import { PERM_U, type Mmu } from '../mmu/index';
import type { VcpuState } from '../cpu/index';
import { EXIT_CALLOUT } from './codegen';
import type { ExecutorStats } from './executor';
import type { CodeMemo, Region, RegionHelpers } from './region';
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
  /** The dispatcher's state an inlined call's crossings update as it would (set by the executor at each call). */
  tc: TranslationCache | undefined = undefined;
  active: Region[] = [];
  stats: ExecutorStats | undefined = undefined;
  enterAfter = 0;
  /** Crossings to and from inlined leaves that stayed in translated code (host-side count, benchmarks). */
  inlinedCrossings = 0;

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

function after(x: ExecContext, next: number, tail: number): number {
  const cpu = x.cpu;
  const st = cpu.state;
  const mmu = cpu.mmu;
  x.cyc += cpu.drainPending();
  mmu.syncEpoch();
  if (
    cpu.crash !== undefined || cpu.stopRequest !== undefined || st.pc !== next || st.stiShadow || st.halted ||
    mmu.version !== cpu.codeVersion || !x.region!.valid || x.cyc >= x.stop || (st.ie && (st.irqLines & st.irqMask) !== 0)
  ) {
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

/**
 * The checks the dispatcher's loop makes before the fetch of a new page (executor.ts, same order),
 * with st.pc the new pc: false when one of them would act (a pending crash or stop, an sti shadow,
 * an interrupt, a halt, the budget), and the region leaves so that the dispatcher does.
 */
function loopChecks(x: ExecContext): boolean {
  const cpu = x.cpu;
  const st = x.st;
  x.cyc += cpu.drainPending();
  if (cpu.crash || cpu.stopRequest) return false;
  x.mmu.syncEpoch();
  if (st.stiShadow) return false;
  if (st.ie && (st.irqLines & st.irqMask) !== 0) return false;
  if (st.halted || x.cyc >= x.stop) return false;
  return true;
}

/** `mmu.translateFetch(pc)`, with its commonest case inline: paging on, no large-page TLB, no page
 *  elsewhere, a TLB hit the mode may fetch from — the same counted hit and gpfn (mmu.ts `translate`). */
function fetchGpfn(mmu: Mmu, pc: number): number {
  if (mmu.pagingEnabled && mmu.largeTlb === undefined && mmu.mem.notPresentCount === 0) {
    const tlb = mmu.tlb;
    const slot = tlb.probe(pc >>> 12);
    if (slot >= 0 && (!mmu.user || (tlb.permsAt(slot) & PERM_U) !== 0)) {
      tlb.stats.hits++;
      return tlb.gpfnAt(slot);
    }
  }
  return mmu.translateFetch(pc);
}

/** The dispatcher's fetch of st.pc's page (another page than the latch's): the counted TLB lookup and the latch (its decoded page kept in `memo`). False: it faults (the caller runs `fault`). */
function fetchPage(x: ExecContext, pc: number, memo: CodeMemo): boolean {
  const cpu = x.cpu;
  const mmu = x.mmu;
  const g = fetchGpfn(mmu, pc);
  if (g < 0) {
    x.cyc += cpu.drainPending();
    return false;
  }
  const dc = cpu.decodeCache;
  if (memo.g !== g || memo.generation !== dc.generation || memo.code === undefined) {
    memo.code = dc.page(g);
    memo.g = g;
    memo.generation = dc.generation;
  }
  cpu.code = memo.code;
  mmu.syncEpoch();
  cpu.codeVpn = pc >>> 12;
  cpu.codeGpfn = g;
  cpu.codeVersion = mmu.version;
  x.cyc += cpu.drainPending();
  x.st.delivering = 0;
  return true;
}

/** The dispatcher's bookkeeping when it enters region `r`. */
function entered(x: ExecContext, r: Region, chained: boolean): void {
  const stats = x.stats!;
  if (chained) stats.chainedJumps++;
  else stats.cacheHits++;
  if (!r.dirty) {
    r.dirty = true;
    x.active.push(r);
  }
  x.tc!.touch(r);
  stats.regionEntries++;
}

function call(xx: unknown, j: number): number {
  const x = xx as ExecContext;
  const r = x.region!;
  const c = r.inlines[j];
  const st = x.st;
  // the call: the dispatcher would go to the callee's page and enter its region
  let pc = (x.base + c.target * 4) | 0;
  st.pc = pc;
  if (!loopChecks(x)) return 1;
  if (!fetchPage(x, pc, c.toCallee)) return 3;
  // the region the dispatcher would enter: the jal's chain link if it still fits, else the cache's
  const kernel = st.kernel;
  let g = x.cpu.codeGpfn;
  let w = (pc & 0xfff) >>> 2;
  const link = r.links[c.site];
  const chained = link !== undefined && link.valid && link.gpfn === g && link.kernel === kernel && link.entryAt[w] >= 0;
  const callee = c.callee;
  if ((chained ? link : x.tc!.find(g, kernel, w)) !== callee || callee.warmup < x.enterAfter) return 1;
  if (!chained) r.links[c.site] = callee;
  entered(x, callee, chained);
  if (x.cyc + c.cost >= x.stop) return 2;
  x.cyc += c.cost;
  callee.bc[c.block]++;
  x.inlinedCrossings++;
  // the leaf's arithmetic (inline, after this returns) reads and changes none of what follows;
  // its jr r15 goes back to the region's page, where a register jump finds a region through the cache
  pc = (x.base + (c.w + 1) * 4) | 0;
  st.pc = pc;
  if (!loopChecks(x)) return 4;
  if (!fetchPage(x, pc, c.toCaller)) return 5;
  g = x.cpu.codeGpfn;
  w = (pc & 0xfff) >>> 2;
  if (x.tc!.find(g, kernel, w) !== r) return 4;
  entered(x, r, false);
  x.inlinedCrossings++;
  return 0;
}

function fault(xx: unknown): void {
  const x = xx as ExecContext;
  fetchFault(x.cpu, x.st.pc);
  x.tail = -1;
  x.kind = EXIT_CALLOUT;
}

function mulhu(a: number, b: number): number {
  const x = a >>> 0;
  const y = b >>> 0;
  const xl = x & 0xffff, xh = x >>> 16, yl = y & 0xffff, yh = y >>> 16;
  const lh = xl * yh, hl = xh * yl;
  const mid = ((xl * yl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (xh * yh + Math.floor(lh / 65536) + Math.floor(hl / 65536) + Math.floor(mid / 65536)) | 0;
}

export const CALLOUT_HELPERS: RegionHelpers = { slow, mulhu, call, fault };
