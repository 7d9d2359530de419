/**
 * The exercise file format (docs/exercises.md): a guided practical as plain data — its starting scenario,
 * objectives and steps; each step with Markdown instructions, hints, **checks** (declarative predicates
 * over the lab's state, counters, tasks and events, read through the engine contract) and **questions**
 * (answers checked against the student's own run, against fixed answers, or kept for the instructor).
 *
 * - `Exercise`, `ExerciseStep`, `Check`, `Predicate`, `Expr`, `Question`, `ReportSpec`: the validated shape.
 * - `ExerciseSummary`: what `exercise.list` returns.
 * - Field tables (`VM_FIELDS`, `HOST_FIELDS`, `AGGREGATES`, …) shared by the validator, the evaluator and
 *   the docs, so the language has one definition.
 *
 * Rules: config only (no runtime state here; progress is `ExerciseProgress` in the contract). No code in
 * exercise files: every predicate and expression is one of the closed kinds below. Names (VMs, hosts,
 * clusters) are display names, as a student sees them in the inventory.
 */

import type { MigrationMode, StopRule } from '../model/migration';

export const EXERCISE_FORMAT_VERSION = 1;

/** A duration: seconds as a number, or `500ms`, `30s`, `5m`, `1h`. */
export type Duration = number | string;

/** A number test: a plain number means "equals"; otherwise every bound given must hold. */
export interface Comparison {
  equals?: number;
  above?: number;
  below?: number;
  atLeast?: number;
  atMost?: number;
  between?: [number, number];
}
export type NumberMatch = number | Comparison;
export const COMPARISON_KEYS = ['equals', 'above', 'below', 'atLeast', 'atMost', 'between'] as const;

/** Where history starts counting: the exercise's start (default), the current step's start, or the lab's beginning. */
export const SINCE_VALUES = ['exercise', 'step', 'lab'] as const;
export type Since = (typeof SINCE_VALUES)[number];

export const POWER_STATES = ['poweredOn', 'poweredOff', 'suspended'] as const;
export const GUEST_STATES = ['notRunning', 'running', 'halted', 'crashed'] as const;
export const MONITORS = ['interp', 'te', 'bt', 'pv', 'hw'] as const;
export const PAGINGS = ['shadow', 'nested'] as const;
export const EFFECTIVE_PAGINGS = ['native', 'shadow', 'nested'] as const;
export const TASK_STATES = ['queued', 'running', 'success', 'error', 'cancelled'] as const;

export interface VmPredicate {
  /** Omitted: some VM matches (with `count`, how many must). */
  name?: string;
  exists?: boolean;
  powerState?: (typeof POWER_STATES)[number];
  guestState?: (typeof GUEST_STATES)[number];
  host?: string;
  cluster?: string;
  monitor?: (typeof MONITORS)[number];
  paging?: (typeof PAGINGS)[number];
  /** What the VM actually runs: native, shadow or nested (monitor + paging setting). */
  runs?: (typeof EFFECTIVE_PAGINGS)[number];
  pageTableLevels?: 2 | 4;
  workload?: string;
  vcpus?: NumberMatch;
  memoryMiB?: NumberMatch;
  snapshots?: NumberMatch;
  template?: boolean;
  /** Matching VMs needed when `name` is omitted (a number means at least that many; default 1). */
  count?: NumberMatch;
}

export interface HostPredicate {
  name: string;
  inMaintenanceMode?: boolean;
  connectionState?: 'connected' | 'disconnected' | 'notResponding';
  powerState?: 'poweredOn' | 'poweredOff' | 'standBy';
  vms?: NumberMatch;
  poweredOnVms?: NumberMatch;
}

export interface SnapshotPredicate {
  vm?: string;
  name?: string;
  memory?: boolean;
  quiesced?: boolean;
  count?: NumberMatch;
}

export interface TaskSelector {
  /** Contract operation of the task, e.g. `vm.powerOn`, `vm.snapshot.create`. */
  operation: string;
  /** Display name of the task's target. */
  target?: string;
  /** Default `success`. */
  state?: (typeof TASK_STATES)[number];
  since?: Since;
}
export interface TaskPredicate extends TaskSelector {
  count?: NumberMatch;
  /** Every counted task must also have taken this long (completed − started, virtual ms). */
  durationMs?: NumberMatch;
}

export interface EventSelector {
  /** Event type, e.g. `VmSuspendedEvent`. */
  type: string;
  entity?: string;
  since?: Since;
}
export interface EventPredicate extends EventSelector {
  count?: NumberMatch;
}

