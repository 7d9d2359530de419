/**
 * liveMigration — the one mechanism every technique runs on: a dirty bitmap per VM fed by the dirty
 * log, a page stream over the link in two halves — the sender (`pageSender.ts`: zero pages, dedup,
 * XBZRLE, compression, real bytes, written as records into a transferable buffer; held where the source
 * is, `senderSide.ts`) and the receiver
 * (`pageReceiver.ts`: applies the records to the incoming memory) — the destination's memory filled
 * from nothing but those records, and the switch. The techniques
 * are strategies over it — when to stop the VM and what happens to the pages still dirty then:
 *
 * | mode | live phase | at the stop | after the switch |
 * |---|---|---|---|
 * | `stop-copy` | none | every page, then the device state | — |
 * | `precopy` | rounds over the dirty bitmap, until the stop rule (QEMU / Xen v2 / classic Xen) says stop | the pages still dirty, the device state | — |
 * | `postcopy` | none | the device state; every page is marked not present on the destination | the VM runs on the destination; a vCPU touching a missing page waits for it (a remote fault); the source pushes the rest in the background |
 * | `hybrid` | pre-copy rounds until `postcopyAfterRounds` rounds or `postcopyAfterMs` | as post-copy, for the pages still dirty | as post-copy |
 *
 * `new LiveMigration(env, codecs, options, startNs, transport?, switchTransport?)`; `step(nowNs)` at every barrier → `{ done, wakeNs }`
 * (the lab asks for a barrier at `wakeNs`); `cancel(nowNs, why)` (false in post-copy: the VM already runs on
 * the destination); `stats(nowNs)`; `status`, `phase`.
 *
 * Time: the sender has its own clock (the link's cursor), never ahead of the barrier: each step sends
 * until the cursor reaches `nowNs`. Pages are read at the step (the guest ran up to `nowNs`). QEMU's rules
 * (facts: pre-copy loop, defaults, byte accounting, `query-migrate`) are followed where the lab models the
 * same thing; `docs/migration.md` lists the differences.
 *
 * The halves: the sender half is made through `MigrationEnv.openSender` and reached only as a
 * `MigrationSender` (in the lab: plain-data calls to the source host's owner, which holds it beside the
 * machines it reads). The mechanism keeps the link, the bitmaps, the counters and every decision (syncs,
 * rounds, rate windows, auto-converge, stop rules); each sender call takes the link's state, the counters
 * and the bitmaps and gives them back moved on — a pre-copy step sends until the loop must decide again
 * (the barrier, a new 100 ms rate slice, the sync threshold or empty bitmaps, a hybrid's post-copy time:
 * exactly the points where the loop would do more than send the next page) — with every record it wrote.
 * Those records are handed to the receiver (`transport`: directly, or through a message port) at once,
 * in batches of about `MIGRATION_RECORD_BATCH_BYTES`; the sender half asks back through the port given at
 * `openSender` (`compare`) for dedup's confirming compare, which must see every record written before it,
 * and to hand full batches over early (a call past `MIGRATION_SENDER_HELD_BATCHES` of them). Between the halves travel only record batches and plain values (the announced hashes,
 * the discarded pages). At a post-copy switch the paused source's pages still to send cross once as
 * batches the receiver keeps (`heldPages.ts`), written where the source is (`MigrationEnv.sourceHeldPages`:
 * in the lab the source host's owner; the sender keeps only which pages are zero pages): every page the
 * destination takes in after the switch — pushed, requested, or a fault that cannot wait — is read there,
 * never from the source. At the switch
 * the source's side sends one message (`switchTransport`: directly, or through a message port): each
 * member's device state and its check — machine digest and per-page hash list (`verify.ts`); the
 * destination's side starts the machines from those cores and verifies against the list, and checks each
 * post-copy page as it arrives against the same list: no check reads the source (docs/migration.md,
 * "The two halves"). The receiver is made through `MigrationEnv.openReceiver` and reached only as a
 * `MigrationReceiver` (in the lab: plain-data calls to the destination host's owner, which holds it).
 * The rest of the source is read only with plain values (`sourceCore`, `sourceCheck`, `sourceWhole`,
 * `readDirty`; in the lab: calls to the source host's owner, which holds the machines).
 * After the switch the destination's machines are reached only as a `MigrationDestination` (from
 * `startDestination`: in the lab, plain-data calls to the destination host's owner, which holds them):
 * the verification, post-copy's handlers, arrivals and requests, and the wait counters run there.
 * Still on both sides here: the `MigrationEnv` calls (pause, start, finish).
 *
 * Status: setup → active → device (stopped) → completed, or postcopy-active after the switch; a cancel
 * or a timeout → cancelled; a link cut → failed (in post-copy the VM is lost with it). A failed or
 * cancelled migration leaves every VM running on the source, its memory never written by the migration.
 */
import type { MigrationOptions, MigrationPhase, MigrationPhaseName, MigrationRound, MigrationStatus } from '@shared/model/migration';
import {
  MIGRATION_EXPECTED_DOWNTIME_MIN_BYTES, MIGRATION_RATE_PERIOD_MS, MIGRATION_RATE_SLICE_MS, MIGRATION_SENDER_HELD_BATCHES, MIGRATION_RESUME_MS, MIGRATION_SETUP_MS,
  PAGE_SIZE_BYTES, POSTCOPY_BARRIER_MS,
} from '../params';
import type { MigrationDestination, MigrationEnv, MigrationReceiver, MigrationSender } from './migrationEnv';
import type { DestinationWaits, UrgentFault, UrgentFaultAnswer } from './destinationCalls';
import { MigrationLink } from './link';
import { PageBitmap, type BitmapState } from './bitmap';
import { newCounters, type StreamCounters } from './pageSender';
import type { RecordBatch } from './recordBuffer';
import type { ReceiverAnswer, ReceiverAsk, SenderReply, SenderState } from './senderCalls';
import type { PageCodecs } from './codecs';
import { AutoConverge } from './autoConverge';
import { qemuShouldSync, qemuSwitch, xenClassicStop, xenV2Stop } from './stopRules';
import { DEVICE_SECTION_HEADER_BYTES, EOS_BYTES, plainBytes, POSTCOPY_REQUEST_BYTES } from './wireFormat';
import { sourceVerdict, type SourceCheck, type SwitchVerdict } from './verify';

