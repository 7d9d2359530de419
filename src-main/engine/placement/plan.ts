/**
 * Reconfiguration plans: from the current placement to a target one, the migrations (and suspends /
 * resumes) that get there without any host passing through an over-committed instant — as Entropy and
 * BtrPlace plan a reconfiguration.
 *
 * - `planReconfiguration(input)` → `ReconfigurationPlan`: timed actions (start, end, host from → to),
 *   the plan's duration, the pivots and suspends it needed, the hosts it empties, or `feasible: false`
 *   with the reason.
 * - `alignTarget(problem, from, to)` → the same packing with its hosts renamed so that as many VMs as
 *   possible (weighted by memory, what a move copies) stay where they are: a packing algorithm does not
 *   know where VMs run, and any two hosts no rule tells apart (same capacity and state, named by no
 *   constraint) may swap their loads. Greedy: the pairs (target host, current host) sharing the most
 *   memory first.
 * - `evacuationTarget(problem, from, hosts)` → a placement on `hosts` hosts that keeps every VM of the
 *   `hosts` most loaded hosts where it is and first-fits (largest first) the VMs of the others into the
 *   room left — the fewest moves for that many hosts when it fits — or null when it does not fit (or
 *   breaks a constraint: the result is checked).
 *
 * The rules a plan obeys (checked independently by `planChecker.ts`):
 * - a migration **reserves its destination from its start** and **frees its source at its end** (both
 *   copies exist while memory is copied), so at every instant each host's load — VMs on it plus VMs
 *   arriving — is within its capacity in every dimension (a host already over its capacity at the start
 *   may only get lighter);
 * - at most `maxConcurrentPerHost` actions touch a host at once (vSphere limits concurrent vMotions per
 *   host: 4 on a 1 GbE link, 8 on 10 GbE);
 * - a **cycle** (A waits for room B's VM will free, B for A's) is broken with a **pivot**: one VM of the
 *   cycle goes to a third host with room first, then on to its target; with no such host, the VM is
 *   **suspended** (when `allowSuspend`) and resumed on its target once there is room — its service stops
 *   meanwhile, which the plan reports.
 *
 * Scheduling is list scheduling over virtual time: whenever a host has room and a free slot, the pending
 * action with the largest (normalised) demand starts; time then jumps to the next end. Durations are the
 * estimate `durations` gives (`migrationEstimateMs`: memory ÷ bandwidth plus a fixed setup, the model
 * used until the live-migration engine's own estimate is there). Pure and deterministic.
 */
import type { Placement, PlacementProblem } from './problem';
import { binIsUsable } from './problem';
import { checkPlacement } from './checker';

export type PlanActionKind = 'migrate' | 'suspend' | 'resume';

export interface PlanAction {
  kind: PlanActionKind;
  /** Item (VM) index in the problem. */
  item: number;
  /** Bin index the VM leaves (−1 for a resume: the VM is suspended, on no host). */
  from: number;
  /** Bin index the VM goes to (−1 for a suspend). */
  to: number;
  startMs: number;
  endMs: number;
  /** Why this action is there when it is not the plain move to the target ("pivot", "cycle"). */
  note?: string;
}

export interface PlanDurations {
  /** Virtual ms to migrate item i from one host to another. */
  migrateMs(item: number): number;
  suspendMs(item: number): number;
  resumeMs(item: number): number;
}

export interface PlanInput {
  problem: PlacementProblem;
  from: Placement;
  to: Placement;
  durations: PlanDurations;
  /** Actions touching one host at once (source or destination), ≥ 1. */
  maxConcurrentPerHost: number;
  /** Whether a cycle with no pivot host may be broken by suspending a VM. */
  allowSuspend: boolean;
}

export interface ReconfigurationPlan {
  feasible: boolean;
  /** When not feasible: why, in words. */
  reason?: string;
  /** Actions in the order they start (ties: item order). */
  actions: PlanAction[];
  durationMs: number;
  /** VMs whose target differs from where they are. */
  moved: number;
  migrations: number;
  pivots: number;
  suspends: number;
  /** Bins that hold VMs now and none in the target: candidates for standby. */
  emptied: number[];
}

const EPS = 1e-9;

/** Memory ÷ bandwidth plus a fixed setup: the estimate of a migration's duration (docs/placement.md). */
export function migrationEstimateMs(memoryMiB: number, bandwidthMiBps: number, setupMs: number): number {
  return Math.round(setupMs + (memoryMiB / bandwidthMiBps) * 1000);
}