export const AGGREGATES = ['avg', 'sum', 'max', 'min', 'latest'] as const;
export type Aggregate = (typeof AGGREGATES)[number];
/** `percent`: a `ms` summation counter as a share of the sampled time (vSphere's ready % rule). `perSecond`: sum ÷ seconds. */
export const COUNTER_AS = ['value', 'percent', 'perSecond'] as const;
export type CounterAs = (typeof COUNTER_AS)[number];
export const ENTITY_KEYS = ['vm', 'host', 'cluster', 'datacenter'] as const;
export type EntityKey = (typeof ENTITY_KEYS)[number];

export interface CounterSource {
  vm?: string;
  host?: string;
  cluster?: string;
  datacenter?: string;
  /** Counter name as in the catalogue, e.g. `cpu.ready.summation`. */
  name: string;
  /** Window: the last `over` of virtual time (default 1m), cut at `since` when given. */
  over?: Duration;
  since?: Since;
  /** Default: `sum` for summation counters, `avg` otherwise. */
  aggregate?: Aggregate;
  as?: CounterAs;
}
export type CounterPredicate = CounterSource & Comparison;

export interface ConsolePredicate {
  vm: string;
  contains?: string | string[];
  notContains?: string | string[];
}

/**
 * Live migrations of `vm` (its `vm.migrate` tasks, with the statistics `migration.list` keeps for them).
 * `mode`, `stopRule`, `to` (the destination host), `compressed` (a codec other than none), `autoConverge`, `xbzrle` and `dedup`
 * narrow them to the technique the
 * student was asked to use. A migration cancelled at its timeout ends its task in `error`.
 */
export interface MigrationSelector {
  vm: string;
  state?: (typeof TASK_STATES)[number];
  since?: Since;
  mode?: MigrationMode;
  /** Pre-copy's stop rule: qemu, xen (migration v2) or xen-classic. */
  stopRule?: StopRule;
  /** Display name of the destination host. */
  to?: string;
  compressed?: boolean;
  autoConverge?: boolean;
  /** XBZRLE delta encoding of pages sent before was ticked. */
  xbzrle?: boolean;
  /** Deduplication against pages the destination already holds was ticked. */
  dedup?: boolean;
}
export interface MigrationPredicate extends MigrationSelector {
  downtimeMs?: NumberMatch;
  count?: NumberMatch;
}

export type ComparePredicate = { value: Expr } & Comparison;

export type Predicate =
  | { vm: VmPredicate }
  | { host: HostPredicate }
  | { snapshot: SnapshotPredicate }
  | { task: TaskPredicate }
  | { event: EventPredicate }
  | { counter: CounterPredicate }
  | { console: ConsolePredicate }
  | { migration: MigrationPredicate }
  | { compare: ComparePredicate }
  | { all: Check[] }
  | { any: Check[] }
  | { not: Check };

export const PREDICATE_KINDS = ['vm', 'host', 'snapshot', 'task', 'event', 'counter', 'console', 'migration', 'compare', 'all', 'any', 'not'] as const;
export type PredicateKind = (typeof PREDICATE_KINDS)[number];

/** A check: one predicate, with an optional label the student sees instead of the generated description. */
export type Check = Predicate & { label?: string };

export const HOST_FIELDS = [
  'sockets', 'coresPerSocket', 'threadsPerCore', 'cores', 'logicalCpus', 'cpuMhz', 'cpuCapacityMhz', 'memoryGiB', 'memoryMiB', 'vms', 'poweredOnVms', 'uptimeS',
] as const;
export type HostField = (typeof HOST_FIELDS)[number];
export const VM_FIELDS = [
  'vcpus', 'memoryMiB', 'disks', 'diskGiB', 'nics', 'snapshots', 'uptimeS', 'pageTableLevels', 'cpuShares', 'cpuReservationMhz', 'cpuLimitMhz',
] as const;
export type VmField = (typeof VM_FIELDS)[number];
export const TASK_FIELDS = ['durationMs', 'count', 'startedAtS', 'completedAtS'] as const;
export const EVENT_FIELDS = ['count', 'timeS'] as const;
/**
 * `downtimeMs`, `durationMs` (the task), `totalTimeMs` (QEMU `total-time`), `rounds` (rows of the round
 * table), `normalPages` / `zeroPages` (QEMU `ram.normal` / `ram.duplicate`: full and zero pages sent),
 * `transferredMiB` (`ram.transferred`), `postcopyRequests`, `blocktimeMs` (`postcopy-blocktime`),
 * `throttlePct` (`cpu-throttle-percentage`), `compressionRate`, `amplification` (bytes sent ÷ RAM),
 * `xbzrlePages` (`xbzrle-cache.pages`: pages sent as deltas), `xbzrleSavedMiB` (those pages × 4 KiB − the
 * delta bytes `xbzrle-cache.bytes`), `dedupPages` (`dedup.pages`: pages sent as references) and
 * `dedupSavedMiB` (`dedup.bytes-saved`).
 */