export interface StepOutcome {
  done: boolean;
  /** Ask for a barrier at this host time (ns). */
  wakeNs?: number;
}

interface RateWindow { startNs: number; pagesDirtied: number; bytesSent: number; xbzrleLookups: number; xbzrleMisses: number; xbzrleIn: number; xbzrleOut: number }

/** A post-copy page on the link: its bytes are the receiver's (held since the switch), not carried here. */
interface InFlightPage { member: number; gpfn: number; arrivalNs: number; zero: boolean }

/**
 * How a batch of records reaches the receiver: `deliver` applies (or keeps) it where the receiver lives
 * and returns the buffer to give back (an empty one when the receiver keeps the batch: post-copy's held
 * pages); the transport returns that buffer to the sender, to write the next batch into. Direct in one
 * thread; a test (and later a host worker) sends it through a message port instead.
 */
export type RecordTransport = (batch: RecordBatch, deliver: (batch: RecordBatch) => ArrayBuffer) => ArrayBuffer;

const directTransport: RecordTransport = (batch, deliver) => deliver(batch);

/**
 * What crosses from the source's side to the destination's at the switch: each member's device state
 * (`GuestMachine.saveCore()`: plain, structured-cloneable) and its `SourceCheck` (digest and per-page
 * hash list, whose buffers are listed in `transfer`). Nothing else of the source reaches the destination
 * side after the stop; the modelled link counts the device state (the hash list is the lab's oracle,
 * not part of the modelled stream, and costs nothing on it).
 */
export interface SwitchMessage { cores: unknown[]; checks: SourceCheck[] }

/** How the switch message reaches the destination's side: as it is in one thread; a test (and later a host worker) posts it through a message port. */
export type SwitchTransport = (message: SwitchMessage, transfer: ArrayBuffer[]) => SwitchMessage;

const directSwitch: SwitchTransport = (message) => message;

const MS = 1e6;

export class LiveMigration {
  status: MigrationStatus = 'setup';
  phase: MigrationPhaseName = 'setup';
  readonly link: MigrationLink;
  /** The sender half, as the env reaches it (in the lab: plain-data calls to the source host's owner, which holds it). */
  private readonly sender: MigrationSender;
  /** The stream's counters: handed to the sender half with every call and taken back moved on. */
  counters: StreamCounters = newCounters();
  /** The sender's pages sent so far, and the pages of its packet being filled (from its last reply). */
  private pagesSent = 0;
  private packetPages = 0;
  /** Record buffers the receiver is done with, handed back to the sender with its next call. */
  private spare: ArrayBuffer[] = [];
  /** Where dedup's compare reads a place into, where the receiver is in this thread. */
  private readonly placeBytes = new Uint8Array(PAGE_SIZE_BYTES);
  /** The stop was post-copy's (no XBZRLE, no packets, post-copy's records). */
  private postcopy = false;
  /** The destination half, as the env reaches it: it changes the incoming memories only as the sender's records say. */
  private readonly receiver: MigrationReceiver;
  readonly bitmaps: PageBitmap[];
  readonly rounds: MigrationRound[] = [];
  readonly phases: MigrationPhase[] = [];
  errorDesc: string | undefined;
  vmLost = false;
  verdict: SwitchVerdict | undefined;
  readonly throttle: AutoConverge;

  private readonly setupEndNs: number;
  private endNs: number | undefined;
  private stopNs: number | undefined;
  private resumeAtNs: number | undefined;
  private cores: unknown[] | undefined;
  /** The destination's machines after the switch, as the env reaches them (plain-data calls; never the machines). */
  private dest: MigrationDestination | undefined;
  /** Their wait counters as the migration ended (the statistics read these once the destination is closed). */
  private destWaits: DestinationWaits | undefined;
  private thresholdBytes = 0;
  private bandwidthBps = 0;
  private mbps = 0;
  private pagesPerSecond = 0;
  private expectedDowntimeMs: number;
  private dirtyPagesRate = 0;
  private syncs = 0;
  private remainingAtLastSync = 0;
  private roundStart = { ns: 0, bytes: 0, pages: 0 };
  private rate: RateWindow;
  private sliceStart = { bytes: 0, pages: 0, ns: 0 };
  private lastSlice = 0;
  private totalPagesSentLive = 0;
  private lastMissRate = 0;
  private lastEncodingRate = 0;
  private postcopyAfterNs = Infinity;
  // Post-copy.
  private readonly requests: { member: number; gpfn: number }[] = [];
  private readonly inFlight: InFlightPage[] = [];
  private readonly requested = new Set<number>();
  private postcopyRequests = 0;
  private blockBase: number[] = [];
  private arrivedChecked = 0;
  private arrivedMismatched = 0;

