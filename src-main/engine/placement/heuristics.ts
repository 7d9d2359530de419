/**
 * The greedy packing heuristics the course teaches — next fit, first fit, best fit, worst fit — and
 * their "decreasing" variants, which first sort the items by size. Each can run at full speed
 * (`runHeuristic`) or step by step (`stepHeuristic`: one step per item, with the bins looked at, the bin
 * chosen and why), for the lecture's animation. Both share one decision procedure, so the steps are
 * exactly what the fast run does.
 *
 * Rules of a step (bins are the hosts that exist, in their order; a bin is "open" once it holds a VM):
 * - NF: only the current bin; if the item does not fit, the current bin is closed for good and the
 *   next usable bin (in order, after it) that fits is opened.
 * - FF: the first bin, in order, that fits (open or not — for identical bins this is the textbook rule).
 * - BF: among the open bins that fit, the one left with the least room; WF: the most room (room is
 *   summed over dimensions, each divided by the largest capacity in it). When no open bin fits, both
 *   open the first bin, in order, that fits.
 * - When no bin fits: an item that may be suspended is left off; otherwise the heuristic failed on it
 *   (the step says which rule ruled out each bin) and goes on with the rest.
 *
 * Sort key of the decreasing variants, for several dimensions (documented in docs/placement.md): the
 * sum over dimensions of demand ÷ the largest capacity of that dimension (the "size" of FFDSum, Panigrahy
 * et al. 2011), ties broken by the largest single normalised demand, then by item order — so the order is
 * total and the run deterministic. In one dimension it is simply the size.
 */
import type { PlacementProblem, Placement } from './problem';
import { PackingState } from './packingState';
import { FirstFitTree } from './firstFitTree';
import { runningLabel } from './constraints';

export const HEURISTICS = ['nf', 'ff', 'bf', 'wf', 'nfd', 'ffd', 'bfd', 'wfd'] as const;
export type HeuristicName = (typeof HEURISTICS)[number];

export const HEURISTIC_TITLES: Record<HeuristicName, string> = {
  nf: 'Next Fit', ff: 'First Fit', bf: 'Best Fit', wf: 'Worst Fit',
  nfd: 'Next Fit Decreasing', ffd: 'First Fit Decreasing', bfd: 'Best Fit Decreasing', wfd: 'Worst Fit Decreasing',
};

export interface BinLook {
  bin: number;
  fits: boolean;
  /** Why it does not fit (a constraint name), when it does not. */
  reason?: string;
}

export interface PackStep {
  /** 0-based step number. */
  step: number;
  item: number;
  /** Items placed by this step: the item and the rest of its gather class. */
  placed: number[];
  /** Bins the rule looked at, in the order it looked. */
  considered: BinLook[];
  /** Chosen bin, or −1 when the item was left off (suspended) or could not be placed. */
  chosen: number;
  why: string;
}

export interface HeuristicResult {
  algo: HeuristicName;
  placement: Placement;
  binsUsed: number;
  /** Items that had to stay off although they must keep running: the heuristic failed on them. */
  failed: number[];
  /** Items left off that were allowed to be suspended. */
  suspended: number[];
  /** Item–bin checks made: the cost model's count (`costModel.ts`). */
  checks: number;
}

/** Item order of a heuristic: input order, or decreasing by the documented multi-dimensional key. */
export function itemOrder(problem: PlacementProblem, decreasing: boolean): number[] {
  const n = problem.items.length;
  const order = Array.from({ length: n }, (_, i) => i);
  if (!decreasing) return order;
  const D = problem.dimensions.length;
  const norm = new Float64Array(D);
  for (let k = 0; k < D; k++) {
    let mx = 0;
    for (const b of problem.bins) mx = Math.max(mx, b.capacity[k]);
    norm[k] = mx > 0 ? 1 / mx : 0;
  }
  const sum = new Float64Array(n);
  const max = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = problem.items[i].demand;
    for (let k = 0; k < D; k++) {
      const v = d[k] * norm[k];
      sum[i] += v;
      if (v > max[i]) max[i] = v;
    }
  }
  order.sort((a, b) => sum[b] - sum[a] || max[b] - max[a] || a - b);
  return order;
}

interface Decision { chosen: number; why: string; considered?: BinLook[] }

