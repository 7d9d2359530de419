/**
 * A machine moved page by page: the source's non-memory state (`saveCore`) plus its pages streamed one
 * at a time into an IncomingMemory on a *different* host pool build a machine with the source's
 * digest, which resumed prints what the source would have printed — under every monitor and paging
 * mode (bt's translation cache starts cold and stays coherent). Then post-copy: the pages not sent
 * are not present; the destination runs, faults to the handler (fetch, load, store, page-table walk,
 * DMA), waits or is supplied on the spot, and still ends exactly like the source. Frames: the
 * source's pool is empty after dispose, the destination's holds exactly the pages that moved.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMachine, createMachineFactory, IncomingMemory, runMachine, type Machine, type MachineConfigInput } from '../../../src-main/engine/machine/index';
import { HostMemory } from '../../../src-main/engine/memory/index';
import type { BinaryTranslationMonitor } from '../../../src-main/engine/monitors/index';
import type { PageAccessKind } from '../../../src-main/engine/vm/guestMachine';
import { loadGuestCatalogue, loadGuestSources } from '../../../src-main/node/resources';
import { labosImage, WORKLOADS } from '../../helpers/machineHarness';

interface Case { name: string; monitor: string; paging?: 'native' | 'shadow' | 'nested'; file?: string }

const CASES: Case[] = [
  { name: 'interp, native', monitor: 'interp' },
  { name: 'te, shadow', monitor: 'te', paging: 'shadow' },
  { name: 'bt, shadow', monitor: 'bt', paging: 'shadow' },
  { name: 'bt, native', monitor: 'bt' },
  { name: 'hw, nested', monitor: 'hw', paging: 'nested' },
  { name: 'hw, shadow', monitor: 'hw', paging: 'shadow' },
  { name: 'pv, native (PV build)', monitor: 'pv', file: 'labos-pv.s' },
];

function config(c: Case, cmdline: string): MachineConfigInput {
  return { vcpus: 1, memoryBytes: 16 << 20, levels: 2, monitor: c.monitor, cmdline, bootNs: 0, ...(c.paging ? { paging: { mode: c.paging } } : {}) };
}

function boot(c: Case, cmdline: string, host: HostMemory): Machine {
  return buildMachine({ kind: 'boot', config: config(c, cmdline), image: labosImage({}, c.file ?? 'labos.s') }, { hostMemory: host });
}

/** Streams every page of `src` (one readPage → writePage at a time) into a new pool, except those `keep` says stay behind (not present). */
function stream(src: Machine, keep: (gpfn: number) => boolean = () => true): { inc: IncomingMemory; pool: HostMemory; held: Map<number, Uint8Array> } {
  const pool = new HostMemory();
  const inc = new IncomingMemory(pool, src.config.memoryBytes);
  const buf = new Uint8Array(4096);
  const held = new Map<number, Uint8Array>();
  src.scanPages((g, h) => {
    assert.ok(h >= 0, 'the source has every page');
    const bytes = src.readPage(g, buf)!;
    if (keep(g)) inc.writePage(g, bytes);
    else {
      held.set(g, bytes.slice());
      inc.markNotPresent(g);
    }
  });
  return { inc, pool, held };
}

const wholeRuns = new Map<string, Machine>();
/** The source left alone to the end (computed once per case). */
function wholeRun(c: Case): Machine {
  let m = wholeRuns.get(c.name);
  if (!m) {
    m = boot(c, WORKLOADS.mixed, new HostMemory());
    runMachine(m, { untilNs: 2e9 });
    wholeRuns.set(c.name, m);
  }
  return m;
}

/**
 * labos-pv keeps one scratch word (PV_TMP, in its shared page) whose last value is a time reading: a
 * run that waited for pages ends with another value there. Copying that one word from the reference
 * makes the digests comparable — equal digests then prove every other byte, register and device equal.
 */
