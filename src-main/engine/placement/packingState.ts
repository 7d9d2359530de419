/**
 * The incremental state a heuristic packs into: free capacity per bin and dimension, VM counts, and the
 * bookkeeping of every side constraint, so "may item i go to bin j?" is answered in O(dimensions +
 * constraints of i) without rescanning the placement.
 *
 * - `new PackingState(problem)`; `fits(i, j)` → boolean (fast path); `whyNot(i, j)` → the name of the
 *   first rule that forbids it, or null (slow path, for step-by-step traces and explanations);
 *   `place(i, j)`; `leaveOff(i)`; `isOpen(j)`; `slack(j)` (normalised free room, for BF/WF);
 *   `placement()`.
 * - Gather: the members of a gather class (gather constraints sharing items are merged) move as one
 *   block: `fits(i, j)` checks the whole class and `place(i, j)` places every member, so heuristics
 *   simply skip items that are already placed.
 * - Among: the group is chosen when the first member of the constraint is placed.
 *
 * Rule: this is the heuristics' view of the constraints; `checker.ts` re-checks every solution from the
 * definitions, independently of this code.
 */
import type { PlacementProblem, Placement } from './problem';
import { binIsUsable } from './problem';
import { capacityLabel, constraintLabel, offlineLabel } from './constraints';

/** Relative tolerance on capacities: demands and capacities are measured quantities (MHz, MiB). */
export const CAPACITY_EPS = 1e-9;

export class PackingState {
  readonly n: number;
  readonly m: number;
  readonly dims: number;
  /** demand[i * dims + k] */
  readonly demand: Float64Array;
  readonly capacity: Float64Array;
  readonly free: Float64Array;
  readonly count: Int32Array;
  readonly binOf: Int32Array;
  /** 1 when item i may never go to bin j (ban, fence, offline); null when nothing is forbidden. */
  private readonly forbidden: Uint8Array | null;
  private readonly maxItems: Int32Array;
  /** spread: per item, the spread constraint indices; per constraint, count per bin. */
  private readonly itemSpreads: number[][];
  private readonly spreadCount = new Map<number, Int32Array>();
  /** gather: class per item (−1 none); per class its members, summed demand, and whether two members share a spread. */
  private readonly gatherClass: Int32Array;
  private readonly classMembers: number[][] = [];
  private readonly classDemand: Float64Array[] = [];
  private readonly classSelfSpread: boolean[] = [];
  /** among: per item, the among constraint indices; per constraint: group of each bin, chosen group. */
  private readonly itemAmongs: number[][];
  private readonly amongGroupOfBin = new Map<number, Int32Array>();
  private readonly amongChosen = new Map<number, number>();
  private readonly norm: Float64Array;
  /** Item–bin compatibility checks made (the cost model's unit for heuristics). */
  checks = 0;
  readonly hasSideConstraints: boolean;
  /** Capacity is the only rule: no side constraint, every host usable, no VM-count limit (first fit may use its tree). */
  readonly capacityOnly: boolean;

