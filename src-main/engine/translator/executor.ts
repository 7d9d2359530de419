/**
 * executor — the dispatcher of the binary translator: runs a CPU like `interpret(cpu, budget)` does,
 * but enters compiled regions for hot pages and uses the reference interpreter for cold code.
 *
 * Interface: `new TranslatedExecutor(options?)`; `execute(cpu, budget)` → RunResult (the
 * `Monitor.execute` contract: identical guest-visible semantics, stop point, counters and cycles to
 * the interpreter, plus what the monitor charges); `stats` (per CPU: region entries, chained jumps,
 * cache hits/misses, callouts, translations made, cycles charged); `cache(cpu)`.
 * How it runs (v86's tiering: interpret, count per-page hotness, compile hot pages):
 *  - its outer loop is the interpreter's, check for check and in the same order (pending cycles,
 *    crash, stop request, software-TLB epoch, sti shadow, interrupts, halt, budget, the fetch latch
 *    with its counted TLB lookup per page entry);
 *  - at the pc's page it looks for a region (gpfn, mode): through the exit site's chain link when
 *    the previous region jumped here, else the cache; a region is entered if the pc is one of its
 *    labelled blocks (`entryAt`), with the budget as `stop` (a block that could cross it is left to the
 *    interpreter, which stops exactly where it would have); a static exit to another region of the
 *    same page is entered at once through its link; a block reached only by falling through is
 *    interpreted (with the region's recency and the profile's arrivals kept as if it had run) and,
 *    once control keeps arriving there, labelled by the cache; a region that took a mid-block slow
 *    path and may go on (EXIT_RESUME) continues in its resumable variant (codegen.ts);
 *  - a page without a usable region is interpreted in stretches (BT_COLD_SLICE_CYCLES); arrivals and
 *    interpreted cycles heat its profile, and a hot page is translated (params BT_*), at most one
 *    per `translateSpacingCycles` of guest cycles when pacing is on (an option, off by default), and
 *    a kernel page not before `kernelTranslateAfterCycles` guest cycles have run (an option, `hw`'s);
 *  - host-side lazy compilation (option `enterAfterInstructions`, `hw`'s and `pv`'s): a region's
 *    function is first called once the interpreter has run that many guest instructions in stretches
 *    started at its entries — V8 compiles, runs in its bytecode tier and optimises only code that
 *    keeps running;
 *  - bt's exact warm-up (option `exactEnterAfterInstructions`): until a region has run that many guest
 *    instructions, the interpreter runs it in its place exactly as it would have (exactWarmUp.ts), so
 *    V8 compiles only regions that keep running and no result changes; it ends for every region once
 *    the executor has run `exactWarmUpLimit` instructions in all;
 *  - at a region function's 12th and 60th real call it is first called through its budget exit
 *    (budgetExitFeedback.ts), so V8 has type feedback for that once-per-run path before it optimises
 *    the function (else it deoptimises at the first budget stop); host-side only;
 *  - per-opcode counts of translated code are kept per block and folded into cpu.counters at the
 *    end of the call and just before the paging mode changes, by whatever path (the MMU's
 *    `beforePagingChange` hook): their software-TLB hits are modelled TLB hits only with paging on,
 *    so they must be settled under the mode they ran in (else the hit count would depend on how
 *    much code ran translated).
 * Rules: a callout (`btCallout`) is charged by where the sensitive instruction is — kernel code of a
 * valid region — not by which engine runs it: the interpreter's stretches charge it too (through
 * `cpu.beforeSystem`), so where a budget or an interrupt cuts a block and which blocks have labels
 * do not change what callouts cost. (What is translated still depends on where interpreted stretches
 * stop: landings and arrivals the interpreter runs through are not profiled.)
 * Nothing here is guest-visible except through the cost model: with `btTranslateTu`,
 * `btCallout` and `monitorTrap` set to 0 a run is cycle-for-cycle identical to `interp`
 * (test/differential checks it). Only guest KERNEL translations are charged (`btTranslateTu` per new
 * TU): user pages are compiled as well, but that models direct execution — a host-side speed-up
 * with no virtual cost (VMware runs guest user code directly, Adams & Agesen 2006; Bugnion et al. 2012).
 */
