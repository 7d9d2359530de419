// A VM's disks as plain data (snapshot/diskChainsState.ts), the form they cross to another host's owner in:
// through structuredClone with the block buffers transferred, the disks read the same, a snapshot's chain
// and the live chain still share their layers (one table entry, one object), the sender's buffers are
// detached, and the table has the saved lab's order; a chain naming a layer the table lacks is refused by field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiskChain, exportDisks, importDisks } from '../../../src-main/engine/snapshot/index';
import type { DiskChainsState } from '../../../src-main/engine/snapshot/index';

const B = 4096;
const block = (v: number) => new Uint8Array(B).fill(v);
const contents = (d: DiskChain, n: number) => Array.from({ length: n }, (_, i) => { const out = new Uint8Array(B); d.read(i, out); return out[0]; });

function twoDisks(): { disks: DiskChain[]; snapshot: ReturnType<DiskChain['chain']>[] } {
  const a = new DiskChain(8 * B);
  const b = new DiskChain(4 * B);
  a.write(0, block(1)); a.write(1, block(1)); b.write(3, block(7));
  a.seal(); b.seal();
  const snapshot = [a.chain(), b.chain()];
  a.write(1, block(2)); a.write(2, block(2));
  a.seal();
  a.write(5, block(3));
  return { disks: [a, b], snapshot };
}

test('disks cross structuredClone with their buffers transferred: same contents, shared layers still shared, the sender\'s blocks detached', () => {
  const { disks, snapshot } = twoDisks();
  const before = disks.map((d) => contents(d, d.blockCount));
  const { state, transfer } = exportDisks(disks, [['snap-1', snapshot]]);
  // a: base, sealed, top; b: base, top; the snapshot names a's base and b's base again
  assert.equal(state.layers.length, 5, 'a layer the snapshot shares with the live chain is one table entry');
  assert.deepEqual(state.disks.map((d) => [d.capacityBytes, d.chain, d.top]), [[8 * B, [0, 1], 2], [4 * B, [3], 4]]);
  assert.deepEqual(state.extra, [['snap-1', [[0], [3]]]]);
  assert.equal(transfer.length, 6, 'every block buffer moves, each once (a: 2 + 2 + the top\'s 1; b: 1 + an empty top)');
  const sent = disks[0].chain()[0].get(0) as Uint8Array;
  const crossed = structuredClone(state, { transfer }) as DiskChainsState;
  assert.equal(sent.byteLength, 0, 'a moved block is detached on the side it left');
  const back = importDisks(crossed);
  assert.deepEqual(back.disks.map((d) => contents(d, d.blockCount)), before);
  assert.equal(back.extra[0][1][0][0], back.disks[0].chain()[0], 'the snapshot\'s layer is the live chain\'s layer object');
  assert.deepEqual(contents(DiskChain.onChain(8 * B, back.extra[0][1][0]), 8), [1, 1, 0, 0, 0, 0, 0, 0], 'the snapshot\'s contents');
  back.disks[0].write(0, block(9));
  assert.deepEqual(contents(DiskChain.onChain(8 * B, back.extra[0][1][0]), 2), [1, 1], 'a write after the crossing leaves the sealed layers alone');
});

test('a chain naming a layer the table lacks is refused, naming the field', () => {
  const { disks } = twoDisks();
  const { state } = exportDisks(disks);
  assert.throws(() => importDisks({ ...state, disks: [{ ...state.disks[0], chain: [0, 9] }] }), /disks\[0\] names layer 9, but the table has 5/);
  assert.throws(() => importDisks({ ...state, extra: [['snap-1', [[1.5]]]] }), /extra snap-1 \[0\] names layer 1.5/);
});
