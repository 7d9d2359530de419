/**
 * availability — data-center availability arithmetic for the course: a component's availability from
 * MTBF and MTTR, series and parallel combination, k-of-n redundancy (N, N+1, 2N, 2N+1), downtime per
 * year, the Uptime Institute tiers, and a seeded simulation that checks the formula for a cluster.
 *
 * - `fromMtbf(mtbfH, mttrH)` = MTBF / (MTBF + MTTR) (steady state of a two-state up/down process).
 * - `series(as)` = Π aᵢ (all needed); `parallel(as)` = 1 − Π (1 − aᵢ) — for two, P(A∪B) = P(A) + P(B) −
 *   P(A∩B) = a + b − ab. Both assume independent failures (a shared power feed breaks the rule).
 * - `kOfN(a, k, n)` = Σ_{i=k..n} C(n,i) aⁱ (1−a)ⁿ⁻ⁱ; `redundancy(scheme, N)` → units and required for
 *   N, N+1, 2N, 2N+1.
 * - `evaluateDesign(groups, combine)`: each group k-of-n, the groups in series (default) or in parallel;
 *   the tier it reaches and the downtime per year; for two groups in parallel, the union's terms
 *   P(A) + P(B) − P(A∩B). `designProblem(groups)`: a group that gives neither an availability nor both
 *   MTBF and MTTR (the field it names), checked before evaluating. `UPTIME_TIERS`: 99.671 % (I), 99.741 % (II), 99.982 % (III), 99.995 % (IV).
 * - `clusterAvailability(hosts, tolerate, mtbfH, mttrH)`: the probability that at most `tolerate` hosts
 *   are down — the cluster can run its VMs (HA restarts them within the capacity admission control kept).
 * - `simulateCluster(...)`: the same cluster run for simulated years with seeded exponential failure
 *   and repair times per host (an event-driven model of the hosts only — not the full lab, whose 10 ms
 *   quanta cannot cover a year); measures the fraction of time with at most `tolerate` hosts down and
 *   its 95 % confidence interval over independent replications, and the VM downtime HA restarts add.
 *
 * Rule: pure and deterministic (the simulation's randomness is the seeded `Rng`).
 */
import { Rng } from '../sim/index';

export const HOURS_PER_YEAR = 8760;

export const UPTIME_TIERS = [
  { tier: 'I', availability: 0.99671, description: 'Basic capacity: single path, no redundant components' },
  { tier: 'II', availability: 0.99741, description: 'Redundant capacity components (N+1), single distribution path' },
  { tier: 'III', availability: 0.99982, description: 'Concurrently maintainable: redundant components and distribution paths' },
  { tier: 'IV', availability: 0.99995, description: 'Fault tolerant: 2N or 2N+1, compartmentalised paths' },
] as const;

export type RedundancyScheme = 'N' | 'N+1' | '2N' | '2N+1';

export function fromMtbf(mtbfH: number, mttrH: number): number {
  return mtbfH / (mtbfH + mttrH);
}

export function series(as: readonly number[]): number {
  return as.reduce((p, a) => p * a, 1);
}

export function parallel(as: readonly number[]): number {
  return 1 - as.reduce((p, a) => p * (1 - a), 1);
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

export function kOfN(a: number, k: number, n: number): number {
  let s = 0;
  for (let i = k; i <= n; i++) s += binomial(n, i) * a ** i * (1 - a) ** (n - i);
  return s;
}

export function redundancy(scheme: RedundancyScheme, need: number): { units: number; required: number } {
  switch (scheme) {
    case 'N': return { units: need, required: need };
    case 'N+1': return { units: need + 1, required: need };
    case '2N': return { units: 2 * need, required: need };
    case '2N+1': return { units: 2 * need + 1, required: need };
  }
}

export interface ComponentGroup {
  name: string;
  /** Availability of one unit, or its MTBF and MTTR in hours. */
  availability?: number;
  mtbfH?: number;
  mttrH?: number;
  /** Units needed (N) and the redundancy scheme. */
  need: number;
  scheme: RedundancyScheme;
}

export type DesignCombination = 'series' | 'parallel';

export interface DesignResult {
  groups: { name: string; unitAvailability: number; units: number; required: number; availability: number }[];
  combine: DesignCombination;
  availability: number;
  /** Two groups in parallel: P(A∪B) = a + b − ab, with P(A∩B) = ab under independence. */
  union?: { a: number; b: number; both: number };
  downtimeHoursPerYear: number;
  /** The highest Uptime Institute tier whose availability the design reaches, or null. */
  tier: string | null;
}

export function downtimeHours(a: number): number {
  return (1 - a) * HOURS_PER_YEAR;
}

export function tierOf(a: number): string | null {
  let best: string | null = null;
  for (const t of UPTIME_TIERS) if (a >= t.availability) best = t.tier;
  return best;
}

/** The first group the maths cannot read: neither `availability` nor both MTBF and MTTR. */
export function designProblem(groups: readonly ComponentGroup[]): { index: number; field: 'availability' | 'mtbfH' | 'mttrH'; message: string } | null {
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g.availability !== undefined) continue;
    if (g.mtbfH === undefined && g.mttrH === undefined) {
      return { index: i, field: 'availability', message: `Give "${g.name}" an availability, or its MTBF and MTTR.` };
    }
    if (g.mtbfH === undefined) return { index: i, field: 'mtbfH', message: `"${g.name}" has an MTTR but no MTBF: give both, or an availability.` };
    if (g.mttrH === undefined) return { index: i, field: 'mttrH', message: `"${g.name}" has an MTBF but no MTTR: give both, or an availability.` };
  }
  return null;
}

