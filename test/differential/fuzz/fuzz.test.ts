/**
 * The differential fuzzer: randomly generated VALID programs (generator.ts: ALU, memory with faults,
 * loops, calls across pages, traps, interrupts, cli/sti/hlt, port I/O, paging with PTE updates and
 * ptbr switches, self-modifying code, user mode, and — in some — the sensitive instructions) run
 * on a bare CPU under several monitors, which must agree:
 *  - exact mode (every monitor-only cost 0, external interrupts at run-chunk boundaries): `bt`
 *    (translation threshold 0 / 300 / 5000 cycles by seed), `hw` (translated engine: default
 *    threshold, threshold 0, threshold 5000 paced to one compile per 20,000 cycles — regions of only
 *    the code seen running —, or threshold 0 with whole regions, by seed) and
 *    `hw` on the interpreter must match `interp` in console output, state digest, stop reason,
 *    cycles and every guest-visible counter (instructions per opcode, exceptions per cause, TLB
 *    hits/misses, walks…). Half the paging programs also turn paging off
 *    and on again (in straight code, loops and functions on another page), so the switch happens in
 *    translated code, in interpreted code and at budget edges after translated code of the other mode
 *    ran: the TLB-hit count must not depend on which engine ran what;
 *  - default costs, on every fourth program (no external interrupts: their timing would differ):
 *    bt, hw and — for programs without sensitive instructions — `te` must match interp's console
 *    and digest. `te` is excluded where a program uses getf/setf/smsw: those are exactly the
 *    instructions on which trap-and-emulate is allowed (and expected) to differ.
 * HVLAB_FUZZ_COUNT=N runs N programs (default 2000); HVLAB_FUZZ_SEED=S starts at seed S. A failure
 * prints the seed and the program's source.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { assemble, formatDiagnostics } from '../../../src-main/engine/isa/index';
import type { MonitorKind } from '../../../src-main/engine/monitors/index';
import { EXACT_COSTS, makeMonitor, runBare, type BareOutcome } from '../../helpers/cpuHarness';
import { generateProgram } from './generator';

const COUNT = Number(process.env.HVLAB_FUZZ_COUNT ?? 2000);
const FIRST = Number(process.env.HVLAB_FUZZ_SEED ?? 1);

function differences(a: BareOutcome, b: BareOutcome, exact: boolean): string[] {
  const out: string[] = [];
  if (a.console !== b.console) out.push(`console ${JSON.stringify(a.console)} vs ${JSON.stringify(b.console)}`);
  if (a.digest !== b.digest) out.push(`digest (pc 0x${(a.cpu.state.pc >>> 0).toString(16)} vs 0x${(b.cpu.state.pc >>> 0).toString(16)})`);
  if (a.reason !== b.reason) out.push(`stop reason ${a.reason} vs ${b.reason}`);
  if (exact) {
    for (const k of Object.keys(a.counters)) {
      if (!isDeepStrictEqual(a.counters[k], b.counters[k])) out.push(`${k}: ${JSON.stringify(a.counters[k])} vs ${JSON.stringify(b.counters[k])}`);
    }
  }
  return out;
}

test(`differential fuzzer: ${COUNT} random programs under interp, bt, hw (exact) and te (default costs)`, () => {
  let programs = 0;
  let runs = 0;
  let instructions = 0;
  let finished = 0;
  const features: Record<string, number> = {};
  for (let seed = FIRST; seed < FIRST + COUNT; seed++) {
    const p = generateProgram(seed);
    const a = assemble(p.source, { file: `fuzz-${seed}.s` });
    if (!a.ok) assert.fail(`seed ${seed}: the generator produced an invalid program:\n${formatDiagnostics(a.diagnostics)}`);
    for (const [k, v] of Object.entries(p.features)) if (v) features[k] = (features[k] ?? 0) + 1;
    const fail = (what: string, diffs: string[]): never =>
      assert.fail(`seed ${seed} (${JSON.stringify(p.features)}): ${what} differs from interp:\n  ${diffs.join('\n  ')}\n--- program ---\n${p.source}`);
    const exact = { seed, costs: EXACT_COSTS, externalIrqs: true };
    const ref = runBare(a.image, makeMonitor('interp', seed), exact);
    instructions += ref.instructions;
    runs++;
    for (const kind of ['bt', 'hw', 'hw-interp'] as const) {
      const o = runBare(a.image, makeMonitor(kind, seed), exact);
      runs++;
      const d = differences(ref, o, true);
      if (d.length) fail(`${kind} (exact costs)`, d);
    }
    if (ref.reason === 'halted') finished++;
    // Default costs change timing, so only programs that finish can be compared there.
    if (seed % 4 === 0 && ref.reason === 'halted') {
      const base = { seed, maxCycles: 100_000_000 };
      const ref2 = runBare(a.image, makeMonitor('interp', seed), base);
      runs++;
      const kinds: MonitorKind[] = p.features.sensitive ? ['bt', 'hw'] : ['bt', 'hw', 'te'];
      for (const kind of kinds) {
        const o = runBare(a.image, makeMonitor(kind, seed), base);
        runs++;
        const d = differences(ref2, o, false);
        if (d.length) fail(`${kind} (default costs)`, d);
      }
    }
    programs++;
  }
  console.log(`differential fuzzer: ${programs} programs (seeds ${FIRST}..${FIRST + COUNT - 1}), ${runs} runs, ${instructions} reference instructions, ${finished} ran to their final hlt; features ${JSON.stringify(features)}`);
  assert.equal(programs, COUNT);
});
