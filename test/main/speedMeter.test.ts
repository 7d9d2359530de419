// The achieved-speed measurement behind the header's "asked 10×, running 2.1×": virtual time advanced
// per wall time over the last seconds, from given clock readings (no timing in the test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_SPAN_MS, SpeedMeter, WINDOW_MS } from '../../src-main/node/speedMeter';

test('reports virtual ms per wall ms over the window, nothing before MIN_SPAN_MS', () => {
  const m = new SpeedMeter();
  assert.equal(m.speed(), undefined);
  m.sample(0, 0);
  m.sample(MIN_SPAN_MS - 50, 1000);
  assert.equal(m.speed(), undefined, 'too short a span to say');
  // Asked 10×, the lab manages 2.1 virtual ms per wall ms.
  for (let wall = 0, virt = 0; wall <= 4000; wall += 50, virt += 105) m.sample(10_000 + wall, 50_000 + virt);
  assert.ok(Math.abs(m.speed()! - 2.1) < 1e-9, String(m.speed()));
});

test('forgets samples older than the window, and starts over when the clock goes back or on reset', () => {
  const m = new SpeedMeter();
  for (let wall = 0; wall <= 2000; wall += 100) m.sample(wall, wall * 100); // 100× for 2 s
  for (let wall = 2100; wall <= 2000 + WINDOW_MS + 500; wall += 100) m.sample(wall, 200_000 + (wall - 2000) * 1); // then 1×
  assert.ok(Math.abs(m.speed()! - 1) < 0.05, `the window holds only the recent 1×: ${m.speed()}`);
  m.sample(6000, 10); // another lab loaded
  assert.equal(m.speed(), undefined);
  m.sample(7000, 1010);
  assert.equal(m.speed(), 1);
  m.reset();
  assert.equal(m.speed(), undefined);
});
