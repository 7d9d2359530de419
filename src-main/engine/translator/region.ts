/**
 * region — one entry of the translation cache: the compiled function for a region (the hot code of
 * one guest-physical page, in one mode; a page may have several), with the static tables the
 * executor needs around it (entry table, per-block opcodes and costs, slow-path sites).
 *
 * Interface: `Region` (fields below; its read-only tables are a `RegionTables`, shared with every region of the same code); `compileRegion(gpfn, kernel, words, entries, opCost, helpers,
 * scan?)`; `RegionFn` (the generated function's type); `foldRegion(region, sink)` moves the block
 * execution counters into per-opcode counts; `uncountTail(region, w, sink)` gives back the counts
 * of a block's instructions from word w on (charged at block entry, not executed), into the sink's
 * `tailOpCounts` until the next fold.
 * Rules: a region is immutable once compiled except for `valid` (cleared by invalidation or
 * eviction), `links` (chaining, a host cache), `lastUse`, `dirty`, `warmup` (host-side lazy
 * compilation), `exactRan` and `stopCode` (bt's exact warm-up), the budget-exit feeding countdowns (`feedIn`, `feedStep` and their resumable twins),
 * the labels and arrivals of a relabel, and its block counters. `words`
 * keeps the source words it was translated from, so `TranslationCache.verify()` can check that the
 * cache agrees with memory (a translation must never run stale code).
 */
import { BT_BUDGET_EXIT_FEEDBACK_ENTRY, PAGE_WORDS } from '../params';
import { classify, OpKind, type PagePlan, type ScanOptions } from './blocks';
import type { SlowSite } from './codegen';
import { sharedRegionCode } from './sharedCode';
import type { RegionTables } from './regionTables';

/** The per-CPU context object the generated code reads and writes (executor.ts ExecContext). */
export type RegionFn = (x: unknown) => void;

export interface RegionHelpers {
  /** Runs slow-path site `s` of the current region (va: the access's address for loads/stores); 0 = continue inline. */
  slow(x: unknown, s: number, va: number): number;
  mulhu(a: number, b: number): number;
}

/** Where block counts are folded: `opCounts` receives the per-opcode counts of `foldRegion` (the CPU's
 *  own counters), `tailOpCounts` the give-backs of `uncountTail` (kept apart until the next fold, so a
 *  reader between folds never sees a tail given back before its block is counted), `tails` says
 *  whether `tailOpCounts` may hold anything (the fold then walks its 256 slots); `instructions` and
 *  `memOps` take both. */
export interface FoldSink {
  opCounts: Float64Array;
  tailOpCounts: Float64Array;
  tails: boolean;
  instructions: number;
  memOps: number;
}

export class Region {
  valid = true;
  lastUse = 0;
  /** Has unfolded block counts (listed in an executor's active set). */
  dirty = false;
  /** Words given a `case` label after compiling (arrivals at blocks reached only by falling through), and arrivals counted at such words. */
  readonly labels: number[] = [];
  arrivals: Map<number, number> | undefined = undefined;
  /** Guest instructions the interpreter ran from this region's entries before its function was first
   *  called (the executor's host-side lazy compilation, option `enterAfterInstructions`). */
  warmup = 0;
  /** bt's exact warm-up (exactWarmUp.ts, option `exactEnterAfterInstructions`): guest instructions the
   *  interpreter ran exactly as this region would have, before its function was first called; and the
   *  page's stop copy it ran on (made on first need; host-side). */
  exactRan = 0;
  stopCode: Int32Array | undefined = undefined;
  /** The resumable variant of `fn` (entered after a mid-block slow path), made on first need by `makeResume`
   *  (which also gives its generated source, for the owning cache's `sourceChars`). */
  resumeFn: RegionFn | undefined = undefined;
  makeResume: () => { fn: RegionFn; source: string } = () => { throw new Error('region: no resumable variant'); };
  /** Real calls of `fn` (of `resumeFn`) left before its budget exit is given V8 type feedback (budgetExitFeedback.ts); 0 = done. */
  feedIn = BT_BUDGET_EXIT_FEEDBACK_ENTRY;
  resumeFeedIn = BT_BUDGET_EXIT_FEEDBACK_ENTRY;
  /** The calls between the last two feedings (grows by BT_BUDGET_EXIT_FEEDBACK_FACTOR). */
  feedStep = BT_BUDGET_EXIT_FEEDBACK_ENTRY;
  resumeFeedStep = BT_BUDGET_EXIT_FEEDBACK_ENTRY;
  /** Chaining: the region each static exit site last led to (re-checked before use). */
  readonly links: (Region | undefined)[];
  readonly tailCost: Int32Array;
  readonly blockOfWord: Int16Array;
  readonly ops: Uint8Array;
  readonly opStart: Int32Array;
  readonly memOpsOf: Int32Array;
  readonly slowKind: Uint8Array;
  readonly slowA: Int32Array;
  readonly slowImm: Int32Array;
  readonly slowW: Int16Array;
  readonly slowTail: Int16Array;
  readonly takenSite: Int16Array;
  readonly fallSite: Int16Array;
  readonly maxBlockCost: number;
  readonly exactUsable: boolean;

