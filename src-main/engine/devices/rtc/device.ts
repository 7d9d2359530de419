/**
 * rtc/device — the real-time clock (docs/isa.md §9.4): wall-clock time, uptime and a one-shot
 * alarm on IRQ3, all in virtual time.
 *
 * Interface: `new RtcDevice(irq, bootNs, epochSeconds)`; IoDevice `read/write`; TimedDevice
 * `update(nowNs)` / `nextEventNs()`; `metrics`.
 * Registers: SECONDS (wall clock = epochSeconds at boot + uptime), MICROS (within the second),
 * UPTIME_LO (µs since power-on, low word; reading it latches the high word), UPTIME_HI (the
 * latched high word), ALARM (write: fire in N µs, 0 = off; read: µs left, 0 = off), ACK (lowers IRQ3).
 * Rules: the wall clock is virtual (set from the scenario at boot, never the host's clock);
 * uptime counts from `bootNs` in the VM's time base. A tickless guest reads these instead of
 * counting timer ticks, so it stays correct across descheduling (the tickless guest of VMware's
 * "Timekeeping in VMware Virtual Machines").
 */
import { FLOATING_BUS, type IoContext, type IoDevice, type IrqLine, type TimedDevice } from '../deviceModel';
import { RTC_ACK, RTC_ALARM, RTC_MICROS, RTC_SECONDS, RTC_UPTIME_HI, RTC_UPTIME_LO } from '../portMap';

export interface RtcMetrics {
  alarmsSet: number;
  alarmsFired: number;
  reads: number;
}

const TWO32 = 4294967296;

export class RtcDevice implements IoDevice, TimedDevice {
  readonly name = 'rtc';
  /** Absolute alarm time (ns), Infinity = off. */
  alarmNs = Infinity;
  pending = false;
  latchedHi = 0;
  lastNs = 0;
  metrics: RtcMetrics = { alarmsSet: 0, alarmsFired: 0, reads: 0 };

  constructor(readonly irq: IrqLine, readonly bootNs: number, readonly epochSeconds: number) {
    this.lastNs = bootNs;
  }

  update(nowNs: number): void {
    if (nowNs > this.lastNs) this.lastNs = nowNs;
    if (this.lastNs >= this.alarmNs) {
      const at = this.alarmNs;
      this.alarmNs = Infinity;
      this.pending = true;
      this.metrics.alarmsFired++;
      this.irq.raise(at);
    }
  }

  nextEventNs(): number {
    return this.alarmNs;
  }

  uptimeUs(nowNs: number): number {
    return Math.max(0, Math.floor((nowNs - this.bootNs) / 1000));
  }

  read(offset: number, ctx: IoContext): number {
    this.update(ctx.nowNs);
    const now = this.lastNs;
    this.metrics.reads++;
    switch (offset) {
      case RTC_SECONDS: return (this.epochSeconds + Math.floor(this.uptimeUs(now) / 1e6)) | 0;
      case RTC_MICROS: return this.uptimeUs(now) % 1e6;
      case RTC_UPTIME_LO: {
        const u = this.uptimeUs(now);
        this.latchedHi = Math.floor(u / TWO32);
        return (u % TWO32) | 0;
      }
      case RTC_UPTIME_HI: return this.latchedHi | 0;
      case RTC_ALARM: return Number.isFinite(this.alarmNs) ? Math.ceil((this.alarmNs - now) / 1000) | 0 : 0;
      default: return FLOATING_BUS;
    }
  }

  write(offset: number, value: number, ctx: IoContext): void {
    this.update(ctx.nowNs);
    if (offset === RTC_ALARM) {
      const us = value >>> 0;
      this.alarmNs = us === 0 ? Infinity : this.lastNs + us * 1000;
      if (us !== 0) this.metrics.alarmsSet++;
    } else if (offset === RTC_ACK) {
      this.pending = false;
      this.irq.lower();
    }
  }
}
