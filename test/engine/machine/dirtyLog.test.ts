/**
 * A running machine's dirty-page log (machine/machineDirtyLog.ts) on real guests, under every
 * monitor and paging mode: no page the guest (or a device) changed is ever missed (a full memory
 * comparison after every slice), the mechanism matches the paging mode, the rate is distinct pages
 * per virtual second, and the log survives save/restore (same pages reported afterwards as by the
 * machine that ran on) and a guest-requested reset (every page of the new memory reported).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMachine, runMachine, type Machine } from '../../../src-main/engine/machine/index';
import type { PagingOptions } from '../../../src-main/engine/mmu/index';
import { labosImage } from '../../helpers/machineHarness';
import { changedPages, snapshotPages } from '../memory/memoryDiff';

const CONFIGS: { monitor: string; paging?: PagingOptions; nested?: 'pml' | 'dirty-bits'; mechanism: string; file?: string }[] = [
  { monitor: 'interp', mechanism: 'write-protect' },
  { monitor: 'te', paging: { mode: 'shadow' }, mechanism: 'write-protect' },
  { monitor: 'bt', paging: { mode: 'shadow' }, mechanism: 'write-protect' },
  { monitor: 'hw', paging: { mode: 'shadow' }, mechanism: 'write-protect' },
  { monitor: 'hw', paging: { mode: 'nested' }, nested: 'pml', mechanism: 'pml' },
  { monitor: 'hw', paging: { mode: 'nested', dirtyMechanism: 'dirty-bits' }, nested: 'dirty-bits', mechanism: 'dirty-bits' },
  { monitor: 'pv', mechanism: 'write-protect', file: 'labos-pv.s' },
];

// memwrite over 96 pages at 2,000 pages/s, plus the kernel's own writes (stacks, tick counters).
const CMDLINE = 'memwrite wss_kib=384 rate_pps=2000 passes=0';

function boot(c: (typeof CONFIGS)[number], levels: 2 | 4 = 2): Machine {
  const m = buildMachine({
    kind: 'boot',
    config: { vcpus: 1, memoryBytes: 16 << 20, levels, monitor: c.monitor, cmdline: CMDLINE, bootNs: 0, ...(c.paging ? { paging: c.paging } : {}) },
    image: labosImage({}, c.file),
  });
  return m;
}

for (const c of CONFIGS) {
  const label = `${c.monitor}${c.paging ? ` + ${c.paging.mode}` : ''}${c.nested ? ` (${c.nested})` : ''}`;
  test(`${label}: the dirty log of a running guest misses no changed page and counts its mechanism`, () => {
    const m = boot(c, c.monitor === 'bt' ? 4 : 2);
    runMachine(m, { untilNs: 50e6 }); // boot, memwrite started
    m.startDirtyLog(m.latestNs);
    assert.equal(m.dirtyLog.mechanism, c.mechanism);
    let before = snapshotPages(m.mem);
    let t = m.latestNs;
    let compared = 0;
    let reported = 0;
    for (let slice = 0; slice < 40; slice++) {
      t += 1e6 + (slice % 7) * 0.37e6; // uneven slices
      runMachine(m, { untilNs: t });
      const d = m.readAndClearDirty(m.latestNs);
      for (const g of changedPages(before, m.mem)) {
        assert.ok(d.has(g), `slice ${slice}: page 0x${g.toString(16)} changed but was not reported`);
        compared++;
      }
      reported += d.count;
      before = snapshotPages(m.mem);
    }
    assert.ok(m.state === 'running' || m.state === 'halted', m.state);
    assert.ok(compared > 100, `compared ${compared} changed pages`);
    const flat = m.counters();
    assert.equal(flat['dirtyLog.syncs'], 40);
    assert.equal(flat['dirtyLog.pagesReported'], reported);
    if (c.mechanism === 'pml') assert.ok(flat['paging.pmlEntries'] >= reported * 0.9, 'PML logged the pages');
    if (c.paging?.mode === 'shadow') assert.ok(flat['paging.dirtyWpFaults'] > 0, 'shadow: write-protection faults');
  });
}

test('the dirty rate is distinct pages per virtual second: memwrite at 2,000 pages/s over 96 pages saturates at the working set', () => {
  const m = boot(CONFIGS[0]);
  runMachine(m, { untilNs: 50e6 });
  m.startDirtyLog(m.latestNs);
  // 10 ms periods: ~20 memwrite pages each (+ a few kernel pages) — below the working set
  const rates: number[] = [];
  for (let k = 0; k < 20; k++) {
    runMachine(m, { untilNs: m.latestNs + 10e6 });
    rates.push(m.readAndClearDirty(m.latestNs).ratePagesPerSecond);
  }
  const mean = rates.slice(5).reduce((a, b) => a + b, 0) / 15;
  assert.ok(mean > 1800 && mean < 2800, `10 ms periods: ${mean.toFixed(0)} pages/s (memwrite 2,000 + kernel)`);
  // 200 ms periods: 400 page writes but only 96 distinct memwrite pages (QEMU's saturation effect)
  runMachine(m, { untilNs: m.latestNs + 200e6 });
  const d = m.readAndClearDirty(m.latestNs);
  assert.ok(d.count >= 96 && d.count < 130, `200 ms: ${d.count} distinct pages`);
});

test('save/restore keeps the log: the restored machine holds the same dirty pages, and on interp reports what the original reports', () => {
  for (const c of CONFIGS) {
    const a = boot(c);
    runMachine(a, { untilNs: 50e6 });
    a.startDirtyLog(a.latestNs);
    runMachine(a, { untilNs: 53e6 });
    const saved = a.save();
    assert.ok(saved.dirtyLog && saved.dirtyLog.pages.length > 0, 'pages dirty at save time are in the state');
    const b = buildMachine({ kind: 'restore', state: structuredClone(saved) });
    assert.ok(b.dirtyLog.running);
    assert.equal(b.dirtyLog.mechanism, c.mechanism);
    assert.deepEqual(b.dirtyLog.save()?.pages, saved.dirtyLog.pages, `${c.monitor}: the same pages are dirty after restore`);
    assert.equal(b.counters()['dirtyLog.syncs'], a.counters()['dirtyLog.syncs']);
    // Only interp continues cycle-identically: under the other monitors a restored machine starts
    // with cold TLBs, shadow/nested tables and translation cache (as a real restored VM does), so its
    // timing, not its correctness, differs from the machine that ran on.
    if (c.monitor !== 'interp') continue;
    for (const m of [a, b]) runMachine(m, { untilNs: 60e6 });
    assert.deepEqual([...b.readAndClearDirty(b.latestNs).pages], [...a.readAndClearDirty(a.latestNs).pages], 'same pages reported');
    assert.equal(b.digest(), a.digest());
  }
});

test('a guest-requested reset keeps logging on the new memory and reports every page of it', () => {
  const m = boot(CONFIGS[0]);
  runMachine(m, { untilNs: 50e6 });
  m.startDirtyLog(m.latestNs);
  m.readAndClearDirty(m.latestNs);
  assert.ok(m.requestGuestReboot(), 'labos accepts a reboot request');
  const reboots = m.counters().reboots;
  for (let t = m.latestNs; m.counters().reboots === reboots && t < 2e9;) runMachine(m, { untilNs: (t += 5e6) });
  assert.equal(m.counters().reboots, reboots + 1, 'the guest rebooted');
  assert.ok(m.dirtyLog.running, 'still logging');
  const touched: number[] = [];
  m.mem.forEachTouched((g) => touched.push(g));
  const d = m.readAndClearDirty(m.latestNs);
  for (const g of touched) assert.ok(d.has(g), `page 0x${g.toString(16)} of the new memory reported`);
});

test('stopped, the log reports nothing and costs nothing', () => {
  const m = boot(CONFIGS[2]);
  runMachine(m, { untilNs: 20e6 });
  assert.equal(m.readAndClearDirty(m.latestNs).count, 0);
  assert.equal(m.counters()['dirtyLog.syncs'], undefined, 'no dirtyLog counters before the log first runs');
  m.startDirtyLog(m.latestNs);
  m.stopDirtyLog();
  runMachine(m, { untilNs: 30e6 });
  assert.equal(m.readAndClearDirty(m.latestNs).count, 0);
  assert.equal(m.save().dirtyLog, null);
});
