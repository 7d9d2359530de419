/**
 * sharedCode — the host-side work of translating a page, shared between translation caches (between
 * VMs): VMs booted from the same kernel image translate the same pages from the same entry points,
 * and each used to scan, generate and have V8 compile (and optimise) its own copy of the same code.
 *
 * Interface: `sharedScan(words, entries, opCost, scan)` → the `scanPage` plan; `sharedRegionCode(gpfn,
 * kernel, words, entries, opCost, scan)` → `RegionCode` (plan, JavaScript source, exit sites, slow
 * sites, the executor's tables, the compiled factory and the source words); `sharedCodeStats()` (hits and misses, for tests
 * and benchmarks); `clearSharedCode()`; `withPrivateSharedCode(f)` (the dispatcher warm-up's own memos).
 * Rules:
 *  - a pure memo: the key holds every input the result depends on (page number and mode, which appear
 *    in the generated code; the page's words; the entry list in its order; the cost table; the
 *    instruction cap; the foreign words), and a hit is compared input by input, so a hash collision
 *    can never hand out another page's code: a hit is exactly what compiling would have produced;
 *  - nothing shared is mutable: the plan is read-only, each region calls the factory with its own
 *    block counters (its own closure; V8 shares the compiled and optimised code between closures of
 *    one function literal), and keeps its own validity, chain links and recency — invalidation stays
 *    per translation cache: a VM that writes its copy of a kernel page drops only its own region;
 *  - bounded: at most BT_SHARED_CODE_ENTRIES entries per memo, least recently used out first;
 *  - host-side only, like the rest of the translator's tiering: never guest-visible, so runs and
 *    digests do not depend on what another VM (or an earlier lab in the process) compiled.
 */
import { BT_SHARED_CODE_ENTRIES, PAGE_WORDS } from '../params';
import { scanPage, type PagePlan, type ScanOptions } from './blocks';
import { generateRegionSource, type SlowSite } from './codegen';
import type { RegionFn, RegionHelpers } from './region';
import { RegionTables } from './regionTables';

/** The compiled form of a region's code, shared by every region made from the same inputs. */
export interface RegionCode {
  readonly plan: PagePlan;
  readonly source: string;
  /** Word index → block the function can be entered at, or -1 (codegen `enterableBlocks`). */
  readonly entryAt: Int16Array;
  readonly sites: number;
  readonly slow: readonly SlowSite[];
  /** The executor's read-only tables for this code (entry costs, opcodes per block, slow sites). */
  readonly tables: RegionTables;
  readonly factory: (h: RegionHelpers, bc: Int32Array, ent: Int16Array) => RegionFn;
  /** The resumable variant's factory and source (codegen `generateRegionSource`), generated and compiled on first call. */
  readonly resumable: () => { readonly factory: (h: RegionHelpers, bc: Int32Array, ent: Int16Array) => RegionFn; readonly source: string };
  /** A copy of the page's words the code was made from (read-only: `TranslationCache.verify` compares it with memory). */
  readonly words: Int32Array;
}

interface Inputs {
  readonly words: Int32Array;
  readonly entries: readonly number[];
  readonly opCost: Int32Array;
  readonly foreign: Uint8Array | undefined;
  /** Further words given a `case` label (arrivals found after the region was compiled; not scanned from). */
  readonly labels: readonly number[];
}

interface Entry<T> { inputs: Inputs; value: T }

let stats = { scanHits: 0, scanMisses: 0, codeHits: 0, codeMisses: 0 };

function hashWords(h: number, a: Int32Array | Uint8Array): number {
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a[i], 0x01000193);
  return h >>> 0;
}

function sameArray(p: ArrayLike<number>, q: ArrayLike<number>): boolean {
  if (p.length !== q.length) return false;
  for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) return false;
  return true;
}

function sameInputs(a: Inputs, b: Inputs): boolean {
  if (a.foreign === undefined ? b.foreign !== undefined : b.foreign === undefined || !sameArray(a.foreign, b.foreign)) return false;
  return sameArray(a.entries, b.entries) && sameArray(a.labels, b.labels) && sameArray(a.words, b.words) && sameArray(a.opCost, b.opCost);
}

/** A bounded, least-recently-used memo from inputs to a value (Map order is recency order). */
class Memo<T> {
  private readonly map = new Map<string, Entry<T>>();

  get(key: string, inputs: Inputs): T | undefined {
    const e = this.map.get(key);
    if (e === undefined || !sameInputs(e.inputs, inputs)) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: string, inputs: Inputs, value: T): void {
    this.map.delete(key);
    this.map.set(key, { inputs, value });
    while (this.map.size > BT_SHARED_CODE_ENTRIES) this.map.delete(this.map.keys().next().value!);
  }

