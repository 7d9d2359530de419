/**
 * bt (binary translation): the sensitive instructions behave as on bare hardware (where `te` fails,
 * Popek–Goldberg), callouts and translations are counted and charged from the cost model, user
 * code runs "directly" (compiled but never charged), and the monitor's state saves and restores.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cpu } from '../../../src-main/engine/cpu/index';
import { BinaryTranslationMonitor, createMonitor, InterpMonitor, TrapAndEmulateMonitor } from '../../../src-main/engine/monitors/index';
import { boot, reg, runToHalt } from '../../helpers/cpuHarness';

const VEC = (slots: Record<number, string>): string => `  .org 0\n${Array.from({ length: 32 }, (_, k) => `  j ${slots[k] ?? 'fault'}`).join('\n')}\n`;

/** Kernel code using the three sensitive-but-unprivileged instructions, in a loop (so it gets translated). */
const SENSITIVE = `${VEC({})}
  .org 0x2000
_start:
  li r9, 50
loop:
  sti
  getf r1                ; IE = 1, K = 1
  li r2, ~0x10
  and r1, r1, r2
  setf r1                ; clears IE (kernel mode)
  getf r3                ; IE = 0, K = 1
  smsw r4                ; K = 1
  addi r9, r9, -1
  cmpi r9, 0
  bne loop
  hlt
fault:
  hlt
`;

test('sensitive instructions in translated kernel code see the true (virtual) CPU: like interp, unlike te', () => {
  const ref = boot(SENSITIVE, { monitor: new InterpMonitor() });
  runToHalt(ref.cpu);
  const bt = new BinaryTranslationMonitor({ hotCycles: 0 });
  const b = boot(SENSITIVE, { monitor: bt });
  runToHalt(b.cpu);
  for (const r of [3, 4]) assert.equal(reg(b, r), reg(ref, r), `r${r}`);
  assert.equal(reg(b, 3) & 0x30, 0x20, 'getf: K = 1, IE = 0');
  assert.equal(reg(b, 4) & 1, 1, 'smsw: kernel');
  assert.ok(bt.executor.stats.translatedExecuted > 300, 'the loop ran translated');
  assert.ok((bt.stats.emulated.getf ?? 0) > 0 && (bt.stats.emulated.setf ?? 0) > 0 && (bt.stats.emulated.smsw ?? 0) > 0, 'callouts by mnemonic');
  const te = boot(SENSITIVE, { monitor: new TrapAndEmulateMonitor() });
  runToHalt(te.cpu);
  assert.notEqual(reg(te, 4) & 1, 1, 'te: smsw reveals user mode (the hole bt closes)');
});

const USER_LOOP = `${VEC({ 5: 'sys_entry' })}
  .org 0x2000
_start:
  li r1, user
  mtcr epc, r1
  mtcr epsw, r0            ; user mode, IE = 0
  iret
sys_entry:
  hlt
fault:
  hlt
  .org 0x3000
user:
  li r1, 3000
uloop:
  addi r2, r2, 7
  getf r5                  ; user mode: shows K = 0, as on hardware
  addi r1, r1, -1
  cmpi r1, 0
  bne uloop
  sys
`;

test('user code is compiled for speed but runs "directly": no translation or callout cost is charged for it', () => {
  const ref = boot(USER_LOOP, { monitor: new InterpMonitor() });
  runToHalt(ref.cpu);
  const bt = new BinaryTranslationMonitor({ hotCycles: 0 });
  const b = boot(USER_LOOP, { monitor: bt });
  runToHalt(b.cpu);
  assert.equal(b.cpu.digest(), ref.cpu.digest());
  const s = bt.executor.stats;
  assert.ok(s.translations > 0 && s.translatedExecuted > 10000, 'user code was compiled and ran compiled');
  // Only the kernel page's TUs are charged; the only callouts are kernel ones (mtcr x2, iret, hlt).
  const kernelTus = bt.cache(b.cpu).list().filter((r) => r.kernel).reduce((n, r) => n + r.plan.tus, 0);
  assert.equal(s.translatedTus, kernelTus);
  assert.equal(s.callouts, bt.stats.emulated.mtcr + (bt.stats.emulated.iret ?? 0) + (bt.stats.emulated.hlt ?? 0));
  const c = b.cpu.costs;
  assert.equal(b.cpu.counters.cycles - ref.cpu.counters.cycles, s.translatedTus * c.btTranslateTu + s.callouts * c.btCallout + b.cpu.counters.monitorTraps * c.monitorTrap);
});

test('counters(): translations, cache hits and misses, chained jumps, callouts, invalidations, evictions', () => {
  const bt = new BinaryTranslationMonitor({ hotCycles: 0 });
  const b = boot(SENSITIVE, { monitor: bt });
  runToHalt(b.cpu);
  const c = bt.counters(b.cpu);
  for (const k of ['bt.translations', 'bt.translatedTus', 'bt.translatedInstructions', 'bt.translatedExecuted', 'bt.cacheHits', 'bt.cacheMisses',
    'bt.chainedJumps', 'bt.callouts', 'bt.translationCycles', 'bt.cache.invalidations', 'bt.cache.evictions', 'bt.cache.regions']) {
    assert.equal(typeof c[k], 'number', k);
  }
  assert.equal(c['bt.translationCycles'], c['bt.translatedTus'] * b.cpu.costs.btTranslateTu);
  assert.ok(c['bt.callouts'] > 0);
  assert.equal(createMonitor('bt').name, 'bt');
});

test('save/restore: the counters survive, the translation cache starts empty (a host cache)', () => {
  const bt = new BinaryTranslationMonitor({ hotCycles: 0 });
  const b = boot(SENSITIVE, { monitor: bt });
  b.cpu.run(500);
  const saved = b.cpu.save();
  const ms = bt.save();
  const bt2 = new BinaryTranslationMonitor({ hotCycles: 0 });
  const mem2 = b.mem.fork();
  const cpu2 = Cpu.restore(mem2, saved, { monitor: bt2 });
  bt2.restore(cpu2, ms);
  assert.equal(bt2.executor.stats.translations, bt.executor.stats.translations);
  assert.equal(bt2.cache(cpu2).size, 0);
  runToHalt(cpu2);
  runToHalt(b.cpu);
  assert.equal(cpu2.digest(), b.cpu.digest());
});
