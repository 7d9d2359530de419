// The modelling language: every worked example of the practical gets the answer a brute-force
// enumeration (written here, independently of the solver) gives; --all lists exactly the solutions;
// malformed models give file:line:col; infeasible models name a minimal conflict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { solveModel, type ModelRun } from '../../../src-main/engine/placement/model/index';
import { formatSourceDiagnostics } from '../../../src-main/engine/placement/diagnostics';

const dir = resolve(import.meta.dirname, '../../../resources/placement/models');
const run = (file: string, all = false) => {
  const r = solveModel(readFileSync(join(dir, file), 'utf8'), file, { all });
  assert.ok(r.ok, r.ok ? '' : formatSourceDiagnostics(r.diagnostics));
  return r as Extract<ModelRun, { ok: true }>;
};

const cost = [10, 3, 5, 1, 9];
const size = [10, 5, 3, 6, 7];

/** Every host assignment (0 = off, 1..m) of the five VMs, as the practical states the problem. */
function* assignments(m: number): Generator<number[]> {
  const host = [0, 0, 0, 0, 0];
  for (let code = 0; code < (m + 1) ** 5; code++) {
    let c = code;
    for (let i = 0; i < 5; i++) { host[i] = c % (m + 1); c = Math.floor(c / (m + 1)); }
    yield host.slice();
  }
}
const loads = (host: number[], m: number) => Array.from({ length: m }, (_, s) => host.reduce((a, h, i) => a + (h === s + 1 ? size[i] : 0), 0));
const profit = (host: number[]) => host.reduce((a, h, i) => a + (h ? cost[i] : 0), 0);
const fits = (host: number[], capa: number[]) => loads(host, capa.length).every((l, s) => l <= capa[s]);
const best = (capa: number[], value: (h: number[]) => number, ok: (h: number[]) => boolean = () => true, sense: 1 | -1 = 1) => {
  let b = -Infinity;
  for (const h of assignments(capa.length)) if (fits(h, capa) && ok(h)) b = Math.max(b, sense * value(h));
  return sense * b;
};
const onCount = (h: number[]) => h.filter((x) => x > 0).length;

test('Q1 profit of five VMs: maximum 28, all on', () => {
  const r = run('1-profit.cp');
  assert.equal(r.status, 'optimal');
  assert.equal(r.objective, 28);
  assert.equal(r.objective, cost.reduce((a, b) => a + b));
  assert.deepEqual(r.solutions[0].values.on, [1, 1, 1, 1, 1]);
});

test('Q2 exactly nbOn = 3 VMs on: --all lists the C(5,3) = 10 choices, each once', () => {
  const r = run('2-exactly-nbOn.cp', true);
  assert.equal(r.status, 'satisfiable');
  assert.equal(r.solutionCount, 10);
  const seen = new Set(r.solutions.map((s) => (s.values.on as number[]).join('')));
  assert.equal(seen.size, 10);
  for (const s of r.solutions) {
    const on = s.values.on as number[];
    assert.equal(on.reduce((a, b) => a + b), 3);
    assert.equal(s.values.profit, on.reduce((a, x, i) => a + x * cost[i], 0));
  }
});

test('Q3 maximum profit with nbOn = 3 on: 24 (VMs 1, 3, 5)', () => {
  const r = run('3-max-profit-nbOn.cp');
  assert.equal(r.objective, 24);
  assert.deepEqual(r.solutions[0].values.on, [1, 0, 1, 0, 1]);
});

test('Q4 bin packing: servers 10 and 20 → 27; servers 15 and 30 → 28 (= brute force); --all lists every optimum', () => {
  const a = run('4-bin-packing.cp');
  assert.equal(a.objective, best([10, 20], profit));
  assert.equal(a.objective, 27);
  const b = run('4b-bin-packing-15-30.cp');
  assert.equal(b.objective, best([15, 30], profit));
  assert.equal(b.objective, 28);
  const all = run('4-bin-packing.cp', true);
  let count = 0;
  for (const h of assignments(2)) if (fits(h, [10, 20]) && profit(h) === 27) count++;
  assert.equal(all.solutionCount, count);
  for (const s of all.solutions) {
    const host = s.values.host as number[];
    assert.ok(fits(host, [10, 20]));
    assert.deepEqual(s.values.load, loads(host, 2));
  }
});

const power = (h: number[]) => (h.some((x) => x === 1) ? 200 : 0) + (h.some((x) => x === 2) ? 100 : 0);

