/**
 * Timer: periodic ticks in virtual time, level-triggered IRQ0 with ACK, backlog when a tick is
 * pending or the vCPU was descheduled, catch-up at a bounded faster rate, give-up with a count of
 * dropped ticks, one-shot mode, the minimum period; tickless idle (SKIP): absorbed ticks advance
 * the guest clock without interrupting, and ticks past the window keep the backlog rules.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_DEVICE_TIMING, makeDeviceTiming, restoreTimer, saveTimer, TIMER_ACK, TIMER_BACKLOG, TIMER_CTRL, TIMER_DROPPED, TIMER_MISSED, TIMER_PERIOD,
  TIMER_SKIP, TIMER_TICKS, TimerDevice,
} from '../../../src-main/engine/devices/index';
import { at, FakeLine } from './fakes';

const MS = 1_000_000;

function periodic(periodUs = 1000, timing = DEFAULT_DEVICE_TIMING): { t: TimerDevice; irq: FakeLine } {
  const irq = new FakeLine();
  const t = new TimerDevice(irq, timing);
  t.write(TIMER_PERIOD, periodUs, at(0));
  t.write(TIMER_CTRL, 3, at(0));
  return { t, irq };
}

test('periodic ticks come due on the grid and wait for TIMER_ACK', () => {
  const { t, irq } = periodic();
  t.update(MS - 1);
  assert.equal(irq.level, false);
  assert.equal(t.nextEventNs(), MS);
  t.update(MS);
  assert.equal(irq.level, true);
  assert.equal(t.read(TIMER_TICKS, at(MS)), 1);
  assert.equal(t.nextEventNs(), Infinity, 'nothing more until the ack');
  t.write(TIMER_ACK, 0, at(MS + 100));
  assert.equal(irq.level, false);
  assert.equal(t.nextEventNs(), 2 * MS);
  t.update(2 * MS);
  assert.equal(t.read(TIMER_TICKS, at(2 * MS)), 2);
  assert.equal(t.read(TIMER_MISSED, at(2 * MS)), 0);
  assert.equal(t.metrics.backlogged, 0);
  assert.equal(t.guestClockNs, 2 * MS, 'tick-counting clock = delivered ticks × period');
});

test('ticks due while one is pending form a backlog, delivered at most catchUpFactor× faster', () => {
  const { t, irq } = periodic();
  t.update(MS); // tick 1 pending
  t.update(3.5 * MS); // ticks 2, 3 come due while 1 is pending
  assert.equal(t.read(TIMER_BACKLOG, at(3.5 * MS)), 2);
  assert.equal(t.read(TIMER_MISSED, at(3.5 * MS)), 2);
  t.write(TIMER_ACK, 0, at(3.5 * MS));
  assert.equal(irq.level, true, 'the next backlogged tick follows at once (spacing from tick 1 has passed)');
  assert.equal(t.read(TIMER_TICKS, at(3.5 * MS)), 2);
  t.write(TIMER_ACK, 0, at(3.5 * MS));
  assert.equal(irq.level, false, 'catch-up spacing: period / 4');
  assert.equal(t.nextEventNs(), 3.5 * MS + MS / DEFAULT_DEVICE_TIMING.timerCatchUpFactor);
  t.update(3.75 * MS);
  assert.equal(irq.level, true);
  assert.equal(t.read(TIMER_TICKS, at(3.75 * MS)), 3);
  assert.equal(t.metrics.catchUp, 2);
  assert.equal(t.read(TIMER_BACKLOG, at(3.75 * MS)), 0);
});

test('a descheduled vCPU sees the gap as a burst: the guest clock lags, then converges', () => {
  const { t } = periodic();
  const ackAll = (until: number): void => {
    for (let now = t.lastNs; now <= until;) {
      t.update(now);
      if (t.pending) t.write(TIMER_ACK, 0, at(now));
      const next = t.nextEventNs();
      if (next === Infinity) break;
      now = Math.max(next, now + 1);
    }
  };
  ackAll(MS);
  t.update(51 * MS); // 50 ms without running
  const lag = 51 * MS - t.guestClockNs;
  assert.ok(lag >= 49 * MS, `lag right after the gap: ${lag}`);
  assert.ok(t.metrics.backlogged >= 49);
  ackAll(80 * MS);
  assert.ok(80 * MS - t.guestClockNs <= MS, `converged: lag ${80 * MS - t.guestClockNs}`);
  assert.equal(t.metrics.dropped, 0);
  assert.ok(t.metrics.catchUp >= 49);
});

test('a backlog longer than the give-up limit is dropped except one tick, and counted', () => {
  const { t, irq } = periodic(1000, makeDeviceTiming({ timerGiveUpNs: 20 * MS }));
  t.update(MS);
  t.write(TIMER_ACK, 0, at(MS));
  t.update(201 * MS);
  assert.equal(t.read(TIMER_BACKLOG, at(201 * MS)), 0, 'one tick left, delivered now');
  assert.equal(irq.level, true);
  assert.equal(t.metrics.dropped, 199);
  assert.equal(t.read(TIMER_DROPPED, at(201 * MS)), 199);
  assert.equal(t.read(TIMER_TICKS, at(201 * MS)), 2);
});

test('one-shot mode delivers exactly one tick; disabling lowers the line; minimum period', () => {
  const irq = new FakeLine();
  const t = new TimerDevice(irq, DEFAULT_DEVICE_TIMING);
  t.write(TIMER_PERIOD, 1, at(0));
  assert.equal(t.read(TIMER_PERIOD, at(0)), DEFAULT_DEVICE_TIMING.timerMinPeriodUs);
  t.write(TIMER_PERIOD, 500, at(0));
  t.write(TIMER_CTRL, 1, at(0));
  t.update(10 * MS);
  assert.equal(t.read(TIMER_TICKS, at(10 * MS)), 1);
  t.write(TIMER_ACK, 0, at(10 * MS));
  t.update(20 * MS);
  assert.equal(t.read(TIMER_TICKS, at(20 * MS)), 1);
  assert.equal(t.nextEventNs(), Infinity);
  const p = periodic();
  p.t.update(MS);
  assert.equal(p.irq.level, true);
  p.t.write(TIMER_CTRL, 0, at(MS));
  assert.equal(p.irq.level, false);
  assert.equal(p.t.nextEventNs(), Infinity);
});

test('timer state saves and restores exactly (plain data)', () => {
  const { t } = periodic();
  t.update(MS);
  t.update(4.2 * MS);
  const s = structuredClone(saveTimer(t));
  const irq2 = new FakeLine();
  const r = restoreTimer(irq2, DEFAULT_DEVICE_TIMING, s);
  assert.equal(irq2.level, true, 'pending tick → line level restored');
  for (const d of [t, r]) { d.write(TIMER_ACK, 0, at(4.2 * MS)); d.update(9 * MS); }
  assert.deepEqual(saveTimer(r), saveTimer(t));
});

test('tickless idle: SKIP absorbs the next n ticks (clock advances, no interrupt); the (n+1)-th interrupts; reading disarms', () => {
  const { t, irq } = periodic();
  t.update(MS);
  t.write(TIMER_ACK, 0, at(MS));
  t.write(TIMER_SKIP, 9, at(MS + 10));
  assert.equal(t.nextEventNs(), 11 * MS, 'the next event is the tick after the window, not the next tick');
  assert.equal(t.clockAtNs(7.5 * MS), 7 * MS, 'the clock counts the ticks the window absorbs by then');
  assert.equal(t.guestClockNs, MS, 'reading the clock at a time changed nothing');
  t.update(10.5 * MS);
  assert.equal(irq.level, false, 'absorbed ticks do not interrupt');
  assert.equal(t.guestClockNs, 10 * MS);
  t.update(11 * MS);
  assert.equal(irq.level, true, 'the deadline tick interrupts');
  assert.equal(t.read(TIMER_SKIP, at(11 * MS)), 9, 'the guest reads the ticks it slept through');
  assert.equal(t.read(TIMER_SKIP, at(11 * MS)), 0, 'and the read disarmed the window');
  t.write(TIMER_ACK, 0, at(11 * MS));
  assert.equal(t.nextEventNs(), 12 * MS, 'periodic again');
  assert.deepEqual({ delivered: t.metrics.delivered, skipped: t.metrics.skipped, backlogged: t.metrics.backlogged }, { delivered: 2, skipped: 9, backlogged: 0 });
  assert.equal(t.read(TIMER_MISSED, at(11 * MS)), 0);
});

test('tickless idle: woken early by another interrupt, the guest reads fewer ticks; a gap past the window is backlogged and caught up as before', () => {
  const { t, irq } = periodic();
  t.update(MS);
  t.write(TIMER_ACK, 0, at(MS));
  t.write(TIMER_SKIP, 99, at(MS));
  assert.equal(t.read(TIMER_SKIP, at(4.2 * MS)), 3, 'another interrupt at 4.2 ms: 3 ticks absorbed so far');
  assert.equal(t.nextEventNs(), 5 * MS);
  // descheduled through the end of a window: what lies past it is an ordinary backlog
  t.write(TIMER_ACK, 0, at(5 * MS));
  t.update(5 * MS);
  t.write(TIMER_ACK, 0, at(5 * MS));
  t.write(TIMER_SKIP, 4, at(5 * MS));
  t.update(30 * MS);
  assert.equal(t.metrics.skipped, 3 + 4);
  assert.equal(irq.level, true);
  assert.equal(t.read(TIMER_BACKLOG, at(30 * MS)), 20, '25 ticks came due: 4 absorbed, 1 delivered, 20 backlogged');
  assert.equal(t.metrics.backlogged, 20);
  const before = t.metrics.catchUp;
  for (let now = 30 * MS; now <= 40 * MS; now += MS / 4) { t.update(now); if (t.pending) t.write(TIMER_ACK, 0, at(now)); }
  assert.ok(t.metrics.catchUp - before >= 19, 'the backlog is delivered at the catch-up rate');
  const s = structuredClone(saveTimer(t));
  assert.deepEqual(saveTimer(restoreTimer(new FakeLine(), DEFAULT_DEVICE_TIMING, s)), saveTimer(t));
  const old = { ...s } as Partial<typeof s>;
  delete old.skipLeft;
  delete old.skipped;
  delete old.metrics!.skipped;
  const r = restoreTimer(new FakeLine(), DEFAULT_DEVICE_TIMING, old as typeof s);
  assert.deepEqual([r.skipLeft, r.skipped, r.metrics.skipped], [0, 0, 0], 'a save from before tickless idle restores disarmed');
});