import type { Cpu, RunResult, StopReason } from '../cpu/index';
import { fetchFault, interpret, takeInterrupt } from '../cpu/index';
import { BT_BUDGET_EXIT_FEEDBACK_FACTOR, BT_BUDGET_EXIT_FEEDBACK_LAST, BT_COLD_SLICE_CYCLES, BT_HOT_CYCLES, BT_LANDING_HEAT, BT_MAX_HEAT_SHIFT, BT_NEW_ENTRY_ARRIVALS, BT_PROFILE_CYCLES, PAGE_WORDS } from '../params';
import { classify, OpKind } from './blocks';
import { feedBudgetExit } from './budgetExitFeedback';
import { CALLOUT_HELPERS, chargeInterpretedCallout, ExecContext } from './callouts';
import { EXIT_BUDGET, EXIT_CALLOUT, EXIT_PAGE, EXIT_RESUME } from './codegen';
import { interpretRegion } from './exactWarmUp';
import { foldRegion, uncountTail, type FoldSink, type Region } from './region';
import { TranslationCache, type TranslationCacheLimits } from './translationCache';

export interface ExecutorOptions {
  /** Compile guest user pages too (direct execution on the fast path). Default true. */
  translateUser?: boolean;
  /** Charge btTranslateTu / btCallout (bt). False: the executor is just a faster engine. Default true. */
  chargeTranslation?: boolean;
  /** Heat a page needs before it is translated (params BT_HOT_CYCLES). */
  hotCycles?: number;
  /** At most one translation per this many guest cycles run by this executor (pacing; default 0 = none). */
  translateSpacingCycles?: number;
  /** Translate only the code that ran: a hot page is first interpreted block by block for
   *  BT_PROFILE_CYCLES, and its region holds the words seen executing (less JavaScript for V8 to
   *  compile, no never-run paths to deoptimise on). Host-side only; for `bt` it would change which
   *  TUs are charged. Default false. */
  onlyCodeThatRan?: boolean;
  /** No guest kernel page is translated before this executor has run this many guest cycles (user
   *  pages are, once hot): the kernel's start runs many one-off paths (params
   *  HW_KERNEL_TRANSLATE_AFTER_CYCLES). Host-side only; for `bt` it would change when TUs are charged.
   *  Default 0. */
  kernelTranslateAfterCycles?: number;
  /** Host-side lazy compilation: a region's generated function is first called only once the
   *  interpreter has run this many guest instructions in stretches started at the region's entries
   *  (params HOST_ENTER_AFTER_INSTRUCTIONS); until then control arriving there is interpreted, so
   *  code that runs a few times never costs V8 a bytecode compile, an optimisation or a deopt.
   *  Host-side only; for `bt` it could change results: callouts are charged by place either way, but
   *  warm-up stretches do not heat page profiles or count arrivals, which decide what is translated.
   *  Default 0 (a region runs from its translation on). */
  enterAfterInstructions?: number;
  /** bt's exact warm-up (exactWarmUp.ts; params BT_ENTER_AFTER_INSTRUCTIONS): a region's function is
   *  first called once the interpreter has run this many guest instructions of it exactly as the
   *  function would have (every counter, cycle, stop and exit the same), so results do not depend on
   *  it. Default 0 (a region runs from its translation on). */
  exactEnterAfterInstructions?: number;
  /** The exact warm-up ends for every region once this executor has run this many guest instructions
   *  in all (params BT_EXACT_WARM_UP_LIMIT_INSTRUCTIONS): a large footprint's regions, each warm only
   *  slowly, are then called as before. Default: no limit. */
  exactWarmUpLimit?: number;
  /** Translation-cache capacity (applies to the shared cache of the CPU's memory). */
  limits?: Partial<TranslationCacheLimits>;
}

