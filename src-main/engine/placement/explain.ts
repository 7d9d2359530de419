/**
 * Why is there no valid placement? Names the constraints in conflict.
 *
 * - `explainInfeasible(problem, solver?, timeLimitS?)` → `Explanation`, or undefined when it finds no
 *   reason (and has no solver to look further).
 *
 * Two stages:
 *  1. Static proofs, cheap and sound: a VM that every host is ruled out for (each host by a named rule:
 *     offline, ban, fence, among, its own size); a dimension whose total demand exceeds the capacity of
 *     every usable host together; a spread wider than the hosts it may use; a gather whose VMs share no
 *     host, or do not fit together on any; an among whose every group is too small; maxVms limits
 *     that leave fewer slots than VMs.
 *  2. With an exact solver: a deletion filter (Chinneck & Dravnieks 1991; the idea behind QuickXplain):
 *     drop each side constraint and offline host in turn, keep it out if the rest is still infeasible —
 *     what remains, with capacity, is a minimal conflicting set (minimal = removing any one member makes
 *     the problem feasible), provided every feasibility test got a definite answer.
 */
import type { PlacementProblem } from './problem';
import { binIsUsable } from './problem';
import { capacityLabel, constraintLabel, offlineLabel, runningLabel } from './constraints';
import { HEURISTICS, runHeuristic } from './heuristics';
import { buildAssignment } from './assignmentModel';
import type { MilpSolverPort } from '../ports';

export interface Explanation {
  /** Names of the rules in conflict (constraint labels, `capacity(dim)`, `offline(host)`, `running(vm)`). */
  conflicts: string[];
  message: string;
  /** True when the set is proven minimal (deletion filter with definite answers). */
  minimal: boolean;
}

const fitsIn = (demand: number[], cap: number[]) => demand.every((d, k) => d <= cap[k] * (1 + 1e-9) + 1e-9);

function staticExplanation(problem: PlacementProblem): Explanation | undefined {
  const { items, bins, constraints, dimensions } = problem;
  const keep = items.filter((it) => it.running !== 'maySuspend');
  // 1. A VM with no possible host.
  for (const it of keep) {
    const reasons = new Set<string>();
    let possible = false;
    for (const b of bins) {
      let ruled: string | null = null;
      if (!binIsUsable(b)) ruled = offlineLabel(b.id);
      for (let ci = 0; ci < constraints.length && !ruled; ci++) {
        const c = constraints[ci];
        if (c.kind === 'ban' && c.items.includes(it.id) && c.bins.includes(b.id)) ruled = constraintLabel(problem, ci);
        if (c.kind === 'fence' && c.items.includes(it.id) && !c.bins.includes(b.id)) ruled = constraintLabel(problem, ci);
        if (c.kind === 'among' && c.items.includes(it.id) && !c.groups.some((g) => g.includes(b.id))) ruled = constraintLabel(problem, ci);
        if (c.kind === 'maxVms' && c.max === 0 && (!c.bins || c.bins.includes(b.id))) ruled = constraintLabel(problem, ci);
      }
      if (!ruled) {
        const k = dimensions.findIndex((_, kk) => it.demand[kk] > b.capacity[kk] * (1 + 1e-9) + 1e-9);
        if (k >= 0) ruled = capacityLabel(dimensions[k]);
      }
      if (ruled) reasons.add(ruled); else { possible = true; break; }
    }
    if (!possible) {
      const list = [...reasons, runningLabel(it.id)];
      return { conflicts: list, message: `${it.id} must run but every host is ruled out: ${[...reasons].join(', ') || 'there are no hosts'}`, minimal: false };
    }
  }
  // 2. Total demand per dimension.
  const usable = bins.filter(binIsUsable);
  for (let k = 0; k < dimensions.length; k++) {
    const need = keep.reduce((s, it) => s + it.demand[k], 0);
    const have = usable.reduce((s, b) => s + b.capacity[k], 0);
    if (need > have * (1 + 1e-9) + 1e-9) {
      const off = bins.filter((b) => !binIsUsable(b));
      const withOff = have + off.reduce((s, b) => s + b.capacity[k], 0);
      const conflicts = [capacityLabel(dimensions[k]), ...(need <= withOff ? off.map((b) => offlineLabel(b.id)) : [])];
      return { conflicts, message: `the VMs that must run need ${need} ${dimensions[k]} in total; the usable hosts have ${have}`, minimal: false };
    }
  }
  // 3. Side constraints one by one.
  for (let ci = 0; ci < constraints.length; ci++) {
    const c = constraints[ci];
    const label = constraintLabel(problem, ci);
    if (c.kind === 'spread') {
      const members = keep.filter((it) => c.items.includes(it.id));
      if (members.length > usable.length) {
        return { conflicts: [label, ...bins.filter((b) => !binIsUsable(b)).map((b) => offlineLabel(b.id))], message: `${label} needs ${members.length} distinct hosts; ${usable.length} are usable`, minimal: false };
      }
    }
    if (c.kind === 'gather') {
      const members = keep.filter((it) => c.items.includes(it.id));
      if (members.length < 2) continue;
      const sum = dimensions.map((_, k) => members.reduce((s, it) => s + it.demand[k], 0));
      const hosts = usable.filter((b) => {
        for (let cj = 0; cj < constraints.length; cj++) {
          const o = constraints[cj];
          if (o.kind === 'ban' && o.bins.includes(b.id) && o.items.some((x) => c.items.includes(x))) return false;
          if (o.kind === 'fence' && !o.bins.includes(b.id) && o.items.some((x) => c.items.includes(x))) return false;
        }
        return true;
      });
      if (hosts.length === 0) {
        const others = constraints.map((o, cj) => ((o.kind === 'ban' || o.kind === 'fence') && o.items.some((x) => c.items.includes(x)) ? constraintLabel(problem, cj) : null)).filter((x): x is string => !!x);
        return { conflicts: [label, ...others], message: `${label}: no host is allowed for all of its VMs`, minimal: false };
      }
      if (!hosts.some((b) => fitsIn(sum, b.capacity))) {
        const k = dimensions.findIndex((_, kk) => hosts.every((b) => sum[kk] > b.capacity[kk]));
        return { conflicts: [label, capacityLabel(dimensions[Math.max(0, k)])], message: `${label}: its VMs together (${sum.join(' / ')}) fit on no allowed host`, minimal: false };
      }
    }
    if (c.kind === 'among') {
      const members = keep.filter((it) => c.items.includes(it.id));
      const sum = dimensions.map((_, k) => members.reduce((s, it) => s + it.demand[k], 0));
      const groupFits = c.groups.some((g) => {
        const hs = usable.filter((b) => g.includes(b.id));
        return dimensions.every((_, k) => sum[k] <= hs.reduce((s, b) => s + b.capacity[k], 0) * (1 + 1e-9) + 1e-9);
      });
      if (members.length && !groupFits) {
        return { conflicts: [label, ...dimensions.map(capacityLabel)], message: `${label}: no group of hosts has room for all of its VMs`, minimal: false };
      }
    }
  }
  // 4. maxVms slots.
  const maxOf = new Map<string, number>();
  constraints.forEach((c) => { if (c.kind === 'maxVms') for (const b of usable) if (!c.bins || c.bins.includes(b.id)) maxOf.set(b.id, Math.min(maxOf.get(b.id) ?? Infinity, c.max)); });
  if (maxOf.size) {
    const slots = usable.reduce((s, b) => s + (maxOf.get(b.id) ?? Infinity), 0);
    if (slots < keep.length) {
      const labels = constraints.map((c, ci) => (c.kind === 'maxVms' ? constraintLabel(problem, ci) : null)).filter((x): x is string => !!x);
      return { conflicts: labels, message: `the maxVms limits leave ${slots} slots for ${keep.length} VMs that must run`, minimal: false };
    }
  }
  return undefined;
}