function copyTimingScratch(from: Machine, to: Machine): void {
  const at = labosImage({}, 'labos-pv.s').symbols.PV_TMP;
  const page = to.readPage(at >>> 12)!;
  page.set(from.readPage(at >>> 12)!.subarray(at & 0xfff, (at & 0xfff) + 4), at & 0xfff);
  to.writePage(at >>> 12, page);
}

function btCacheSize(m: Machine): number {
  return (m.slots[0].cpu.monitor as BinaryTranslationMonitor).cache(m.slots[0].cpu).size;
}

for (const c of CASES) {
  test(`${c.name}: streamed page by page into another pool, the machine has the source's digest and resumes like it`, () => {
    const whole = wholeRun(c);
    assert.equal(whole.state, 'off', whole.consoleRead(0).text);

    const srcPool = new HostMemory();
    const src = boot(c, WORKLOADS.mixed, srcPool);
    runMachine(src, { untilNs: 4e6 });
    assert.equal(src.state === 'off', false, 'the move happens mid-run');
    if (c.monitor === 'bt') assert.ok(btCacheSize(src) > 0, 'the source has translations');
    const { inc, pool } = stream(src);
    const core = structuredClone(src.saveCore());
    const dst = buildMachine({ kind: 'assemble', core, memory: inc });
    assert.equal(dst.digest(), src.digest(), 'same guest-visible state');
    assert.equal(dst.host, pool);
    assert.equal(pool.framesAllocated, dst.frameStats().mappedPages, 'the destination pool holds exactly the pages that moved');
    assert.ok(dst.frameStats().mappedPages <= src.frameStats().mappedPages);
    assert.throws(() => inc.readPage(0), /already used/);
    if (c.monitor === 'bt') assert.equal(btCacheSize(dst), 0, 'the translation cache starts cold');

    src.dispose();
    assert.equal(srcPool.framesAllocated, 0, 'the source returned every frame');

    runMachine(dst, { untilNs: 2e9 });
    assert.equal(dst.state, 'off');
    assert.equal(dst.consoleRead(0).text, whole.consoleRead(0).text);
    assert.equal(dst.digest(), whole.digest());
    if (c.monitor === 'bt') {
      assert.ok(btCacheSize(dst) > 0, 'and fills again');
      assert.deepEqual((dst.slots[0].cpu.monitor as BinaryTranslationMonitor).cache(dst.slots[0].cpu).verify(), [], 'and stays coherent with memory');
    }
    dst.dispose();
    assert.equal(pool.framesAllocated, 0);
  });
}

/**
 * Post-copy: no page is sent before the switch, so code, data and page tables all fault; the handler
 * either supplies them on the spot (a swap-in, charged as a stall) or lets the vCPU wait, and the
 * test "delivers" what was asked for between slices (plus a few pushed in the background), as a
 * migration's barrier would.
 */