export interface ExecutorStats {
  /** Regions compiled on behalf of this CPU (first translations and re-translations). */
  translations: number;
  /** Kernel translation units charged (btTranslateTu each). */
  translatedTus: number;
  translatedInstructions: number;
  /** Guest instructions executed inside compiled regions. */
  translatedExecuted: number;
  /** Region entries found through the cache lookup / through an exit's chain link. */
  cacheHits: number;
  chainedJumps: number;
  /** Arrivals on a page with no region (or no entry there): interpreted. */
  cacheMisses: number;
  regionEntries: number;
  /** Callouts to the monitor from translated kernel code (privileged/sensitive instructions). */
  callouts: number;
  /** Cycles charged for translation. */
  translationCycles: number;
  /** Guest instructions run by the interpreter (cold code, budget edges, sti shadows). */
  interpretedInstructions: number;
}

export function newExecutorStats(): ExecutorStats {
  return {
    translations: 0, translatedTus: 0, translatedInstructions: 0, translatedExecuted: 0, cacheHits: 0, chainedJumps: 0,
    cacheMisses: 0, regionEntries: 0, callouts: 0, translationCycles: 0, interpretedInstructions: 0,
  };
}

export class TranslatedExecutor {
  stats: ExecutorStats = newExecutorStats();
  private x: ExecContext | undefined;
  private tc: TranslationCache | undefined;
  private readonly active: Region[] = [];
  /** Fold state; `opCounts` is bound to the running CPU's counters by foldAll (placeholder until the first fold). */
  private readonly sink: FoldSink = { opCounts: new Float64Array(256), tailOpCounts: new Float64Array(256), tails: false, instructions: 0, memOps: 0 };
  private readonly translateUser: boolean;
  private readonly charge: boolean;
  private readonly hotCycles: number;
  private readonly spacing: number;
  private readonly onlyRan: boolean;
  private readonly kernelAfter: number;
  private readonly enterAfter: number;
  private readonly exactAfter: number;
  private readonly exactLimit: number;
  /** Regions still warm up exactly (exactAfter > 0 and the limit not reached; checked at the end of each execute call). */
  private exactOpen: boolean;
  /** Guest cycles of the execute() calls that have returned (the pacing clock). Starts as -0, a double
   *  (= 0): it passes 2^31 in a guest's first seconds, and a field that turns from small integer to double
   *  then makes V8 throw away every compile of the dispatcher that relied on it (docs/PERFORMANCE.md). */
  private executedCycles = -0;
  /** No translation before executedCycles + the current call's cycles reach this (pacing; a double as executedCycles). */
  private nextTranslateAt = -0;
  /** Guest instructions executed in the current execute() call. */
  private ran = 0;

  constructor(private readonly opts: ExecutorOptions = {}) {
    this.translateUser = opts.translateUser ?? true;
    this.charge = opts.chargeTranslation ?? true;
    this.hotCycles = opts.hotCycles ?? BT_HOT_CYCLES;
    this.spacing = opts.translateSpacingCycles ?? 0;
    this.onlyRan = opts.onlyCodeThatRan ?? false;
    this.kernelAfter = opts.kernelTranslateAfterCycles ?? 0;
    this.enterAfter = opts.enterAfterInstructions ?? 0;
    this.exactAfter = opts.exactEnterAfterInstructions ?? 0;
    this.exactLimit = opts.exactWarmUpLimit ?? Infinity;
    this.exactOpen = this.exactAfter > 0;
  }

  /** The translation cache this CPU uses (shared by the vCPUs of one memory). */
  cache(cpu: Cpu): TranslationCache {
    if (!this.tc || this.tc.mem !== cpu.mem) {
      this.tc = TranslationCache.for(cpu.mem, cpu.opCost, CALLOUT_HELPERS);
      if (this.opts.limits) this.tc.configure(this.opts.limits);
    }
    return this.tc;
  }

