/**
 * hostReclaimer — the reclamation ladder of one host: its free-memory state, and the mechanism each
 * state runs on its VMs' real pages — page sharing (always), ballooning (soft), compression and
 * hypervisor swapping (hard, low) — plus activity sampling and the faults on pages it took away.
 *
 * Interface: `new HostReclaimer(hostId, env)`; `attach(vmId, guest, seed)` (installs the not-present
 * handler) / `detach(vmId)` (returns held frames; its swap and cache go with the guest);
 * `atBarrier(nowMs)`; `state`, `minFree`; `vm(vmId)`; `capture(vmId)` / `adopt(vmId, guest, pages)`
 * (pages out travel with a snapshot or suspend); `save()` / `restore()`.
 * Rules:
 *  - State: from the pool's free frames and ESXi's minFree (memState.ts), with a small hysteresis on the
 *    way back up; each change is an event.
 *  - Ballooning (soft): every BALLOON_PERIOD_MS the missing free memory (up to minFree) is split over
 *    the VMs by min-funding revocation with the idle tax (entitlement.ts) and added to their balloon
 *    targets (less what the drivers were asked for and have not given yet); targets shrink again once
 *    free memory passes BALLOON_DEFLATE_FREE_X_MINFREE × minFree. Pages a driver pins lose their frames
 *    at the next barrier (`dropZeroPage` when all zero, else `discardPage`: the guest gave them up).
 *  - Hard / low: from the barrier the host enters hard until free memory is back halfway up the soft
 *    band (SWAP_STOP_FRACTION of minFree: well inside soft, so the state does not flap between soft and
 *    hard at every barrier), up to the swap-out bandwidth each barrier, pages are taken back, split the
 *    same way; victims are random private pages (no guest knowledge); each is
 *    compressed (LZ4) and kept in the VM's cache if it fits in half a page, else written to its swap file;
 *    a full cache sends its oldest page to swap. The page is then marked not present.
 *  - A guest access to such a page faults here: a compressed page is decompressed (the vCPU is charged
 *    DECOMPRESS_NS_PER_PAGE), a swapped one read back (SWAP_IN_LATENCY_NS; a device's DMA meeting a
 *    swapped page is double paging, counted). With no free frame for it, the vCPU waits (low state)
 *    and the page is supplied at a later barrier, its wait counted as latency.
 *  - Activity: every samplePeriodSec, MEM_SAMPLE_PAGES random pages per VM are marked not present with
 *    their bytes kept here; a touch supplies them back at once and counts (Waldspurger's sampling).
 *  - Pinned pages (`isPinned`: the pv monitor's shared area) are never taken: no victim, no sample, not
 *    reclaimed from a balloon (counted as refused), and page sharing leaves them alone.
 *  - Determinism: victims and samples come from the host's seeded RNG stream; nothing reads a clock.
 */
import type { HostId, VmId } from '@shared/model/ids';
import { memReclamationOf, type MemReclamationSettings } from '@shared/model/memoryReclamation';
import type { GuestMachine, NotPresentDecision, NotPresentFault } from '../vm/guestMachine';
import type { HostMemory } from '../vm/guestFactory';
import { Rng, type RngState } from '../sim/index';
import {
  BALLOON_DEFLATE_FREE_X_MINFREE, BALLOON_PERIOD_MS, COMPRESSED_PAGE_MAX_BYTES, DECOMPRESS_NS_PER_PAGE, MEM_SAMPLE_PAGES,
  MEM_STATE_HYSTERESIS, SWAP_IN_LATENCY_NS, SWAP_OUT_PAGES_PER_SEC, SWAP_STOP_FRACTION,
} from '../params';
import { freeMemoryStateAt, mechanismsOf, MEM_STATES, minFreeFrames, stateThresholdsOf, type MemState, type StateThresholds } from './memState';
import { LZ4_MAX_OUTPUT, lz4Compress, lz4Decompress } from './lz4';
import { HostSharing, type HostSharingState } from './pageSharing';
import { revoke } from './entitlement';
import { AWAY_SAMPLE, AWAY_SWAP, AWAY_ZIP, VmReclaim, type VmReclaimState } from './vmReclaim';
import type { HostReclaimFields, VmReclaimFields } from './reclaimView';