for (const c of CASES) {
  for (const mode of ['wait', 'supply'] as const) {
    test(`${c.name}: post-copy (${mode}): pages not present fault to the handler; the guest sees only a delay`, () => {
      const whole = wholeRun(c);
      const src = boot(c, WORKLOADS.mixed, new HostMemory());
      runMachine(src, { untilNs: 4e6 });
      const { inc, held } = stream(src, () => false);
      assert.ok(held.size > 10);
      const dst = buildMachine({ kind: 'assemble', core: structuredClone(src.saveCore()), memory: inc });
      src.dispose();
      assert.equal(dst.frameStats().notPresentPages, held.size);
      assert.notEqual(dst.digest(), whole.digest());

      const kinds = new Set<PageAccessKind>();
      const asked: number[] = [];
      const stallNs = 20_000;
      dst.setNotPresentHandler((f) => {
        kinds.add(f.access);
        assert.equal(f.vcpu, 0);
        // host code that cannot wait (pv's shared page) must be supplied, as the seam requires
        if (mode === 'supply' || !f.canWait) return { kind: 'supply', bytes: held.get(f.gpfn)!, stallNs };
        asked.push(f.gpfn);
        return { kind: 'wait' };
      });
      let waits = 0;
      for (let t = 4e6; dst.state !== 'off' && t < 2e9; t += 1e6) {
        runMachine(dst, { untilNs: t });
        if (dst.waitingForPage(0) >= 0) waits++;
        // deliver what was asked for, and push two more pages in the background
        for (const g of asked.splice(0)) if (dst.pageState(g) === 'notPresent') dst.supplyPage(g, held.get(g)!);
        // (in a scrambled order, as a migration's background push need not follow addresses: the vCPU
        // still meets missing code, page tables and data by itself, whatever the guest image's layout)
        let pushed = 0;
        for (const [g, b] of [...held].sort((x, y) => (Math.imul(x[0], 0x9e3779b1) >>> 0) - (Math.imul(y[0], 0x9e3779b1) >>> 0))) {
          if (pushed === 2) break;
          if (dst.pageState(g) === 'notPresent') { dst.supplyPage(g, b); pushed++; }
        }
      }
      assert.equal(dst.state, 'off', dst.consoleRead(0).text);
      assert.equal(dst.consoleRead(0).text, whole.consoleRead(0).text);
      // the background push completes the move: then every page is here and equal
      for (const [g, b] of held) if (dst.pageState(g) === 'notPresent') dst.supplyPage(g, b);
      assert.equal(dst.frameStats().notPresentPages, 0);
      if (c.monitor === 'pv') copyTimingScratch(whole, dst);
      assert.equal(dst.digest(), whole.digest());
      assert.ok(kinds.has('fetch') && kinds.has('walk') && (kinds.has('read') || kinds.has('write')), `faults of every kind: ${[...kinds].join(', ')}`);
      const k = dst.counters();
      assert.ok(k['notPresent.faults'] > 0);
      assert.equal(k['notPresent.vcpu0.faults'], k['notPresent.faults']);
      if (mode === 'supply') {
        assert.equal(k['notPresent.supplied'], k['notPresent.faults']);
        assert.ok(k['notPresent.stallCycles'] >= k['notPresent.supplied'] * stallNs * dst.cyclesPerNs);
        assert.equal(k['notPresent.waits'], 0);
      } else {
        assert.ok(waits > 0 && k['notPresent.waits'] > 0, 'the vCPU waited');
        assert.ok(k['notPresent.waitedNs'] > 0, 'and its waiting time is counted');
      }
      dst.dispose();
    });
  }
}

/** The first case's machine moved at 4 ms with every page held back, run until its vCPU waits for a page
 *  (the guest may be idle, hlt, at the move: time goes on until it touches one): the destination, the held
 *  pages' bytes, the time of its last run and that run's result. */
function waitingDestination(): { dst: Machine; held: Map<number, Uint8Array>; now: number; r: ReturnType<Machine['runVcpu']> } {
  const src = boot(CASES[0], WORKLOADS.mixed, new HostMemory());
  runMachine(src, { untilNs: 4e6 });
  const { inc, held } = stream(src, () => false);
  const dst = buildMachine({ kind: 'assemble', core: src.saveCore(), memory: inc });
  let now = dst.vcpuNowNs(0);
  let r = dst.runVcpu(0, 1_000_000, now);
  for (let k = 0; k < 100 && r.waitingForPage === undefined; k++) r = dst.runVcpu(0, 1_000_000, (now += 1e6));
  return { dst, held, now, r };
}

