/**
 * Placement DTOs: what `placement.solve` takes and returns (plain, structured-clone safe).
 *
 * - `PLACEMENT_ALGO_NAMES`: the heuristics (nf, ff, bf, wf and their decreasing variants) and `exact`.
 * - `PlacementInstanceDto`: a problem given directly (items with demand vectors, bins with capacity
 *   vectors, over named dimensions); otherwise the engine builds one from the inventory.
 * - `PlacementConstraintDto`: BtrPlace's constraints by `kind` (spread, gather, ban, fence, among, maxVms),
 *   naming VMs (`items`) and hosts (`bins`) by id.
 * - `PlacementSolveResult`: the placement (VM → host or null when left off), hosts used, proven optimal or
 *   not (and by what), lower bound and gap, the solver's report, virtual time charged, notes, and for an
 *   infeasible request the constraints in conflict.
 * - `PlacementTraceStepDto`: one step of a heuristic asked for with `trace`: the item, the bins looked at
 *   in the order the rule looked (fits or the rule that ruled it out), the bin chosen (null: left off) and why.
 * - `PlacementPlanResult`: a target and the plan that reaches it on the running lab — timed actions
 *   (migrate, suspend, resume) host to host, the plan's duration, its pivots and suspends, the hosts it
 *   empties, and how durations were estimated and how `placement.apply` runs each move.
 */
import type { HostId, VmId } from './ids';

export const PLACEMENT_ALGO_NAMES = ['nf', 'ff', 'bf', 'wf', 'nfd', 'ffd', 'bfd', 'wfd', 'exact'] as const;
export type PlacementAlgoName = (typeof PLACEMENT_ALGO_NAMES)[number];

export const PLACEMENT_CONSTRAINT_KINDS = ['spread', 'gather', 'ban', 'fence', 'among', 'maxVms'] as const;
export type PlacementConstraintKind = (typeof PLACEMENT_CONSTRAINT_KINDS)[number];

/** Where VM demands come from when the problem is built from the inventory. */
export const PLACEMENT_DEMAND_SOURCES = ['configured', 'reservation', 'usage'] as const;
export type PlacementDemandSource = (typeof PLACEMENT_DEMAND_SOURCES)[number];

export interface PlacementConstraintDto {
  kind: PlacementConstraintKind;
  name?: string;
  items?: string[];
  bins?: string[];
  groups?: string[][];
  max?: number;
}

export interface PlacementInstanceDto {
  dimensions: string[];
  items: { id: string; demand: number[]; running?: 'keep' | 'maySuspend' }[];
  bins: { id: string; capacity: number[]; state?: 'on' | 'maintenance' | 'off' }[];
}

export interface PlacementTraceStepDto {
  itemId: string;
  /** Items this step placed: the item and the rest of its gather class (empty when it stayed off). */
  placedIds: string[];
  considered: { binId: string; fits: boolean; reason?: string }[];
  binId: string | null;
  why: string;
}

export interface PlacementSolveResult {
  algo: PlacementAlgoName;
  status: 'optimal' | 'feasible' | 'infeasible' | 'failed';
  provenOptimal: boolean;
  provenBy?: 'bound' | 'solver';
  dimensions: string[];
  /** Every item with its demand and where it goes (null: left off / suspended, or could not be placed). */
  placement: { itemId: string; demand: number[]; binId: string | null }[];
  /** Every bin with its capacity and its load after the placement. */
  bins: { binId: string; capacity: number[]; load: number[]; state: 'on' | 'maintenance' | 'off' }[];
  binsUsed: number;
  suspended: number;
  lowerBound?: number;
  gap?: number;
  source: string;
  heuristics?: Partial<Record<PlacementAlgoName, number | null>>;
  solver?: {
    name: string; model: 'arc-flow' | 'assignment'; status: string; columns: number; rows: number; nonzeros: number;
    iterations: number; nodes: number; wallMs: number;
  };
  /** Virtual time the work is charged (cost model, docs/placement.md). */
  virtualMs: number;
  notes: string[];
  explanation?: { conflicts: string[]; message: string; minimal: boolean };
  violations: { rule: string; message: string }[];
  /** The heuristic's steps in order (asked for with `trace`); replaying them gives `placement`. */
  trace?: PlacementTraceStepDto[];
}

export interface PlacementPlanActionDto {
  kind: 'migrate' | 'suspend' | 'resume';
  vmId: VmId;
  vmName: string;
  /** The host the VM leaves (null: it is suspended). */
  fromHostId: HostId | null;
  /** The host it goes to (null: it is suspended). */
  toHostId: HostId | null;
  /** Estimated start and end, virtual ms after the plan starts. */
  startMs: number;
  endMs: number;
  note?: string;
}

export interface PlacementPlanResult {
  /** The target placement, as `placement.solve` returns it. */
  target: PlacementSolveResult;
  feasible: boolean;
  /** Why no plan reaches the target (feasible false). */
  reason?: string;
  actions: PlacementPlanActionDto[];
  /** Estimated duration of the whole plan (virtual ms). */
  durationMs: number;
  /** VMs whose host changes; migrations, pivots (a VM parked on a third host) and suspends in the plan. */
  moved: number;
  migrations: number;
  pivots: number;
  suspends: number;
  hostsBefore: number;
  hostsAfter: number;
  /** Hosts holding VMs now and none after: candidates for standby. */
  emptiedHostIds: HostId[];
  /** Watts saved if the emptied hosts enter standby: their idle draw less standby watts (the lab's power
   *  model; the VMs' load-proportional watts move with them and are not counted). */
  standbySavingW: number;
  maxConcurrentPerHost: number;
  /** How the durations are estimated, and how `placement.apply` carries a move out (in words). */
  estimate: string;
  /** The independent plan checker's findings (empty for every plan the engine returns). */
  violations: { rule: string; message: string }[];
}

/**
 * `placement.model`: a model of the placement modelling language solved by the lab's exact
 * constraint solver, optionally bound to a cluster of the lab (its powered-on VMs and usable hosts as
 * constants the model can use). Line numbers in diagnostics and the conflict are the user's own source.
 */
export type PlacementModelResult = {
  /** The constants the binding declared before the user's model (empty without a cluster). */
  binding: { prelude: string; vms: { id: VmId; name: string }[]; hosts: { id: HostId; name: string }[] };
} & (
  | { ok: false; diagnostics: { line: number; col: number; message: string; hint?: string }[] }
  | {
    ok: true;
    status: 'optimal' | 'satisfiable' | 'infeasible' | 'limit';
    sense?: 'maximize' | 'minimize';
    objective?: number;
    /** The optimum's solution, or every solution (every optimal one with an objective) with `all`. */
    solutions: { values: Record<string, number | number[]>; objective?: number }[];
    solutionCount: number;
    /** The optimum is proven (gap 0) / the list of solutions is complete. */
    complete: boolean;
    stats: { nodes: number; failures: number; propagations: number; maxDepth: number };
    virtualMs: number;
    variables: number;
    propagators: number;
    conflict?: { statements: { label: string; line: number; col: number }[]; minimal: boolean };
  });
