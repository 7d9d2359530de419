// The link's rate limit in 100 ms slices, the stop rules and auto-converge's trigger, as QEMU and Xen
// define them (facts: QEMU pre-copy loop, defaults; Xen v2 and classic libxc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MigrationLink, PageBitmap } from '../../../src-main/engine/migration/index';
import { qemuShouldSync, qemuSwitch, xenClassicStop, xenV2Stop } from '../../../src-main/engine/migration/stopRules';
import { AutoConverge } from '../../../src-main/engine/migration/autoConverge';

const cfg = { rateLimitBytesPerS: 100e6, lineBytesPerS: 1e9, switchoverBytesPerS: 0, latencyNs: 1e6, loss: 0, cutAtNs: -1 };

test('link: a 100 ms slice carries at most rate/10 bytes, the rest waits for the next slice', () => {
  const l = new MigrationLink(cfg, 0);
  for (let i = 0; i < 2500; i++) l.send(4104, 'live'); // ~10.26 MB
  // 10 MB per slice at 1 GB/s on the wire: 10 ms of sending, then a wait; the 2nd slice holds the rest.
  assert.ok(l.cursorNs > 100e6 && l.cursorNs < 101e6, String(l.cursorNs));
  assert.equal(l.payloadBytes, 2500 * 4104);
  const s = new MigrationLink(cfg, 0);
  s.send(50e6, 'switchover'); // unthrottled: the line rate
  assert.equal(s.cursorNs, 50e6);
  const capped = new MigrationLink({ ...cfg, switchoverBytesPerS: 10e6 }, 0);
  capped.send(10e6, 'switchover');
  assert.equal(capped.cursorNs, 1e9);
  const lossy = new MigrationLink({ ...cfg, loss: 0.2 }, 0);
  lossy.send(8e6, 'switchover');
  assert.equal(lossy.wireBytes, 10e6);
  assert.equal(lossy.payloadBytes, 8e6);
  assert.equal(l.arrival(5), 5 + 1e6);
});

test('link: urgent post-copy pages go at once on their own channel', () => {
  const l = new MigrationLink(cfg, 0);
  for (let i = 0; i < 2500; i++) l.send(4104, 'live');
  const leave = l.sendUrgent(4104, 5e6);
  assert.ok(leave < 5.01e6, String(leave));
});

test('bitmap: full / next wraps and counts rounds / seek', () => {
  const b = PageBitmap.full(70);
  assert.equal(b.count, 70);
  let n = 0;
  for (let g = b.next(); g >= 0; g = b.next()) { b.clear(g); n++; }
  assert.equal(n, 70);
  b.set(3); b.set(69);
  b.seek(10);
  assert.equal(b.next(), 69);
  b.clear(69);
  assert.equal(b.next(), 3);
  assert.ok(b.wraps >= 1);
});

test('bitmap: over words received as plain data, its count and pages are the set bits', () => {
  const sent = PageBitmap.empty(70);
  for (const g of [0, 31, 32, 69]) sent.set(g);
  const got = PageBitmap.ofWords(sent.state.words.slice());
  assert.equal(got.count, 4);
  assert.equal(got.pages, 96);
  const seen: number[] = [];
  got.forEach((g) => seen.push(g));
  assert.deepEqual(seen, [0, 31, 32, 69]);
  assert.ok(got.has(69) && !got.has(68));
});

test('stop rules: QEMU predicted downtime, Xen v2 (<50 pages or 5 iterations), classic Xen (30, <50, 3× RAM)', () => {
  assert.ok(qemuShouldSync(30e6, 31.4e6) && !qemuShouldSync(40e6, 31.4e6));
  assert.ok(qemuSwitch(0, 0) && qemuSwitch(10e6, 31e6) && !qemuSwitch(31e6, 31e6));
  assert.ok(!xenV2Stop(0, -1) && !xenV2Stop(4, 50) && xenV2Stop(4, 49) && xenV2Stop(5, 10_000));
  assert.ok(xenClassicStop(29, 1000, 0, 1000) && xenClassicStop(3, 49, 0, 1000) && xenClassicStop(3, 1000, 3001, 1000) && !xenClassicStop(3, 1000, 3000, 1000));
});

test('auto-converge: throttles at the second high period, 20 % then +10 %, at most 99 %', () => {
  const a = new AutoConverge({ initialPct: 20, incrementPct: 10, maxPct: 99, triggerPct: 50 });
  assert.equal(a.period(40, 100), undefined); // below 50 % of the bytes sent: not high
  assert.equal(a.period(60, 100), undefined); // first high period
  assert.equal(a.period(60, 100), 20);
  const seen = [];
  for (let i = 0; i < 40; i++) { const p = a.period(100, 100); if (p !== undefined) seen.push(p); }
  assert.deepEqual(seen, [30, 40, 50, 60, 70, 80, 90, 99]);
});
