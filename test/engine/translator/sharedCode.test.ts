/**
 * Translations shared between VMs (translator/sharedCode.ts): two guests running the same code reuse
 * one scan, one generated source and one compiled function, each with its own region (own block
 * counters, validity and links); a write in one guest invalidates only its own region; a page whose
 * words differ gets its own code; and each guest's run is exactly what it is without sharing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Gpa } from '../../../src-main/engine/mmu/index';
import { BinaryTranslationMonitor, InterpMonitor } from '../../../src-main/engine/monitors/index';
import { clearSharedCode, sharedCodeStats } from '../../../src-main/engine/translator/index';
import { boot, EXACT_COSTS, runToHalt } from '../../helpers/cpuHarness';

const LOOP = `
  .org 0x2000
_start:
  li r1, 3000
  li r3, 0
loop:
  add r3, r3, r1
  addi r1, r1, -1
  cmpi r1, 0
  bne loop
  hlt
`;

function btGuest(src: string) {
  const bt = new BinaryTranslationMonitor({ hotCycles: 0 });
  const g = boot(src, { monitor: bt, costs: EXACT_COSTS });
  return { ...g, bt };
}

test('a second guest with the same code reuses the compiled region: same source, its own function and counters', () => {
  clearSharedCode();
  const a = btGuest(LOOP);
  runToHalt(a.cpu);
  const afterFirst = sharedCodeStats();
  assert.ok(afterFirst.codeMisses > 0, 'the first guest compiled its regions');
  assert.equal(afterFirst.codeHits, 0);
  const b = btGuest(LOOP);
  runToHalt(b.cpu);
  const afterSecond = sharedCodeStats();
  assert.equal(afterSecond.codeMisses, afterFirst.codeMisses, 'the second guest compiled nothing');
  assert.equal(afterSecond.codeHits, afterFirst.codeMisses, 'it reused every region the first compiled');
  const ra = a.bt.cache(a.cpu).list();
  const rb = b.bt.cache(b.cpu).list();
  assert.equal(rb.length, ra.length);
  for (const r of rb) {
    const twin = ra.find((x) => x.gpfn === r.gpfn && x.kernel === r.kernel)!;
    assert.ok(twin, `page ${r.gpfn} is translated in both guests`);
    assert.equal(r.source, twin.source, 'one source');
    assert.notEqual(r.fn, twin.fn, 'each region its own closure');
    assert.notEqual(r.bc, twin.bc, 'each region its own block counters');
  }
  assert.equal(b.cpu.digest(), a.cpu.digest(), 'the same run');
  assert.equal(b.cpu.snapshot().instructions, a.cpu.snapshot().instructions);
});

test('a write into shared code invalidates only the writer\'s region; the other guest keeps running its own', () => {
  clearSharedCode();
  const a = btGuest(LOOP);
  const b = btGuest(LOOP);
  runToHalt(a.cpu);
  runToHalt(b.cpu);
  const tcA = a.bt.cache(a.cpu);
  const tcB = b.bt.cache(b.cpu);
  const before = tcB.size;
  assert.ok(before > 0);
  // the loop's first instruction, rewritten in guest A only (the loader's path: a write hook)
  a.mem.writeBytes(0x2008 as Gpa, new Uint8Array(4));
  assert.equal(tcA.stats.invalidations, 1, 'A dropped its region');
  assert.equal(tcB.stats.invalidations, 0, 'B did not');
  assert.equal(tcB.size, before);
  assert.ok(tcB.list().every((r) => r.valid));
  assert.deepEqual(tcA.verify(), []);
  assert.deepEqual(tcB.verify(), []);
});

test('different words on the same page get their own code, and runs equal the interpreter\'s', () => {
  clearSharedCode();
  const other = LOOP.replace('li r1, 3000', 'li r1, 2999');
  const a = btGuest(LOOP);
  const b = btGuest(other);
  runToHalt(a.cpu);
  const mid = sharedCodeStats();
  runToHalt(b.cpu);
  const end = sharedCodeStats();
  assert.ok(end.codeMisses > mid.codeMisses, 'the changed page was compiled for itself');
  const ref = boot(other, { monitor: new InterpMonitor(), costs: EXACT_COSTS });
  runToHalt(ref.cpu);
  assert.equal(b.cpu.digest(), ref.cpu.digest());
  assert.equal(b.cpu.state.regs[3], ref.cpu.state.regs[3]);
  assert.deepEqual(b.bt.cache(b.cpu).verify(), []);
});
