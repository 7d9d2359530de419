// Fuzz suite: saved labs (targets/savedLab.ts), mutated and re-saved with valid checksums. Bounded here;
// longer with HVLAB_FUZZ_CASES / HVLAB_FUZZ_SEED (test/README.md).
import { test } from 'node:test';
import { assertClean, fuzzSize, runFuzz } from './fuzzRunner';

test('fuzz: saved labs — no crash, hang or wrong accept', { timeout: 600_000 }, async () => {
  assertClean(await runFuzz('targets/savedLab.ts', fuzzSize(200, 20_000)));
});
