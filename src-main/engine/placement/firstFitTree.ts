/**
 * First fit in O(log m) per item: a tournament tree over the bins holding, per dimension, the largest
 * free room below each node (Johnson's 1974 implementation of first fit used the same idea in one
 * dimension). "The leftmost bin with room for d" descends from the root, skipping every subtree whose
 * largest room is too small in some dimension, and checks the bins it reaches — the same answer as
 * scanning the bins in order.
 *
 * - `new FirstFitTree(free, capacity, dims, bins)`; `leftmost(demand, offset)` → bin index or −1;
 *   `update(bin)` after the bin's free room changed; `visits` counts nodes and bins looked at.
 *
 * Rule: only valid for capacity alone — the heuristics use it when a problem has no side constraints,
 * no host out of service and no VM-count limit (otherwise they scan). In several dimensions a subtree
 * whose per-dimension maxima all fit may still hold no bin that fits in all at once, so the descent may
 * backtrack; it is exact either way.
 */
import { CAPACITY_EPS } from './packingState';

export class FirstFitTree {
  private readonly size: number;
  /** max[node * dims + k] */
  private readonly max: Float64Array;
  visits = 0;

  constructor(private readonly free: Float64Array, private readonly capacity: Float64Array, private readonly dims: number, private readonly bins: number) {
    let size = 1;
    while (size < bins) size *= 2;
    this.size = size;
    this.max = new Float64Array(2 * size * dims).fill(-Infinity);
    for (let j = 0; j < bins; j++) this.setLeaf(j);
    for (let node = size - 1; node >= 1; node--) this.pull(node);
  }

  private setLeaf(j: number): void {
    const D = this.dims;
    const leaf = this.size + j;
    // Room plus the tolerance, so the tree agrees with PackingState.fits.
    for (let k = 0; k < D; k++) this.max[leaf * D + k] = this.free[j * D + k] + CAPACITY_EPS * this.capacity[j * D + k];
  }

  private pull(node: number): void {
    const D = this.dims;
    const l = 2 * node * D, r = (2 * node + 1) * D, o = node * D;
    for (let k = 0; k < D; k++) this.max[o + k] = Math.max(this.max[l + k], this.max[r + k]);
  }

  update(j: number): void {
    this.setLeaf(j);
    for (let node = (this.size + j) >> 1; node >= 1; node >>= 1) this.pull(node);
  }

  /** Leftmost bin whose room holds demand[offset .. offset + dims) in every dimension, or −1. */
  leftmost(demand: Float64Array, offset: number): number {
    return this.descend(1, demand, offset);
  }

  private descend(node: number, demand: Float64Array, offset: number): number {
    this.visits++;
    const D = this.dims;
    const o = node * D;
    for (let k = 0; k < D; k++) if (demand[offset + k] > this.max[o + k]) return -1;
    if (node >= this.size) return node - this.size < this.bins ? node - this.size : -1;
    const left = this.descend(2 * node, demand, offset);
    return left >= 0 ? left : this.descend(2 * node + 1, demand, offset);
  }
}