  clear(): void {
    this.map.clear();
  }
}

let scans = new Memo<PagePlan>();
let codes = new Memo<RegionCode>();

function keyOf(prefix: string, inputs: Inputs, cap: number): string {
  const f = inputs.foreign === undefined ? '-' : hashWords(0x811c9dc5, inputs.foreign).toString(36);
  return `${prefix}/${cap}/${hashWords(0x811c9dc5, inputs.words).toString(36)}/${hashWords(0x811c9dc5, inputs.opCost).toString(36)}/${f}/${inputs.entries.join(',')}/${inputs.labels.join(',')}`;
}

function inputsOf(words: Int32Array, entries: readonly number[], opCost: Int32Array, scan: ScanOptions, labels: readonly number[] = []): Inputs {
  return { words, entries, opCost, foreign: scan.foreign, labels };
}

/** Copies made at a miss: the memo must not hold arrays a caller may change later. */
function ownInputs(i: Inputs): Inputs {
  return { words: i.words.slice(), entries: [...i.entries], labels: [...i.labels], opCost: i.opCost.slice(), foreign: i.foreign?.slice() };
}

/** `scanPage(words, entries, opCost, scan)`, shared. */
export function sharedScan(words: Int32Array, entries: readonly number[], opCost: Int32Array, scan: ScanOptions): PagePlan {
  const inputs = inputsOf(words, entries, opCost, scan);
  const key = keyOf('s', inputs, scan.maxInstructions ?? PAGE_WORDS);
  const hit = scans.get(key, inputs);
  if (hit !== undefined) { stats.scanHits++; return hit; }
  stats.scanMisses++;
  const plan = scanPage(words, entries, opCost, scan);
  scans.set(key, ownInputs(inputs), plan);
  return plan;
}

/** The plan, source and compiled factory of a region of page `gpfn` in a mode from `entries`, shared. */
export function sharedRegionCode(gpfn: number, kernel: boolean, words: Int32Array, entries: readonly number[], opCost: Int32Array, scan: ScanOptions, labels: readonly number[] = []): RegionCode {
  const inputs = inputsOf(words, entries, opCost, scan, labels);
  const key = keyOf(`${kernel ? 'k' : 'u'}${gpfn}`, inputs, scan.maxInstructions ?? PAGE_WORDS);
  const hit = codes.get(key, inputs);
  if (hit !== undefined) { stats.codeHits++; return hit; }
  stats.codeMisses++;
  const plan = scanPage(words, entries, opCost, scan);
  const { source, entryAt, sites, slow, siteFrom } = generateRegionSource(plan, { gpfn, kernel, entries: [...entries, ...labels] });
  // Real code generation: the guest page becomes a JavaScript function that V8 compiles.
  const factory = new Function('h', 'bc', 'ent', source) as RegionCode['factory'];
  const own = ownInputs(inputs);
  let made: ReturnType<RegionCode['resumable']> | undefined;
  const resumable = (): ReturnType<RegionCode['resumable']> => {
    if (made === undefined) {
      const resumeSource = generateRegionSource(plan, { gpfn, kernel, entries: [...entries, ...labels] }, true).source;
      made = { factory: new Function('h', 'bc', 'ent', resumeSource) as RegionCode['factory'], source: resumeSource };
    }
    return made;
  };
  const code: RegionCode = { plan, source, entryAt, sites, slow, tables: new RegionTables(plan, slow, siteFrom), factory, resumable, words: own.words };
  codes.set(key, own, code);
  return code;
}

/** Memo hits and misses since the process started (or the last `clearSharedCode`). */
export function sharedCodeStats(): Readonly<typeof stats> {
  return { ...stats };
}

/**
 * Runs `f` with memos and counts of its own, then puts the process's back: what `f` translates (bt's
 * dispatcher warm-up on its scratch machine) is shared within `f` only and leaves no entry or count behind.
 */
export function withPrivateSharedCode<T>(f: () => T): T {
  const saved = { scans, codes, stats };
  scans = new Memo<PagePlan>();
  codes = new Memo<RegionCode>();
  stats = { scanHits: 0, scanMisses: 0, codeHits: 0, codeMisses: 0 };
  try {
    return f();
  } finally {
    ({ scans, codes, stats } = saved);
  }
}

/** Forgets every shared plan and compiled region, and the counts (tests). */
export function clearSharedCode(): void {
  scans.clear();
  codes.clear();
  stats.scanHits = 0; stats.scanMisses = 0; stats.codeHits = 0; stats.codeMisses = 0;
}