  constructor(
    private readonly env: MigrationEnv, codecs: PageCodecs, readonly options: MigrationOptions, readonly startNs: number,
    private readonly transport: RecordTransport = directTransport,
    private readonly switchTransport: SwitchTransport = directSwitch,
  ) {
    const o = options;
    const rateLimit = o.bandwidthBytesPerS * (o.priority === 'normal' ? 0.6 : 1);
    this.link = new MigrationLink({
      rateLimitBytesPerS: rateLimit, lineBytesPerS: o.linkBytesPerS, switchoverBytesPerS: o.switchoverBytesPerS,
      latencyNs: o.latencyMs * MS, loss: o.loss, cutAtNs: o.cutAtMs === undefined ? -1 : startNs + o.cutAtMs * MS,
    }, startNs);
    this.bitmaps = [];
    for (let m = 0; m < env.memberCount; m++) this.bitmaps.push(PageBitmap.full(env.sourcePageCount(m)));
    this.receiver = env.openReceiver({ dedup: o.dedup, compression: o.compression === 'none' ? undefined : o.compression }, codecs);
    // The sender's dedup compare reads the destination's copy: the records written so far go over first.
    this.sender = env.openSender({ options: o }, codecs, (ask) => this.compare(ask));
    this.throttle = new AutoConverge({
      initialPct: o.throttleInitialPct, incrementPct: o.throttleIncrementPct, maxPct: o.maxThrottlePct, triggerPct: o.throttleTriggerPct,
    });
    this.expectedDowntimeMs = o.downtimeLimitMs;
    // Setup: connection and capabilities (one round trip) plus the modelled setup work; the destination
    // announces the hashes of the pages it holds when deduplication is on (return path).
    let setupNs = 2 * o.latencyMs * MS + MIGRATION_SETUP_MS * MS;
    if (o.dedup) {
      const r = this.sender.index({ ...this.senderState(), announced: this.receiver.announce() });
      this.adopt(r);
      setupNs += r.setupNs;
    }
    this.setupEndNs = startNs + setupNs;
    if (o.mode === 'hybrid') this.postcopyAfterNs = o.postcopyAfterMs === undefined ? Infinity : startNs + o.postcopyAfterMs * MS;
    this.rate = this.newRateWindow(startNs);
    this.sliceStart.ns = startNs;
    this.enterPhase('setup', startNs);
    // The setup sync: every page is to be sent, so what the log held so far is already covered.
    for (let m = 0; m < env.memberCount; m++) env.readDirty(m, startNs);
    this.syncs = 1;
  }

  get ramBytes(): number {
    let n = 0;
    for (const b of this.bitmaps) n += b.pages * PAGE_SIZE_BYTES;
    return n;
  }

