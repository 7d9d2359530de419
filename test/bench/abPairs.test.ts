// The A/B benchmarks' arithmetic (bench/abPairs.ts): medians, which side runs first in each pair, per-pair
// ratios (this tree / base, never median over median) and per-second pairing of fresh-process runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alternatingPairs, median, pairOrder, pairRatios, perSecondPairs, ratioSummary } from '../../bench/abPairs';

test('median of odd, even and empty lists, input untouched', () => {
  const xs = [5, 1, 3];
  assert.equal(median(xs), 3);
  assert.deepEqual(xs, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([10, 2]), 6);
  assert.ok(Number.isNaN(median([])));
});

test('pairs alternate which side runs first: base, tree, tree, base, base, tree', () => {
  const order = [0, 1, 2].flatMap((i) => pairOrder(i));
  assert.deepEqual(order, ['base', 'tree', 'tree', 'base', 'base', 'tree']);
});

test('ratio summary: median, range and pairs lower', () => {
  assert.deepEqual(ratioSummary([0.5, 1.2, 0.9, 1]), { median: 0.95, min: 0.5, max: 1.2, pairs: 4, pairsLower: 2 });
});

test('per-second pairs: ratios within each pair, not median over median; a missing or zero second is left out', () => {
  // Pair 0 on a quiet machine, pair 1 on a busy one: the tree is 2x base in both pairs, while the medians
  // of each side (15 and 30) would say the same here but not in the third second, where pair 0 has no figure.
  const base = [[10, 100, 0], [20, 200]];
  const tree = [[20, 200, 7], [40, 400, 9]];
  const s = perSecondPairs(base, tree);
  assert.equal(s.length, 2);
  assert.deepEqual(s[0], { second: 1, baseMedian: 15, treeMedian: 30, ratios: [2, 2], ratio: { median: 2, min: 2, max: 2, pairs: 2, pairsLower: 0 } });
  assert.deepEqual(s[1].ratios, [2, 2]);
  // The ratio of medians would be 1 here; the pairs say the tree is slower in one and faster in the other.
  const mixed = perSecondPairs([[10], [100]], [[100], [10]]);
  assert.deepEqual(mixed[0].ratios, [10, 0.1]);
  assert.equal(mixed[0].ratio.pairsLower, 1);
  assert.throws(() => perSecondPairs([[1]], []), /1 base runs against 0/);
});

test('alternating pairs run each side in pairOrder and keep pair k at index k; pairRatios is tree over base per pair', () => {
  const calls: string[] = [];
  const sides = alternatingPairs(3, (side, pair) => { calls.push(`${side}${pair}`); return side === 'base' ? 10 * (pair + 1) : 5 * (pair + 1); });
  assert.deepEqual(calls, ['base0', 'tree0', 'tree1', 'base1', 'base2', 'tree2']);
  assert.deepEqual(sides, { base: [10, 20, 30], tree: [5, 10, 15] });
  assert.deepEqual(pairRatios(sides), [0.5, 0.5, 0.5]);
  assert.deepEqual(alternatingPairs(0, () => 1), { base: [], tree: [] });
});