  /** Callouts per mnemonic opcode number (Float64Array(256)). */
  calloutsByOp(): Float64Array {
    return this.x?.calloutsByOp ?? new Float64Array(256);
  }

  private context(cpu: Cpu): ExecContext {
    let x = this.x;
    if (!x || x.cpu !== cpu) {
      x = new ExecContext(cpu, cpu.costs);
      x.chargeCallouts = this.charge;
      this.x = x;
      // Block counts are folded lazily, and their software-TLB hits count only while paging is on:
      // whatever changes the mode (translated or interpreted mtcr, a monitor, a hypercall) folds first.
      cpu.mmu.beforePagingChange = () => {
        if (this.x?.cpu === cpu) this.foldAll(cpu);
      };
      // A callout is charged by the instruction's place: interpreted code of a region (a block's tail
      // after an interrupt or a budget stop, a block without a label) pays what the region would have.
      if (this.charge) {
        const own = x;
        cpu.beforeSystem = (a) => {
          if (this.x === own) chargeInterpretedCallout(own, this.cache(cpu), a);
        };
      }
    }
    x.sync();
    return x;
  }

  /**
   * Moves the block counts of every region run since the last fold into cpu.counters (and the TLB hit
   * count). Regions fold straight into cpu.counters.opCounts (no reader runs while they do); the
   * sink's 256 tail slots are walked only when a callout gave a block's tail back since the last fold.
   * Every count is an integer far below 2^53, so the sums do not depend on the order.
   */
  private foldAll(cpu: Cpu): void {
    const s = this.sink;
    const oc = cpu.counters.opCounts;
    s.opCounts = oc;
    const active = this.active;
    for (let i = 0; i < active.length; i++) foldRegion(active[i], s);
    active.length = 0;
    if (s.tails) {
      const to = s.tailOpCounts;
      for (let k = 0; k < 256; k++) if (to[k] !== 0) { oc[k] += to[k]; to[k] = 0; }
      s.tails = false;
    }
    const x = this.x!;
    if (s.instructions !== 0) {
      cpu.counters.instructions += s.instructions;
      this.stats.translatedExecuted += s.instructions;
      this.ran += s.instructions;
    }
    cpu.mmu.addFastHits(s.memOps - x.slowMem);
    s.instructions = 0;
    s.memOps = 0;
    x.slowMem = 0;
  }

