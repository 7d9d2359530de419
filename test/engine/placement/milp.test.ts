// The MILP data the engine hands to the solver port: built column by column and row by row, and written
// as CPLEX LP text a student can read (or feed to another solver).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilpBuilder, nonzeros, toLpText, buildArcFlow, oneDimensional } from '../../../src-main/engine/placement/index';

test('builder and LP text', () => {
  const b = new MilpBuilder('maximize');
  const c = b.col('chairs', 0, Infinity, 30, true);
  const t = b.col('tables', 0, 6, 50, false);
  b.row('carpentry', -Infinity, 40, [[c, 1], [t, 2]]);
  b.row('exact', 3, 3, [[c, 1], [t, -1]]);
  assert.equal(nonzeros(b.model), 4);
  const lp = toLpText(b.model);
  assert.match(lp, /^Maximize\n obj: 30 chairs \+ 50 tables\nSubject To\n/);
  assert.match(lp, / carpentry: chairs \+ 2 tables <= 40\n/);
  assert.match(lp, / exact: chairs - tables = 3\n/);
  assert.match(lp, / 0 <= tables <= 6\n/);
  assert.match(lp, /General\n chairs\nEnd$/);
});

test('arc-flow graph of a small instance: levels, arcs, demand rows as equalities', () => {
  const af = buildArcFlow(oneDimensional('size', 10, [6, 4, 4, 3]), { lower: 2, upper: 4 })!;
  // Levels reachable laying items in decreasing size: 0, 6, 4, 10, 8, 3, 9, 7 (and 10 = C).
  assert.equal(af.levels, 8);
  const demand = af.model.rows.filter((r) => r.name.startsWith('demand_'));
  assert.deepEqual(demand.map((r) => [r.name, r.lower, r.upper]), [['demand_6', 1, 1], ['demand_4', 2, 2], ['demand_3', 1, 1]]);
  // z = 2 bins: 6+4 and 4+3 (+ loss) decode into a valid placement.
  const values = new Array<number>(af.model.colNames.length).fill(0);
  const col = (name: RegExp) => af.model.colNames.findIndex((n) => name.test(n));
  values[col(/^z$/)] = 2;
  values[col(/_0_6$/)] = 1; // 0 → 6
  values[col(/_6_4$/)] = 1; // 6 → 10
  values[col(/_0_4$/)] = 1; // 0 → 4
  values[col(/_4_3$/)] = 1; // 4 → 7
  const binOf = af.decode(values).binOf;
  assert.equal(new Set(binOf).size, 2);
  assert.equal(binOf[0], binOf[1], '6 and one 4 together');
  assert.equal(binOf[2], binOf[3], 'the other 4 with the 3');
});
