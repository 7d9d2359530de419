// The copy-on-write disk model on its own: layers, sealing, reverting onto a chain, flattening,
// consolidation, and the snapshot tree's delete semantics (no state changes but the deleted one's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiskChain, consolidate, SnapshotTree } from '../../../src-main/engine/snapshot/index';
import type { DiskLayer } from '../../../src-main/engine/snapshot/index';

const B = 4096;
const block = (v: number) => new Uint8Array(B).fill(v);
const readByte = (d: DiskChain, i: number) => { const out = new Uint8Array(B); d.read(i, out); return out[0]; };
const contents = (d: DiskChain, n = 8) => Array.from({ length: n }, (_, i) => readByte(d, i));

test('unwritten blocks read as zeros; writes land in the top layer and copy the caller\'s buffer', () => {
  const d = new DiskChain(64 * B);
  assert.equal(d.blockCount, 64);
  assert.equal(readByte(d, 3), 0);
  const buf = block(7);
  d.write(3, buf);
  buf.fill(9);
  assert.equal(readByte(d, 3), 7);
  assert.throws(() => d.write(64, buf), RangeError);
});

test('seal freezes a layer shared by reference; a disk on that chain sees it and not later writes', () => {
  const d = new DiskChain(16 * B);
  d.write(0, block(1));
  d.write(1, block(1));
  d.seal();
  const snapshot = d.chain();
  d.write(1, block(2));
  d.write(2, block(2));
  assert.deepEqual(contents(d, 4), [1, 2, 2, 0]);
  const reverted = DiskChain.onChain(16 * B, snapshot);
  assert.deepEqual(contents(reverted, 4), [1, 1, 0, 0]);
  reverted.write(0, block(5));
  assert.deepEqual(contents(DiskChain.onChain(16 * B, snapshot), 4), [1, 1, 0, 0], 'snapshot chain is immutable');
  assert.equal(snapshot[0], d.chain()[0], 'no block data was copied: the layer object is shared');
});

test('flatten and consolidate keep every chain\'s contents while shortening them', () => {
  const d = new DiskChain(16 * B);
  d.write(0, block(1)); const l1 = d.seal();
  d.write(1, block(2)); d.seal();
  d.write(0, block(3)); d.seal();
  const before = contents(d);
  const chains: DiskLayer[][] = [d.chain(), d.chain().slice(0, 2)];
  const after = consolidate(chains, l1);
  assert.equal(after[0].length, 2);
  assert.deepEqual(contents(DiskChain.onChain(16 * B, after[0])), before);
  assert.deepEqual(contents(DiskChain.onChain(16 * B, after[1])), [1, 2, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(contents(DiskChain.onChain(16 * B, [d.flatten()])), before);
});

test('snapshot tree: delete one consolidates into its children, moves "you are here" to the parent', () => {
  const d = new DiskChain(16 * B);
  const t = new SnapshotTree();
  const take = (id: number, value: number) => {
    d.write(id, block(value));
    d.seal();
    return t.add({ id: `snapshot-${id}`, name: `s${id}`, description: '', createdAtMs: id, memory: false, quiesced: false,
      powerState: 'poweredOff', config: {} as never, disks: [d.chain()] });
  };
  take(1, 10); take(2, 20); take(3, 30);
  d.write(4, block(40));
  const live = contents(d);
  const s3 = contents(DiskChain.onChain(16 * B, t.get('snapshot-3')!.disks[0]));
  const newLive = t.remove('snapshot-2', false, [d.chain()]);
  d.replaceChain(newLive[0]);
  assert.deepEqual(contents(d), live, 'live state unchanged');
  assert.deepEqual(contents(DiskChain.onChain(16 * B, t.get('snapshot-3')!.disks[0])), s3, 'child state unchanged');
  assert.equal(t.get('snapshot-3')!.parentId, 'snapshot-1');
  assert.equal(t.currentId, 'snapshot-3');
  t.remove('snapshot-3', false, [d.chain()]);
  assert.equal(t.currentId, 'snapshot-1', '"you are here" moves to the parent');
  const all = t.removeAll([d.chain()]);
  d.replaceChain(all[0]);
  assert.equal(d.chain().length, 1, 'Delete All commits everything into one base layer');
  assert.deepEqual(contents(d), live);
  assert.equal(t.size, 0);
  assert.equal(t.currentId, undefined);
});
