/** RTC: wall clock from a virtual epoch, uptime with a latched high word, one-shot alarm on IRQ3. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { restoreRtc, RTC_ACK, RTC_ALARM, RTC_MICROS, RTC_SECONDS, RTC_UPTIME_HI, RTC_UPTIME_LO, RtcDevice, saveRtc } from '../../../src-main/engine/devices/index';
import { at, FakeLine } from './fakes';

test('seconds, micros and uptime follow virtual time from boot', () => {
  const r = new RtcDevice(new FakeLine(), 5_000, 1_700_000_000);
  const t = 5_000 + 2_500_123_456;
  assert.equal(r.read(RTC_SECONDS, at(t)), 1_700_000_002);
  assert.equal(r.read(RTC_MICROS, at(t)), 500_123);
  assert.equal(r.read(RTC_UPTIME_LO, at(t)), 2_500_123);
  assert.equal(r.read(RTC_UPTIME_HI, at(t)), 0);
  const big = 5_000 + 5_000_000_000_000_000; // ~58 days: uptime in µs exceeds 32 bits
  const lo = r.read(RTC_UPTIME_LO, at(big)) >>> 0;
  const hi = r.read(RTC_UPTIME_HI, at(big + 1e9)) >>> 0;
  assert.equal(hi * 2 ** 32 + lo, 5_000_000_000_000, 'HI is the value latched by the LO read');
});

test('the alarm fires once at its time, raises IRQ3 until ACK, and reads back the time left', () => {
  const irq = new FakeLine();
  const r = new RtcDevice(irq, 0, 0);
  r.write(RTC_ALARM, 250, at(1000));
  assert.equal(r.nextEventNs(), 251_000);
  assert.equal(r.read(RTC_ALARM, at(101_000)), 150);
  const s = structuredClone(saveRtc(r));
  r.update(250_999);
  assert.equal(irq.level, false);
  r.update(251_000);
  assert.equal(irq.level, true);
  assert.equal(r.read(RTC_ALARM, at(251_000)), 0);
  assert.equal(r.nextEventNs(), Infinity);
  r.write(RTC_ACK, 0, at(252_000));
  assert.equal(irq.level, false);
  const r2 = restoreRtc(new FakeLine(), s);
  assert.equal(r2.nextEventNs(), 251_000, 'a pending alarm survives save/restore');
  r.write(RTC_ALARM, 0, at(300_000));
  assert.equal(r.nextEventNs(), Infinity, 'writing 0 turns the alarm off');
});
