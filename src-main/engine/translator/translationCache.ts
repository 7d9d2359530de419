/**
 * translationCache — the translation cache (TC): compiled regions keyed by guest-physical page and
 * mode, bounded, with LRU eviction and invalidation when translated code is written.
 *
 * Interface:
 *  - `TranslationCache.for(mem, opCost, helpers)` — one cache per guest memory (shared by the
 *    machine's vCPUs, like the decode cache) and cost table;
 *  - lookups for the pc's word `w` of page (gpfn, mode): `find(gpfn, kernel, w)` → the region with
 *    an entry there; `covering(gpfn, kernel, w)` → a region whose code includes w (mid-block);
 *    `regionsOf(gpfn, kernel)`;
 *  - `profile(gpfn, kernel)` → PageProfile (heat, arrival counts per entry word, invalidations);
 *    `translate(gpfn, kernel, entries)` → {region, newTus}: compiles a region from the entries no
 *    region of the page has yet, inserts it, evicts beyond capacity;
 *  - `label(region, w)` — host-side only: recompiles a region's function with a further `case` label
 *    (an arrival found after compiling at a block it reached only by falling through; nothing charged);
 *  - `stats` (memory-wide), `configure(limits)`, `verify()` → disagreements between the cache and
 *    memory (empty = coherent), `list()`, `clear()`.
 * Rules (no translation may run stale code; QEMU and v86 invalidate per page the same way):
 *  - a page has at most a few regions, each at most BT_REGION_MAX_INSTRUCTIONS instructions; a new
 *    region of a page stops at the block starts of the page's other regions (control goes there
 *    through the dispatcher and the exit's chain link);
 *  - coherence: every translated page is watched (GuestPhysicalMemory.watch); a write that touches a
 *    translated instruction word — a CPU store through the slow path, DMA, the loader — invalidates
 *    that region before the next instruction runs (self-modifying code and code loading stay
 *    correct); a write to data words of the same page does not;
 *  - capacity: at most `maxRegions` regions and `maxInstructions` translated instructions; beyond,
 *    the least recently entered region is evicted (deterministic: recency counts region entries);
 *  - a page invalidated n times needs 2^n times the heat before it is translated again (adaptive).
 */
import type { GuestPhysicalMemory } from '../memory/index';
import type { Gpfn } from '../mmu/index';
import { BT_BUDGET_EXIT_FEEDBACK_ENTRY, BT_MANY_LANDINGS, BT_MAX_INSTRUCTIONS, BT_MAX_REGIONS, BT_REGION_MAX_INSTRUCTIONS, PAGE_WORDS } from '../params';
import type { PagePlan } from './blocks';
import { sharedRegionCode, sharedScan } from './sharedCode';
import { compileRegion, Region, regionKey, type RegionHelpers } from './region';

export interface PageProfile {
  /** Interpreted cycles + arrivals (see params BT_HOT_CYCLES). */
  heat: number;
  /** Heat interpreted at pcs no region covers, since the page's last translation. */
  coldHeat: number;
  /** Word index → arrivals there (jumps from other pages, register jumps, exception vectors). */
  readonly entries: Map<number, number>;
  /** Word index → times the dispatcher found itself there after interpreting (a sample of where hot code runs). */
  readonly landings: Map<number, number>;
  /** Times a translation of this page was invalidated by a write. */
  invalidations: number;
  /** Word index → 1 if the interpreter was seen executing it (profiled block by block; executor option
   *  `onlyCodeThatRan`), else undefined: the page has not been profiled. */
  ran: Uint8Array | undefined;
  /** Cycles left in the current profiling round (> 0), a round done and not yet translated (0), none (< 0). */
  profileLeft: number;
}

export interface TranslationCacheStats {
  /** Regions compiled. */
  translations: number;
  /** Of those, further regions of a page that already had one (new entry points). */
  extraRegions: number;
  /** Translation units (VMware-style TUs: basic blocks of ≤ 12 instructions) compiled. */
  tus: number;
  translatedInstructions: number;
  /** Regions dropped because translated code was written. */
  invalidations: number;
  /** Regions dropped for capacity (LRU). */
  evictions: number;
  /** Characters of JavaScript generated (host-side size of the cache's code). */
  sourceChars: number;
  /** Regions recompiled with a further `case` label (`label`; host-side only). */
  relabels: number;
}