  execute(cpu: Cpu, budget: number): RunResult {
    const x = this.context(cpu);
    const tc = this.cache(cpu);
    const st = cpu.state;
    const mmu = cpu.mmu;
    const dc = cpu.decodeCache;
    const stats = this.stats;
    this.ran = 0;
    x.committed = 0;
    const calloutsBefore = x.callouts;
    let cyc = 0;
    let reason: StopReason = 'budget';
    if (cpu.crash) return { reason: 'crashed', cycles: 0, instructions: 0 };
    let linkFrom: Region | undefined;
    let linkSite = -1;
    /** The pc was reached by a control transfer (page entry, register jump, exception), not by stopping the interpreter. */
    let arrived = false;
    /** The last stretch interpreted the rest of a block that control arrived in the middle of. */
    let arrivalTail = false;
    outer: for (;;) {
      cyc += cpu.drainPending();
      if (cpu.crash) { reason = 'crashed'; break; }
      if (cpu.stopRequest) { reason = cpu.stopRequest; cpu.stopRequest = undefined; break; }
      mmu.syncEpoch();
      if (st.stiShadow) {
        // The instruction after an sti runs in the interrupt shadow: exactly one, interpreted.
        if (st.halted) { st.stiShadow = false; reason = 'halted'; break; }
        if (cyc >= budget) break;
        const r = this.interp(cpu, x, cyc, 1);
        cyc += r.cycles;
        linkFrom = undefined;
        arrived = false;
        if (r.reason !== 'budget') { reason = r.reason; break; }
        continue;
      }
      if (st.ie && (st.irqLines & st.irqMask) !== 0) {
        takeInterrupt(cpu);
        linkFrom = undefined;
        arrived = true;
        continue;
      }
      if (st.halted) { reason = 'halted'; break; }
      if (cyc >= budget) break;
      // ---- fetch: the interpreter's latch, one counted TLB lookup per page entry ----
      const pc = st.pc | 0;
      const vpn = pc >>> 12;
      if (!(vpn === cpu.codeVpn && mmu.version === cpu.codeVersion && (pc & 3) === 0)) {
        const g = (pc & 3) === 0 ? mmu.translateFetch(pc) : -1;
        if (g < 0) {
          cyc += cpu.drainPending();
          fetchFault(cpu, pc);
          linkFrom = undefined;
          arrived = true;
          continue;
        }
        cpu.code = dc.page(g);
        mmu.syncEpoch();
        cpu.codeVpn = vpn;
        cpu.codeGpfn = g;
        cpu.codeVersion = mmu.version;
        cyc += cpu.drainPending();
        arrived = true;
      }
      st.delivering = 0;
      // ---- find a region ----
      const g = cpu.codeGpfn;
      const kernel = st.kernel;
      const w = (pc & 0xfff) >>> 2;
      let region: Region | undefined;
      let chained = false;
      if (linkFrom !== undefined) {
        const l = linkFrom.links[linkSite];
        if (l !== undefined && l.valid && l.gpfn === g && l.kernel === kernel && l.entryAt[w] >= 0) {
          region = l;
          chained = true;
        } else {
          region = tc.find(g, kernel, w);
          if (region) linkFrom.links[linkSite] = region;
        }
        linkFrom = undefined;
      } else region = tc.find(g, kernel, w);
      if (region === undefined && this.shouldTranslate(tc, g, kernel, w, arrived) && this.executedCycles + cyc >= (kernel ? Math.max(this.nextTranslateAt, this.kernelAfter) : this.nextTranslateAt)) {
        const prof = tc.profile(g, kernel);
        if (this.onlyRan && prof.profileLeft < 0) {
          // hot: first see which of its code runs (block by block, below), then translate that
          prof.ran ??= new Uint8Array(PAGE_WORDS);
          prof.profileLeft = BT_PROFILE_CYCLES;
        } else if (!this.onlyRan || prof.profileLeft === 0) {
          this.nextTranslateAt = this.executedCycles + cyc + this.spacing;
          this.translate(cpu, tc, g, kernel, prof.entries, prof.landings, this.onlyRan ? prof.ran : undefined);
          prof.profileLeft = -1;
          region = tc.find(g, kernel, w);
        }
      }
      if (region === undefined) {
        let r: RunResult;
        const cov = tc.covering(g, kernel, w);
        const arrival: boolean = arrived || arrivalTail;
        arrivalTail = false;
        if (cov !== undefined && cov.warmup < this.enterAfter) {
          // inside a region still warming up (a stretch stopped here): a stretch again, not block by block
          const r = this.warmUpStretch(cpu, x, tc, cov, cyc, budget);
          cyc += r.cycles;
          arrived = false;
          if (r.reason !== 'budget') { reason = r.reason; break; }
          continue;
        }
        if (cov !== undefined && arrival && cov.plan.blockAt[w] >= 0 && cov.entryAt[w] < 0) {
          // Control keeps arriving at a block start the region reaches only by falling through (no
          // label): its function gets a label here (host-side only); until then, interpreted.
          const n = ((cov.arrivals ??= new Map()).get(w) ?? 0) + 1;
          cov.arrivals.set(w, n);
          if (n >= BT_NEW_ENTRY_ARRIVALS && tc.label(cov, w)) continue;
        }
        // arriving mid-block, the interpreter runs to the block's end: the next block start is where control arrives
        arrivalTail = cov !== undefined && arrival && cov.plan.blockAt[w] < 0;
        /** A whole block of `cov` interpreted where the region could not be entered (no label there). */
        let inside: Region | undefined;
        if (cov !== undefined) {
          // Inside a translated block (an interrupt returned there, or the interpreter stopped there):
          // interpret to the block's end, then enter at the next block.
          r = this.interp(cpu, x, cyc, Math.max(1, Math.min(budget - cyc, cov.tailCost[w])));
          if (cov.plan.blockAt[w] >= 0) {
            // what the region would have done here: an entry (recency for eviction), then control
            // stays in it or leaves it — an arrival where it lands, as after the region's exit
            tc.touch(cov);
            inside = cov;
          }
        } else {
          stats.cacheMisses++;
          const prof = kernel || this.translateUser ? tc.profile(g, kernel) : undefined;
          if (prof !== undefined && prof.profileLeft > 0) {
            // profiling: one basic block (to its first branch, jump or callout), its words marked as run
            const end = blockEnd(cpu.code, w);
            r = this.interp(cpu, x, cyc, Math.max(1, Math.min(budget - cyc, straightCycles(cpu.code, w, end, cpu.opCost))));
            prof.ran!.fill(1, w, Math.min(end, w + r.instructions));
            prof.profileLeft = Math.max(0, prof.profileLeft - r.cycles);
          } else r = this.interp(cpu, x, cyc, Math.max(1, Math.min(budget - cyc, BT_COLD_SLICE_CYCLES)));
          if (prof !== undefined) {
            prof.heat += r.cycles;
            prof.coldHeat += r.cycles;
          }
        }
        cyc += r.cycles;
        const npc = st.pc | 0;
        arrived = inside !== undefined && !(((npc ^ pc) >>> 12) === 0 && (npc & 3) === 0 && inside.valid && st.kernel === kernel && inside.plan.blockAt[(npc & 0xfff) >>> 2] >= 0);
        if (r.reason !== 'budget') { reason = r.reason; break; }
        continue;
      }
      if (region.warmup < this.enterAfter) {
        const r = this.warmUpStretch(cpu, x, tc, region, cyc, budget);
        cyc += r.cycles;
        arrived = false;
        if (r.reason !== 'budget') { reason = r.reason; break; }
        continue;
      }
      if (chained) stats.chainedJumps++;
      else stats.cacheHits++;
      // ---- run it ----
      if (!region.dirty) {
        region.dirty = true;
        this.active.push(region);
      }
      tc.touch(region);
      stats.regionEntries++;
      x.region = region;
      x.base = pc & -4096;
      x.b = region.entryAt[w];
      x.stop = budget;
      x.cyc = cyc;
      x.kind = EXIT_PAGE;
      x.site = -1;
      x.tail = -1;
      this.enterRegion(cpu, region, x);
      // Same-page chaining: a static exit to another region of this page goes straight in through the
      // exit's link. The outer loop's checks would all pass here — between its last slow path (whose
      // callout made the same checks) and its exit, translated code changes nothing they read (no
      // pending cycles, interrupt lines, stop request, TLB epoch or mode), the fetch latch holds for
      // the same page, and the region's own budget checks left cyc below the budget.
      let ran: Region = region;
      while (x.kind === EXIT_PAGE && x.site >= 0) {
        const npc = st.pc | 0;
        if (((npc ^ pc) >>> 12) !== 0 || (npc & 3) !== 0) break;
        const l: Region | undefined = ran.links[x.site];
        if (l === undefined || !l.valid || l.gpfn !== g || l.kernel !== kernel) break;
        const nb = l.entryAt[(npc & 0xfff) >>> 2];
        if (nb < 0) break;
        ran = l;
        stats.chainedJumps++;
        if (!l.dirty) {
          l.dirty = true;
          this.active.push(l);
        }
        tc.touch(l);
        stats.regionEntries++;
        x.region = l;
        x.b = nb;
        x.kind = EXIT_PAGE;
        x.site = -1;
        this.enterRegion(cpu, l, x);
      }
      region = ran;
      cyc = x.cyc;
      arrived = true;
      switch (x.kind) {
        case EXIT_PAGE:
          if (x.site >= 0) {
            linkFrom = region;
            linkSite = x.site;
          }
          break;
        case EXIT_BUDGET: {
          // The next block could cross the budget: the interpreter stops exactly where it would have.
          // (After a page entry whose TLB walk used up the budget, the interpreter still runs one
          // instruction — the fetch happened — hence at least 1.)
          const r = this.interp(cpu, x, cyc, Math.max(1, budget - cyc));
          cyc += r.cycles;
          reason = r.reason;
          break outer;
        }
        case EXIT_CALLOUT:
          if (x.tail >= 0) {
            cyc -= region.tailCost[x.tail];
            uncountTail(region, x.tail, this.sink);
          }
          break;
      }
    }
    this.foldAll(cpu);
    this.executedCycles += cyc;
    cpu.counters.cycles += cyc - x.committed;
    x.committed = cyc;
    stats.callouts += x.callouts - calloutsBefore;
    if (this.exactOpen && stats.translatedExecuted + stats.interpretedInstructions >= this.exactLimit) this.exactOpen = false;
    return { reason, cycles: cyc, instructions: this.ran };
  }

