// Fuzz suite: scenario YAML (targets/scenario.ts). Bounded here; longer with HVLAB_FUZZ_CASES /
// HVLAB_FUZZ_SEED (test/README.md).
import { test } from 'node:test';
import { assertClean, fuzzSize, runFuzz } from './fuzzRunner';

test('fuzz: scenario files — no crash, hang or wrong accept', { timeout: 600_000 }, async () => {
  assertClean(await runFuzz('targets/scenario.ts', fuzzSize(2000, 10_000)));
});
