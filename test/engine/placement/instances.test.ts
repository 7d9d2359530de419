// Standard instance files: BPPLIB (n, c, weights — or weight/count pairs) and the OR-Library form with
// several instances; malformed files give file:line:col with a hint; the seeded generators reproduce
// the same instance everywhere and the triplet class has its optimum by construction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readInstances, writeBpplib } from '../../../src-main/engine/placement/instances/bpplib';
import { standardInstance, tripletInstance, uniformInstance } from '../../../src-main/engine/placement/instances/generator';
import { formatSourceDiagnostics } from '../../../src-main/engine/placement/diagnostics';

const root = resolve(import.meta.dirname, '../../..');

const errorOf = (text: string) => {
  const r = readInstances(text, 'x.txt');
  assert.equal(r.ok, false, 'should be rejected');
  return r.ok ? '' : formatSourceDiagnostics(r.diagnostics);
};

test('BPPLIB: n, c, one weight per line; or weight/count pairs', () => {
  const r = readInstances('4\n10\n5\n5\n3\n7\n', 'dir/Falkenauer_u4.txt');
  assert.ok(r.ok);
  assert.equal(r.format, 'bpplib');
  assert.deepEqual(r.instances, [{ name: 'Falkenauer_u4', capacity: 10, sizes: [5, 5, 3, 7] }]);
  const pairs = readInstances('2\n100\n60 2\n40 3\n', 'p.txt');
  assert.ok(pairs.ok);
  assert.deepEqual(pairs.instances[0].sizes, [60, 60, 40, 40, 40]);
});

test('OR-Library: several instances with names and best-known counts', () => {
  const text = ' 2\n u3_00\n 150 3 1\n 50\n 50\n 50\n u3_01\n 150 3 2\n 100\n 60\n 40\n';
  const r = readInstances(text, 'binpack0.txt');
  assert.ok(r.ok);
  assert.equal(r.format, 'orlib');
  assert.deepEqual(r.instances.map((i) => [i.name, i.capacity, i.sizes.length, i.bestKnown]), [['u3_00', 150, 3, 1], ['u3_01', 150, 3, 2]]);
});

test('malformed files: file:line:col and a hint', () => {
  assert.match(errorOf('3\n100\n40\nabc\n50\n'), /^x\.txt:4:1: error: weight must be a whole number, got "abc"/);
  assert.match(errorOf('3\n100\n40\n50\n'), /^x\.txt:\d+:1: error: expected 3 weights, found 2\n {2}hint:/);
  assert.match(errorOf('2\n100\n40\n50\n60\n'), /^x\.txt:5:1: error: expected 2 weights, found more/);
  assert.match(errorOf('2\n100\n40\n150\n'), /^x\.txt:4:1: error: weight 150 is larger than the capacity 100/);
  assert.match(errorOf('2\n100 7\n40\n50\n'), /^x\.txt:2:5: error: unexpected "7" after the capacity/);
  assert.match(errorOf(''), /^x\.txt:1:1: error: the file is empty/);
  assert.match(errorOf(' 2\n a\n 150 2 1\n 50\n 50\n'), /expected 2 instances, found 1/);
  assert.match(errorOf(' 1\n a\n 150 x 1\n'), /^x\.txt:3:6: error: number of items must be a whole number, got "x"/);
});

test('generators: seeded and reproducible; triplets fill their bins exactly', () => {
  assert.deepEqual(uniformInstance(7, { n: 120, min: 20, max: 100, capacity: 150 }).sizes, uniformInstance(7, { n: 120, min: 20, max: 100, capacity: 150 }).sizes);
  assert.notDeepEqual(standardInstance('u120', 1).sizes, standardInstance('u120', 2).sizes);
  const u = standardInstance('u120', 3);
  assert.equal(u.sizes.length, 120);
  assert.ok(u.sizes.every((w) => w >= 20 && w <= 100));
  const t = tripletInstance(5, 40);
  assert.equal(t.sizes.length, 120);
  assert.equal(t.sizes.reduce((a, b) => a + b, 0), 40 * 1000, 'the optimum is exactly the number of triplets');
  assert.ok(t.sizes.every((w) => w >= 250 && w < 500));
});

test('the shipped instances are the generator\'s output for their seeds (resources/placement)', () => {
  const dir = join(root, 'resources/placement');
  const files = readdirSync(dir).filter((f) => /^(u120|t60|t120)_s\d+\.txt$/.test(f));
  assert.ok(files.length >= 9);
  for (const f of files) {
    const [, cls, seed] = /^(\w+)_s(\d+)\.txt$/.exec(f)!;
    const text = readFileSync(join(dir, f), 'utf8');
    const inst = standardInstance(cls as 'u120', Number(seed));
    assert.equal(text, writeBpplib(inst, `${inst.name}: class ${cls}, seed ${seed} (hvlab place --generate ${cls} --seed ${seed})`), f);
    const r = readInstances(text, f);
    assert.ok(r.ok);
    assert.deepEqual(r.instances[0].sizes, inst.sizes);
  }
});