  constructor(
    readonly gpfn: number,
    readonly kernel: boolean,
    readonly plan: PagePlan,
    /** Word index → block the region can be entered at, or -1 (blocks reached only by falling through have no entry). */
    public entryAt: Int16Array,
    public source: string,
    public fn: RegionFn,
    readonly bc: Int32Array,
    readonly words: Int32Array,
    readonly entries: readonly number[],
    /** The scan it was planned with (a recompile with more labels must find the same plan). */
    readonly scan: ScanOptions,
    sites: number,
    tables: RegionTables,
  ) {
    this.tailCost = tables.tailCost;
    this.blockOfWord = tables.blockOfWord;
    this.ops = tables.ops;
    this.opStart = tables.opStart;
    this.memOpsOf = tables.memOpsOf;
    this.slowKind = tables.slowKind;
    this.slowA = tables.slowA;
    this.slowImm = tables.slowImm;
    this.slowW = tables.slowW;
    this.slowTail = tables.slowTail;
    this.takenSite = tables.takenSite;
    this.fallSite = tables.fallSite;
    this.maxBlockCost = tables.maxBlockCost;
    this.exactUsable = tables.exactUsable;
    this.links = new Array<Region | undefined>(sites).fill(undefined);
  }

  get key(): number {
    return regionKey(this.gpfn, this.kernel);
  }
}

export function regionKey(gpfn: number, kernel: boolean): number {
  return gpfn * 2 + (kernel ? 0 : 1);
}

/** Scans, generates and compiles one region of a page (entries in priority order); the host-side
 *  work is shared with every cache that asks for the same code (sharedCode.ts), the region is its own. */
export function compileRegion(gpfn: number, kernel: boolean, words: Int32Array, entries: Iterable<number>, opCost: Int32Array, helpers: RegionHelpers, scan: ScanOptions = {}): Region {
  const list = [...new Set(entries)].filter((w) => w >= 0 && w < PAGE_WORDS);
  const code = sharedRegionCode(gpfn, kernel, words, list, opCost, scan);
  const bc = new Int32Array(Math.max(1, code.plan.blocks.length));
  const fn = code.factory(helpers, bc, code.entryAt);
  const r = new Region(gpfn, kernel, code.plan, code.entryAt, code.source, fn, bc, code.words, list, scan, code.sites, code.tables);
  r.makeResume = () => { const v = code.resumable(); return { fn: v.factory(helpers, bc, code.entryAt), source: v.source }; };
  return r;
}

/** Moves the region's block counters into `sink` (per-opcode counts into `sink.opCounts`, instructions, inline memory ops); walks only the region's blocks. */
export function foldRegion(r: Region, sink: FoldSink): void {
  const bc = r.bc;
  const ops = r.ops;
  const start = r.opStart;
  const oc = sink.opCounts;
  for (let k = 0; k < bc.length; k++) {
    const n = bc[k];
    if (n === 0) continue;
    bc[k] = 0;
    const e = start[k + 1];
    for (let j = start[k]; j < e; j++) oc[ops[j]] += n;
    sink.instructions += n * (e - start[k]);
    sink.memOps += n * r.memOpsOf[k];
  }
  r.dirty = false;
}

/** Un-counts the instructions of a block from word `w` to its end (they were charged at block entry but not executed). */
export function uncountTail(r: Region, w: number, sink: FoldSink): void {
  const k = r.blockOfWord[w];
  if (k < 0) return;
  const end = r.plan.blocks[k].end;
  const oc = sink.tailOpCounts;
  sink.tails = true;
  const base = r.opStart[k] - r.plan.blocks[k].start;
  for (let i = w; i < end; i++) {
    const o = r.ops[base + i];
    oc[o]--;
    sink.instructions--;
    if (classify(o) === OpKind.Mem) sink.memOps--;
  }
}
