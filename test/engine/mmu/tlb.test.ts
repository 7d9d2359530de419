/** The modelled TLB on its own: lookup counting, FIFO replacement, invalidation, save/restore. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tlb } from '../../../src-main/engine/mmu/index';

test('set-associative FIFO replacement, eviction callback, invalidation', () => {
  const t = new Tlb(8, 2); // 4 sets
  const evicted: number[] = [];
  t.onEvict = (v) => evicted.push(v);
  assert.equal(t.lookup(1), -1);
  t.insert(1, 100, 7);
  t.insert(5, 105, 7); // same set (1 & 3 == 5 & 3)
  t.insert(9, 109, 7); // evicts the oldest of the set: 1
  assert.deepEqual(evicted, [1]);
  assert.equal(t.lookup(1), -1);
  assert.equal(t.gpfnAt(t.lookup(9)), 109);
  assert.equal(t.gpfnAt(t.lookup(5)), 105);
  t.insert(13, 113, 7); // evicts 5 (FIFO, hits do not matter)
  assert.deepEqual(evicted, [1, 5]);
  t.invalidatePage(9);
  assert.equal(t.probe(9), -1);
  assert.deepEqual(t.stats, { hits: 2, misses: 2, evictions: 2, flushes: 0, pageInvalidations: 1 });
  const r = Tlb.restore(structuredClone(t.save()));
  assert.equal(r.gpfnAt(r.probe(13)), 113);
  assert.equal(r.validCount(), t.validCount());
  t.flush();
  assert.equal(t.validCount(), 0);
});
