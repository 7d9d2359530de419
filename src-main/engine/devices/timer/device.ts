/**
 * timer/device — the programmable interval timer (docs/isa.md §9.1): periodic or one-shot IRQ0,
 * driven by VIRTUAL time. One instance per vCPU (each vCPU's ports 0x10–0x17 reach its own timer).
 *
 * Interface: `new TimerDevice(irq, timing)`; IoDevice `read/write`; TimedDevice `update(nowNs)`,
 * `nextEventNs()`; `guestClockNs` (the tick-counting guest clock: periods of delivered ticks);
 * `metrics` (cumulative: delivered, backlogged, dropped, catchUp, acks).
 * Model (VMware, "Timekeeping in VMware Virtual Machines", ESX 3.5 to vSphere 5 editions):
 *  - ticks come due on a grid `startNs + k·period` (start = enable or period change);
 *  - a due tick is delivered by raising IRQ0; the next one waits for TIMER_ACK (level-triggered);
 *  - ticks that come due while one is pending, or while the vCPU is descheduled (the machine
 *    passes the host's virtual time, so a gap shows up as many due ticks at once), go into a
 *    BACKLOG and are delivered later in a burst, at most `timerCatchUpFactor`× the programmed rate;
 *  - a backlog longer than `timerGiveUpNs` is dropped except one tick (give-up) and counted;
 *  - tickless idle (Linux's NO_HZ idle): the guest arms SKIP with n before it idles; the next n
 *    ticks that come due (periodic mode) are *absorbed* — no interrupt, no backlog, but the guest
 *    clock advances by their periods — so a halted vCPU sleeps until the (n+1)-th tick or another
 *    interrupt. Reading SKIP returns the ticks absorbed since it was armed and disarms it (one
 *    access, so no tick can fall between reading and disarming); the guest adds them to its clock.
 *    Ticks that could not be delivered when due still go to the backlog (catch-up, give-up).
 * Guest-visible registers: CTRL (bit0 enable, bit1 periodic), PERIOD (µs), ACK, TICKS (delivered
 * since enable), MISSED (backlogged since enable), DROPPED (since enable), BACKLOG (now), SKIP.
 * Rules: deterministic; `update` with an earlier time does nothing; counts are exact integers;
 * `clockAtNs(now)` reads the guest clock at a time without changing the device (observation).
 */
import type { DeviceTiming } from '../deviceTiming';
import { FLOATING_BUS, type IoContext, type IoDevice, type IrqLine, type TimedDevice } from '../deviceModel';
import {
  TIMER_ACK, TIMER_BACKLOG, TIMER_CTRL, TIMER_CTRL_ENABLE, TIMER_CTRL_PERIODIC, TIMER_DROPPED, TIMER_MISSED, TIMER_PERIOD, TIMER_SKIP, TIMER_TICKS,
} from '../portMap';

export interface TimerMetrics {
  /** Ticks delivered (IRQ0 raised) since power-on. */
  delivered: number;
  /** Ticks that could not be delivered when due (pending tick or descheduled vCPU). */
  backlogged: number;
  /** Ticks discarded by the give-up rule. */
  dropped: number;
  /** Ticks delivered from a backlog (catch-up). */
  catchUp: number;
  acks: number;
  /** Ticks absorbed by tickless idle (SKIP): due, counted in the guest clock, never interrupting. */
  skipped?: number;
}

export class TimerDevice implements IoDevice, TimedDevice {
  readonly name = 'timer';
  ctrl = 0;
  periodUs = 0;
  /** Grid origin (ns) and the number of grid ticks accounted since it. */
  startNs = 0;
  gridTicks = 0;
  /** Due ticks not yet delivered. */
  backlog = 0;
  /** A delivered tick is waiting for TIMER_ACK (IRQ0 raised). */
  pending = false;
  /** Earliest time the next backlogged tick may be delivered (catch-up spacing). */
  nextAllowedNs = 0;
  /** Latest time seen by update (time never goes back for a device). */
  lastNs = 0;
  /** Guest-visible counts since enable. */
  ticks = 0;
  missed = 0;
  droppedSinceEnable = 0;
  /** Tick-counting guest clock: sum of the periods of delivered ticks (ns). */
  guestClockNs = 0;
  /** Tickless idle: due ticks still to absorb (0 = every tick interrupts), and absorbed since armed. */
  skipLeft = 0;
  skipped = 0;
  /** True once the guest enabled the timer (a tickless guest never does). */
  everEnabled = false;
  metrics: TimerMetrics = { delivered: 0, backlogged: 0, dropped: 0, catchUp: 0, acks: 0, skipped: 0 };

  constructor(readonly irq: IrqLine, readonly timing: DeviceTiming) {}

  private get periodNs(): number {
    return this.periodUs * 1000;
  }

  private get enabled(): boolean {
    return (this.ctrl & TIMER_CTRL_ENABLE) !== 0 && this.periodUs > 0;
  }

  private restartGrid(nowNs: number): void {
    this.startNs = nowNs;
    this.gridTicks = 0;
    this.backlog = 0;
    this.nextAllowedNs = nowNs;
    this.skipLeft = 0;
  }