export const MIGRATION_FIELDS = [
  'downtimeMs', 'durationMs', 'totalTimeMs', 'rounds', 'normalPages', 'zeroPages', 'transferredMiB', 'postcopyRequests', 'blocktimeMs',
  'throttlePct', 'compressionRate', 'amplification', 'xbzrlePages', 'xbzrleSavedMiB', 'dedupPages', 'dedupSavedMiB',
] as const;
export type MigrationField = (typeof MIGRATION_FIELDS)[number];
export const WHICH_VALUES = ['last', 'first'] as const;
/** Placement algorithms an exercise may ask about: the contract's heuristics and `exact` (HiGHS). */
export const PLACEMENT_ALGOS = ['nf', 'ff', 'bf', 'wf', 'nfd', 'ffd', 'bfd', 'wfd', 'exact'] as const;
export const PLACEMENT_DEMANDS = ['configured', 'reservation'] as const;
/**
 * `hostsUsed`: hosts the packing uses (for `exact`, only once proven optimal); `lowerBound`: the solver's
 * lower bound on hosts; `unplaced`: VMs the algorithm could not place.
 */
export const PLACEMENT_FIELDS = ['hostsUsed', 'lowerBound', 'unplaced'] as const;

/**
 * A packing of a cluster's powered-on VMs onto its hosts, as the contract's `placement.solve` computes it.
 * `vms`: pack only these VMs (display names, in the inventory's order) — so an answer about "the eight
 * VMs" stays true after a ninth is powered on; `standbyHosts: available`: hosts in standby count as
 * able to take VMs (how many hosts the VMs need, not which are awake now) — so an answer stays true
 * after the emptied hosts entered standby.
 */
export interface PlacementSelector {
  cluster: string;
  algo: (typeof PLACEMENT_ALGOS)[number];
  demand?: (typeof PLACEMENT_DEMANDS)[number];
  vms?: string[];
  standbyHosts?: 'off' | 'available';
}

/**
 * The availability maths through the contract: a design written in the exercise (`groups`, `combine`),
 * the design the student saved with the lab (`design: saved`, the availability page's SAVE DESIGN), or
 * the lab's cluster as N+k (`cluster`, with a host `mtbfH` and `mttrH`: k is the student's own HA
 * setting). Fields of a design: `availability`, `downtimeHoursPerYear`, `tier` (1–4, 0 below tier I),
 * `groups`; of a cluster: `hostAvailability`, `formula`, `formulaDowntimeHoursPerYear`, `hosts`,
 * `tolerate`, `tier`.
 */
export interface AvailabilitySelector {
  design?: 'saved';
  groups?: { name: string; availability?: number; mtbfH?: number; mttrH?: number; need: number; scheme: 'N' | 'N+1' | '2N' | '2N+1' }[];
  combine?: 'series' | 'parallel';
  cluster?: string;
  mtbfH?: number;
  mttrH?: number;
}
export const AVAILABILITY_DESIGN_FIELDS = ['availability', 'downtimeHoursPerYear', 'tier', 'groups'] as const;
export const AVAILABILITY_CLUSTER_FIELDS = ['hostAvailability', 'formula', 'formulaDowntimeHoursPerYear', 'hosts', 'tolerate', 'tier'] as const;
export type AvailabilityField = (typeof AVAILABILITY_DESIGN_FIELDS)[number] | (typeof AVAILABILITY_CLUSTER_FIELDS)[number];

/** A number computed from the lab (or a literal). */
export type Expr =
  | number
  | { host: string; field: HostField }
  | { vm: string; field: VmField }
  | { counter: CounterSource }
  | { task: TaskSelector & { which?: 'last' | 'first' }; field: (typeof TASK_FIELDS)[number] }
  | { event: EventSelector & { which?: 'last' | 'first' }; field: (typeof EVENT_FIELDS)[number] }
  /** Virtual milliseconds from one event to the next matching one after it. */
  | { between: { from: EventSelector & { which?: 'last' | 'first' }; to: EventSelector } }
  | { migration: MigrationSelector & { which?: 'last' | 'first' }; field: MigrationField }
  | { placement: PlacementSelector; field: (typeof PLACEMENT_FIELDS)[number] }
  | { availability: AvailabilitySelector; field: AvailabilityField }
  | { ratio: [Expr, Expr] }
  | { difference: [Expr, Expr] }
  | { sum: Expr[] }
  | { product: Expr[] };