  /**
   * Profiles an arrival at (page, mode, word) that has no region entry and says whether to translate
   * now: a page needs `hotCycles` of heat (× 2 per past invalidation); a page that already has
   * regions gets another one when an untranslated entry keeps being reached.
   */
  private shouldTranslate(tc: TranslationCache, g: number, kernel: boolean, w: number, arrived: boolean): boolean {
    if (!kernel && !this.translateUser) return false;
    if (tc.covering(g, kernel, w) !== undefined) return false;
    const prof = tc.profile(g, kernel);
    let n = 0;
    if (arrived) {
      // A real arrival (jump from another page, register jump, exception): a candidate entry.
      n = (prof.entries.get(w) ?? 0) + 1;
      prof.entries.set(w, n);
      prof.heat += BT_LANDING_HEAT;
    } else if (prof.landings.size < 1024) prof.landings.set(w, (prof.landings.get(w) ?? 0) + 1);
    const need = this.hotCycles * 2 ** Math.min(prof.invalidations, BT_MAX_HEAT_SHIFT);
    if (tc.regionsOf(g, kernel).length === 0) return prof.heat >= need && (prof.entries.size > 0 || prof.landings.size > 0);
    // The page has regions: another one for code they do not cover that keeps being reached or run.
    return n >= BT_NEW_ENTRY_ARRIVALS || prof.coldHeat >= need;
  }

