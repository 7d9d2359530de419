/**
 * regionTables — the read-only tables the executor reads around a region's compiled code: per word
 * the cost of the rest of its block (tail compensation) and its block, per block its opcodes and inline
 * memory operations, per slow-path site its kind, operands and word; per word the static exit site of
 * a jump or taken branch there and of going on past it (bt's exact warm-up).
 *
 * Interface: `new RegionTables(plan, slow, siteFrom)` (siteFrom: codegen's per-site exit word); fields below.
 * Rules: made once per compiled code (translator/sharedCode.ts) and shared by every region of that code
 * in every translation cache: never written after construction.
 */
import { PAGE_WORDS } from '../params';
import type { PagePlan } from './blocks';
import type { SlowSite } from './codegen';

export class RegionTables {
  /** Word index → first not-executed cost of its block from that word on (tail compensation). */
  readonly tailCost: Int32Array;
  /** Word index → id of the block containing it, or -1. */
  readonly blockOfWord: Int16Array;
  /** Flattened opcodes per block: ops[opStart[k] .. opStart[k+1]). */
  readonly ops: Uint8Array;
  readonly opStart: Int32Array;
  readonly memOpsOf: Int32Array;
  /** Slow-path sites (codegen SlowSite), indexed by the generated code's `s`. */
  readonly slowKind: Uint8Array;
  readonly slowA: Int32Array;
  readonly slowImm: Int32Array;
  readonly slowW: Int16Array;
  readonly slowTail: Int16Array;
  /** Word index → the static exit site (x.site) of its jump or taken branch leaving the region, or -1. */
  readonly takenSite: Int16Array;
  /** Word index → the static exit site of going on from it to the next word outside the region (or past the page end), or -1. */
  readonly fallSite: Int16Array;
  /** The largest cost of one of its blocks. */
  readonly maxBlockCost: number;
  /** Every instruction costs at least one cycle: the interpreter can run the region exactly (exactWarmUp.ts). */
  readonly exactUsable: boolean;

  constructor(plan: PagePlan, slow: readonly SlowSite[], siteFrom: readonly number[]) {
    const n = slow.length;
    this.slowKind = new Uint8Array(n);
    this.slowA = new Int32Array(n);
    this.slowImm = new Int32Array(n);
    this.slowW = new Int16Array(n);
    this.slowTail = new Int16Array(n);
    for (let k = 0; k < n; k++) {
      const t = slow[k];
      this.slowKind[k] = t.kind;
      this.slowA[k] = t.a;
      this.slowImm[k] = t.imm;
      this.slowW[k] = t.w;
      this.slowTail[k] = t.tail;
    }
    this.tailCost = new Int32Array(PAGE_WORDS);
    this.blockOfWord = new Int16Array(PAGE_WORDS).fill(-1);
    let total = 0;
    for (const bl of plan.blocks) total += bl.instrs.length;
    this.ops = new Uint8Array(total);
    this.opStart = new Int32Array(plan.blocks.length + 1);
    this.memOpsOf = new Int32Array(plan.blocks.length);
    let o = 0;
    let most = 0;
    let usable = true;
    for (const bl of plan.blocks) {
      this.opStart[bl.id] = o;
      this.memOpsOf[bl.id] = bl.memOps;
      most = Math.max(most, bl.cost);
      let rest = bl.cost;
      for (const ins of bl.instrs) {
        this.ops[o++] = ins.op;
        this.blockOfWord[ins.w] = bl.id;
        this.tailCost[ins.w] = rest;
        rest -= ins.cost;
        if (ins.cost < 1) usable = false;
      }
    }
    this.maxBlockCost = most;
    this.exactUsable = usable;
    this.opStart[plan.blocks.length] = o;
    this.takenSite = new Int16Array(PAGE_WORDS).fill(-1);
    this.fallSite = new Int16Array(PAGE_WORDS).fill(-1);
    for (let k = 0; k < siteFrom.length; k++) {
      const f = siteFrom[k];
      ((f & 1) === 0 ? this.takenSite : this.fallSite)[f >> 1] = k;
    }
  }
}

