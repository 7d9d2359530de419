// Fuzz suite: the assembler on mutated guest sources (targets/assembler.ts). Bounded here; longer with
// HVLAB_FUZZ_CASES / HVLAB_FUZZ_SEED (test/README.md).
import { test } from 'node:test';
import { assertClean, fuzzSize, runFuzz } from './fuzzRunner';

test('fuzz: the assembler on mutated guest sources — no crash, hang or wrong accept', { timeout: 600_000 }, async () => {
  assertClean(await runFuzz('targets/assembler.ts', fuzzSize(3000, 5000)));
});