  /** Pages still to send (QEMU `remaining` / page size); in post-copy, pages still on the source. */
  get remainingPages(): number {
    let n = 0;
    for (const b of this.bitmaps) n += b.count;
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // Driving

  step(nowNs: number): StepOutcome {
    // Every sender call's records reach the destination with its reply, so within the step.
    return this.advance(nowNs);
  }

  // ---------------------------------------------------------------------------------------------
  // The sender half: plain state out with each call, its moved-on state and records back

  private senderState(): SenderState {
    return { link: this.link.save(), counters: this.counters, spare: this.spare.splice(0) };
  }

  private bitmapStates(): BitmapState[] {
    return this.bitmaps.map((b) => b.state);
  }

  /** Takes a sender reply's link, counters, bitmaps (a step's or a push's) and records (handed to the receiver at once, in order). */
  private adopt(r: SenderReply & { bitmaps?: BitmapState[] }): void {
    this.link.load(r.link);
    this.counters = r.counters;
    this.pagesSent = r.pagesSent;
    this.packetPages = r.packetPages;
    r.bitmaps?.forEach((b, m) => { this.bitmaps[m] = new PageBitmap(b); });
    for (const b of r.batches) this.handOver(b);
  }

  /** Hands a batch to the receiver (through the transport); keeps the buffer it gives back for the sender. */
  private handOver(batch: RecordBatch): void {
    const back = this.transport(batch, (b) => this.receiver.apply(b));
    if (back.byteLength > 0 && this.spare.length < MIGRATION_SENDER_HELD_BATCHES) this.spare.push(back);
  }

  /** The sender half asks mid-call: its records so far applied, then dedup's place read (if it asks one). */
  private compare(ask: ReceiverAsk): ReceiverAnswer {
    for (const b of ask.batches) this.handOver(b);
    return { bytes: ask.place ? this.receiver.readPlace(ask.place, this.placeBytes) : undefined, spare: this.spare.splice(0) };
  }

  /** Sends the packet being filled (nothing to ask when it is empty). */
  private flushPacket(mode: 'live' | 'switchover'): void {
    if (this.packetPages === 0) return;
    this.adopt(this.sender.flush({ ...this.senderState(), mode }));
  }

  private advance(nowNs: number): StepOutcome {
    if (this.isFinished()) return { done: true };
    if (this.phase === 'setup') {
      if (nowNs < this.setupEndNs) return this.cutOr({ done: false, wakeNs: this.setupEndNs }, nowNs);
      if (this.checkCut(nowNs)) return { done: true };
      this.status = 'active';
      this.enterPhase(this.options.mode === 'stop-copy' || this.options.mode === 'postcopy' ? 'stopped' : 'precopy', this.setupEndNs);
      this.link.idleUntil(this.setupEndNs);
      this.roundStart = { ns: this.setupEndNs, bytes: this.link.payloadBytes, pages: 0 };
      this.openRound(0, this.remainingPages, this.setupEndNs);
      if (this.options.mode === 'stop-copy') { this.beginStop(nowNs, false); return this.afterStop(nowNs); }
      if (this.options.mode === 'postcopy') { this.beginStop(nowNs, true); return this.afterStop(nowNs); }
    }
    if (this.checkCut(nowNs)) return { done: true };
    if (this.phase === 'precopy') {
      if (nowNs - this.startNs >= this.options.timeoutMs * MS) {
        this.fail('cancelled', `the migration did not finish within the ${this.options.timeoutMs / 1000} s timeout${this.nonConvergence()}`, nowNs);
        return { done: true };
      }
      this.runPrecopy(nowNs);
      if ((this.phase as MigrationPhaseName) === 'stopped') return this.afterStop(nowNs);
      return { done: false };
    }
    if (this.phase === 'stopped') return this.afterStop(nowNs);
    if (this.phase === 'postcopy') return this.runPostcopy(nowNs);
    return { done: this.isFinished() };
  }

  /** Cancels (rolls back); false when the migration can no longer be cancelled (post-copy). */
  cancel(nowNs: number, why = 'cancelled by a user'): boolean {
    if (this.isFinished()) return true;
    if (this.phase === 'postcopy' || (this.phase === 'stopped' && this.postcopy)) return false;
    this.fail('cancelled', why, nowNs);
    return true;
  }

  get cancellable(): boolean {
    return !this.isFinished() && this.phase !== 'postcopy' && !(this.phase === 'stopped' && this.postcopy);
  }

  isFinished(): boolean {
    return this.status === 'completed' || this.status === 'failed' || this.status === 'cancelled';
  }

  private cutOr(o: StepOutcome, nowNs: number): StepOutcome {
    return this.checkCut(nowNs) ? { done: true } : o;
  }

  // ---------------------------------------------------------------------------------------------
  // Pre-copy

  private runPrecopy(nowNs: number): void {
    const rule = this.options.stopRule;
    for (;;) {
      if (this.link.cursorNs >= nowNs) break;
      const slice = this.link.sliceOf(this.link.cursorNs);
      if (slice !== this.lastSlice) { this.lastSlice = slice; this.updateCounters(); }
      if (this.options.mode === 'hybrid' && this.hybridDue()) { this.beginStop(nowNs, true); return; }
      if (rule === 'qemu') {
        if (qemuShouldSync(this.remainingPages * PAGE_SIZE_BYTES, this.thresholdBytes)) {
          this.sync(nowNs);
          if (this.options.mode !== 'hybrid' && qemuSwitch(this.remainingPages * PAGE_SIZE_BYTES, this.thresholdBytes)) { this.beginStop(nowNs, false); return; }
          if (this.options.mode === 'hybrid' && this.hybridDue()) { this.beginStop(nowNs, true); return; }
          if (this.remainingPages === 0) { this.link.idleUntil(Math.min(nowNs, this.link.cursorNs + MIGRATION_RATE_SLICE_MS * MS)); continue; }
        }
      } else if (this.remainingPages === 0) {
        // Xen: a pass is over; sync and let the policy decide before the next iteration.
        const sentThisIter = this.totalPagesSentLive - this.roundStart.pages;
        const dirty = this.sync(nowNs);
        const iteration = this.rounds.length - 1;
        const stop = rule === 'xen'
          ? xenV2Stop(iteration, dirty)
          : xenClassicStop(iteration - 1, sentThisIter, this.totalPagesSentLive, this.ramBytes / PAGE_SIZE_BYTES);
        if (stop && this.options.mode !== 'hybrid') { this.beginStop(nowNs, false); return; }
        if (this.options.mode === 'hybrid' && (stop || this.hybridDue())) { this.beginStop(nowNs, true); return; }
        if (this.remainingPages === 0) { this.link.idleUntil(Math.min(nowNs, this.link.cursorNs + MIGRATION_RATE_SLICE_MS * MS)); continue; }
      }
      // The sender half sends from here until the loop must decide again (the barrier, a new rate
      // slice, the sync threshold or empty bitmaps, a hybrid's post-copy time).
      const r = this.sender.step({
        ...this.senderState(), bitmaps: this.bitmapStates(), mode: 'live', untilNs: nowNs, slice: this.lastSlice,
        syncAtBytes: rule === 'qemu' ? this.thresholdBytes : undefined, postcopyAtNs: this.options.mode === 'hybrid' ? this.postcopyAfterNs : Infinity,
      });
      this.adopt(r);
      this.totalPagesSentLive += r.sent;
      if (r.stopped === 'nothing') break;
    }
    this.flushPacket('live');
    this.expectedDowntimeMs = this.computeExpectedDowntime();
  }

  private hybridDue(): boolean {
    const o = this.options;
    const rounds = this.rounds.length - 1;
    const afterRounds = o.postcopyAfterRounds ?? (o.postcopyAfterMs === undefined ? 1 : Infinity);
    return rounds >= afterRounds || this.link.cursorNs >= this.postcopyAfterNs;
  }

  /** Reads every member's dirty log into its bitmap (dirty-sync-count + 1); closes the round. Returns the pages reported. */
  private sync(nowNs: number): number {
    this.flushPacket('live');
    let dirtied = 0;
    for (let m = 0; m < this.bitmaps.length; m++) {
      const pages = this.env.readDirty(m, nowNs);
      dirtied += pages.length;
      for (const g of pages) this.bitmaps[m].set(g);
    }
    this.syncs++;
    const t = this.link.cursorNs;
    this.closeRound(t);
    this.remainingAtLastSync = this.remainingPages;
    this.rate.pagesDirtied += dirtied;
    // QEMU recomputes the dirty rate (and evaluates auto-converge) at a sync ≥ 1 s after the last period.
    if (t - this.rate.startNs >= MIGRATION_RATE_PERIOD_MS * MS) this.closeRatePeriod(t);
    this.openRound(this.rounds.length, dirtied, t);
    return dirtied;
  }

  private closeRatePeriod(t: number): void {
    const r = this.rate;
    const periodMs = (t - r.startNs) / MS;
    this.dirtyPagesRate = (r.pagesDirtied * 1000) / periodMs;
    const bytesSent = this.link.payloadBytes - r.bytesSent;
    if (this.options.autoConverge) {
      const pct = this.throttle.period(r.pagesDirtied * PAGE_SIZE_BYTES, bytesSent);
      if (pct !== undefined) this.env.setThrottle(pct);
    }
    const x = this.counters.xbzrle;
    const lookups = x.cacheHits + x.cacheMisses - r.xbzrleLookups;
    this.lastMissRate = lookups > 0 ? (x.cacheMisses - r.xbzrleMisses) / lookups : 0;
    const encIn = x.encodedPages * PAGE_SIZE_BYTES - r.xbzrleIn;
    const encOut = x.bytes - r.xbzrleOut;
    this.lastEncodingRate = encOut > 0 ? encIn / encOut : 0;
    this.rate = this.newRateWindow(t);
  }

  private newRateWindow(t: number): RateWindow {
    const x = this.counters.xbzrle;
    return {
      startNs: t, pagesDirtied: 0, bytesSent: this.link.payloadBytes,
      xbzrleLookups: x ? x.cacheHits + x.cacheMisses : 0, xbzrleMisses: x?.cacheMisses ?? 0,
      xbzrleIn: x ? x.encodedPages * PAGE_SIZE_BYTES : 0, xbzrleOut: x?.bytes ?? 0,
    };
  }

  /** QEMU's migration_update_counters, once per rate slice. */
  private updateCounters(): void {
    const now = this.link.cursorNs;
    const sliceS = Math.max(MIGRATION_RATE_SLICE_MS / 1000, (now - this.sliceStart.ns) / 1e9);
    const bytes = this.link.payloadBytes - this.sliceStart.bytes;
    const pages = this.pagesSent - this.sliceStart.pages;
    this.sliceStart = { bytes: this.link.payloadBytes, pages: this.pagesSent, ns: now };
    if (bytes > 0) {
      this.bandwidthBps = bytes / sliceS;
      this.thresholdBytes = this.bandwidthBps * (this.options.downtimeLimitMs / 1000);
      this.mbps = (bytes * 8) / sliceS / 1e6;
      this.pagesPerSecond = pages / sliceS;
    }
    this.expectedDowntimeMs = this.computeExpectedDowntime();
  }

  private computeExpectedDowntime(): number {
    if (this.dirtyPagesRate === 0 || this.link.payloadBytes <= MIGRATION_EXPECTED_DOWNTIME_MIN_BYTES || this.bandwidthBps === 0) return this.expectedDowntimeMs;
    return ((this.remainingAtLastSync * PAGE_SIZE_BYTES) / this.bandwidthBps) * 1000;
  }

  private openRound(round: number, pagesDirtied: number, t: number): void {
    this.roundStart = { ns: t, bytes: this.link.payloadBytes, pages: this.totalPagesSentLive };
    this.rounds.push({
      round, startMs: (t - this.startNs) / MS, durationMs: 0, pagesDirtied, pagesSent: 0, bytes: 0, remainingPages: this.remainingPages,
      bandwidthBytesPerS: 0, expectedDowntimeMs: this.expectedDowntimeMs, throttlePct: this.throttle.pct,
    });
  }

  private closeRound(t: number): void {
    const r = this.rounds[this.rounds.length - 1];
    if (!r) return;
    r.durationMs = (t - this.roundStart.ns) / MS;
    r.pagesSent = this.totalPagesSentLive - this.roundStart.pages;
    r.bytes = this.link.payloadBytes - this.roundStart.bytes;
    r.remainingPages = this.remainingPages;
    r.bandwidthBytesPerS = r.durationMs > 0 ? r.bytes / (r.durationMs / 1000) : 0;
    r.expectedDowntimeMs = this.expectedDowntimeMs;
    r.throttlePct = this.throttle.pct;
  }

  private nonConvergence(): string {
    const p = this.convergenceProblem();
    return p ? `: it does not converge — ${p}` : '';
  }

  /**
   * Non-convergence (QEMU rule): after at least two rate periods, the guest dirties pages at least as fast
   * as the link sends them (dirty-pages-rate × page ≥ 90 % of the bandwidth estimate) and what remains after
   * each of the last three syncs stayed above the switch threshold — QEMU would iterate forever. Returns
   * the explanation, or undefined. (Xen's rules always stop; this is what they stop on.)
   */
  convergenceProblem(): string | undefined {
    if (this.phase !== 'precopy' || this.options.stopRule !== 'qemu') return undefined;
    if (this.link.cursorNs - this.startNs < 2 * MIGRATION_RATE_PERIOD_MS * MS || this.rounds.length < 4) return undefined;
    const last = this.rounds.slice(-4, -1);
    const stuck = last.every((r) => r.remainingPages * PAGE_SIZE_BYTES >= this.thresholdBytes);
    const d = this.dirtyPagesRate * PAGE_SIZE_BYTES;
    if (!stuck || d < this.bandwidthBps * 0.9) return undefined;
    return `the guest dirties ${(d / 1048576).toFixed(1)} MiB/s while ${(this.bandwidthBps / 1048576).toFixed(1)} MiB/s is sent, so what remains never falls under bandwidth × downtime limit (${this.options.downtimeLimitMs} ms)${this.options.autoConverge ? '; auto-converge is throttling the guest' : ''}`;
  }

  // ---------------------------------------------------------------------------------------------
  // Stop and switch

  private beginStop(nowNs: number, postcopy: boolean): void {
    this.stopNs = nowNs;
    this.closeRound(Math.max(this.link.cursorNs, this.rounds.length ? this.roundStart.ns : nowNs));
    this.env.pauseSource(nowNs);
    this.env.setThrottle(0);
    this.status = 'device';
    this.enterPhase('stopped', nowNs);
    this.link.idleUntil(nowNs);
    this.flushPacket('live');
    const beforeDowntime = this.link.payloadBytes;
    // Final sync: the pages written since the last one.
    for (let m = 0; m < this.bitmaps.length; m++) for (const g of this.env.readDirty(m, nowNs)) this.bitmaps[m].set(g);
    this.syncs++;
    this.postcopy = postcopy;
    if (postcopy) {
      // QEMU's discard: pages still dirty are dropped on the destination and fetched or pushed later.
      let runs = 0;
      for (let m = 0; m < this.bitmaps.length; m++) {
        const pages: number[] = [];
        let prev = -2;
        this.bitmaps[m].forEach((g) => { pages.push(g); if (g !== prev + 1) runs++; prev = g; });
        this.receiver.markNotPresent(m, pages);
      }
      this.link.send(runs * 16, 'switchover');
      // The paused source's pages still to send are final: the receiver keeps them from now on, and
      // every page the destination takes in after the switch is read there, never from the source.
      // They are written where the source is (its owner), from a copy of the bitmaps; the batches go to
      // the receiver, the sender keeps which pages are zero pages.
      const held = this.env.sourceHeldPages(this.bitmaps.map((b) => b.state.words.slice().buffer));
      this.sender.postcopy(held.zero);
      for (const batch of held.batches) this.transport(batch, (b) => { this.receiver.holdPostcopy(b); return new ArrayBuffer(0); });
    } else {
      // Every page still dirty, then the packet.
      const r = this.sender.step({
        ...this.senderState(), bitmaps: this.bitmapStates(), mode: 'switchover', untilNs: Infinity, slice: -1, syncAtBytes: undefined, postcopyAtNs: Infinity,
      });
      this.adopt(r);
    }
    this.cores = [];
    let deviceBytes = 0;
    for (let m = 0; m < this.bitmaps.length; m++) {
      const core = this.env.sourceCore(m);
      this.cores.push(core);
      // The program image is the VM's configuration, on the destination already (its files), not device state.
      const { image: _image, ...device } = core as Record<string, unknown>;
      deviceBytes += DEVICE_SECTION_HEADER_BYTES + plainBytes(device);
    }
    this.link.send(deviceBytes + EOS_BYTES, 'switchover');
    this.counters.deviceBytes += deviceBytes;
    this.counters.downtimeBytes += this.link.payloadBytes - beforeDowntime;
    this.resumeAtNs = this.link.arrival(this.link.cursorNs) + MIGRATION_RESUME_MS * MS;
  }

  private afterStop(nowNs: number): StepOutcome {
    if (this.checkCut(Math.min(nowNs, this.resumeAtNs ?? nowNs))) return { done: true };
    if (this.resumeAtNs === undefined || nowNs < this.resumeAtNs) return { done: false, wakeNs: this.resumeAtNs };
    const at = this.resumeAtNs;
    // The switch. The source's side: each member's digest and per-page hash list, in one pass over the
    // paused source, sent with the device state.
    const checks = this.cores!.map((_, m) => this.env.sourceCheck(m));
    const message = this.switchTransport({ cores: this.cores!, checks }, checks.map((c) => c.hashes));
    this.cores = undefined;
    // The destination's side: start there, verify against the list where the machines are (the
    // destination's digest replays the source's for every page found equal: each page is hashed once on
    // each side), then run.
    this.dest = this.env.startDestination(message.cores, at);
    if (this.postcopy) {
      this.verdict = this.dest.verify(message.checks, true);
      this.startPostcopy(at);
      return this.runPostcopy(nowNs);
    }
    this.verdict = this.dest.verify(message.checks, false);
    this.env.finishSource(at);
    this.complete(at);
    return { done: true };
  }

  private complete(t: number): void {
    this.status = 'completed';
    this.endNs = t;
    this.closeDestination();
    this.enterPhase('done', t);
  }

  /** The migration is done with the destination's machines: their wait counters kept for the statistics. */
  private closeDestination(): void {
    if (!this.dest || this.destWaits) return;
    this.destWaits = this.dest.waits();
    this.dest.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Post-copy

  private startPostcopy(t: number): void {
    this.status = 'postcopy-active';
    this.enterPhase('postcopy', t);
    this.link.idleUntil(t);
    this.blockBase = this.dest!.startPostcopy((f) => this.urgentFault(f));
  }

  /**
   * Host code on the destination that could not wait (a monitor in the middle of an operation) met a
   * missing page: the destination served it from the pages the receiver holds since the switch (the
   * paused source's, final) and checked it there; here the page is accounted for — a stall of a round
   * trip plus the page's transfer, the urgent send on the link.
   */
  private urgentFault(f: UrgentFault): UrgentFaultAnswer {
    // The page arrives by the fault, not through `deliver`: the same check against the source's list.
    this.arrivedChecked++;
    if (!f.matches) this.arrivedMismatched++;
    // Not pushed yet: it will never be, so its held copy goes now (a page in flight keeps it until it arrives).
    const dropHeld = this.bitmaps[f.member].clear(f.gpfn);
    this.postcopyRequests++;
    const stallNs = 2 * this.link.config.latencyNs + ((POSTCOPY_REQUEST_BYTES + PAGE_SIZE_BYTES + 8) / this.link.config.lineBytesPerS) * 1e9;
    this.counters.postcopyBytes += PAGE_SIZE_BYTES + 8;
    this.link.sendUrgent(PAGE_SIZE_BYTES + 8, this.link.cursorNs);
    return { stallNs, dropHeld };
  }

  /** The faults that wait for their page since the last barrier, as requests (each page once until it is pushed). */
  private takeRequests(): void {
    const pairs = this.dest!.takeRequests();
    for (let i = 0; i < pairs.length; i += 2) {
      const member = pairs[i];
      const gpfn = pairs[i + 1];
      const key = member * 0x1_0000_0000 + gpfn;
      if (!this.requested.has(key)) { this.requested.add(key); this.requests.push({ member, gpfn }); }
    }
  }

  private runPostcopy(nowNs: number): StepOutcome {
    if (this.checkCut(nowNs)) return { done: true };
    this.takeRequests();
    this.deliver(nowNs);
    // Page requests the destination's vCPUs made since the last barrier: they reach the source one
    // latency later and go out first; the background scan restarts after the requested page.
    const reqArrive = nowNs + this.link.config.latencyNs;
    // Each request as the sender half is to send it (in order): a page still to send, or one already
    // pushed that the rate limiter holds back (sent again at once); one pushed and not held back needs nothing.
    const order: number[] = [];
    const resent: (InFlightPage | undefined)[] = [];
    for (const r of this.requests.splice(0)) {
      this.postcopyRequests++;
      this.counters.returnBytes += POSTCOPY_REQUEST_BYTES;
      if (!this.bitmaps[r.member].has(r.gpfn)) {
        const f = this.inFlight.find((p) => p.member === r.member && p.gpfn === r.gpfn);
        if (f && f.arrivalNs > reqArrive + this.link.config.latencyNs) { order.push(r.member, r.gpfn, f.zero ? 2 : 1); resent.push(f); }
        continue;
      }
      order.push(r.member, r.gpfn, 0);
      resent.push(undefined);
    }
    // Then the background push, rate-limited like the live phase, on the sender half (one call).
    if (order.length > 0 || this.remainingPages > 0) {
      const r = this.sender.push({
        ...this.senderState(), bitmaps: this.bitmapStates(), requests: Float64Array.from(order), requestAtNs: reqArrive,
        untilNs: nowNs + POSTCOPY_BARRIER_MS * MS,
      });
      this.adopt(r);
      resent.forEach((f, k) => {
        const arrivalNs = this.link.arrival(r.requestLeaves[2 * k]);
        if (f) f.arrivalNs = Math.min(f.arrivalNs, arrivalNs);
        else this.inFlightPage(order[3 * k], order[3 * k + 1], arrivalNs, r.requestLeaves[2 * k + 1] === 1);
      });
      const p = r.pushed;
      for (let i = 0; i < p.length; i += 4) this.inFlightPage(p[i], p[i + 1], this.link.arrival(p[i + 2]), p[i + 3] === 1);
    }
    this.deliver(nowNs);
    if (this.remainingPages === 0 && this.inFlight.length === 0) {
      this.dest!.endPostcopy();
      this.receiver.dropAllHeld();
      if (this.verdict) {
        this.verdict.pagesChecked += this.arrivedChecked;
        this.verdict.mismatchedPages += this.arrivedMismatched;
        this.verdict.verified = this.verdict.verified && this.arrivedMismatched === 0;
      }
      this.env.finishSource(nowNs);
      this.complete(nowNs);
      return { done: true };
    }
    return { done: false, wakeNs: nowNs + POSTCOPY_BARRIER_MS * MS };
  }

  /** A post-copy page the sender half put on the link: in flight until its last byte arrives. */
  private inFlightPage(m: number, g: number, arrivalNs: number, zero: boolean): void {
    this.inFlight.push({ member: m, gpfn: g, arrivalNs, zero });
    this.requested.delete(m * 0x1_0000_0000 + g);
  }

  /**
   * Pages whose last byte has arrived go to the destination in one call: there they become present from
   * the copy the receiver holds, each checked against the source's hash list from the switch (the paused
   * source's pages, final); the counts come back.
   */
  private deliver(nowNs: number): void {
    let keep = 0;
    const arrived: number[] = [];
    for (let i = 0; i < this.inFlight.length; i++) {
      const p = this.inFlight[i];
      if (p.arrivalNs > nowNs) { this.inFlight[keep++] = p; continue; }
      arrived.push(p.member, p.gpfn);
    }
    this.inFlight.length = keep;
    if (arrived.length === 0) return;
    const counts = this.dest!.arrive(arrived);
    this.arrivedChecked += counts.checked;
    this.arrivedMismatched += counts.mismatched;
  }

  // ---------------------------------------------------------------------------------------------
  // Failure

  private checkCut(nowNs: number): boolean {
    if (this.isFinished() || !this.link.isCut(nowNs)) return false;
    const at = this.link.cutAtNs;
    if (this.phase === 'postcopy') {
      const left = this.remainingPages + this.inFlight.length;
      this.vmLost = true;
      this.errorDesc = `the migration link was cut ${((at - this.startNs) / 1e9).toFixed(3)} s after the start, during post-copy, with ${left} pages still on the source host: the VM is lost (its memory is split between two hosts)`;
      this.status = 'failed';
      this.endNs = Math.max(at, nowNs);
      this.dest?.endPostcopy();
      this.receiver.dropAllHeld();
      this.env.loseVms(this.errorDesc, nowNs);
      this.env.finishSource(nowNs);
      this.closeDestination();
      this.enterPhase('done', this.endNs);
      return true;
    }
    if (this.phase === 'stopped' && this.postcopy && this.dest) return false;
    this.fail('failed', `the migration link was cut ${((at - this.startNs) / 1e9).toFixed(3)} s after the start; the VM keeps running on the source host`, nowNs);
    return true;
  }

  private fail(status: 'failed' | 'cancelled', why: string, nowNs: number): void {
    const wasStopped = this.phase === 'stopped';
    // Records already on the link reached the destination with the sender's replies, before it lets go of everything.
    this.status = status;
    this.errorDesc = why;
    this.endNs = nowNs;
    this.env.setThrottle(0);
    if (wasStopped) this.env.resumeSource(nowNs);
    this.receiver.release();
    this.verdict = sourceVerdict(this.env);
    this.enterPhase('done', nowNs);
  }

  private enterPhase(phase: MigrationPhaseName, t: number): void {
    const last = this.phases[this.phases.length - 1];
    if (last && last.endMs === undefined) last.endMs = (t - this.startNs) / MS;
    this.phase = phase;
    // The migration is over: the sender half drops its cache, index and packet where it is.
    if (phase === 'done') this.sender.close();
    this.phases.push({ phase, startMs: (t - this.startNs) / MS, ...(phase === 'done' ? { endMs: (t - this.startNs) / MS } : {}) });
  }

  // ---------------------------------------------------------------------------------------------
  // Statistics (QEMU's query-migrate names; see @shared/model/migration)

  get totalTimeMs(): number {
    return ((this.endNs ?? this.link.cursorNs) - this.startNs) / MS;
  }

  stats(nowNs: number) {
    const c = this.counters;
    const x = c.xbzrle;
    const end = this.endNs ?? nowNs;
    const downtime = this.status === 'completed' || (this.vmLost && this.resumeAtNs !== undefined)
      ? ((this.resumeAtNs ?? end) - (this.stopNs ?? end)) / MS : undefined;
    const waits = this.destWaits ?? this.dest?.waits();
    const blocks = waits ? waits.waitedNs.map((w, m) => Math.max(0, w - (this.blockBase[m] ?? 0)) / MS) : [];
    const vcpuBlock = waits ? waits.vcpuWaitedNs.map((w) => w / MS) : [];
    return {
      status: this.status,
      'total-time': Math.max(0, end - this.startNs) / MS,
      'setup-time': (this.setupEndNs - this.startNs) / MS,
      ...(downtime !== undefined ? { downtime } : {}),
      ...(this.status === 'active' || this.status === 'setup' ? { 'expected-downtime': this.expectedDowntimeMs } : {}),
      ram: {
        transferred: this.link.payloadBytes,
        remaining: this.remainingPages * PAGE_SIZE_BYTES,
        total: this.ramBytes,
        duplicate: c.zeroPages,
        normal: c.normalPages,
        'normal-bytes': c.normalPages * PAGE_SIZE_BYTES,
        'precopy-bytes': c.precopyBytes,
        'downtime-bytes': c.downtimeBytes,
        'postcopy-bytes': c.postcopyBytes,
        'dirty-pages-rate': this.dirtyPagesRate,
        mbps: this.mbps,
        'pages-per-second': this.pagesPerSecond,
        'postcopy-requests': this.postcopyRequests,
        'dirty-sync-count': this.syncs,
        'page-size': PAGE_SIZE_BYTES,
      },
      'xbzrle-cache': {
        'cache-size': this.options.xbzrle ? this.options.xbzrleCacheBytes : 0,
        bytes: x.bytes, pages: x.encodedPages, 'cache-miss': x.cacheMisses, 'cache-miss-rate': this.lastMissRate,
        'encoding-rate': this.lastEncodingRate, overflow: x.overflows,
      },
      compression: {
        pages: c.compression.pages, 'compressed-size': c.compression.compressedBytes,
        'compression-rate': c.compression.compressedBytes > 0 ? (c.compression.pages * PAGE_SIZE_BYTES) / c.compression.compressedBytes : 0,
        busy: c.compression.busyPackets, 'busy-rate': c.compression.packets > 0 ? c.compression.busyPackets / c.compression.packets : 0,
        'cpu-ms': (c.compression.compressNs + c.compression.decompressNs) / MS,
      },
      dedup: {
        pages: c.dedup.pages, 'bytes-saved': c.dedup.bytesSaved, 'hash-hits': c.dedup.hashHits, collisions: c.dedup.collisions,
        'within-vm': c.dedup.withinVm, 'across-vms': c.dedup.acrossVms, 'on-destination': c.dedup.onDestination,
      },
      'cpu-throttle-percentage': this.throttle.pct,
      'postcopy-blocktime': blocks.reduce((a, b) => a + b, 0),
      'postcopy-vcpu-blocktime': vcpuBlock,
      rounds: this.rounds.map((r) => ({ ...r })),
      phases: this.phases.map((p) => ({ ...p })),
      amplification: this.ramBytes > 0 ? this.link.payloadBytes / this.ramBytes : 0,
      ...(this.verdict ? {
        verified: this.verdict.verified, mismatchedPages: this.verdict.mismatchedPages,
        sourceDigest: this.verdict.sourceDigests[0], destinationDigest: this.verdict.destinationDigests[0],
      } : {}),
      ...(this.errorDesc ? { 'error-desc': this.errorDesc } : {}),
      ...(this.vmLost ? { vmLost: true } : {}),
      wireBytes: this.link.wireBytes,
      returnBytes: c.returnBytes,
      pagesVerified: this.verdict?.pagesChecked ?? 0,
    };
  }
}