export function evaluateDesign(groups: readonly ComponentGroup[], combine: DesignCombination = 'series'): DesignResult {
  const out = groups.map((g) => {
    const unit = g.availability ?? fromMtbf(g.mtbfH ?? 1, g.mttrH ?? 0);
    const { units, required } = redundancy(g.scheme, g.need);
    return { name: g.name, unitAvailability: unit, units, required, availability: kOfN(unit, required, units) };
  });
  const each = out.map((g) => g.availability);
  const a = combine === 'parallel' ? parallel(each) : series(each);
  const union = combine === 'parallel' && each.length === 2 ? { a: each[0], b: each[1], both: each[0] * each[1] } : undefined;
  return { groups: out, combine, availability: a, ...(union ? { union } : {}), downtimeHoursPerYear: downtimeHours(a), tier: tierOf(a) };
}

/** P(at most `tolerate` of `hosts` are down), hosts failing independently. */
export function clusterAvailability(hosts: number, tolerate: number, mtbfH: number, mttrH: number): number {
  return kOfN(fromMtbf(mtbfH, mttrH), hosts - tolerate, hosts);
}

export interface ClusterSimulation {
  /** Mean fraction of time with at most `tolerate` hosts down, over the replications. */
  availability: number;
  /** 95 % confidence half-width (normal approximation over the replications). */
  halfWidth: number;
  replications: number;
  years: number;
  hostFailures: number;
  /** Mean VM downtime per year from HA restarts (each failure stops its host's VMs for `restartS`). */
  vmRestartDowntimeHoursPerYear: number;
}

/**
 * Expected cost of `simulateCluster` in scan steps: each host changes state about 2 × horizon ÷ (MTBF +
 * MTTR) times per replication, and each change scans every host.
 */
export function simulationSteps(opts: { hosts: number; mtbfH: number; mttrH: number; years: number; replications: number }): number {
  const changesPerHost = (2 * opts.years * HOURS_PER_YEAR) / (opts.mtbfH + opts.mttrH) + 1;
  return opts.replications * opts.hosts * opts.hosts * changesPerHost;
}

export function simulateCluster(opts: { hosts: number; tolerate: number; mtbfH: number; mttrH: number; years: number; replications: number; seed: number; restartS: number }): ClusterSimulation {
  const rng = new Rng(opts.seed);
  const exp = (mean: number): number => -Math.log(1 - rng.float()) * mean;
  const results: number[] = [];
  let failures = 0;
  let restartDownH = 0;
  const horizon = opts.years * HOURS_PER_YEAR;
  for (let r = 0; r < opts.replications; r++) {
    // Each host alternates up (exponential, mean MTBF) and down (exponential, mean MTTR): the event
    // times of all hosts merged in time order.
    const nextChange = Array.from({ length: opts.hosts }, () => exp(opts.mtbfH));
    const up = new Array<boolean>(opts.hosts).fill(true);
    let down = 0;
    let t = 0;
    let good = 0;
    while (t < horizon) {
      let i = 0;
      for (let j = 1; j < opts.hosts; j++) if (nextChange[j] < nextChange[i]) i = j;
      const tNext = Math.min(nextChange[i], horizon);
      if (down <= opts.tolerate) good += tNext - t;
      t = tNext;
      if (t >= horizon) break;
      if (up[i]) {
        up[i] = false; down++; failures++;
        restartDownH += opts.restartS / 3600 / opts.hosts; // a host's share of the VMs waits for the restart
        nextChange[i] = t + exp(opts.mttrH);
      } else {
        up[i] = true; down--;
        nextChange[i] = t + exp(opts.mtbfH);
      }
    }
    results.push(good / horizon);
  }
  const n = results.length;
  const mean = results.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? results.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  return {
    availability: mean, halfWidth: 1.96 * Math.sqrt(variance / n), replications: n, years: opts.years,
    hostFailures: failures, vmRestartDowntimeHoursPerYear: restartDownH / (opts.replications * opts.years),
  };
}