/** `to` with interchangeable hosts renamed to keep the most memory in place (see the header). */
export function alignTarget(problem: PlacementProblem, from: Placement, to: Placement, pinned: Iterable<string> = []): Placement {
  const weightDim = problem.dimensions.length - 1;
  const named = new Set<string>(pinned);
  for (const c of problem.constraints) {
    if (c.kind === 'ban' || c.kind === 'fence') c.bins.forEach((b) => named.add(b));
    else if (c.kind === 'maxVms' && c.bins) c.bins.forEach((b) => named.add(b));
    else if (c.kind === 'among') c.groups.forEach((g) => g.forEach((b) => named.add(b)));
  }
  const classOf = problem.bins.map((b) => (named.has(b.id) ? `#${b.id}` : `${b.state ?? 'on'}|${b.capacity.join(',')}`));
  const shared = new Map<number, number>(); // target * m + current → memory shared
  const m = problem.bins.length;
  to.binOf.forEach((t, i) => {
    const c = from.binOf[i];
    if (t < 0 || c < 0 || classOf[t] !== classOf[c]) return;
    shared.set(t * m + c, (shared.get(t * m + c) ?? 0) + (problem.items[i].demand[weightDim] ?? 1) + 1e-9);
  });
  const pairs = [...shared.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const rename = new Array<number>(m).fill(-1);
  const taken = new Array<boolean>(m).fill(false);
  for (const [key] of pairs) {
    const t = Math.floor(key / m), c = key % m;
    if (rename[t] >= 0 || taken[c]) continue;
    rename[t] = c;
    taken[c] = true;
  }
  // Target hosts left over take the free hosts of their class, in order (themselves when free).
  for (let t = 0; t < m; t++) {
    if (rename[t] >= 0) continue;
    if (!taken[t]) { rename[t] = t; taken[t] = true; continue; }
    for (let c = 0; c < m; c++) if (!taken[c] && classOf[c] === classOf[t]) { rename[t] = c; taken[c] = true; break; }
  }
  // Every used target host must have a name; a class with no free host left keeps the packing as it was.
  if (to.binOf.some((t) => t >= 0 && rename[t] < 0)) return to;
  return { binOf: to.binOf.map((t) => (t >= 0 ? rename[t] : t)) };
}

export function evacuationTarget(problem: PlacementProblem, from: Placement, hosts: number): Placement | null {
  const { items, bins } = problem;
  const D = problem.dimensions.length;
  const maxCap = new Array<number>(D).fill(0);
  for (const b of bins) for (let k = 0; k < D; k++) maxCap[k] = Math.max(maxCap[k], b.capacity[k]);
  const norm = (v: number[]) => v.reduce((s, x, k) => s + (maxCap[k] > 0 ? x / maxCap[k] : 0), 0);
  const load = bins.map(() => new Array<number>(D).fill(0));
  from.binOf.forEach((j, i) => { if (j >= 0) for (let k = 0; k < D; k++) load[j][k] += items[i].demand[k]; });
  const usable = bins.map((_, j) => j).filter((j) => binIsUsable(bins[j]));
  const kept = usable.sort((a, b) => norm(load[b]) - norm(load[a]) || a - b).slice(0, hosts);
  const keep = new Set(kept);
  const binOf = [...from.binOf];
  const movers = items.map((_, i) => i).filter((i) => binOf[i] >= 0 && !keep.has(binOf[i]))
    .sort((a, b) => norm(items[b].demand) - norm(items[a].demand) || a - b);
  const free = bins.map((b, j) => b.capacity.map((c, k) => (keep.has(j) ? c - load[j][k] : 0)));
  for (const i of movers) {
    const j = kept.find((h) => items[i].demand.every((x, k) => x <= free[h][k] * (1 + EPS) + EPS));
    if (j === undefined) return null;
    for (let k = 0; k < D; k++) free[j][k] -= items[i].demand[k];
    binOf[i] = j;
  }
  const target = { binOf };
  return checkPlacement(problem, target).length ? null : target;
}

interface Pending { item: number; from: number; to: number; kind: PlanActionKind; note?: string; after?: number }
interface Running { item: number; from: number; to: number; endMs: number; order: number }

export function planReconfiguration(input: PlanInput): ReconfigurationPlan {
  const { problem, from, to, durations } = input;
  const { items, bins } = problem;
  const D = problem.dimensions.length;
  const limit = Math.max(1, Math.floor(input.maxConcurrentPerHost));
  const cap = bins.map((b) => b.capacity);
  const load = bins.map(() => new Array<number>(D).fill(0));
  const finalLoad = bins.map(() => new Array<number>(D).fill(0));
  const base: ReconfigurationPlan = { feasible: false, actions: [], durationMs: 0, moved: 0, migrations: 0, pivots: 0, suspends: 0, emptied: [] };
  if (from.binOf.length !== items.length || to.binOf.length !== items.length) return { ...base, reason: 'the placements do not cover every VM' };
  for (let i = 0; i < items.length; i++) {
    const a = from.binOf[i], b = to.binOf[i];
    if (a >= bins.length || b >= bins.length) return { ...base, reason: `VM ${items[i].id}: no host ${Math.max(a, b)}` };
    if (a >= 0) for (let k = 0; k < D; k++) load[a][k] += items[i].demand[k];
    if (b >= 0) for (let k = 0; k < D; k++) finalLoad[b][k] += items[i].demand[k];
  }
  for (let j = 0; j < bins.length; j++) {
    for (let k = 0; k < D; k++) {
      if (finalLoad[j][k] > cap[j][k] * (1 + EPS) + EPS) {
        return { ...base, reason: `the target over-commits ${bins[j].id} in ${problem.dimensions[k]} (${finalLoad[j][k]} > ${cap[j][k]})` };
      }
    }
  }
  // A host already over its capacity may only get lighter: its ceiling is its starting load.
  const ceiling = bins.map((_, j) => cap[j].map((c, k) => Math.max(c, load[j][k])));
  // Largest normalised demand first: the big VMs are the hardest to fit once others have moved in.
  const maxCap = new Array<number>(D).fill(0);
  for (const c of cap) for (let k = 0; k < D; k++) maxCap[k] = Math.max(maxCap[k], c[k]);
  const size = items.map((it) => it.demand.reduce((s, x, k) => s + (maxCap[k] > 0 ? x / maxCap[k] : 0), 0));

  let pending: Pending[] = [];
  for (let i = 0; i < items.length; i++) {
    const a = from.binOf[i], b = to.binOf[i];
    if (a === b) continue;
    pending.push({ item: i, from: a, to: b, kind: a < 0 ? 'resume' : b < 0 ? 'suspend' : 'migrate' });
  }
  const moved = pending.length;
  pending.sort((x, y) => size[y.item] - size[x.item] || x.item - y.item);

  const busy = new Array<number>(bins.length).fill(0);
  const fits = (j: number, i: number) => {
    if (!binIsUsable(bins[j])) return false;
    for (let k = 0; k < D; k++) if (load[j][k] + items[i].demand[k] > ceiling[j][k] * (1 + EPS) + EPS) return false;
    return true;
  };
  const slot = (j: number) => j < 0 || busy[j] < limit;
  const actions: PlanAction[] = [];
  const running: Running[] = [];
  const inFlight = new Set<number>();
  let now = 0;
  let pivots = 0, suspends = 0;
  let order = 0;
  const maxBreaks = 2 * items.length + 8;
  let breaks = 0;

  const start = (p: Pending): void => {
    const ms = p.kind === 'migrate' ? durations.migrateMs(p.item) : p.kind === 'suspend' ? durations.suspendMs(p.item) : durations.resumeMs(p.item);
    if (p.to >= 0) for (let k = 0; k < D; k++) load[p.to][k] += items[p.item].demand[k];
    if (p.from >= 0) busy[p.from]++;
    if (p.to >= 0) busy[p.to]++;
    inFlight.add(p.item);
    actions.push({ kind: p.kind, item: p.item, from: p.from, to: p.to, startMs: now, endMs: now + ms, ...(p.note ? { note: p.note } : {}) });
    running.push({ item: p.item, from: p.from, to: p.to, endMs: now + ms, order: order++ });
  };

  // Which blocked migration to take out of the cycle, and where: a VM whose leaving lets another
  // pending move start (smallest first: the cheapest to move twice and the likeliest to fit a pivot),
  // each VM at most once to a pivot; a pivot host with the most room left; else a suspend.
  const pivoted = new Set<number>();
  const pivotFor = (p: Pending): number => {
    let best = -1, room = -Infinity;
    for (let j = 0; j < bins.length; j++) {
      if (j === p.from || j === p.to || !fits(j, p.item) || !slot(j)) continue;
      let r = 0;
      for (let k = 0; k < D; k++) r += maxCap[k] > 0 ? (ceiling[j][k] - load[j][k] - items[p.item].demand[k]) / maxCap[k] : 0;
      if (r > room) { room = r; best = j; }
    }
    return best;
  };
  const unblocks = (p: Pending): boolean => pending.some((q) => q !== p && q.to === p.from && q.to >= 0 && bins[q.to] !== undefined
    && items[q.item].demand.every((x, k) => load[q.to][k] - items[p.item].demand[k] + x <= ceiling[q.to][k] * (1 + EPS) + EPS));
  const breakCycle = (list: Pending[]): { at: number; pivot: number } | undefined => {
    const candidates = list.map((p, at) => ({ p, at, frees: 0 })).filter(({ p }) => p.from >= 0 && p.kind === 'migrate' && slot(p.from));
    for (const c of candidates) c.frees = unblocks(c.p) ? 1 : 0;
    candidates.sort((x, y) => y.frees - x.frees || size[x.p.item] - size[y.p.item] || x.p.item - y.p.item);
    for (const { p, at } of candidates) {
      if (pivoted.has(p.item)) continue;
      const pivot = pivotFor(p);
      if (pivot >= 0) return { at, pivot };
    }
    if (!input.allowSuspend) return undefined;
    return candidates.length ? { at: candidates[0].at, pivot: -1 } : undefined;
  };

  while (pending.length || running.length) {
    const rest: Pending[] = [];
    for (const p of pending) {
      const ready = !inFlight.has(p.item) && slot(p.from) && slot(p.to) && (p.to < 0 || fits(p.to, p.item));
      if (ready) start(p);
      else rest.push(p);
    }
    pending = rest;
    if (running.length) {
      // Jump to the next end; every action ending then frees its source (and its slots).
      let next = Infinity;
      for (const r of running) next = Math.min(next, r.endMs);
      now = next;
      for (let x = running.length - 1; x >= 0; x--) {
        const r = running[x];
        if (r.endMs !== next) continue;
        if (r.from >= 0) { for (let k = 0; k < D; k++) load[r.from][k] -= items[r.item].demand[k]; busy[r.from]--; }
        if (r.to >= 0) busy[r.to]--;
        inFlight.delete(r.item);
        running.splice(x, 1);
      }
      continue;
    }
    if (!pending.length) break;
    // Nothing runs and nothing can start: the pending moves wait on one another (a cycle). Break it.
    if (++breaks > maxBreaks) return { ...base, actions, reason: 'the moves keep waiting on one another (no pivot host settles them)' };
    const choice = breakCycle(pending);
    if (!choice) {
      const names = pending.slice(0, 5).map((q) => `${items[q.item].id} → ${q.to >= 0 ? bins[q.to].id : 'suspended'}`).join(', ');
      return { ...base, actions, reason: `the moves wait on one another and no host has room for a pivot${input.allowSuspend ? '' : ' (suspending is not allowed)'}: ${names}` };
    }
    const { at, pivot } = choice;
    const p = pending[at];
    pivoted.add(p.item);
    if (pivot >= 0) {
      pivots++;
      start({ item: p.item, from: p.from, to: pivot, kind: 'migrate', note: `pivot: ${bins[pivot].id} holds it while the moves waiting on one another proceed` });
      pending[at] = { ...p, from: pivot, note: `from the pivot ${bins[pivot].id} to its target` };
    } else {
      suspends++;
      start({ item: p.item, from: p.from, to: -1, kind: 'suspend', note: 'cycle: no host has room for a pivot, so it is suspended' });
      pending[at] = { ...p, from: -1, kind: 'resume', note: 'resumed on its target once there is room' };
    }
  }
  actions.sort((a, b) => a.startMs - b.startMs || a.item - b.item);
  const emptied: number[] = [];
  for (let j = 0; j < bins.length; j++) {
    const had = from.binOf.some((b) => b === j), has = to.binOf.some((b) => b === j);
    if (had && !has) emptied.push(j);
  }
  return {
    feasible: true,
    actions,
    durationMs: actions.reduce((m, a) => Math.max(m, a.endMs), 0),
    moved,
    migrations: actions.filter((a) => a.kind === 'migrate').length,
    pivots,
    suspends,
    emptied,
  };
}
