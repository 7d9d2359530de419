/**
 * The nanobenchmark guests (resources/guests/nano/*.s) run to completion at 2 and 4 levels under
 * every monitor and paging mode, give identical guest-visible results, and show the qualitative
 * results the benchmark (bench/memory-virt.ts) reports: a traced PTE store is cheap under bt,
 * expensive under te/hw with shadow paging and free under nested paging; a TLB-miss-heavy sweep is
 * cheaper with shadow paging; page-table churn is cheaper with nested paging; pre-set A bits let
 * the shadow be updated in place.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Cpu } from '../../../src-main/engine/cpu/index';
import { assemble, formatDiagnostics } from '../../../src-main/engine/isa/index';
import { GuestPhysicalMemory, HostMemory } from '../../../src-main/engine/memory/index';
import type { Gpa, PagingOptions } from '../../../src-main/engine/mmu/index';
import { createMonitor, MONITOR_KINDS, type MonitorKind } from '../../../src-main/engine/monitors/index';

const DIR = join(import.meta.dirname, '../../../resources/guests/nano');
const has = (m: string): boolean => (MONITOR_KINDS as readonly string[]).includes(m);

function run(file: string, levels: 2 | 4, iter: number, monitor: MonitorKind | undefined, paging: PagingOptions, defines: Record<string, number> = {}) {
  const r = assemble(readFileSync(join(DIR, file), 'utf8'), { file, defines: { ITER: iter, LEVELS: levels, ...defines }, readInclude: (p) => readFileSync(join(DIR, p), 'utf8') });
  if (!r.ok) assert.fail(formatDiagnostics(r.diagnostics));
  const mem = new GuestPhysicalMemory(new HostMemory(), 64 << 20);
  mem.writeBytes(r.image.loadAddress as Gpa, r.image.bytes);
  const cpu = new Cpu(mem, { levels, monitor: monitor ? createMonitor(monitor) : undefined, paging });
  cpu.reset(r.image.entry);
  const res = cpu.run(2e9);
  assert.equal(res.reason, 'halted', `${file} under ${monitor ?? 'bare'}+${paging.mode}: ${res.reason} ${cpu.crash?.reason ?? ''}`);
  return { cycles: cpu.counters.cycles, digest: cpu.digest(), s: cpu.snapshot() };
}

/** Cycles per iteration (difference of two runs). */
const per = (file: string, levels: 2 | 4, monitor: MonitorKind | undefined, paging: PagingOptions, defines: Record<string, number> = {}, n = 256): number =>
  (run(file, levels, 2 * n, monitor, paging, defines).cycles - run(file, levels, n, monitor, paging, defines).cycles) / n;

const FILES = ['syscall.s', 'in.s', 'pgfault.s', 'divzero.s', 'ptemod.s', 'callret.s', 'ctxswitch.s', 'tlbsweep.s', 'ptchurn.s'];

for (const levels of [2, 4] as const) {
  test(`${levels} levels: every nano guest finishes with the same guest-visible state under every monitor and paging mode`, () => {
    const monitors = (['te', 'bt', 'hw'] as const).filter(has);
    for (const f of FILES) {
      const ref = run(f, levels, 64, undefined, {});
      for (const m of monitors) {
        for (const mode of ['shadow', 'nested'] as const) {
          const got = run(f, levels, 64, m, { mode, debugChecks: true });
          // the nano kernel reads no sensitive state, so te agrees with bare hardware too
          assert.equal(got.digest, ref.digest, `${f}: ${m}+${mode} differs from bare hardware`);
        }
      }
    }
  });
}

test('ptemod: a traced PTE store costs a trap under te, a callout under bt, an exit under hw+shadow, nothing extra under nested', () => {
  const native = per('ptemod.s', 4, undefined, {});
  const te = per('ptemod.s', 4, 'te', { mode: 'shadow', floodWrites: 0 });
  assert.ok(te > native + 2000, `te ${te}`);
  if (has('bt')) {
    const bt = per('ptemod.s', 4, 'bt', { mode: 'shadow', floodWrites: 0 });
    assert.ok(bt < te / 4 && bt > native + 300, `bt ${bt}`);
  }
  if (has('hw')) assert.equal(per('ptemod.s', 4, 'hw', { mode: 'nested' }), native);
  assert.equal(per('ptemod.s', 4, undefined, { mode: 'nested' }), native);
});

test('the crossover: a TLB-miss-heavy sweep is cheaper with shadow paging, page-table churn with nested paging', () => {
  for (const levels of [2, 4] as const) {
    const sweepS = per('tlbsweep.s', levels, 'te', { mode: 'shadow' }, {}, 2048);
    const sweepN = per('tlbsweep.s', levels, undefined, { mode: 'nested' }, {}, 2048);
    assert.ok(sweepS < sweepN, `sweep: shadow ${sweepS} vs nested ${sweepN}`);
    const churnS = per('ptchurn.s', levels, 'te', { mode: 'shadow' });
    const churnN = per('ptchurn.s', levels, undefined, { mode: 'nested' });
    assert.ok(churnN < churnS, `churn: nested ${churnN} vs shadow ${churnS}`);
  }
});

test('ptchurn with A pre-set: the trapped PTE store updates the shadow in place, the touch takes no hidden fault', () => {
  const a = run('ptchurn.s', 2, 512, 'te', { mode: 'shadow', debugChecks: true }, { PREA: 1 }).s.paging;
  const b = run('ptchurn.s', 2, 512, 'te', { mode: 'shadow', debugChecks: true }, { PREA: 0 }).s.paging;
  assert.ok(a.shadowEntriesUpdated >= 500);
  assert.ok(a.shadowHiddenFaults < b.shadowHiddenFaults - 400, `${a.shadowHiddenFaults} vs ${b.shadowHiddenFaults}`);
});
