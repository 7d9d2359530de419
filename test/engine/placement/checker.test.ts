// The independent checker finds each kind of violation, by name — so the property tests that rely on it
// can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPlacement, type PlacementProblem } from '../../../src-main/engine/placement/index';

const problem: PlacementProblem = {
  dimensions: ['cpu', 'mem'],
  items: [
    { id: 'a', demand: [6, 1] }, { id: 'b', demand: [6, 1] }, { id: 'c', demand: [1, 1] }, { id: 'd', demand: [1, 1], running: 'maySuspend' },
  ],
  bins: [{ id: 'h1', capacity: [10, 10] }, { id: 'h2', capacity: [10, 10] }, { id: 'h3', capacity: [10, 10], state: 'maintenance' }],
  constraints: [
    { kind: 'spread', items: ['a', 'c'] },
    { kind: 'gather', items: ['b', 'c'] },
    { kind: 'ban', items: ['b'], bins: ['h1'] },
    { kind: 'fence', items: ['c'], bins: ['h2'] },
    { kind: 'among', items: ['a', 'b'], groups: [['h1'], ['h2']] },
    { kind: 'maxVms', max: 2, name: 'two per host' },
  ],
};
const rules = (binOf: number[]) => checkPlacement(problem, { binOf }).map((v) => v.rule);

test('a valid placement has no violation (a VM that may be suspended may stay off)', () => {
  assert.deepEqual(rules([0, 1, 1, -1]).filter((r) => !r.startsWith('among')), []);
});

test('each rule is caught and named', () => {
  assert.ok(rules([0, 0, 1, -1]).includes('capacity(cpu)'), 'a and b on h1: 12 > 10');
  assert.ok(rules([0, 1, 0, -1]).some((r) => r.startsWith('spread#1')));
  assert.ok(rules([1, 1, 0, -1]).some((r) => r.startsWith('gather#2')));
  assert.ok(rules([1, 0, 0, -1]).some((r) => r.startsWith('ban#3')));
  assert.ok(rules([1, 1, 0, -1]).some((r) => r.startsWith('fence#4')));
  assert.ok(rules([0, 1, 1, -1]).some((r) => r.startsWith('among#5')), 'a on h1, b on h2: two groups');
  assert.ok(rules([1, 1, 1, 1]).includes('two per host'));
  assert.ok(rules([2, 1, 1, -1]).includes('offline(h3)'));
  assert.ok(rules([0, 1, -1, -1]).includes('running(c)'), 'c must keep running');
  assert.ok(rules([0, 1, 7, -1]).includes('placement'), 'a bin that does not exist');
  assert.ok(checkPlacement(problem, { binOf: [0, 1] }).some((v) => v.rule === 'placement'), 'one entry per item');
});