  /** Ticks absorbed (not delivered) of `fresh` newly due ones: the first ones, while SKIP is armed. */
  private absorbable(fresh: number): number {
    return this.ctrl & TIMER_CTRL_PERIODIC ? Math.min(fresh, this.skipLeft) : 0;
  }

  update(nowNs: number): void {
    if (nowNs < this.lastNs) nowNs = this.lastNs;
    this.lastNs = nowNs;
    if (!this.enabled) return;
    const p = this.periodNs;
    let due = Math.floor((nowNs - this.startNs) / p);
    if (!(this.ctrl & TIMER_CTRL_PERIODIC)) due = Math.min(due, 1);
    let fresh = due - this.gridTicks;
    const absorbed = this.absorbable(fresh);
    if (absorbed > 0) {
      this.skipLeft -= absorbed;
      this.skipped += absorbed;
      this.metrics.skipped = (this.metrics.skipped ?? 0) + absorbed;
      this.guestClockNs += absorbed * p;
      this.gridTicks += absorbed;
      fresh -= absorbed;
    }
    if (fresh > 0) {
      this.gridTicks = due;
      const onTime = !this.pending && this.backlog === 0 ? 1 : 0;
      this.backlog += fresh;
      this.missed += fresh - onTime;
      this.metrics.backlogged += fresh - onTime;
      const limit = Math.max(1, Math.floor(this.timing.timerGiveUpNs / p));
      if (this.backlog > limit) {
        const drop = this.backlog - 1;
        this.backlog = 1;
        this.droppedSinceEnable += drop;
        this.metrics.dropped += drop;
      }
    }
    if (!this.pending && this.backlog > 0 && nowNs >= this.nextAllowedNs) this.deliver(nowNs, fresh <= 0 || this.backlog > 1);
  }

  private deliver(nowNs: number, late: boolean): void {
    this.pending = true;
    this.backlog--;
    this.ticks++;
    this.metrics.delivered++;
    if (late) this.metrics.catchUp++;
    this.guestClockNs += this.periodNs;
    this.nextAllowedNs = nowNs + this.periodNs / Math.max(1, this.timing.timerCatchUpFactor);
    this.irq.raise();
  }

  nextEventNs(): number {
    if (!this.enabled || this.pending) return Infinity;
    if (this.backlog > 0) return Math.max(this.nextAllowedNs, this.lastNs);
    if (!(this.ctrl & TIMER_CTRL_PERIODIC)) return this.gridTicks >= 1 ? Infinity : Math.max(this.startNs + this.periodNs, this.nextAllowedNs);
    // absorbed ticks are not events: the next one is the first tick past the SKIP window
    return Math.max(this.startNs + (this.gridTicks + this.skipLeft + 1) * this.periodNs, this.nextAllowedNs);
  }

  /** The guest clock at `nowNs` (≥ the last update), counting the ticks SKIP will absorb by then; no side effects. */
  clockAtNs(nowNs: number): number {
    if (!this.enabled || nowNs <= this.lastNs) return this.guestClockNs;
    const fresh = Math.floor((nowNs - this.startNs) / this.periodNs) - this.gridTicks;
    return this.guestClockNs + (fresh > 0 ? this.absorbable(fresh) * this.periodNs : 0);
  }

  read(offset: number, ctx: IoContext): number {
    this.update(ctx.nowNs);
    switch (offset) {
      case TIMER_CTRL: return this.ctrl;
      case TIMER_PERIOD: return this.periodUs;
      case TIMER_TICKS: return this.ticks;
      case TIMER_MISSED: return this.missed;
      case TIMER_DROPPED: return this.droppedSinceEnable;
      case TIMER_BACKLOG: return this.backlog;
      case TIMER_SKIP: {
        const n = this.skipped;
        this.skipLeft = 0;
        this.skipped = 0;
        return n;
      }
      default: return FLOATING_BUS;
    }
  }

  write(offset: number, value: number, ctx: IoContext): void {
    const now = Math.max(ctx.nowNs, this.lastNs);
    this.update(now);
    switch (offset) {
      case TIMER_CTRL: {
        const was = this.enabled;
        this.ctrl = value & (TIMER_CTRL_ENABLE | TIMER_CTRL_PERIODIC);
        if (this.enabled && !was) {
          this.everEnabled = true;
          this.ticks = 0;
          this.missed = 0;
          this.droppedSinceEnable = 0;
          this.restartGrid(now);
        }
        if (!(this.ctrl & TIMER_CTRL_ENABLE)) {
          this.backlog = 0;
          this.pending = false;
          this.irq.lower();
        }
        return;
      }
      case TIMER_PERIOD: {
        const v = value >>> 0;
        this.periodUs = v === 0 ? 0 : Math.max(this.timing.timerMinPeriodUs, v);
        if (this.enabled) {
          this.everEnabled = true;
          this.restartGrid(now);
        }
        return;
      }
      case TIMER_SKIP:
        this.skipLeft = Math.max(0, value | 0);
        this.skipped = 0;
        return;
      case TIMER_ACK:
        this.metrics.acks++;
        this.pending = false;
        this.irq.lower();
        this.update(now);
        return;
      default:
        return;
    }
  }
}