test('Q5 minimum power with 3 VMs on (servers 15/30, 200/100 W): 100 W', () => {
  const r = run('5-min-power.cp');
  assert.equal(r.status, 'optimal');
  assert.equal(r.objective, best([15, 30], power, (h) => onCount(h) === 3, -1));
  assert.equal(r.objective, 100);
});

test('Q6 profit minus power (10 × profit − W): 170', () => {
  const r = run('6-profit-minus-power.cp');
  assert.equal(r.objective, best([15, 30], (h) => 10 * profit(h) - power(h)));
  assert.equal(r.objective, 170);
});

test('Q7 power proportional to load (idle + W per unit when used): 170', () => {
  const idle = [100, 50], per = [8, 2];
  const value = (h: number[]) => 10 * profit(h) - loads(h, 2).reduce((a, l, s) => a + (l > 0 ? idle[s] + per[s] * l : 0), 0);
  const r = run('7-proportional-power.cp');
  assert.equal(r.objective, best([15, 30], value));
  assert.equal(r.objective, 170);
  const host = r.solutions[0].values.host as number[];
  assert.equal(value(host), 170);
});

test('an infeasible model names a minimal conflict with positions', () => {
  const r = run('8-infeasible.cp');
  assert.equal(r.status, 'infeasible');
  assert.ok(r.conflict?.minimal);
  assert.deepEqual(r.conflict!.statements.map((s) => s.label), ['on means placed', 'loads', 'capacity', 'all VMs on']);
  assert.deepEqual(r.conflict!.statements.map((s) => s.line), [12, 13, 14, 15]);
});

test('malformed models: file:line:col with hints, every faulty statement reported', () => {
  const err = (text: string) => {
    const r = solveModel(text, 'm.cp');
    assert.equal(r.ok, false);
    return r.ok ? '' : formatSourceDiagnostics(r.diagnostics);
  };
  assert.match(err('var int x in 0..3\nconstraint x >= 1;'), /^m\.cp:2:1: error: expected ";", got "constraint"\n {2}hint: statements end with ";"/);
  assert.match(err('var int x in 0..3;\nconstraint y >= 1;'), /^m\.cp:2:12: error: unknown name "y"/);
  assert.match(err('const a = [1, 2];\nvar int x in 0..a[3];'), /^m\.cp:2:19: error: index 3 is out of a's range 1\.\.2/);
  assert.match(err('var int x;'), /^m\.cp:1:9: error: "x" needs a domain/);
  assert.match(err('var int x in 0..3;\nvar int y in 0..3;\nconstraint x / y == 1;'), /^m\.cp:3:14: error: "\/" needs constants on both sides/);
  assert.match(err('var int x in 0..3 @;'), /^m\.cp:1:19: error: unexpected character "@"/);
  const two = err('var int x in 0..3;\nconstraint x >= ;\nconstraint x <= 1 <= 2;');
  assert.match(two, /m\.cp:2:17: error: expected an expression, got ";"/);
  assert.match(two, /m\.cp:3:19: error: comparisons do not chain/);
  const sem = err('var int x in 0..3;\nconstraint y >= 1;\nconstraint x == z;');
  assert.match(sem, /m\.cp:2:12: error: unknown name "y"/);
  assert.match(sem, /m\.cp:3:17: error: unknown name "z"/);
});

test('language features: reification, products, element, if-then-else, count, min/max, abs', () => {
  const r = solveModel(`
    const t[0..3] = [5, 7, 9, 11];
    var int x in -3..3;
    var int y in 0..3;
    var bool b = x > 0;
    var int z = x * y;
    var int e = t[y];
    var int f = if b then 1 else 2 endif;
    var int c = count(i in 1..3) (i <= y);
    var int a = abs(x);
    var int mx = max(x, y);
    constraint x != 0;
    constraint z == -6;`, 'f.cp', { all: true });
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.solutionCount, 2);
  for (const s of r.solutions) {
    const v = s.values as Record<string, number>;
    assert.equal(v.z, v.x * v.y);
    assert.equal(v.z, -6);
    assert.equal(v.e, [5, 7, 9, 11][v.y]);
    assert.equal(v.b, v.x > 0 ? 1 : 0);
    assert.equal(v.f, v.b ? 1 : 2);
    assert.equal(v.c, v.y);
    assert.equal(v.a, Math.abs(v.x));
    assert.equal(v.mx, Math.max(v.x, v.y));
  }
});