/** One decision: where item i goes under `algo` (shared by the fast run and the steps). */
function decide(st: PackingState, algo: HeuristicName, i: number, cursor: { current: number }, trace: boolean, tree?: FirstFitTree): Decision {
  const m = st.m;
  if (tree) {
    // First fit by the tree: the same bin as the scan below, found in O(log m) (firstFitTree.ts).
    const before = tree.visits;
    const j = tree.leftmost(st.demand, i * st.dims);
    st.checks += tree.visits - before;
    return j >= 0 ? { chosen: j, why: 'first bin that fits' } : { chosen: -1, why: 'no bin fits' };
  }
  const looks: BinLook[] | undefined = trace ? [] : undefined;
  const look = (j: number): boolean => {
    const ok = st.fits(i, j);
    if (looks) looks.push(ok ? { bin: j, fits: true } : { bin: j, fits: false, reason: st.whyNot(i, j) ?? 'does not fit' });
    return ok;
  };
  const base = algo.replace(/d$/, '');
  if (base === 'nf') {
    const cur = cursor.current;
    if (cur >= 0 && look(cur)) return { chosen: cur, why: 'fits in the current bin', considered: looks };
    for (let j = cur + 1; j < m; j++) {
      if (look(j)) {
        cursor.current = j;
        return { chosen: j, why: cur < 0 ? 'opened the first bin that fits' : 'did not fit in the current bin: closed it, opened the next bin that fits', considered: looks };
      }
    }
    return { chosen: -1, why: 'no bin after the current one fits', considered: looks };
  }
  if (base === 'ff') {
    for (let j = 0; j < m; j++) if (look(j)) return { chosen: j, why: st.isOpen(j) ? 'first bin that fits' : 'no open bin before it fits: opened it', considered: looks };
    return { chosen: -1, why: 'no bin fits', considered: looks };
  }
  // bf / wf: score the open bins that fit, else open the first bin that fits.
  let best = -1;
  let bestSlack = 0;
  for (let j = 0; j < m; j++) {
    if (!st.isOpen(j)) continue;
    if (!look(j)) continue;
    const s = st.slackAfter(i, j);
    if (best < 0 || (base === 'bf' ? s < bestSlack : s > bestSlack)) { best = j; bestSlack = s; }
  }
  if (best >= 0) {
    return { chosen: best, why: `${base === 'bf' ? 'open bin left with the least room' : 'open bin left with the most room'} (${bestSlack.toFixed(3)})`, considered: looks };
  }
  for (let j = 0; j < m; j++) if (!st.isOpen(j) && look(j)) return { chosen: j, why: 'no open bin fits: opened the first bin that fits', considered: looks };
  return { chosen: -1, why: 'no bin fits', considered: looks };
}

/** The heuristic as an iterator of steps (one per item it places or leaves off), then its result. */
export function* stepHeuristic(problem: PlacementProblem, algo: HeuristicName): Generator<PackStep, HeuristicResult, void> {
  const st = new PackingState(problem);
  const order = itemOrder(problem, algo.endsWith('d'));
  const cursor = { current: -1 };
  const failed: number[] = [];
  const suspended: number[] = [];
  let step = 0;
  const off = new Uint8Array(problem.items.length);
  for (const i of order) {
    if (st.binOf[i] >= 0 || off[i]) continue; // placed (or left off) with its gather class
    const d = decide(st, algo, i, cursor, true);
    const placed = d.chosen >= 0 ? st.membersOf(i) : [];
    let why = d.why;
    if (d.chosen >= 0) st.place(i, d.chosen);
    else if (leaveOff(problem, st.membersOf(i), failed, suspended, off)) why += ': left off (may be suspended)';
    else why += `: cannot place it (${runningLabel(problem.items[i].id)})`;
    yield { step: step++, item: i, placed, considered: d.considered ?? [], chosen: d.chosen, why };
  }
  return finish(st, algo, failed, suspended);
}

/** The heuristic at full speed (no trace). */
export function runHeuristic(problem: PlacementProblem, algo: HeuristicName): HeuristicResult {
  const st = new PackingState(problem);
  const order = itemOrder(problem, algo.endsWith('d'));
  const cursor = { current: -1 };
  const failed: number[] = [];
  const suspended: number[] = [];
  const off = new Uint8Array(problem.items.length);
  const tree = (algo === 'ff' || algo === 'ffd') && st.capacityOnly && st.m > 16 ? new FirstFitTree(st.free, st.capacity, st.dims, st.m) : undefined;
  for (const i of order) {
    if (st.binOf[i] >= 0 || off[i]) continue;
    const d = decide(st, algo, i, cursor, false, tree);
    if (d.chosen >= 0) { st.place(i, d.chosen); tree?.update(d.chosen); continue; }
    leaveOff(problem, st.membersOf(i), failed, suspended, off);
  }
  return finish(st, algo, failed, suspended);
}

/** A block that found no bin stays off: its suspendable members are suspended, the others failed. True when none failed. */
function leaveOff(problem: PlacementProblem, members: number[], failed: number[], suspended: number[], off: Uint8Array): boolean {
  let ok = true;
  for (const x of members) {
    off[x] = 1;
    if (problem.items[x].running === 'maySuspend') suspended.push(x);
    else { failed.push(x); ok = false; }
  }
  return ok;
}

function finish(st: PackingState, algo: HeuristicName, failed: number[], suspended: number[]): HeuristicResult {
  const placement = st.placement();
  let used = 0;
  for (let j = 0; j < st.m; j++) if (st.count[j] > 0) used++;
  return { algo, placement, binsUsed: used, failed, suspended, checks: st.checks };
}