export interface TranslationCacheLimits {
  maxRegions: number;
  maxInstructions: number;
  /** Instructions per region (one generated function). */
  regionInstructions: number;
}

const NONE: readonly Region[] = Object.freeze([]);
const caches = new WeakMap<GuestPhysicalMemory, TranslationCache[]>();

export class TranslationCache {
  private readonly pages = new Map<number, Region[]>();
  private readonly profiles = new Map<number, PageProfile>();
  private readonly watchedPages = new Set<number>();
  private readonly bit: number;
  private clock = 0;
  private regionCount = 0;
  private instructionCount = 0;
  limits: TranslationCacheLimits = { maxRegions: BT_MAX_REGIONS, maxInstructions: BT_MAX_INSTRUCTIONS, regionInstructions: BT_REGION_MAX_INSTRUCTIONS };
  stats: TranslationCacheStats = { translations: 0, extraRegions: 0, tus: 0, translatedInstructions: 0, invalidations: 0, evictions: 0, sourceChars: 0, relabels: 0 };

  static for(mem: GuestPhysicalMemory, opCost: Int32Array, helpers: RegionHelpers): TranslationCache {
    let list = caches.get(mem);
    if (!list) {
      list = [];
      caches.set(mem, list);
    }
    for (const c of list) if (c.helpers === helpers && sameCosts(c.opCost, opCost)) return c;
    const c = new TranslationCache(mem, opCost.slice(), helpers);
    list.push(c);
    return c;
  }

  private constructor(readonly mem: GuestPhysicalMemory, readonly opCost: Int32Array, readonly helpers: RegionHelpers) {
    this.bit = mem.addWatcher((gpfn, off, size) => this.onWrite(gpfn, off, size));
  }

  /** Regions in the cache. */
  get size(): number {
    return this.regionCount;
  }

  get instructions(): number {
    return this.instructionCount;
  }

  configure(limits: Partial<TranslationCacheLimits>): void {
    this.limits = { ...this.limits, ...limits };
    this.evict(undefined);
  }

  regionsOf(gpfn: number, kernel: boolean): readonly Region[] {
    return this.pages.get(regionKey(gpfn, kernel)) ?? NONE;
  }

