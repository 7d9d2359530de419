/**
 * timer/metrics — the timer's counters for `GuestMachine.counters()` and reports.
 *
 * Interface: `timerMetrics(timers)` → flat record summed over the vCPUs' timers:
 * `timer.ticksDelivered`, `timer.ticksBacklogged`, `timer.ticksDropped`, `timer.catchUpTicks`,
 * `timer.acks`, `timer.ticksSkipped` (absorbed by tickless idle), plus `droppedTicks` (the name the engine's counter catalogue reads).
 * Rules: cumulative since power-on; never reset by the guest.
 */
import type { TimerDevice } from './device';

export function timerMetrics(timers: readonly TimerDevice[]): Record<string, number> {
  let delivered = 0, backlogged = 0, dropped = 0, catchUp = 0, acks = 0, skipped = 0;
  for (const t of timers) {
    delivered += t.metrics.delivered;
    backlogged += t.metrics.backlogged;
    dropped += t.metrics.dropped;
    catchUp += t.metrics.catchUp;
    acks += t.metrics.acks;
    skipped += t.metrics.skipped ?? 0;
  }
  return {
    'timer.ticksDelivered': delivered, 'timer.ticksBacklogged': backlogged, 'timer.ticksDropped': dropped,
    'timer.catchUpTicks': catchUp, 'timer.acks': acks, 'timer.ticksSkipped': skipped, droppedTicks: dropped,
  };
}
