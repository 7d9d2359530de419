/**
 * The placement problem: items (VMs) with demand vectors, bins (hosts) with capacity vectors, over the
 * same named dimensions (CPU MHz and memory MiB at least), plus side constraints as in BtrPlace
 * (`constraints.ts`). This is the vector bin-packing problem the course names.
 *
 * - `PlacementProblem`, `PlacementItem`, `PlacementBin`, `Placement` (item index → bin index, or −1 for
 *   an item left off: suspended).
 * - `problemError(problem)` → the first structural mistake (a dimension count, a negative demand, an
 *   unknown id in a constraint, a duplicate id), with the field path, or null.
 * - `oneDimensional(name, capacity, sizes)` builds the classic problem: identical bins, one dimension,
 *   as many bins as items (enough for any packing).
 *
 * Rules: plain data (structured-clone safe); the engine never mutates a problem it was given. Bins are
 * hosts that exist: a solution never invents one. "Bins used" counts the bins holding at least one item.
 */
import type { PlacementConstraint } from './constraints';
import { amongGroupsOverlap } from './constraints';

/** A host's state as far as placement is concerned: only `on` hosts take VMs. */
export type BinState = 'on' | 'maintenance' | 'off';

export interface PlacementItem {
  id: string;
  /** One number per dimension (same order as `PlacementProblem.dimensions`), ≥ 0. */
  demand: number[];
  /**
   * `keep` (default): the VM must be running on some host. `maySuspend`: it may be left off (suspended)
   * when there is no room; solvers place it whenever they can (see docs/placement.md, objective).
   */
  running?: 'keep' | 'maySuspend';
}

export interface PlacementBin {
  id: string;
  /** One number per dimension, ≥ 0. */
  capacity: number[];
  /** Default `on`. Hosts in maintenance or off take no VM. */
  state?: BinState;
}

export interface PlacementProblem {
  /** Dimension names, e.g. ["cpuMhz", "memMiB"]; at least one. */
  dimensions: string[];
  items: PlacementItem[];
  bins: PlacementBin[];
  constraints: PlacementConstraint[];
}

/** `binOf[i]` = index of the bin holding item i, or −1 when item i is left off (suspended). */
export interface Placement {
  binOf: number[];
}

export function binsUsed(p: Placement): number {
  const seen = new Set<number>();
  for (const b of p.binOf) if (b >= 0) seen.add(b);
  return seen.size;
}

export function suspendedCount(p: Placement): number {
  let n = 0;
  for (const b of p.binOf) if (b < 0) n++;
  return n;
}

export function binIsUsable(bin: PlacementBin): boolean {
  return (bin.state ?? 'on') === 'on';
}

/** The classic one-dimensional instance: n items of the given sizes, n identical bins of `capacity`. */
export function oneDimensional(name: string, capacity: number, sizes: number[]): PlacementProblem {
  const width = String(Math.max(1, sizes.length)).length;
  return {
    dimensions: [name],
    items: sizes.map((s, i) => ({ id: `i${String(i + 1).padStart(width, '0')}`, demand: [s] })),
    bins: sizes.map((_, j) => ({ id: `b${String(j + 1).padStart(width, '0')}`, capacity: [capacity] })),
    constraints: [],
  };
}

export interface ProblemMistake { field: string; message: string }

/** First structural mistake of a problem (with the field path), or null. Constraints are checked too. */
export function problemError(p: PlacementProblem): ProblemMistake | null {
  const d = p.dimensions.length;
  if (d < 1) return { field: 'dimensions', message: 'needs at least one dimension' };
  const itemIds = new Set<string>();
  for (let i = 0; i < p.items.length; i++) {
    const it = p.items[i];
    if (itemIds.has(it.id)) return { field: `items[${i}].id`, message: `duplicate item id "${it.id}"` };
    itemIds.add(it.id);
    if (it.demand.length !== d) return { field: `items[${i}].demand`, message: `needs ${d} numbers (one per dimension), got ${it.demand.length}` };
    for (let k = 0; k < d; k++) {
      if (!Number.isFinite(it.demand[k]) || it.demand[k] < 0) return { field: `items[${i}].demand[${k}]`, message: 'must be a finite number ≥ 0' };
    }
  }
  const binIds = new Set<string>();
  for (let j = 0; j < p.bins.length; j++) {
    const b = p.bins[j];
    if (binIds.has(b.id)) return { field: `bins[${j}].id`, message: `duplicate bin id "${b.id}"` };
    binIds.add(b.id);
    if (b.capacity.length !== d) return { field: `bins[${j}].capacity`, message: `needs ${d} numbers (one per dimension), got ${b.capacity.length}` };
    for (let k = 0; k < d; k++) {
      if (!Number.isFinite(b.capacity[k]) || b.capacity[k] < 0) return { field: `bins[${j}].capacity[${k}]`, message: 'must be a finite number ≥ 0' };
    }
  }
  for (let c = 0; c < p.constraints.length; c++) {
    const con = p.constraints[c];
    const f = `constraints[${c}]`;
    const items = 'items' in con ? con.items : [];
    for (let i = 0; i < items.length; i++) if (!itemIds.has(items[i])) return { field: `${f}.items[${i}]`, message: `unknown item "${items[i]}"` };
    const bins = con.kind === 'ban' || con.kind === 'fence' ? con.bins : con.kind === 'maxVms' ? con.bins ?? [] : [];
    for (let j = 0; j < bins.length; j++) if (!binIds.has(bins[j])) return { field: `${f}.bins[${j}]`, message: `unknown bin "${bins[j]}"` };
    if (con.kind === 'among') {
      if (con.groups.length === 0) return { field: `${f}.groups`, message: 'needs at least one group of bins' };
      for (let g = 0; g < con.groups.length; g++) {
        for (let j = 0; j < con.groups[g].length; j++) {
          if (!binIds.has(con.groups[g][j])) return { field: `${f}.groups[${g}][${j}]`, message: `unknown bin "${con.groups[g][j]}"` };
        }
      }
      const overlap = amongGroupsOverlap(con);
      if (overlap) return { field: `${f}.groups`, message: overlap };
    }
    if (con.kind === 'maxVms' && (!Number.isInteger(con.max) || con.max < 0)) return { field: `${f}.max`, message: 'must be an integer ≥ 0' };
  }
  return null;
}