const PAGE = 4096;
const MIB_PAGES = 256;
/** The bytes of every sampled page that had no frame. Never written: whoever takes a page's bytes back
 *  (supplyPage, a capture, a digest) copies or only reads them. */
const ZERO_PAGE = new Uint8Array(PAGE);
/** vSphere's "normal" memory shares: 10 per configured MiB. */
const SHARES_PER_MIB = 10;

/**
 * What the reclaimer reads outside itself. `host()` and `vm()` are configuration (the lab serves them
 * from a `ReclaimViewCopy`, never from the cluster inventory: a host worker thread will not have it);
 * `pool()` and `guest()` are the host's own memory and guests; `stateChanged` reports a state change.
 */
export interface ReclaimEnv {
  host(): HostReclaimFields | undefined;
  pool(): HostMemory | undefined;
  vm(vmId: VmId): VmReclaimFields | undefined;
  guest(vmId: VmId): GuestMachine | undefined;
  stateChanged(from: MemState, to: MemState, freeFrames: number, minFree: number): void;
}

/** Pages out for a snapshot or a suspended VM: what the not-present pages of its saved machine hold. */
export interface CapturedPages {
  pages: [number, number, Uint8Array][];
}

export interface HostReclaimerState {
  state: MemState;
  /** Compression / swapping runs (entered hard, not yet back to the stop level). Absent in older saves. */
  swapping?: boolean;
  lastMs: number;
  nextBalloonMs: number;
  rng: RngState;
  vms: VmReclaimState[];
  sharing: HostSharingState;
}

export class HostReclaimer {
  state: MemState = 'high';
  /** Compression and swapping run: set on entering hard, cleared when free memory reaches the stop level. */
  private swapping = false;
  readonly sharing = new HostSharing();
  private readonly vms = new Map<VmId, VmReclaim>();
  private lastMs = 0;
  private nextBalloonMs = 0;
  private rng: Rng;
  /** No VM's activity sample ends before this virtual ms (the per-VM loop is skipped until then; -∞ = look). */
  private nextSampleMs = -Infinity;
  /** Some VM may have a vCPU waiting for a frame (`VmReclaim.waiting` not empty): supplyWaiting looks only then. */
  private maybeWaiting = false;
  private readonly zipBuf = new Uint8Array(LZ4_MAX_OUTPUT(PAGE));

  constructor(readonly hostId: HostId, private readonly env: ReclaimEnv, seed: number) {
    this.rng = new Rng(seed);
  }

  /** The host's settings with the defaults filled in, for the `memoryReclamation` object they were made from. */
  private settingsFor: { of: Partial<MemReclamationSettings> | undefined; merged: MemReclamationSettings | undefined } = { of: undefined, merged: undefined };

  /** The settings in force (read-only: shared until the host's settings change; a change replaces the host's object). */
  settings(): Readonly<MemReclamationSettings> {
    const of = this.env.host()?.memoryReclamation;
    const c = this.settingsFor;
    if (c.merged === undefined || c.of !== of) { c.of = of; c.merged = memReclamationOf(of); }
    return c.merged;
  }

  /** minFree for the host's capacity when last asked (it is asked several times per barrier and changes only with the capacity). */
  private readonly minFreeFor = { bytes: -1, frames: 0, thresholds: stateThresholdsOf(0), hysteresis: 0 };

  get minFree(): number {
    return this.minFreeNow().frames;
  }

  /** minFree, the state thresholds and the hysteresis margin for the host's capacity now. */
  private minFreeNow(): { frames: number; thresholds: StateThresholds; hysteresis: number } {
    const bytes = this.env.host()?.memoryBytes ?? 0;
    const m = this.minFreeFor;
    if (bytes !== m.bytes) {
      m.bytes = bytes;
      m.frames = minFreeFrames(bytes);
      m.thresholds = stateThresholdsOf(m.frames);
      m.hysteresis = Math.ceil(m.frames * MEM_STATE_HYSTERESIS);
    }
    return m;
  }

