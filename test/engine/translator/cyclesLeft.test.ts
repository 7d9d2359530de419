/**
 * A region function counts the cycles left before its budget stop down in an int32 local
 * (translator/codegen.ts, BT_REGION_MAX_CYCLES_LEFT): a call whose budget left fits runs exactly as
 * the interpreter does, up to the limit itself; one above it is refused (RangeError) rather than
 * counted wrong. Cpu.run never asks for more (it hands out RUN_SLICE_CYCLES at a time).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InterpMonitor } from '../../../src-main/engine/monitors/index';
import { BT_REGION_MAX_CYCLES_LEFT } from '../../../src-main/engine/params';
import { TranslatedExecutor } from '../../../src-main/engine/translator/index';
import { boot, EXACT_COSTS, HOT_LOOP_PROGRAM } from '../../helpers/cpuHarness';

const FIRST = 1_000;

test('a translated run with the most cycles left a region call takes gives the interpreter\'s results', () => {
  const ref = boot(HOT_LOOP_PROGRAM, { monitor: new InterpMonitor(), costs: EXACT_COSTS });
  const refRun = ref.cpu.run(FIRST + BT_REGION_MAX_CYCLES_LEFT);
  const b = boot(HOT_LOOP_PROGRAM, { monitor: new InterpMonitor(), costs: EXACT_COSTS });
  const ex = new TranslatedExecutor({ chargeTranslation: false, hotCycles: 0 });
  const first = ex.execute(b.cpu, FIRST);
  const rest = ex.execute(b.cpu, BT_REGION_MAX_CYCLES_LEFT);
  assert.ok(ex.stats.regionEntries > 0, 'the loop ran translated');
  assert.ok(b.cpu.state.halted && ref.cpu.state.halted, 'both ran to the hlt');
  assert.equal(first.cycles + rest.cycles, refRun.cycles);
  assert.equal(first.instructions + rest.instructions, refRun.instructions);
  assert.deepEqual([...b.cpu.state.regs], [...ref.cpu.state.regs]);
  assert.equal(b.cpu.state.pc, ref.cpu.state.pc);
});

test('a region call with more cycles left than BT_REGION_MAX_CYCLES_LEFT is refused', () => {
  const b = boot(HOT_LOOP_PROGRAM, { monitor: new InterpMonitor(), costs: EXACT_COSTS });
  const ex = new TranslatedExecutor({ chargeTranslation: false, hotCycles: 0 });
  ex.execute(b.cpu, FIRST);
  const entries = ex.stats.regionEntries;
  assert.ok(entries > 0, 'the loop is translated and entered in the first call');
  assert.throws(() => ex.execute(b.cpu, BT_REGION_MAX_CYCLES_LEFT + FIRST), RangeError);
});