  constructor(readonly problem: PlacementProblem) {
    const n = (this.n = problem.items.length);
    const m = (this.m = problem.bins.length);
    const D = (this.dims = problem.dimensions.length);
    this.demand = new Float64Array(n * D);
    this.capacity = new Float64Array(m * D);
    for (let i = 0; i < n; i++) for (let k = 0; k < D; k++) this.demand[i * D + k] = problem.items[i].demand[k];
    for (let j = 0; j < m; j++) for (let k = 0; k < D; k++) this.capacity[j * D + k] = problem.bins[j].capacity[k];
    this.free = Float64Array.from(this.capacity);
    this.count = new Int32Array(m);
    this.binOf = new Int32Array(n).fill(-1);
    this.maxItems = new Int32Array(m).fill(0x7fffffff);
    const hasConstraints = problem.constraints.length > 0;
    // Per-item lists only when there are constraints (a 10,000-VM problem without any allocates none).
    const none: number[] = [];
    this.itemSpreads = hasConstraints ? Array.from({ length: n }, () => []) : new Array<number[]>(n).fill(none);
    this.itemAmongs = hasConstraints ? Array.from({ length: n }, () => []) : new Array<number[]>(n).fill(none);
    this.gatherClass = new Int32Array(n).fill(-1);
    // Normalisation of slack for BF/WF: each dimension divided by the largest capacity in it.
    this.norm = new Float64Array(D);
    for (let k = 0; k < D; k++) {
      let mx = 0;
      for (let j = 0; j < m; j++) mx = Math.max(mx, this.capacity[j * D + k]);
      this.norm[k] = mx > 0 ? 1 / mx : 0;
    }
    const itemIndex = new Map(hasConstraints ? problem.items.map((it, i) => [it.id, i]) : []);
    const binIndex = new Map(hasConstraints ? problem.bins.map((b, j) => [b.id, j]) : []);
    let forbidden: Uint8Array | null = null;
    const forbid = (i: number, j: number) => {
      forbidden ??= new Uint8Array(n * m);
      forbidden[i * m + j] = 1;
    };
    for (let j = 0; j < m; j++) if (!binIsUsable(problem.bins[j])) for (let i = 0; i < n; i++) forbid(i, j);
    // Gather classes: union-find over items of gather constraints.
    const parent = Array.from({ length: n }, (_, i) => i);
    const find = (x: number): number => { while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x]; } return x; };
    let side = false;
    problem.constraints.forEach((c, ci) => {
      side = true;
      switch (c.kind) {
        case 'ban': for (const it of c.items) for (const b of c.bins) forbid(itemIndex.get(it)!, binIndex.get(b)!); break;
        case 'fence': {
          const ok = new Set(c.bins.map((b) => binIndex.get(b)!));
          for (const it of c.items) for (let j = 0; j < m; j++) if (!ok.has(j)) forbid(itemIndex.get(it)!, j);
          break;
        }
        case 'maxVms': {
          const bins = c.bins ? c.bins.map((b) => binIndex.get(b)!) : [...Array(m).keys()];
          for (const j of bins) this.maxItems[j] = Math.min(this.maxItems[j], c.max);
          break;
        }
        case 'spread':
          for (const it of c.items) this.itemSpreads[itemIndex.get(it)!].push(ci);
          this.spreadCount.set(ci, new Int32Array(m));
          break;
        case 'gather': {
          const idx = c.items.map((it) => itemIndex.get(it)!);
          for (let a = 1; a < idx.length; a++) parent[find(idx[a])] = find(idx[0]);
          break;
        }
        case 'among': {
          const g = new Int32Array(m).fill(-1);
          c.groups.forEach((group, gi) => { for (const b of group) g[binIndex.get(b)!] = gi; });
          this.amongGroupOfBin.set(ci, g);
          for (const it of c.items) this.itemAmongs[itemIndex.get(it)!].push(ci);
          break;
        }
      }
    });
    this.hasSideConstraints = side;
    this.forbidden = forbidden;
    this.capacityOnly = !side && !forbidden;
    // Number the gather classes that have two or more members.
    const members = new Map<number, number[]>();
    const anyGather = problem.constraints.some((c) => c.kind === 'gather');
    for (let i = 0; anyGather && i < n; i++) {
      const r = find(i);
      if (r === i && !members.has(r)) members.set(r, []);
      (members.get(r) ?? members.set(r, []).get(r)!).push(i);
    }
    for (const list of members.values()) {
      if (list.length < 2) continue;
      const cls = this.classMembers.length;
      this.classMembers.push(list);
      const sum = new Float64Array(D);
      for (const i of list) { this.gatherClass[i] = cls; for (let k = 0; k < D; k++) sum[k] += this.demand[i * D + k]; }
      this.classDemand.push(sum);
      const spreads = new Set<number>();
      let self = false;
      for (const i of list) for (const ci of this.itemSpreads[i]) { if (spreads.has(ci)) self = true; spreads.add(ci); }
      this.classSelfSpread.push(self);
    }
  }

  isOpen(j: number): boolean {
    return this.count[j] > 0;
  }

  /** The items that move with item i: its gather class, or i alone. */
  membersOf(i: number): number[] {
    const cls = this.gatherClass[i];
    return cls >= 0 ? this.classMembers[cls] : [i];
  }

  /** May item i (with its gather class) go to bin j now? (All rules; fast path.) */
  fits(i: number, j: number): boolean {
    this.checks++;
    const D = this.dims;
    const cls = this.gatherClass[i];
    const members = cls >= 0 ? this.classMembers[cls] : null;
    if (this.forbidden) {
      if (members) { for (const x of members) if (this.forbidden[x * this.m + j]) return false; }
      else if (this.forbidden[i * this.m + j]) return false;
    }
    if (this.count[j] + (members ? members.length : 1) > this.maxItems[j]) return false;
    const need = members ? this.classDemand[cls] : null;
    for (let k = 0; k < D; k++) {
      const d = need ? need[k] : this.demand[i * D + k];
      if (d > this.free[j * D + k] + CAPACITY_EPS * this.capacity[j * D + k]) return false;
    }
    if (!this.hasSideConstraints) return true;
    if (members) {
      if (this.classSelfSpread[cls]) return false;
      for (const x of members) if (!this.sideFits(x, j)) return false;
      return true;
    }
    return this.sideFits(i, j);
  }

  private sideFits(i: number, j: number): boolean {
    for (const ci of this.itemSpreads[i]) if (this.spreadCount.get(ci)![j] > 0) return false;
    for (const ci of this.itemAmongs[i]) {
      const g = this.amongGroupOfBin.get(ci)![j];
      if (g < 0) return false;
      const chosen = this.amongChosen.get(ci);
      if (chosen !== undefined && chosen !== g) return false;
    }
    return true;
  }

  /** The first rule that forbids item i (with its gather class) on bin j now, by name, or null (slow path). */
  whyNot(i: number, j: number): string | null {
    const p = this.problem;
    const bin = p.bins[j];
    if (!binIsUsable(bin)) return offlineLabel(bin.id);
    const members = this.membersOf(i);
    const ids = new Set(members.map((x) => p.items[x].id));
    const withClass = (label: string) => (members.length > 1 ? `${label} (moving with ${this.gatherLabel(i)})` : label);
    for (let ci = 0; ci < p.constraints.length; ci++) {
      const c = p.constraints[ci];
      if (c.kind === 'ban' && c.items.some((x) => ids.has(x)) && c.bins.includes(bin.id)) return withClass(constraintLabel(p, ci));
      if (c.kind === 'fence' && c.items.some((x) => ids.has(x)) && !c.bins.includes(bin.id)) return withClass(constraintLabel(p, ci));
    }
    if (this.count[j] + members.length > this.maxItems[j]) {
      for (let ci = 0; ci < p.constraints.length; ci++) {
        const c = p.constraints[ci];
        if (c.kind === 'maxVms' && (!c.bins || c.bins.includes(bin.id)) && this.count[j] + members.length > c.max) return withClass(constraintLabel(p, ci));
      }
    }
    const D = this.dims;
    for (let k = 0; k < D; k++) {
      let need = 0;
      for (const x of members) need += this.demand[x * D + k];
      if (need > this.free[j * D + k] + CAPACITY_EPS * this.capacity[j * D + k]) return withClass(capacityLabel(p.dimensions[k]));
    }
    for (const x of members) {
      for (const ci of this.itemSpreads[x]) {
        if (this.spreadCount.get(ci)![j] > 0) return withClass(constraintLabel(p, ci));
        const sc = p.constraints[ci];
        if (members.length > 1 && 'items' in sc && sc.items.filter((y) => ids.has(y)).length > 1) return withClass(constraintLabel(p, ci));
      }
      for (const ci of this.itemAmongs[x]) {
        const g = this.amongGroupOfBin.get(ci)![j];
        const chosen = this.amongChosen.get(ci);
        if (g < 0 || (chosen !== undefined && chosen !== g)) return withClass(constraintLabel(p, ci));
      }
    }
    return null;
  }

  private gatherLabel(i: number): string {
    const p = this.problem;
    const id = p.items[i].id;
    const ci = p.constraints.findIndex((c) => c.kind === 'gather' && c.items.includes(id));
    return ci >= 0 ? constraintLabel(p, ci) : 'gather';
  }

  /** Puts item i — and the rest of its gather class — on bin j (the caller checked `fits`). */
  place(i: number, j: number): void {
    for (const x of this.membersOf(i)) this.placeOne(x, j);
  }

  private placeOne(i: number, j: number): void {
    const D = this.dims;
    for (let k = 0; k < D; k++) this.free[j * D + k] -= this.demand[i * D + k];
    this.count[j]++;
    this.binOf[i] = j;
    if (this.hasSideConstraints) {
      for (const ci of this.itemSpreads[i]) this.spreadCount.get(ci)![j]++;
      for (const ci of this.itemAmongs[i]) if (!this.amongChosen.has(ci)) this.amongChosen.set(ci, this.amongGroupOfBin.get(ci)![j]);
    }
  }

  /** Free room of bin j after adding item i, normalised per dimension and summed (BF picks the least, WF the most). */
  slackAfter(i: number, j: number): number {
    const D = this.dims;
    let s = 0;
    for (let k = 0; k < D; k++) s += (this.free[j * D + k] - this.demand[i * D + k]) * this.norm[k];
    return s;
  }

  placement(): Placement {
    return { binOf: Array.from(this.binOf) };
  }
}