  /**
   * Host-side lazy compilation: `region`'s function is not called yet, so the interpreter runs a cold
   * stretch from here (whatever that stretch reaches; nothing is charged for translated code — `hw` and
   * `pv` only) and its instructions count towards the region's warm-up. The region's recency is kept as
   * if it had run.
   */
  private warmUpStretch(cpu: Cpu, x: ExecContext, tc: TranslationCache, region: Region, cyc: number, budget: number): RunResult {
    tc.touch(region);
    const r = this.interp(cpu, x, cyc, Math.max(1, Math.min(budget - cyc, BT_COLD_SLICE_CYCLES)));
    region.warmup += r.instructions;
    return r;
  }

  /**
   * Runs region `r` from the entry set up in x: while bt's exact warm-up lasts for it, by the interpreter
   * exactly as its function would (exactWarmUp.ts; its instructions count as translated ones; a region
   * the interpreter cannot run exactly is marked warm), else its function (fed its budget exit at the
   * feeding call, resumed after a resumable exit).
   */
  private enterRegion(cpu: Cpu, r: Region, x: ExecContext): void {
    if (this.exactOpen && r.exactRan < this.exactAfter) {
      if (r.exactUsable) {
        const n = interpretRegion(cpu, x, r);
        r.exactRan += n;
        this.ran += n;
        this.stats.translatedExecuted += n;
        return;
      }
      r.exactRan = this.exactAfter;
    }
    if (r.feedIn !== 0 && --r.feedIn === 0) feedRegion(r, false, x);
    r.fn(x);
    if (x.kind === EXIT_RESUME) resume(r, x);
  }

