/**
 * The assignment model of vector bin packing with BtrPlace's side constraints, with symmetry breaking —
 * the exact model for several dimensions, different hosts, and constraints (small cases: its LP bound
 * is weak, ⌈Σ demand ÷ C⌉ at best, so branch-and-bound must close the gap by enumeration; use the
 * arc-flow model for one-dimensional packing, see `arcFlow.ts` and docs/placement.md).
 *
 *   x_ij ∈ {0,1}  item i on host j — only for pairs that ban, fence, among and host state allow
 *   y_j  ∈ {0,1}  host j used;  s_i ∈ {0,1}  item i suspended (only if it may be)
 *   minimize Σ y_j + W · Σ s_i,  W = hosts + 1 (suspending is worse than opening any host)
 *   assign:    Σ_j x_ij + s_i = 1
 *   capacity:  Σ_i d_ik x_ij ≤ C_jk y_j              (each host, each dimension)
 *   link:      x_ij ≤ y_j                             (strengthens the LP; small models only)
 *   maxVms:    Σ_i x_ij ≤ max_j y_j
 *   spread:    Σ_{i∈S} x_ij ≤ 1                       (each host)
 *   gather:    x_aj − x_bj ≤ s_b, x_bj − x_aj ≤ s_a   (consecutive members; = when both must run)
 *   among:     Σ_g z_g = 1, x_ij ≤ z_g(j)
 *
 * Symmetry breaking: hosts that no rule tells apart (same capacities, same limits, same membership in
 * every ban/fence/among/maxVms list) form a class; inside a class y_1 ≥ y_2 ≥ … and item i (0-based) may
 * only use the first i + 1 hosts of the class. Both hold for a relabelling of any solution (order a
 * class's used hosts by their lowest item), so no optimum is cut off.
 *
 * - `buildAssignment(problem, start?)` → `{ model, decode, initial? }`, or null past ASSIGNMENT_MAX_PAIRS.
 */
import type { Placement, PlacementProblem } from './problem';
import { binIsUsable } from './problem';
import { MilpBuilder, type MilpModel } from './milp';
import { ASSIGNMENT_MAX_PAIRS } from '../params';

export interface AssignmentBuild {
  model: MilpModel;
  pairs: number;
  classes: number;
  /** Weight of one suspended item in the objective. */
  suspendWeight: number;
  decode(values: number[]): Placement;
  initial?: number[];
}

