/**
 * bt's dispatcher warm-up (translator/warmUp.ts): on its scratch machine it runs the paths it claims
 * (translation, exact warm-up and promotion, same-page chaining through several regions, callouts,
 * interrupts, user-mode traps, budget stops, a resumed slow path), the same every time; and it leaves no
 * trace — a guest run with the warm-up run in its middle (twice) ends with the same digest, guest
 * counters, bt counters and shared-code memo counts as the same run without it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cpu } from '../../../src-main/engine/cpu/index';
import { assemble } from '../../../src-main/engine/isa/index';
import { GuestPhysicalMemory, HostMemory } from '../../../src-main/engine/memory/index';
import { BinaryTranslationMonitor, scratchBtCpu } from '../../../src-main/engine/monitors/index';
import { clearSharedCode, runDispatcherWarmUp, sharedCodeStats } from '../../../src-main/engine/translator/index';
import { EXACT_COSTS, HOT_LOOP_PROGRAM, loadImage, TestDevice } from '../../helpers/cpuHarness';
import { generateProgram } from '../../differential/fuzz/generator';

test('the dispatcher warm-up runs every path it names, and the same each time', () => {
  const a = runDispatcherWarmUp(scratchBtCpu);
  for (const [k, v] of Object.entries(a)) assert.ok(v > 0, `${k}: ${v}`);
  assert.ok(a.maxRegionsOnAPage >= 3, `several regions on one page (same-page chaining): ${a.maxRegionsOnAPage}`);
  assert.ok(a.chainedJumps > 100 && a.regionsPromoted > 5 && a.regionsRunExactly > a.regionsPromoted, JSON.stringify(a));
  assert.deepEqual(runDispatcherWarmUp(scratchBtCpu), a, 'deterministic');
});

/** A program (a fuzzer's, or the hot loop) under bt in fixed chunks; `warmUpAt`: chunk numbers before which the warm-up runs. */
function run(seed: number, warmUpAt: readonly number[]) {
  const a = assemble(seed === 0 ? HOT_LOOP_PROGRAM : generateProgram(seed).source, { file: `fuzz-${seed}.s` });
  assert.ok(a.ok, `seed ${seed} assembles`);
  const mem = new GuestPhysicalMemory(new HostMemory(), 1 << 20);
  loadImage(mem, a.image);
  const io = new TestDevice();
  const mon = new BinaryTranslationMonitor({ hotCycles: [0, 300, 5000][seed % 3], exactEnterAfterInstructions: 50 });
  const cpu = new Cpu(mem, { monitor: mon, costs: EXACT_COSTS, io });
  io.cpu = cpu;
  cpu.reset(a.image.entry);
  clearSharedCode();
  for (let k = 0; k < 400; k++) {
    if (warmUpAt.includes(k)) runDispatcherWarmUp(scratchBtCpu);
    if (k % 7 === 3) cpu.raiseIrq(3);
    const r = cpu.run(50 + ((k * 7919 + seed * 104_729) % 1_500));
    if (r.reason === 'crashed') break;
    if (r.reason === 'halted' && !cpu.canWake()) break;
  }
  return { digest: cpu.digest(), console: io.console, snapshot: cpu.snapshot(), bt: mon.counters(cpu), shared: sharedCodeStats() };
}

test('the dispatcher warm-up run in the middle of a guest\'s run leaves no trace in it', () => {
  for (const seed of [0, 1, 2, 3, 4, 5, 6]) {
    const plain = run(seed, []);
    const warmed = run(seed, [1, 3]);
    assert.ok(plain.snapshot.instructions > 100, `seed ${seed}: the guest ran`);
    assert.equal(warmed.digest, plain.digest, `seed ${seed}: digest`);
    assert.equal(warmed.console, plain.console, `seed ${seed}: console`);
    assert.deepEqual(warmed.snapshot, plain.snapshot, `seed ${seed}: guest counters`);
    assert.deepEqual(warmed.bt, plain.bt, `seed ${seed}: bt counters`);
    assert.deepEqual(warmed.shared, plain.shared, `seed ${seed}: the shared-code memo's hits and misses (from empty)`);
  }
});