export const EXPR_KINDS = ['host', 'vm', 'counter', 'task', 'event', 'between', 'migration', 'placement', 'availability', 'ratio', 'difference', 'sum', 'product'] as const;

export interface NumberQuestion {
  id: string;
  prompt: string;
  number: {
    /** The expected value: a literal, or computed from the student's own lab when the answer is checked. */
    answer: Expr;
    /** Accepted distance: a number (absolute) or `"10%"` (relative). Default 0. */
    tolerance?: number | string;
    unit?: string;
  };
  /** Shown after answering, and in the instructor view. */
  explain?: string;
}
export interface ChoiceQuestion {
  id: string;
  prompt: string;
  choice: { options: { text: string; correct?: boolean }[] };
  explain?: string;
}
export interface TextQuestion {
  id: string;
  prompt: string;
  /** Free text, kept for the instructor (never graded automatically). */
  text: { minWords?: number; modelAnswer?: string };
  explain?: string;
}
export type Question = NumberQuestion | ChoiceQuestion | TextQuestion;
export type QuestionKind = 'number' | 'choice' | 'text';

export function questionKind(q: Question): QuestionKind {
  if ('number' in q) return 'number';
  if ('choice' in q) return 'choice';
  return 'text';
}

export interface ExerciseStep {
  id: string;
  title: string;
  /** Markdown (docs/exercises.md lists the subset). */
  instructions: string;
  hints?: string[];
  checks?: Check[];
  questions?: Question[];
}

/**
 * Series a migration chart draws from the round tables of a VM's migrations, one point at the end of each
 * round: `remainingMiB` (what was still to send), `sentMiB` (the round's bytes), `bandwidthMiBps` (the
 * round's rate), `dirtiedPages` (pages the dirty log reported at the round's start), `throttlePct`
 * (auto-converge's throttle), `expectedDowntimeMs`.
 */
export const MIGRATION_CHART_SERIES = ['remainingMiB', 'sentMiB', 'bandwidthMiBps', 'dirtiedPages', 'throttlePct', 'expectedDowntimeMs'] as const;
export type MigrationChartSeries = (typeof MIGRATION_CHART_SERIES)[number];
/** The unit each migration chart series is drawn in (a chart has at most two y axes). */
export const MIGRATION_CHART_UNITS: Readonly<Record<MigrationChartSeries, string>> = {
  remainingMiB: 'MiB', sentMiB: 'MiB', bandwidthMiBps: 'MiB/s', dirtiedPages: 'pages', throttlePct: '%', expectedDowntimeMs: 'ms',
};

/**
 * A chart in the lab report: `counters` of one entity (`vm`, `host`, `cluster` or `datacenter`) from the
 * real-time samples (every 20 s, as vSphere's), or `series` of the round tables of the `migrations` a
 * selector picks (every round, so a migration shorter than a sample period still shows).
 */
export interface ReportChartSpec {
  title: string;
  vm?: string;
  host?: string;
  cluster?: string;
  datacenter?: string;
  counters?: string[];
  migrations?: MigrationSelector;
  series?: MigrationChartSeries[];
}
export interface ReportTableSpec {
  title: string;
  rows: { label?: string; vm?: string; host?: string; cluster?: string }[];
  columns: ({ label: string; counter: Omit<CounterSource, EntityKey> } | { label: string; field: VmField | HostField })[];
}
export interface ReportSpec {
  charts?: ReportChartSpec[];
  tables?: ReportTableSpec[];
}

export interface Exercise {
  exercise: typeof EXERCISE_FORMAT_VERSION;
  name: string;
  title: string;
  /** Order among the practicals. */
  number?: number;
  summary: string;
  estimatedMinutes?: number;
  /** Pointers to the course's concepts (Markdown). */
  concepts?: string[];
  /** A scenario the lab knows (resources/scenarios, or `scenarios/` beside the exercise). */
  scenario: string;
  seed?: number;
  objectives: string[];
  steps: ExerciseStep[];
  report?: ReportSpec;
}

export interface ExerciseSummary {
  name: string;
  title: string;
  number?: number;
  summary: string;
  scenario: string;
  steps: number;
  estimatedMinutes?: number;
  /** Where it was loaded from (built-in or an instructor's folder). */
  source: 'built-in' | 'folder';
}

export function summarize(e: Exercise, source: ExerciseSummary['source']): ExerciseSummary {
  const out: ExerciseSummary = { name: e.name, title: e.title, summary: e.summary, scenario: e.scenario, steps: e.steps.length, source };
  if (e.number !== undefined) out.number = e.number;
  if (e.estimatedMinutes !== undefined) out.estimatedMinutes = e.estimatedMinutes;
  return out;
}
