/**
 * balloon/device — the memory balloon (docs/isa.md §9.9): the host programs a target in pages; the
 * guest's balloon driver gives up guest pages one by one (their frame numbers) until it holds that
 * many, and takes them back when the target falls. ESX's vmmemctl and virtio-balloon work this way.
 *
 * Interface: `new BalloonDevice(pageCount)`; IoDevice `read/write`; host side (the `GuestBalloon`
 * seam of the guest machine): `target` (set by the host, clamped to the guest's pages), `size`,
 * `driverPresent`, `takeInflated()` (pages given up since the last call, in order); `held` (the
 * pages the driver holds), `pending`, `metrics`.
 * Registers: TARGET (r: pages the host asks for), SIZE (r: pages held), INFLATE (w: a guest page
 * number the driver gives up), DEFLATE (w: a page number it takes back), CTRL (rw: bit 0 a driver
 * is present), STATUS (r: bit 0 the last INFLATE/DEFLATE was refused; w: clear).
 * Rules: no interrupt — the driver polls TARGET (vmmemctl polls its target once a second). A page
 * out of range, given twice, or taken back without having been given is refused (STATUS bit 0) and
 * changes nothing. A page taken back before the host collected it simply leaves the pending list.
 * What the host does with a page it collects (release its frame) is not the device's business:
 * the guest must not touch a page while it is in the balloon, and reads zeros when it takes it back.
 */
import { FLOATING_BUS, type IoContext, type IoDevice } from '../deviceModel';
import {
  BALLOON_CTRL, BALLOON_CTRL_DRIVER, BALLOON_DEFLATE, BALLOON_INFLATE, BALLOON_SIZE, BALLOON_STATUS, BALLOON_STATUS_ERROR, BALLOON_TARGET,
} from '../portMap';

export interface BalloonMetrics {
  inflated: number;
  deflated: number;
  refused: number;
}

/** What `takeInflated` answers when no page was given since the last call (shared: callers only read it). */
const NOTHING_INFLATED: readonly number[] = Object.freeze([]);

export class BalloonDevice implements IoDevice {
  readonly name = 'balloon';
  ctrl = 0;
  status = 0;
  private targetPages = 0;
  /** Pages the driver holds (insertion order kept, for a deterministic save). */
  readonly held = new Set<number>();
  /** Pages given up and not yet collected by the host. */
  readonly pending = new Set<number>();
  metrics: BalloonMetrics = { inflated: 0, deflated: 0, refused: 0 };

  constructor(readonly pageCount: number) {}

  get target(): number {
    return this.targetPages;
  }

  set target(pages: number) {
    const n = Math.floor(Number.isFinite(pages) ? pages : 0);
    this.targetPages = Math.max(0, Math.min(this.pageCount, n));
  }

  get size(): number {
    return this.held.size;
  }

  get driverPresent(): boolean {
    return (this.ctrl & BALLOON_CTRL_DRIVER) !== 0;
  }

  takeInflated(): readonly number[] {
    // asked at every barrier for every VM, and almost always with nothing pending: no Set iteration, no new array
    if (this.pending.size === 0) return NOTHING_INFLATED;
    const out = [...this.pending];
    this.pending.clear();
    return out;
  }

  /** The guest rebooted: its driver and the pages it held are gone (the host keeps its target). */
  reboot(): void {
    this.ctrl = 0;
    this.status = 0;
    this.held.clear();
    this.pending.clear();
  }

  read(offset: number, _ctx: IoContext): number {
    switch (offset) {
      case BALLOON_TARGET: return this.targetPages;
      case BALLOON_SIZE: return this.held.size;
      case BALLOON_CTRL: return this.ctrl;
      case BALLOON_STATUS: return this.status;
      default: return FLOATING_BUS;
    }
  }

  write(offset: number, value: number, _ctx: IoContext): void {
    const gpfn = value >>> 0;
    switch (offset) {
      case BALLOON_INFLATE:
        if (gpfn >= this.pageCount || this.held.has(gpfn)) return this.refuse();
        this.held.add(gpfn);
        this.pending.add(gpfn);
        this.metrics.inflated++;
        this.status = 0;
        return;
      case BALLOON_DEFLATE:
        if (!this.held.has(gpfn)) return this.refuse();
        this.held.delete(gpfn);
        this.pending.delete(gpfn);
        this.metrics.deflated++;
        this.status = 0;
        return;
      case BALLOON_CTRL:
        this.ctrl = value & BALLOON_CTRL_DRIVER;
        return;
      case BALLOON_STATUS:
        this.status = 0;
        return;
      default:
        return;
    }
  }

  private refuse(): void {
    this.status = BALLOON_STATUS_ERROR;
    this.metrics.refused++;
  }
}
