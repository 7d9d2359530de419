// A VM's live disks as plain data (snapshot/diskChainsState.ts), the form they are lent to a host's owner in:
// through structuredClone the disks read the same, two disks sharing a sealed layer still share it (one
// table entry, one object), the top in the table is a copy (a write after the export does not reach it),
// and the table has the saved lab's order; a chain naming a layer the table lacks is refused by field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiskChain, exportDisks, importDisks } from '../../../src-main/engine/snapshot/index';
import type { DiskChainsState } from '../../../src-main/engine/snapshot/index';

const B = 4096;
const block = (v: number) => new Uint8Array(B).fill(v);
const contents = (d: DiskChain, n: number) => Array.from({ length: n }, (_, i) => { const out = new Uint8Array(B); d.read(i, out); return out[0]; });

function twoDisks(): DiskChain[] {
  const a = new DiskChain(8 * B);
  a.write(0, block(1)); a.write(1, block(1));
  const base = a.seal();
  // a second disk on the first one's base (as a linked clone would be): the layer is shared
  const b = DiskChain.onChain(8 * B, [base]);
  b.write(3, block(7));
  a.write(1, block(2)); a.write(2, block(2));
  a.seal();
  a.write(5, block(3));
  return [a, b];
}

test('disks cross structuredClone: same contents, a shared layer still one object, the top a copy', () => {
  const disks = twoDisks();
  const before = disks.map((d) => contents(d, d.blockCount));
  const state = exportDisks(disks);
  // a: base, sealed, top; b: (a's base), top
  assert.equal(state.layers.length, 4, 'a layer both disks hold is one table entry');
  assert.deepEqual(state.disks.map((d) => [d.capacityBytes, d.chain, d.top]), [[8 * B, [0, 1], 2], [8 * B, [0], 3]]);
  disks[0].write(5, block(9));
  const back = importDisks(structuredClone(state) as DiskChainsState);
  assert.deepEqual(back.map((d) => contents(d, d.blockCount)), before, 'the export\'s top is a copy: the later write is not in it');
  assert.equal(back[0].chain()[0], back[1].chain()[0], 'the shared base is one layer object');
  back[1].write(0, block(4));
  assert.deepEqual(contents(back[0], 2), [1, 2], 'a write after the crossing leaves the sealed layers alone');
});

test('a chain naming a layer the table lacks is refused, naming the field', () => {
  const state = exportDisks(twoDisks());
  assert.throws(() => importDisks({ ...state, disks: [state.disks[0], { ...state.disks[1], chain: [0, 9] }] }), /disks\[1\] names layer 9, but the table has 4/);
  assert.throws(() => importDisks({ ...state, disks: [{ ...state.disks[0], top: 1.5 }] }), /disks\[0\] names layer 1.5/);
});