  /** Runs the reference interpreter for `b` cycles (cyc: this call's cycles so far, committed first for device time). */
  private interp(cpu: Cpu, x: ExecContext, cyc: number, b: number): RunResult {
    cpu.counters.cycles += cyc - x.committed;
    const r = interpret(cpu, b);
    x.committed = cyc + r.cycles;
    this.ran += r.instructions;
    this.stats.interpretedInstructions += r.instructions;
    return r;
  }

  private translate(cpu: Cpu, tc: TranslationCache, g: number, kernel: boolean, entries: Map<number, number>, landings: Map<number, number>, ran: Uint8Array | undefined): void {
    const hottest = (m: Map<number, number>): number[] => [...m.entries()].sort((p, q) => q[1] - p[1] || p[0] - q[0]).map(([w]) => w);
    const { region, newTus } = tc.translate(g, kernel, hottest(entries), hottest(landings), ran);
    const s = this.stats;
    s.translations++;
    s.translatedInstructions += region.plan.instructions;
    if (kernel && this.charge) {
      s.translatedTus += newTus;
      const c = newTus * cpu.costs.btTranslateTu;
      s.translationCycles += c;
      cpu.charge(c);
    }
  }
}

/** After a mid-block slow path that asked to go on: the region's resumable variant continues at case x.b (it never leaves with EXIT_RESUME). */
function resume(r: Region, x: ExecContext): void {
  r.resumeFn ??= r.makeResume().fn;
  if (r.resumeFeedIn !== 0 && --r.resumeFeedIn === 0) feedRegion(r, true, x);
  x.kind = EXIT_PAGE;
  x.site = -1;
  r.resumeFn(x);
}

/**
 * Gives V8 feedback for the budget exit of `r`'s function (its resumable variant if `resumable`), and
 * arms the next time: a call may run little of the function, so V8 may not have allocated its
 * feedback vector yet — done again after BT_BUDGET_EXIT_FEEDBACK_FACTOR times as many calls, up to
 * BT_BUDGET_EXIT_FEEDBACK_LAST.
 */
function feedRegion(r: Region, resumable: boolean, x: ExecContext): void {
  const fn = resumable ? r.resumeFn : r.fn;
  if (fn !== undefined) feedBudgetExit(fn, x, firstLabel(r));
  const step = (resumable ? r.resumeFeedStep : r.feedStep) * BT_BUDGET_EXIT_FEEDBACK_FACTOR;
  const next = step <= BT_BUDGET_EXIT_FEEDBACK_LAST ? step : 0;
  if (resumable) {
    r.resumeFeedStep = step;
    r.resumeFeedIn = next;
  } else {
    r.feedStep = step;
    r.feedIn = next;
  }
}

/** A block region `r` can be entered at (its first planned entry's, else the first labelled one), or -1. */
function firstLabel(r: Region): number {
  const e = r.entries.length > 0 ? r.entryAt[r.entries[0]] : -1;
  if (e >= 0) return e;
  for (let w = 0; w < PAGE_WORDS; w++) if (r.entryAt[w] >= 0) return r.entryAt[w];
  return -1;
}

/** One past the last word of the straight-line run from word `w` of a pre-decoded page (decodeCache
 *  pairs): after its first branch, jump or callout (illegal words included), or at the page end. */
function blockEnd(code: Int32Array, w: number): number {
  let k = w;
  while (k < PAGE_WORDS) {
    const kind = classify(code[k * 2] & 0xff);
    k++;
    if (kind === OpKind.Jump || kind === OpKind.Branch || kind === OpKind.JumpReg || kind === OpKind.Callout) break;
  }
  return k;
}

/** Cycles of the instructions from word `w` to `end` (the interpreter given exactly this budget stops after the last). */
function straightCycles(code: Int32Array, w: number, end: number, opCost: Int32Array): number {
  let c = 0;
  for (let k = w; k < end; k++) c += opCost[code[k * 2] & 0xff];
  return c;
}
