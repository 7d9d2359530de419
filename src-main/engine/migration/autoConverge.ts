/**
 * autoConverge — QEMU's auto-converge (1.6+): slow the guest down so that pre-copy can catch up.
 *
 * Rule (QEMU `migration_trigger_throttle`), evaluated at a bitmap sync at least 1 s after the last rate
 * period: when the bytes dirtied in the period exceed `throttle-trigger-threshold` % (50) of the bytes
 * sent in it, a counter goes up; at the second such period (`dirty_rate_high_cnt >= 2`) it is reset and
 * the guest is throttled down — the first time to `cpu-throttle-initial` (20 %), then by
 * `cpu-throttle-increment` (10 %) each time, at most `max-cpu-throttle` (99 %).
 * Mechanism (QEMU: every 10 ms timeslice each vCPU sleeps pct / (1 − pct) × 10 ms): the engine's host
 * scheduler gives the VM at most (1 − pct) of its vCPUs' cycles per accounting period
 * (`HostScheduler.setThrottle`): fewer cycles per quantum, held-back time counted as `cpu.maxlimited`.
 *
 * `AutoConverge` (plain state: `save()` / `restore`): `period(bytesDirtied, bytesSent)` → the new
 * throttle percentage, or undefined when it does not change.
 */
import { AUTO_CONVERGE_HIGH_PERIODS } from '../params';

export interface AutoConvergeConfig { initialPct: number; incrementPct: number; maxPct: number; triggerPct: number }
export interface AutoConvergeState { highPeriods: number; pct: number; throttleEvents: number }

export class AutoConverge {
  state: AutoConvergeState = { highPeriods: 0, pct: 0, throttleEvents: 0 };

  constructor(readonly config: AutoConvergeConfig) {}

  get pct(): number {
    return this.state.pct;
  }

  period(bytesDirtied: number, bytesSent: number): number | undefined {
    if (bytesDirtied <= bytesSent * (this.config.triggerPct / 100)) return undefined;
    this.state.highPeriods++;
    if (this.state.highPeriods < AUTO_CONVERGE_HIGH_PERIODS) return undefined;
    this.state.highPeriods = 0;
    const next = this.state.pct === 0 ? this.config.initialPct : Math.min(this.config.maxPct, this.state.pct + this.config.incrementPct);
    if (next === this.state.pct) return undefined;
    this.state.pct = next;
    this.state.throttleEvents++;
    return next;
  }
}