type Verdict = 'feasible' | 'infeasible' | 'unknown';

function feasibility(problem: PlacementProblem, solver: MilpSolverPort, timeLimitS: number): Verdict {
  for (const a of HEURISTICS) if (runHeuristic(problem, a).failed.length === 0) return 'feasible';
  const asg = buildAssignment(problem);
  if (!asg) return 'unknown';
  const r = solver.solve(asg.model, { timeLimitS });
  if (r.status === 'infeasible') return 'infeasible';
  if (r.values) return 'feasible';
  return 'unknown';
}

/** Candidates the deletion filter may drop: side constraints and offline hosts. */
interface Candidate { label: string; drop(p: PlacementProblem): PlacementProblem }

export function explainInfeasible(problem: PlacementProblem, solver: MilpSolverPort | undefined, timeLimitS = 5): Explanation | undefined {
  const quick = staticExplanation(problem);
  if (quick || !solver) return quick;
  const perCall = Math.max(0.5, Math.min(5, timeLimitS / 4));
  if (feasibility(problem, solver, perCall) !== 'infeasible') return undefined;
  const candidates: Candidate[] = [
    ...problem.constraints.map((c, ci): Candidate => ({
      label: constraintLabel(problem, ci),
      drop: (p) => ({ ...p, constraints: p.constraints.filter((x) => x !== c) }),
    })),
    ...problem.bins.filter((b) => !binIsUsable(b)).map((b): Candidate => ({
      label: offlineLabel(b.id),
      drop: (p) => ({ ...p, bins: p.bins.map((x) => (x.id === b.id ? { ...x, state: 'on' as const } : x)) }),
    })),
  ].slice(0, 40);
  let current = problem;
  const kept: string[] = [];
  let definite = true;
  for (const c of candidates) {
    const without = c.drop(current);
    const v = feasibility(without, solver, perCall);
    if (v === 'infeasible') current = without;
    else { kept.push(c.label); if (v === 'unknown') definite = false; }
  }
  const conflicts = [...kept, ...problem.dimensions.map(capacityLabel)];
  return {
    conflicts,
    message: kept.length
      ? `no valid placement: ${kept.join(', ')} cannot all hold within the hosts' capacity`
      : 'no valid placement: the VMs that must run do not fit in the hosts, whatever the side constraints',
    minimal: definite,
  };
}
