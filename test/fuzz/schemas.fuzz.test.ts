// Fuzz suite: the contract's schemas and the engine behind them (targets/schemas.ts). Bounded here;
// longer with HVLAB_FUZZ_CASES / HVLAB_FUZZ_SEED (test/README.md).
import { test } from 'node:test';
import { assertClean, fuzzSize, runFuzz } from './fuzzRunner';

test('fuzz: every command and query with prototype keys and extreme values — no crash, hang or wrong accept', { timeout: 600_000 }, async () => {
  assertClean(await runFuzz('targets/schemas.ts', fuzzSize(4000, 10_000)));
});