export function buildAssignment(problem: PlacementProblem, start?: Placement): AssignmentBuild | null {
  const { items, bins, constraints } = problem;
  const n = items.length;
  const m = bins.length;
  const D = problem.dimensions.length;
  const itemIndex = new Map(items.map((it, i) => [it.id, i]));
  const binIndex = new Map(bins.map((b, j) => [b.id, j]));
  // Allowed pairs.
  const allowed: Uint8Array = new Uint8Array(n * m);
  for (let j = 0; j < m; j++) if (binIsUsable(bins[j])) for (let i = 0; i < n; i++) allowed[i * m + j] = 1;
  const maxOf = new Array<number>(m).fill(Infinity);
  for (const c of constraints) {
    if (c.kind === 'ban') for (const it of c.items) for (const b of c.bins) allowed[itemIndex.get(it)! * m + binIndex.get(b)!] = 0;
    if (c.kind === 'fence') {
      const ok = new Set(c.bins.map((b) => binIndex.get(b)!));
      for (const it of c.items) for (let j = 0; j < m; j++) if (!ok.has(j)) allowed[itemIndex.get(it)! * m + j] = 0;
    }
    if (c.kind === 'among') {
      const inSome = new Set(c.groups.flat().map((b) => binIndex.get(b)!));
      for (const it of c.items) for (let j = 0; j < m; j++) if (!inSome.has(j)) allowed[itemIndex.get(it)! * m + j] = 0;
    }
    if (c.kind === 'maxVms') for (const j of c.bins ? c.bins.map((b) => binIndex.get(b)!) : [...Array(m).keys()]) maxOf[j] = Math.min(maxOf[j], c.max);
  }
  // Capacity: an item larger than a host in some dimension can never go there.
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    if (!allowed[i * m + j]) continue;
    for (let k = 0; k < D; k++) if (items[i].demand[k] > bins[j].capacity[k] * (1 + 1e-9) + 1e-9) { allowed[i * m + j] = 0; break; }
  }
  let pairs = 0;
  for (let t = 0; t < n * m; t++) pairs += allowed[t];
  if (pairs > ASSIGNMENT_MAX_PAIRS) return null;

  // Classes of interchangeable hosts.
  const signature = (j: number): string => {
    const parts: string[] = [bins[j].state ?? 'on', bins[j].capacity.join(','), String(maxOf[j])];
    constraints.forEach((c, ci) => {
      if (c.kind === 'ban' || c.kind === 'fence') parts.push(`${ci}:${c.bins.includes(bins[j].id) ? 1 : 0}`);
      if (c.kind === 'among') parts.push(`${ci}:${c.groups.findIndex((g) => g.includes(bins[j].id))}`);
      if (c.kind === 'maxVms' && c.bins) parts.push(`${ci}:${c.bins.includes(bins[j].id) ? 1 : 0}`);
    });
    return parts.join('|');
  };
  const classOf = new Map<string, number[]>();
  for (let j = 0; j < m; j++) {
    if (!binIsUsable(bins[j])) continue;
    const s = signature(j);
    const l = classOf.get(s) ?? [];
    l.push(j);
    classOf.set(s, l);
  }
  const rankInClass = new Array<number>(m).fill(0);
  for (const list of classOf.values()) list.forEach((j, r) => { rankInClass[j] = r; });
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) if (allowed[i * m + j] && rankInClass[j] > i) allowed[i * m + j] = 0;

  const usable = [...Array(m).keys()].filter((j) => binIsUsable(bins[j]));
  const W = m + 1;
  const b = new MilpBuilder('minimize');
  const y = new Array<number>(m).fill(-1);
  for (const j of usable) y[j] = b.col(`y_${j}`, 0, 1, 1, true);
  const x = new Map<number, number>();
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) if (allowed[i * m + j]) x.set(i * m + j, b.col(`x_${i}_${j}`, 0, 1, 0, true));
  const s = items.map((it, i) => (it.running === 'maySuspend' ? b.col(`s_${i}`, 0, 1, W, true) : -1));
  const xs = (i: number): [number, number][] => {
    const out: [number, number][] = [];
    for (let j = 0; j < m; j++) { const c = x.get(i * m + j); if (c !== undefined) out.push([c, 1]); }
    return out;
  };
  for (let i = 0; i < n; i++) b.row(`assign_${i}`, 1, 1, s[i] >= 0 ? [...xs(i), [s[i], 1]] : xs(i));
  const linkAll = pairs <= 20_000;
  for (const j of usable) {
    for (let k = 0; k < D; k++) {
      const terms: [number, number][] = [];
      let total = 0;
      for (let i = 0; i < n; i++) { const c = x.get(i * m + j); if (c !== undefined && items[i].demand[k] > 0) { terms.push([c, items[i].demand[k]]); total += items[i].demand[k]; } }
      if (terms.length === 0) continue;
      if (total <= bins[j].capacity[k] && linkAll) continue; // never binding; the link rows open the host
      b.row(`cap_${j}_${k}`, -Infinity, 0, [...terms, [y[j], -bins[j].capacity[k]]]);
    }
    const on: [number, number][] = [];
    for (let i = 0; i < n; i++) { const c = x.get(i * m + j); if (c !== undefined) on.push([c, 1]); }
    if (on.length === 0) { b.model.colUpper[y[j]] = 0; continue; }
    if (Number.isFinite(maxOf[j]) && maxOf[j] < on.length) b.row(`maxVms_${j}`, -Infinity, 0, [...on, [y[j], -maxOf[j]]]);
    else b.row(`open_${j}`, -Infinity, 0, [...on, [y[j], -on.length]]);
    if (linkAll) for (const [c] of on) b.row(`link_${b.model.colNames[c]}`, -Infinity, 0, [[c, 1], [y[j], -1]]);
  }
  // Symmetry: y ordered inside each class.
  for (const list of classOf.values()) for (let r = 0; r + 1 < list.length; r++) b.row(`sym_${list[r]}_${list[r + 1]}`, 0, Infinity, [[y[list[r]], 1], [y[list[r + 1]], -1]]);
  constraints.forEach((c, ci) => {
    const idx = 'items' in c ? c.items.map((it) => itemIndex.get(it)!) : [];
    if (c.kind === 'spread') {
      for (const j of usable) {
        const terms = idx.map((i) => x.get(i * m + j)).filter((v) => v !== undefined).map((v) => [v, 1] as [number, number]);
        if (terms.length > 1) b.row(`spread${ci}_${j}`, -Infinity, 1, terms);
      }
    }
    if (c.kind === 'gather') {
      for (let a = 0; a + 1 < idx.length; a++) {
        const i1 = idx[a], i2 = idx[a + 1];
        for (const j of usable) {
          const c1 = x.get(i1 * m + j), c2 = x.get(i2 * m + j);
          if (c1 === undefined && c2 === undefined) continue;
          const t1: [number, number][] = [];
          const t2: [number, number][] = [];
          if (c1 !== undefined) { t1.push([c1, 1]); t2.push([c1, -1]); }
          if (c2 !== undefined) { t1.push([c2, -1]); t2.push([c2, 1]); }
          if (s[i2] >= 0) t1.push([s[i2], -1]);
          if (s[i1] >= 0) t2.push([s[i1], -1]);
          b.row(`gather${ci}_${a}_${j}a`, -Infinity, 0, t1);
          b.row(`gather${ci}_${a}_${j}b`, -Infinity, 0, t2);
        }
      }
    }
    if (c.kind === 'among') {
      const z = c.groups.map((_, g) => b.col(`among${ci}_${g}`, 0, 1, 0, true));
      b.row(`among${ci}`, 1, 1, z.map((v) => [v, 1] as [number, number]));
      c.groups.forEach((group, g) => {
        for (const bid of group) {
          const j = binIndex.get(bid)!;
          for (const i of idx) { const col = x.get(i * m + j); if (col !== undefined) b.row(`among${ci}_${i}_${j}`, -Infinity, 0, [[col, 1], [z[g], -1]]); }
        }
      });
    }
  });

  const decode = (values: number[]): Placement => {
    const binOf = new Array<number>(n).fill(-1);
    for (const [key, col] of x) if (values[col] > 0.5) binOf[Math.floor(key / m)] = key % m;
    return { binOf };
  };

  // A heuristic solution as the solver's start, relabelled into the symmetry-broken form.
  let initial: number[] | undefined;
  if (start) {
    const relabel = new Map<number, number>();
    for (const list of classOf.values()) {
      const set = new Set(list);
      const used = [...new Set(start.binOf.filter((j) => set.has(j)))];
      const minItem = (j: number) => start.binOf.indexOf(j);
      used.sort((a, c) => minItem(a) - minItem(c));
      used.forEach((j, r) => relabel.set(j, list[r]));
    }
    const v = new Array<number>(b.numCols).fill(0);
    let ok = true;
    start.binOf.forEach((j, i) => {
      if (j < 0) { if (s[i] >= 0) v[s[i]] = 1; else ok = false; return; }
      const jj = relabel.get(j);
      const col = jj === undefined ? undefined : x.get(i * m + jj);
      if (col === undefined || jj === undefined) { ok = false; return; }
      v[col] = 1;
      v[y[jj]] = 1;
    });
    constraints.forEach((c, ci) => {
      if (c.kind !== 'among') return;
      const first = c.items.map((it) => start.binOf[itemIndex.get(it)!]).find((j) => j >= 0);
      const g = first === undefined ? 0 : c.groups.findIndex((grp) => grp.includes(bins[relabel.get(first) ?? first].id));
      const col = b.model.colNames.indexOf(`among${ci}_${Math.max(0, g)}`);
      if (col >= 0) v[col] = 1;
    });
    if (ok) initial = v;
  }
  return { model: b.model, pairs, classes: classOf.size, suspendWeight: W, decode, initial };
}