  vm(vmId: VmId): VmReclaim | undefined {
    return this.vms.get(vmId);
  }

  vmIds(): VmId[] {
    return [...this.vms.keys()];
  }

  private heldOwner(vmId: VmId): string {
    return `reclaim:${vmId}`;
  }

  /** A guest started (or was restored) on this host: its faults on pages out come here; sharing scans it. */
  attach(vmId: VmId, guest: GuestMachine, seed: number, existing?: VmReclaim): VmReclaim {
    const r = existing ?? new VmReclaim(vmId);
    this.vms.set(vmId, r);
    this.nextSampleMs = Math.min(this.nextSampleMs, r.sampleEndMs);
    if (r.waiting.size > 0) this.maybeWaiting = true;
    guest.setNotPresentHandler((f) => this.onFault(r, f));
    this.sharing.attach(vmId, guest, seed);
    this.chargeHeld(r);
    return r;
  }

  /** The guest stopped: its pages out and held frames go (a capture taken before keeps what it needs). */
  detach(vmId: VmId): void {
    const r = this.vms.get(vmId);
    if (!r) return;
    this.vms.delete(vmId);
    this.sharing.detach(vmId);
    this.env.pool()?.setHeldFrames(this.heldOwner(vmId), 0);
    this.env.guest(vmId)?.setNotPresentHandler(undefined);
  }

  /**
   * Charges a VM's held frames as it (re)joins the host — a revert, a resume or a load may bring a
   * compression cache onto a host with no room for it: its oldest compressed pages then go to the swap
   * file, as a full cache's would, until the cache fits; a sampled page whose frame cannot be held
   * goes there too. The books never claim frames the pool did not give.
   */
  private chargeHeld(r: VmReclaim): void {
    const pool = this.env.pool();
    if (!pool) return;
    const owner = this.heldOwner(r.vmId);
    while (!pool.setHeldFrames(owner, r.heldFrames())) {
      if (r.zipCount > 0 && this.evictOldestZip(r, false)) continue;
      const sampled = [...r.away].find(([, p]) => p.kind === AWAY_SAMPLE && p.tag === 1);
      if (!sampled) break;
      r.away.set(sampled[0], { kind: AWAY_SWAP, bytes: sampled[1].bytes, tag: 0 });
      r.sampledHeld--;
      r.c.swapOut++;
    }
  }

  private syncHeld(r: VmReclaim): void {
    const pool = this.env.pool();
    if (pool && !pool.setHeldFrames(this.heldOwner(r.vmId), r.heldFrames())) {
      // growing the cache failed: the page just compressed freed a frame first, so this cannot happen;
      // keep the books right anyway by charging what fits
      pool.setHeldFrames(this.heldOwner(r.vmId), Math.min(r.heldFrames(), pool.heldFramesOf(this.heldOwner(r.vmId)) + pool.freeFrames));
    }
  }

  // ------------------------------------------------------------------ faults on pages taken away
  private onFault(r: VmReclaim, f: NotPresentFault): NotPresentDecision {
    const p = r.away.get(f.gpfn);
    if (!p) return { kind: 'wait' };
    const pool = this.env.pool();
    const needsFrame = p.kind !== AWAY_SAMPLE || p.tag === 1;
    // a compressed page gives back half a cache frame as it leaves; a sampled page its held frame
    const freedByLeaving = p.kind === AWAY_ZIP ? (r.zipCount % 2 === 1 ? 1 : 0) : p.kind === AWAY_SAMPLE && p.tag === 1 ? 1 : 0;
    if (needsFrame && pool && pool.freeFrames + freedByLeaving < 1) {
      if (!r.waiting.has(f.gpfn)) {
        r.waiting.set(f.gpfn, this.lastMs);
        this.maybeWaiting = true;
        r.c.memoryWaits++;
      }
      return { kind: 'wait' };
    }
    const bytes = this.takeBack(r, f.gpfn, f.access === 'dma');
    const stallNs = p.kind === AWAY_ZIP ? DECOMPRESS_NS_PER_PAGE : p.kind === AWAY_SWAP ? SWAP_IN_LATENCY_NS : 0;
    r.c.stallNs += stallNs;
    return { kind: 'supply', bytes, stallNs };
  }