test('a waiting vCPU makes no progress: runVcpu reports the page, halted, 0 cycles, and a time to look again', () => {
  const { dst, held, now, r } = waitingDestination();
  assert.equal(r.halted, true, 'a waiting vCPU needs no CPU');
  assert.ok(r.waitingForPage !== undefined && held.has(r.waitingForPage));
  assert.equal(dst.waitingForPage(0), r.waitingForPage);
  assert.equal(dst.isHalted(0), true);
  assert.equal(dst.state, 'halted');
  assert.ok(dst.nextWakeNs(0) > now);
  const again = dst.runVcpu(0, 1_000_000, now + 5e6);
  assert.deepEqual([again.cyclesUsed, again.instructions, again.halted, again.waitingForPage], [0, 0, true, r.waitingForPage], 'no progress while waiting');
  assert.ok(dst.nextWakeNs(0) >= now + 5e6, 'the next look counts from the last one');
  // with a hint, the scheduler looks again when the page is expected
  dst.setNotPresentHandler(() => ({ kind: 'wait', wakeNs: now + 7e6 }));
  dst.supplyPage(r.waitingForPage!, held.get(r.waitingForPage!)!);
  const next = dst.runVcpu(0, 1_000_000, now + 6e6);
  assert.ok(next.waitingForPage !== undefined && next.waitingForPage !== r.waitingForPage);
  assert.equal(dst.nextWakeNs(0), now + 7e6);
  assert.ok(dst.counters()['notPresent.waitedNs'] >= 5e6);
});

test('saved while waiting: the restored machine still waits for the same page, then goes on', () => {
  const { dst, held, now, r } = waitingDestination();
  assert.ok(r.waitingForPage !== undefined);
  const state = structuredClone(dst.save());
  const back = buildMachine({ kind: 'restore', state });
  assert.equal(back.waitingForPage(0), r.waitingForPage);
  assert.equal(back.frameStats().notPresentPages, held.size);
  assert.equal(back.digest(), dst.digest());
  back.supplyPage(r.waitingForPage!, held.get(r.waitingForPage!)!);
  assert.equal(back.waitingForPage(0), -1);
  const r2 = back.runVcpu(0, 1_000_000, now);
  assert.ok(r2.instructions > 0 || r2.waitingForPage !== r.waitingForPage, 'it went on');
});

test('the factory builds a machine from a page stream: incomingMemory on the host pool, then restoreState + incoming', () => {
  const factory = createMachineFactory({ sources: loadGuestSources(), catalogue: loadGuestCatalogue() });
  const pool = new HostMemory();
  const cfg = {
    vmId: 'vm-1', name: 'one', vcpus: 1, memoryBytes: 16 << 20, guestOs: 'labos', monitor: 'bt' as const, paging: 'shadow' as const,
    pageTableLevels: 2 as const, workload: 'cpu', workloadParams: { iterations: 60000, report: 20000 }, nowNs: 0, hostMemory: pool,
  };
  const src = factory(cfg, 1e9, 1) as Machine;
  runMachine(src, { untilNs: 3e6 });
  const destPool = new HostMemory();
  const inc = factory.incomingMemory!({ ...cfg, hostMemory: destPool });
  const buf = new Uint8Array(4096);
  src.scanPages((g) => { inc.writePage(g, src.readPage(g, buf)!); });
  const dst = factory({ ...cfg, hostMemory: destPool, restoreState: src.saveCore(), incoming: inc }, 1e9, 1) as Machine;
  assert.equal(dst.digest(), src.digest());
  assert.equal(dst.host, destPool);
  src.dispose();
  assert.equal(pool.framesAllocated, 0);
  runMachine(dst, { untilNs: 2e9 });
  assert.match(dst.consoleRead(0).text, /cpu: done, 60000 iterations/);
});

test('a cancelled move: releasing the incoming memory returns its frames', () => {
  const src = boot(CASES[0], WORKLOADS.mixed, new HostMemory());
  runMachine(src, { untilNs: 2e6 });
  const { inc, pool } = stream(src);
  assert.ok(pool.framesAllocated > 0);
  inc.release();
  assert.equal(pool.framesAllocated, 0);
  assert.throws(() => inc.writePage(0, new Uint8Array(4096)), /released/);
});