  find(gpfn: number, kernel: boolean, w: number): Region | undefined {
    const list = this.pages.get(regionKey(gpfn, kernel));
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) if (list[i].entryAt[w] >= 0) return list[i];
    return undefined;
  }

  covering(gpfn: number, kernel: boolean, w: number): Region | undefined {
    const list = this.pages.get(regionKey(gpfn, kernel));
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) if (list[i].plan.covered[w] === 1) return list[i];
    return undefined;
  }

  /** Marks a region as just entered (LRU recency). */
  touch(r: Region): void {
    r.lastUse = ++this.clock;
  }

  profile(gpfn: number, kernel: boolean): PageProfile {
    const k = regionKey(gpfn, kernel);
    let p = this.profiles.get(k);
    if (!p) {
      p = { heat: 0, coldHeat: 0, entries: new Map(), landings: new Map(), invalidations: 0, ran: undefined, profileLeft: -1 };
      this.profiles.set(k, p);
    }
    return p;
  }

  /**
   * Compiles a region of page `gpfn` for `kernel` mode from those of `entries` (arrival points,
   * hottest first) no region of the page covers yet, plus those of `landings` (points where
   * interpreted hot code was sampled) that this code would not cover otherwise — landings only
   * become block starts when they are needed, so they do not split the hot blocks. With `ran` (the
   * words seen executing), the region holds only those words, the entries and the landings: control
   * reaching any other word of the page leaves the region, as at another region's block start; and if
   * more than BT_MANY_LANDINGS landings would be taken that way, a landing is needed only if the plan
   * of the entries and of the landings kept so far leaves it out (straight-line code sampled at a
   * hundred points gets one label, not a hundred — each label is a join of every live local that V8
   * compiles; the first landing the size cap leaves out ends the search). Without `ran` (`bt`, whose
   * charged TUs depend on which landings are taken) each landing is checked against the entries' plan
   * alone, always.
   */
  translate(gpfn: number, kernel: boolean, entries: Iterable<number>, landings: Iterable<number> = [], ran?: Uint8Array): { region: Region; newTus: number } {
    const key = regionKey(gpfn, kernel);
    const list = this.pages.get(key) ?? [];
    entries = [...entries];
    landings = [...landings];
    const foreign = new Uint8Array(PAGE_WORDS);
    if (ran !== undefined) {
      // arrivals and landings were executed too (before the page was profiled): never left out
      for (let w = 0; w < PAGE_WORDS; w++) foreign[w] = ran[w] ^ 1;
      for (const w of entries) if (w >= 0 && w < PAGE_WORDS) foreign[w] = 0;
      for (const w of landings) if (w >= 0 && w < PAGE_WORDS) foreign[w] = 0;
    }
    for (const r of list) for (const b of r.plan.blocks) foreign[b.start] = 1;
    const uncovered = (w: number): boolean => foreign[w] !== 1 && !list.some((r) => r.plan.covered[w] === 1);
    const fresh: number[] = [];
    for (const w of entries) if (uncovered(w)) fresh.push(w);
    const words = this.mem.frameForRead(gpfn as Gpfn);
    const scan = { maxInstructions: this.limits.regionInstructions, foreign };
    // the entries' own plan, looked at only when a landing is uncovered (it decides whether the landing is needed)
    let first: PagePlan | undefined;
    const entriesOnly = fresh.slice();
    const taken: number[] = [];
    for (const w of landings) {
      if (!uncovered(w) || fresh.includes(w)) continue;
      first ??= sharedScan(words, entriesOnly, this.opCost, scan);
      if (first.covered[w] !== 1) taken.push(w);
    }
    if (ran !== undefined && taken.length > BT_MANY_LANDINGS) {
      // Host-side only (`hw`: what is translated never changes a result): a label only where the
      // entries and the landings kept so far leave the landing out — one per straight run.
      let plan = first!;
      for (const w of taken) {
        if (plan.covered[w] === 1) continue;
        const next = sharedScan(words, [...entriesOnly, w], this.opCost, scan);
        if (next.covered[w] !== 1) {
          if (next.instructions >= (scan.maxInstructions ?? PAGE_WORDS)) break; // the size cap: no later landing fits
          continue;
        }
        entriesOnly.push(w);
        plan = next;
      }
      fresh.push(...entriesOnly.slice(fresh.length));
    } else fresh.push(...taken);
    const region = compileRegion(gpfn, kernel, words, fresh, this.opCost, this.helpers, scan);
    this.countResumeSource(region);
    if (list.length > 0) this.stats.extraRegions++;
    list.push(region);
    this.pages.set(key, list);
    this.regionCount++;
    this.instructionCount += region.plan.instructions;
    this.touch(region);
    if (!this.watchedPages.has(gpfn)) {
      this.watchedPages.add(gpfn);
      this.mem.watch(gpfn as Gpfn, this.bit);
    }
    this.stats.translations++;
    this.stats.tus += region.plan.tus;
    this.stats.translatedInstructions += region.plan.instructions;
    this.stats.sourceChars += region.source.length;
    this.profile(gpfn, kernel).coldHeat = 0;
    this.evict(region);
    return { region, newTus: region.plan.tus };
  }

  /** The resumable variant's source counts in `sourceChars` when the region first needs it (generated code like any other). */
  private countResumeSource(r: Region): void {
    const make = r.makeResume;
    r.makeResume = () => {
      const made = make();
      this.stats.sourceChars += made.source.length;
      return made;
    };
  }

  /**
   * Host-side only: recompiles region `r`'s function with a `case` label at its block start `w` too —
   * an arrival found after it was compiled at a block it reached only by falling through (codegen
   * `enterableBlocks`). Same plan, block ids, slow-path and exit sites; nothing charged, nothing else
   * changes. False (and no change) if the code would not be the same but for the label.
   */
  label(r: Region, w: number): boolean {
    if (!r.valid || r.plan.blockAt[w] < 0 || r.entryAt[w] >= 0) return false;
    const code = sharedRegionCode(r.gpfn, r.kernel, r.words, r.entries, this.opCost, r.scan, [...r.labels, w]);
    if (code.plan.blocks.length !== r.plan.blocks.length || code.sites !== r.links.length || code.slow.length !== r.slowKind.length || code.entryAt[w] < 0) return false;
    r.labels.push(w);
    r.entryAt = code.entryAt;
    r.source = code.source;
    r.fn = code.factory(this.helpers, r.bc, code.entryAt);
    r.resumeFn = undefined;
    r.feedIn = r.feedStep = BT_BUDGET_EXIT_FEEDBACK_ENTRY;
    r.resumeFeedIn = r.resumeFeedStep = BT_BUDGET_EXIT_FEEDBACK_ENTRY;
    r.makeResume = () => { const v = code.resumable(); return { fn: v.factory(this.helpers, r.bc, code.entryAt), source: v.source }; };
    this.countResumeSource(r);
    this.stats.sourceChars += code.source.length;
    this.stats.relabels++;
    return true;
  }

  private drop(r: Region): void {
    if (!r.valid) return;
    r.valid = false;
    const key = r.key;
    const list = this.pages.get(key);
    if (list) {
      const i = list.indexOf(r);
      if (i >= 0) {
        list.splice(i, 1);
        this.regionCount--;
        this.instructionCount -= r.plan.instructions;
      }
      if (list.length === 0) this.pages.delete(key);
    }
    if (!this.pages.has(regionKey(r.gpfn, true)) && !this.pages.has(regionKey(r.gpfn, false)) && this.watchedPages.delete(r.gpfn)) this.mem.unwatch(r.gpfn as Gpfn, this.bit);
  }

  /** Evicts least recently used regions (never `keep`) until within the limits. */
  private evict(keep: Region | undefined): void {
    while (this.regionCount > this.limits.maxRegions || this.instructionCount > this.limits.maxInstructions) {
      let victim: Region | undefined;
      for (const list of this.pages.values()) for (const r of list) if (r !== keep && (!victim || r.lastUse < victim.lastUse)) victim = r;
      if (!victim) return;
      this.drop(victim);
      this.stats.evictions++;
    }
  }

  private onWrite(gpfn: Gpfn, offsetBytes: number, sizeBytes: number): void {
    const first = offsetBytes >>> 2;
    const last = Math.min(PAGE_WORDS - 1, (offsetBytes + sizeBytes - 1) >>> 2);
    for (const kernel of [true, false]) {
      const list = this.pages.get(regionKey(gpfn, kernel));
      if (!list) continue;
      for (const r of [...list]) {
        let hit = false;
        for (let w = first; w <= last && !hit; w++) if (r.plan.covered[w] === 1) hit = true;
        if (!hit) continue;
        this.drop(r);
        this.stats.invalidations++;
        const p = this.profile(gpfn, kernel);
        p.invalidations++;
        p.heat = 0;
        // the page's code changed: what ran of the old code says nothing about the new
        p.ran = undefined;
        p.profileLeft = -1;
      }
    }
  }

  /** Debug invariant (no stale translation): every valid region's source words equal memory, and its page is watched. */
  verify(): string[] {
    const problems: string[] = [];
    for (const r of this.list()) {
      if (!r.valid) problems.push(`region ${r.gpfn}/${r.kernel ? 'k' : 'u'} in the cache but invalid`);
      if (this.mem.isNotPresent(r.gpfn as Gpfn)) continue; // its bytes are elsewhere and come back unchanged
      const now = this.mem.frameForRead(r.gpfn as Gpfn);
      for (let w = 0; w < PAGE_WORDS; w++) {
        if (r.plan.covered[w] === 1 && now[w] !== r.words[w]) {
          problems.push(`page ${r.gpfn} word ${w}: translated 0x${(r.words[w] >>> 0).toString(16)}, memory 0x${(now[w] >>> 0).toString(16)}`);
          break;
        }
      }
      if (!this.mem.isWatched(r.gpfn as Gpfn, this.bit)) problems.push(`page ${r.gpfn} is translated but not watched`);
    }
    return problems;
  }

  /** All regions, most recently used first (tests, golden output, UI). */
  list(): Region[] {
    const out: Region[] = [];
    for (const l of this.pages.values()) out.push(...l);
    return out.sort((p, q) => q.lastUse - p.lastUse);
  }

  clear(): void {
    for (const r of this.list()) this.drop(r);
    this.profiles.clear();
  }
}

function sameCosts(p: Int32Array, q: Int32Array): boolean {
  if (p.length !== q.length) return false;
  for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) return false;
  return true;
}