  /** Removes a page from `away` and returns its raw bytes (counting what it costs). */
  private takeBack(r: VmReclaim, gpfn: number, dma: boolean): Uint8Array {
    const p = r.away.get(gpfn)!;
    r.away.delete(gpfn);
    let bytes = p.bytes;
    if (p.kind === AWAY_ZIP) {
      bytes = new Uint8Array(PAGE);
      lz4Decompress(p.bytes, bytes);
      r.zipCount--;
      r.c.unzipped++;
    } else if (p.kind === AWAY_SWAP) {
      r.c.swapIn++;
      if (dma) r.c.doublePaging++;
    } else {
      r.c.sampleTouches++;
      if (p.tag === 1) r.sampledHeld--;
    }
    this.syncHeld(r);
    return bytes;
  }

  // ------------------------------------------------------------------ the barrier
  atBarrier(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.lastMs);
    this.lastMs = nowMs;
    const host = this.env.host();
    const pool = this.env.pool();
    if (!host || !pool) return;
    const settings = this.settings();
    this.collectBalloons();
    this.supplyWaiting(nowMs);
    this.sharing.scan(elapsed, settings);
    if (nowMs >= this.nextSampleMs) this.sampleActivity(nowMs, settings);
    this.updateState(pool);
    const mech = mechanismsOf(this.state);
    if (nowMs >= this.nextBalloonMs) {
      this.nextBalloonMs = nowMs + BALLOON_PERIOD_MS;
      this.adjustBalloons(pool, settings, mech.balloon);
    }
    if (mech.swap) this.swapping = true;
    if (this.swapping) {
      this.swapOut(pool, settings, elapsed);
      if (pool.freeFrames >= this.swapStopFrames()) this.swapping = false;
    }
    this.supplyWaiting(nowMs);
    this.updateState(pool);
  }

  private updateState(pool: HostMemory): void {
    const mf = this.minFreeNow();
    const m = mf.frames;
    const free = pool.freeFrames;
    let next = freeMemoryStateAt(free, mf.thresholds);
    if (next === this.state) return;
    const cur = MEM_STATES.indexOf(this.state);
    if (MEM_STATES.indexOf(next) < cur) {
      // better: only past the threshold by the hysteresis margin
      const withMargin = freeMemoryStateAt(Math.max(0, free - mf.hysteresis), mf.thresholds);
      next = MEM_STATES.indexOf(withMargin) < cur ? withMargin : this.state;
    }
    if (next !== this.state) {
      const from = this.state;
      this.state = next;
      this.env.stateChanged(from, next, free, m);
    }
  }

  /** Pages vCPUs wait for (no frame was free at the fault): supplied now if frames are free. */
  private supplyWaiting(nowMs: number): void {
    const pool = this.env.pool();
    if (!pool || !this.maybeWaiting) return;
    let still = false;
    for (const r of this.vms.values()) {
      if (r.waiting.size === 0) continue;
      still = true;
      const guest = this.env.guest(r.vmId);
      for (const [g, since] of [...r.waiting]) {
        if (!guest || guest.pageState(g) !== 'notPresent' || !r.away.has(g)) { r.waiting.delete(g); continue; }
        if (pool.freeFrames < 1) return;
        const kind = r.away.get(g)!.kind;
        const bytes = this.takeBack(r, g, false);
        if (!guest.supplyPage(g, bytes)) { r.away.set(g, { kind: AWAY_SWAP, bytes, tag: 0 }); return; }
        r.waiting.delete(g);
        r.c.stallNs += (nowMs - since) * 1e6 + (kind === AWAY_ZIP ? DECOMPRESS_NS_PER_PAGE : kind === AWAY_SWAP ? SWAP_IN_LATENCY_NS : 0);
      }
    }
    // every VM was looked at (no early return): whether any still waits is known
    if (!still) this.maybeWaiting = false;
  }

  /** Pages the balloon drivers pinned since the last barrier give their frames back. */
  private collectBalloons(): void {
    for (const r of this.vms.values()) {
      const guest = this.env.guest(r.vmId);
      const b = guest?.balloon;
      if (!guest || !b) continue;
      for (const g of b.takeInflated()) {
        if (g < 0 || g >= guest.pageCount) continue;
        // a page the monitor pinned stays (Xen refuses to give up a page it holds a reference on)
        if (guest.isPinned?.(g)) { r.c.balloonPinnedRefused++; continue; }
        const out = r.away.get(g);
        if (out) { // a page out for sampling or swapped: its bytes are no longer wanted
          r.away.delete(g);
          if (out.kind === AWAY_ZIP) r.zipCount--;
          if (out.kind === AWAY_SAMPLE && out.tag === 1) r.sampledHeld--;
          guest.discardPage(g);
          this.syncHeld(r);
        } else if (!guest.dropZeroPage?.(g)) guest.discardPage(g);
        r.c.balloonInflated++;
      }
    }
  }

  // each guest's mapped pages from its count, not `frameStats()`: the swap-out that follows walks the
  // VM's pages for victims, and that stays the pass's one walk over them
  private revocationInputs(ids: VmId[]): Parameters<typeof revoke>[0] {
    return ids.map((id) => {
      const vm = this.env.vm(id);
      const guest = this.env.guest(id)!;
      const r = this.vms.get(id)!;
      const mib = (vm?.memoryBytes ?? 0) / (1024 * 1024);
      return {
        shares: Math.max(1, SHARES_PER_MIB * mib), pages: guest.mappedPageCount ?? guest.frameStats().mappedPages, reservedPages: 0,
        limitPages: Infinity, activeFraction: r.activeFraction,
      };
    });
  }

  private adjustBalloons(pool: HostMemory, settings: MemReclamationSettings, inflate: boolean): void {
    const ids = [...this.vms.keys()].filter((id) => this.env.guest(id)?.balloon);
    if (ids.length === 0) return;
    const m = this.minFree;
    const free = pool.freeFrames;
    if (inflate && settings.ballooning) {
      // pages already asked for and not yet given count as on their way: a driver that cannot give
      // more (its guest has nothing left to spare) is not asked for more and more
      let outstanding = 0;
      for (const id of ids) outstanding += Math.max(0, this.vms.get(id)!.balloonTarget - this.env.guest(id)!.balloon!.size);
      const want = m - free - outstanding;
      if (want > 0) {
        const take = revoke(this.revocationInputs(ids), want, settings.idleTaxPercent / 100);
        ids.forEach((id, i) => { this.vms.get(id)!.balloonTarget += take[i]; });
      }
    } else if (free > BALLOON_DEFLATE_FREE_X_MINFREE * m || !settings.ballooning) {
      let give = settings.ballooning ? free - BALLOON_DEFLATE_FREE_X_MINFREE * m : Infinity;
      for (const id of ids) {
        const r = this.vms.get(id)!;
        const n = Math.min(r.balloonTarget, give);
        r.balloonTarget -= n;
        give -= n;
      }
    }
    for (const id of ids) {
      const r = this.vms.get(id)!;
      const g = this.env.guest(id)!;
      r.balloonTarget = Math.min(r.balloonTarget, g.pageCount);
      g.balloon!.target = r.balloonTarget;
    }
  }

  /** Free frames at which compression and swapping stop (halfway up the soft band). */
  private swapStopFrames(): number {
    return Math.ceil(this.minFree * SWAP_STOP_FRACTION);
  }

  /** Hard and low (and on until the stop level): compress or swap random private pages. */
  private swapOut(pool: HostMemory, settings: MemReclamationSettings, elapsedMs: number): void {
    const want = this.swapStopFrames() - pool.freeFrames;
    const budget = Math.max(1, Math.floor((SWAP_OUT_PAGES_PER_SEC * Math.max(elapsedMs, 1)) / 1000));
    const n = Math.min(want, budget);
    if (n <= 0) return;
    const ids = [...this.vms.keys()].filter((id) => this.env.guest(id));
    if (ids.length === 0) return;
    const take = revoke(this.revocationInputs(ids), n, settings.idleTaxPercent / 100);
    ids.forEach((id, i) => {
      const r = this.vms.get(id)!;
      r.swapTarget = r.countKind(AWAY_SWAP) + take[i];
      if (take[i] > 0) this.reclaimPages(r, this.env.guest(id)!, take[i], settings);
    });
  }

  private reclaimPages(r: VmReclaim, guest: GuestMachine, count: number, settings: MemReclamationSettings): void {
    const candidates: number[] = [];
    // a pinned page (the pv monitor's shared area) is never a victim: the monitor cannot wait for it
    guest.scanPages((g, hfn, refs) => { if (hfn >= 0 && refs === 1 && !guest.isPinned?.(g)) candidates.push(g); });
    const zipCap = settings.compression ? 2 * Math.floor((settings.compressionCachePercent / 100) * guest.pageCount) : 0;
    for (let k = 0; k < count && candidates.length > 0; k++) {
      const i = this.rng.int(candidates.length);
      const g = candidates[i];
      candidates[i] = candidates[candidates.length - 1];
      candidates.pop();
      const bytes = guest.readPage(g);
      if (!bytes) continue;
      if (zipCap > 0) {
        const len = lz4Compress(bytes, this.zipBuf, COMPRESSED_PAGE_MAX_BYTES);
        if (len >= 0) {
          if (r.zipCount >= zipCap) this.evictOldestZip(r);
          guest.markNotPresent(g);
          r.away.set(g, { kind: AWAY_ZIP, bytes: this.zipBuf.slice(0, len), tag: ++r.zipSeq });
          r.zipFifo.push([g, r.zipSeq]);
          r.zipCount++;
          r.c.zipped++;
          r.c.zipBytesIn += PAGE;
          this.syncHeld(r);
          continue;
        }
        r.c.zipRejected++;
      }
      guest.markNotPresent(g);
      r.away.set(g, { kind: AWAY_SWAP, bytes, tag: 0 });
      r.c.swapOut++;
    }
  }

  /** The cache is full: its oldest page goes to the swap file (decompressed: the file holds raw pages). */
  private evictOldestZip(r: VmReclaim, sync = true): boolean {
    while (r.zipFifo.length) {
      const [g, seq] = r.zipFifo.shift()!;
      const p = r.away.get(g);
      if (!p || p.kind !== AWAY_ZIP || p.tag !== seq) continue;
      const raw = new Uint8Array(PAGE);
      lz4Decompress(p.bytes, raw);
      r.away.set(g, { kind: AWAY_SWAP, bytes: raw, tag: 0 });
      r.zipCount--;
      r.c.zipEvicted++;
      r.c.swapOut++;
      if (sync) this.syncHeld(r);
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------------ activity sampling
  private sampleActivity(nowMs: number, settings: MemReclamationSettings): void {
    let next = Infinity;
    for (const r of this.vms.values()) {
      if (nowMs < r.sampleEndMs) { next = Math.min(next, r.sampleEndMs); continue; }
      const guest = this.env.guest(r.vmId);
      if (!guest) { next = Math.min(next, nowMs); continue; } // looked at again next barrier
      // end of the period: untouched sampled pages come back, the touched fraction is the estimate
      let sampled = 0;
      for (const [g, p] of [...r.away]) {
        if (p.kind !== AWAY_SAMPLE) continue;
        sampled++;
        r.away.delete(g);
        if (p.tag === 1) {
          r.sampledHeld--;
          this.syncHeld(r);
        }
        if (!guest.supplyPage(g, p.bytes)) { r.away.set(g, { kind: AWAY_SWAP, bytes: p.bytes, tag: 0 }); r.c.swapOut++; }
      }
      const touched = r.c.sampleTouches - (r.last['sampleTouchesAtStart'] ?? 0);
      const total = sampled + touched;
      if (r.sampleEndMs > 0 && total > 0) {
        const f = touched / total;
        r.activeFast = f;
        r.activeSlow = r.activeKnown ? 0.75 * r.activeSlow + 0.25 * f : f;
        r.activeKnown = true;
      }
      r.last['sampleTouchesAtStart'] = r.c.sampleTouches;
      r.sampleEndMs = nowMs + settings.samplePeriodSec * 1000;
      const pool = this.env.pool();
      for (let k = 0; k < MEM_SAMPLE_PAGES; k++) {
        const g = this.rng.int(guest.pageCount);
        const st = guest.pageState(g);
        if (st === 'notPresent' || r.away.has(g) || guest.isPinned?.(g)) continue;
        const hadFrame = st === 'present';
        // an untouched page reads as zeros: keep the one zero page rather than a fresh copy per sample
        const bytes = (hadFrame ? guest.readPage(g) : undefined) ?? ZERO_PAGE;
        if (hadFrame && pool && !pool.setHeldFrames(this.heldOwner(r.vmId), r.heldFrames() + 1)) continue;
        guest.markNotPresent(g);
        r.away.set(g, { kind: AWAY_SAMPLE, bytes, tag: hadFrame ? 1 : 0 });
        if (hadFrame) {
          r.sampledHeld++;
          this.syncHeld(r); // an untouched page holds no frame: the books do not change
        }
      }
      next = Math.min(next, r.sampleEndMs);
    }
    this.nextSampleMs = next;
  }

  /** The raw bytes of a page the host took from `vmId` (decompressed from the cache), or undefined. */
  awayBytes(vmId: VmId, gpfn: number): Uint8Array | undefined {
    const p = this.vms.get(vmId)?.away.get(gpfn);
    if (!p) return undefined;
    if (p.kind !== AWAY_ZIP) return p.bytes;
    const raw = new Uint8Array(PAGE);
    lz4Decompress(p.bytes, raw);
    return raw;
  }

  // ------------------------------------------------------------------ captures (snapshot, suspend)
  /** The bytes of every page out of `vmId`'s memory: a saved machine marks them not present. */
  capture(vmId: VmId): CapturedPages | undefined {
    const r = this.vms.get(vmId);
    if (!r || r.away.size === 0) return undefined;
    return { pages: [...r.away].map(([g, p]) => [g, p.kind, p.bytes]) };
  }

  /** A guest built from a capture: its not-present pages are the captured ones, held here again. */
  adopt(vmId: VmId, guest: GuestMachine, seed: number, pages: CapturedPages | undefined): void {
    const r = new VmReclaim(vmId);
    for (const [g, kind, bytes] of pages?.pages ?? []) {
      if (guest.pageState(g) !== 'notPresent') continue;
      if (kind === AWAY_ZIP) {
        r.away.set(g, { kind, bytes, tag: ++r.zipSeq });
        r.zipFifo.push([g, r.zipSeq]);
        r.zipCount++;
      } else r.away.set(g, { kind: kind === AWAY_SAMPLE ? AWAY_SWAP : (kind as typeof AWAY_SWAP), bytes, tag: 0 });
    }
    this.attach(vmId, guest, seed, r);
  }

  save(): HostReclaimerState {
    return {
      state: this.state, swapping: this.swapping, lastMs: this.lastMs, nextBalloonMs: this.nextBalloonMs, rng: this.rng.save(),
      vms: [...this.vms.values()].map((r) => r.save()), sharing: this.sharing.save(),
    };
  }

  /** Restores after the guests were rebuilt (`attachRestored` ran for each). */
  restore(s: HostReclaimerState, guests: Map<VmId, GuestMachine>, seedOf: (vmId: VmId) => number): void {
    this.state = s.state;
    this.swapping = s.swapping ?? false;
    this.lastMs = s.lastMs;
    this.nextBalloonMs = s.nextBalloonMs;
    this.rng = Rng.restore(s.rng);
    this.nextSampleMs = -Infinity;
    this.maybeWaiting = true;
    for (const vs of s.vms) {
      const guest = guests.get(vs.vmId);
      if (!guest) continue;
      this.attach(vs.vmId, guest, seedOf(vs.vmId), VmReclaim.restore(vs));
    }
    this.sharing.restore(s.sharing);
  }
}
