/**
 * Lower bounds on the number of bins any valid placement uses. When a heuristic's solution meets a
 * bound it is proven optimal without a solver; otherwise the bound gives the gap.
 *
 * - `lowerBound(problem)` → `{ bins, by }` (the best bound and which one gave it), or null when the
 *   problem lets items be suspended (then "fewest bins" is not the whole objective: see `exact.ts`).
 *
 * Bounds used:
 * - L1 per dimension: the fewest usable bins whose largest capacities add up to the total demand (for
 *   identical bins, ⌈Σ demand ÷ capacity⌉).
 * - L2 (Martello & Toth 1990), one dimension with identical bins: for α ≤ C/2, the items larger than
 *   C − α each need their own bin, the items in (C/2, C − α] too, and the items in [α, C/2] fill what
 *   those leave free, then more bins: max over α of |J1| + |J2| + max(0, ⌈(Σ J3 − (|J2|·C − Σ J2)) ÷ C⌉).
 * - spread: a spread of k VMs needs k distinct hosts.
 */
import type { PlacementProblem } from './problem';
import { binIsUsable } from './problem';

export interface LowerBound { bins: number; by: string }

export function lowerBound(problem: PlacementProblem): LowerBound | null {
  if (problem.items.some((it) => it.running === 'maySuspend')) return null;
  if (problem.items.length === 0) return { bins: 0, by: 'no items' };
  let best: LowerBound = { bins: 1, by: 'at least one item' };
  const usable = problem.bins.filter(binIsUsable);
  problem.dimensions.forEach((dim, k) => {
    const total = problem.items.reduce((s, it) => s + it.demand[k], 0);
    const caps = usable.map((b) => b.capacity[k]).sort((a, b) => b - a);
    let acc = 0;
    let n = 0;
    while (n < caps.length && acc < total * (1 - 1e-12) - 1e-9) acc += caps[n++];
    if (n > best.bins) best = { bins: n, by: `L1(${dim})` };
  });
  if (problem.dimensions.length === 1 && usable.length > 0 && usable.every((b) => b.capacity[0] === usable[0].capacity[0])) {
    const l2 = martelloTothL2(problem.items.map((it) => it.demand[0]), usable[0].capacity[0]);
    if (l2 > best.bins) best = { bins: l2, by: 'L2 (Martello–Toth)' };
  }
  for (const c of problem.constraints) {
    if (c.kind === 'spread' && c.items.length > best.bins) best = { bins: c.items.length, by: 'spread' };
  }
  return best;
}

/** Martello–Toth L2 for one dimension, identical bins of capacity c. */
export function martelloTothL2(sizes: number[], c: number): number {
  const alphas = new Set<number>([0]);
  for (const w of sizes) if (w <= c / 2) alphas.add(w);
  let best = 0;
  for (const a of alphas) {
    let j1 = 0, j2 = 0, s2 = 0, s3 = 0;
    for (const w of sizes) {
      if (w > c - a) j1++;
      else if (w > c / 2) { j2++; s2 += w; }
      else if (w >= a) s3 += w;
    }
    const rest = Math.max(0, Math.ceil((s3 - (j2 * c - s2)) / c - 1e-12));
    best = Math.max(best, j1 + j2 + rest);
  }
  return best;
}
