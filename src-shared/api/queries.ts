/**
 * Queries: read-only requests. They never change the lab, so they may be retried freely.
 *
 * - `QUERY_SCHEMAS`: name → parameter schema; `QueryResults`: name → result type.
 */
import type { Infer } from './schema';
import { s } from './schema';
import type { InventoryDto, SnapshotTreeDto, VmDto, HostDto } from '../model/inventory';
import type { TaskDto } from '../model/task';
import type { EventDto } from '../model/eventLog';
import type { EventId } from '../model/ids';
import type { InventoryChanges } from '../model/inventoryChanges';
import type { InventoryOutlineDto } from '../model/inventoryOutline';
import type { BackendInfo } from '../model/backends';
import type { HostIdentityDto } from '../model/realHosts';
import type { Vim25SettingsDto } from '../model/vim25Settings';
import { REAL_HOST_KINDS } from '../model/realHosts';
import type { CounterInfo, MetricSeriesDto } from '../model/metrics';
import { INTERVAL_KEYS } from '../model/metrics';
import type { SimStatus, ExerciseProgress } from './commands';
import type { LabDocumentDto, SavedLabDto } from '../model/labDocument';
import type { Exercise, ExerciseSummary } from '../exercise/format';
import type { PlacementModelResult, PlacementPlanResult, PlacementSolveResult } from '../model/placement';
import type { AvailabilityDesignDto, ClusterAvailabilityDto, ClusterServicesDto, PowerOnPlacementDto } from '../model/clusterServices';
import type { MigrationStats } from '../model/migration';
import { availabilityDesignSchema } from './availabilitySchema';
import type { AvailabilityDesign } from './availabilitySchema';
import type { GuestParamDto } from '../model/guestParams';
import type { AlarmDefinitionDto, TriggeredAlarmDto } from '../model/alarms';
import { PLACEMENT_ALGO_NAMES, PLACEMENT_CONSTRAINT_KINDS, PLACEMENT_DEMAND_SOURCES } from '../model/placement';

const placementId = s.string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_.:-]+$/ });
const placementIds = (max: number) => s.array(placementId, { max });
const placementConstraint = s.object({
  kind: s.oneOf(PLACEMENT_CONSTRAINT_KINDS),
  name: s.optional(s.string({ min: 1, max: 80 })),
  items: s.optional(placementIds(20_000)),
  bins: s.optional(placementIds(5_000)),
  groups: s.optional(s.array(placementIds(5_000), { min: 1, max: 256 })),
  max: s.optional(s.int({ min: 0, max: 1_000_000 })),
});
const placementInstance = s.object({
  dimensions: s.array(s.string({ min: 1, max: 32, pattern: /^[A-Za-z][A-Za-z0-9_]*$/ }), { min: 1, max: 8 }),
  items: s.array(s.object({
    id: placementId, demand: s.array(s.number({ min: 0, max: 1e12 }), { min: 1, max: 8 }), running: s.optional(s.oneOf(['keep', 'maySuspend'] as const)),
  }), { max: 20_000 }),
  bins: s.array(s.object({
    id: placementId, capacity: s.array(s.number({ min: 0, max: 1e12 }), { min: 1, max: 8 }), state: s.optional(s.oneOf(['on', 'maintenance', 'off'] as const)),
  }), { max: 5_000 }),
});

/** Items `tasks.list` and `events.list` return when the request names no limit. */
export const LIST_DEFAULT_LIMIT = 200;
/** Events `events.since` returns when the request names no limit. */
export const EVENTS_SINCE_DEFAULT_LIMIT = 500;
/**
 * How far back `inventory.changesSince` reaches, in entity updates kept (by the engine and by the backend
 * composite); a client further behind resyncs. Every running VM's uptime changes at each 20 s sample, so
 * 20,000 covers ten samples (200 virtual s) of a lab with 2,000 running VMs, and far longer for the
 * course's labs.
 */
export const CHANGE_HISTORY_UPDATES = 20_000;

/** A managed entity's id, local or behind a backend namespace (`model/ids.ts`). */
const entityId = s.string({ min: 3, max: 60, pattern: /^(?:[a-z][a-z0-9]{0,15}:)?(datacenter|cluster|host|vm|datastore|network)-[1-9][0-9]{0,9}$/ });

export const QUERY_SCHEMAS = {
  /** Engine and contract identity. */
  'engine.info': s.object({}),
  /** The whole inventory, flat, with the change-feed version it is (at least) as new as. */
  'inventory.get': s.object({}),
  /**
   * The inventory's outline (`model/inventoryOutline.ts`): every list whole except the VMs, which carry
   * only their tree fields — what the navigator's first paint needs, asked together with `inventory.get`.
   */
  'inventory.outline': s.object({}),
  /**
   * What changed in the inventory after `version` (from `inventory.get` or an `inventory.changed`
   * event): coalesced property-level updates, or `resync` when the bounded history no longer reaches
   * back that far (or the version is not one this lab had).
   */
  'inventory.changesSince': s.object({ version: s.int({ min: 0 }) }),
  /** One VM. */
  'vm.get': s.object({ vmId: s.id('vm') }),
  /** One host. */
  'host.get': s.object({ hostId: s.id('host') }),
  /** Snapshot tree of a VM. */
  'vm.snapshot.tree': s.object({ vmId: s.id('vm') }),
  /** Console (serial) output of a VM from a byte offset. */
  'vm.console.read': s.object({ vmId: s.id('vm'), fromOffset: s.optional(s.int({ min: 0 })) }),
  /** One task by id (queued, running or finished, while the bounded task history keeps it). */
  'task.get': s.object({ taskId: s.id('task') }),
  /** Recent tasks, newest first (at most `limit`, default LIST_DEFAULT_LIMIT). */
  'tasks.list': s.object({ limit: s.optional(s.int({ min: 1, max: 1000 })), entityId: s.optional(entityId) }),
  /** Event log, newest first (at most `limit`, default LIST_DEFAULT_LIMIT). */
  'events.list': s.object({ limit: s.optional(s.int({ min: 1, max: 5000 })), entityId: s.optional(entityId) }),
  /**
   * Events after a cursor, oldest first. The cursor is the last event id seen from each backend (none:
   * from the oldest kept); the answer carries the cursor to pass next, whether more are waiting, and how
   * many events after the cursor were already dropped from the bounded log.
   */
  'events.since': s.object({ cursorIds: s.optional(s.array(s.id('event'), { max: 64 })), limit: s.optional(s.int({ min: 1, max: 5000 })) }),
  /** The alarm definitions with their current settings (Configure › Alarm Definitions). */
  'alarm.definitions': s.object({}),
  /**
   * Triggered alarms (yellow or red), worst and newest first: all of them, or those on an object and what
   * it contains (a datacenter: everything in it; a cluster: its hosts and their VMs; a host, VM or
   * datastore: its own). Monitor › Issues and Alarms › Triggered Alarms.
   */
  'alarm.triggered': s.object({ entityId: s.optional(entityId) }),
  /** One cluster's services: HA and DRS settings and state, faults in force. */
  'cluster.services': s.object({ clusterId: s.id('cluster') }),
  /** DRS initial placement: the hosts a powered-off VM could power on, best first (manual mode's Power On recommendations). */
  'cluster.drs.powerOnRecommendations': s.object({ vmId: s.id('vm') }),
  /**
   * A data-center design's availability: component groups (k-of-n by redundancy scheme) in series or in
   * parallel. A group gives one unit's `availability`, or both `mtbfH` and `mttrH`.
   */
  'availability.design': availabilityDesignSchema,
  /** The student's own design, as `availability.design.save` kept it with the lab (null when none). */
  'availability.design.saved': s.object({}),
  /**
   * The lab's cluster as an N+k design: hosts with the given MTBF/MTTR, k = HA's host failures to
   * tolerate; the formula and a seeded simulation of `years` × `replications`.
   */
  'availability.cluster': s.object({
    clusterId: s.id('cluster'),
    mtbfH: s.number({ min: 1, max: 1e7 }),
    mttrH: s.number({ min: 0.01, max: 1e5 }),
    years: s.optional(s.int({ min: 1, max: 100 })),
    replications: s.optional(s.int({ min: 2, max: 2000 })),
    seed: s.optional(s.int({ min: 0, max: 2 ** 31 - 1 })),
  }),
  /** Counter catalogue (PerformanceManager.perfCounter). */
  'metrics.catalog': s.object({ entityType: s.optional(s.oneOf(['vm', 'host', 'cluster', 'datacenter', 'datastore'] as const)) }),
  /** Samples of some counters for one entity and interval. */
  'metrics.query': s.object({
    entityId,
    counters: s.array(s.string({ min: 3, max: 80 }), { min: 1, max: 64 }),
    interval: s.oneOf(INTERVAL_KEYS),
    maxSamples: s.optional(s.int({ min: 1, max: 10_000 })),
  }),
  /** Simulation clock. */
  'sim.status': s.object({}),
  /** A live migration's statistics (QEMU's query-migrate fields + the per-round table), running or finished, by its task. */
  'migration.get': s.object({ taskId: s.id('task') }),
  /** Live migrations, running and finished (the last 200), optionally of one VM: the comparison view. */
  'migration.list': s.object({ vmId: s.optional(s.id('vm')) }),
  /** Per host: can this VM be migrated there now, why not, and what to know if it goes (the Migrate wizard's compute resource page). */
  'migration.compatibility': s.object({ vmId: s.id('vm') }),
  /** Built-in scenarios. */
  'lab.scenarios': s.object({}),
  /** The open lab as a document: its name in the lab library (null until saved), scenario, unsaved changes. */
  'lab.document': s.object({}),
  /** The saved labs in the lab library, most recently saved first (File › Open, Recent labs). */
  'lab.library': s.object({}),
  /** Guided exercises the lab offers (built-in and from an instructor's folder), in practical order. */
  'exercise.list': s.object({}),
  /** One exercise, validated, with its images inlined (docs/exercises.md). */
  'exercise.get': s.object({ name: s.string({ min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9_-]*$/ }) }),
  /** The student's progress kept in this lab (null when no exercise was started). */
  'exercise.progress.get': s.object({}),
  /** What the host offers to recover: an autosave from an earlier session, and why (a crash). */
  'lab.recovery': s.object({}),
  /** Guest programs a VM can run (resources/guests/guests.json): the New VM wizard's workload list. */
  'guests.list': s.object({}),
  /** The identity a real host presents (SSH host key or TLS certificate), read before any credential is sent (Add Host). */
  'host.identify': s.object({ kind: s.oneOf(REAL_HOST_KINDS), address: s.string({ min: 1, max: 253, pattern: /^[A-Za-z0-9.:\[\]_-]+$/ }), port: s.optional(s.int({ min: 1, max: 65_535 })) }),
  /** Administration › SDK endpoint: the vim25 endpoint's settings and what runs now (never the password). Answered by the lab application. */
  'vim25.settings': s.object({}),
  /** The backends behind the contract (the simulated engine; real hosts later) and what each can do. */
  'backends.list': s.object({}),
  /**
   * Places VMs on as few hosts as possible (docs/placement.md): the powered-on VMs and the hosts of a
   * cluster (`clusterId`; the first cluster when absent), their demands from `demand` (configured size,
   * reservations, or measured usage averaged over the last `windowSamples` real-time samples) — or a
   * given `instance`. `algo` is a heuristic or `exact` (HiGHS, within `timeLimitS`, the best heuristic as
   * fallback). Changes nothing: the result is a proposal. With `trace` (heuristics only), the result also
   * holds the heuristic's steps — each VM going into its host, the hosts looked at and why — for watching
   * the packing step by step.
   */
  'placement.solve': s.object({
    algo: s.oneOf(PLACEMENT_ALGO_NAMES),
    clusterId: s.optional(s.id('cluster')),
    demand: s.optional(s.oneOf(PLACEMENT_DEMAND_SOURCES)),
    windowSamples: s.optional(s.int({ min: 1, max: 180 })),
    instance: s.optional(placementInstance),
    constraints: s.optional(s.array(placementConstraint, { max: 500 })),
    timeLimitS: s.optional(s.number({ min: 0.1, max: 120 })),
    trace: s.optional(s.bool()),
  }),
  /**
   * A consolidation proposal for a cluster of the lab: `placement.solve`'s target (same parameters, no
   * `instance`) and the plan that reaches it from where the VMs run now — timed moves that never
   * over-commit a host, at most `maxConcurrentPerHost` at once per host, cycles broken by a pivot host
   * or (when `allowSuspend`) a suspend. Changes nothing; `placement.apply` runs a target.
   */
  'placement.plan': s.object({
    algo: s.oneOf(PLACEMENT_ALGO_NAMES),
    clusterId: s.optional(s.id('cluster')),
    demand: s.optional(s.oneOf(PLACEMENT_DEMAND_SOURCES)),
    windowSamples: s.optional(s.int({ min: 1, max: 180 })),
    constraints: s.optional(s.array(placementConstraint, { max: 500 })),
    timeLimitS: s.optional(s.number({ min: 0.1, max: 120 })),
    maxConcurrentPerHost: s.optional(s.int({ min: 1, max: 16 })),
    allowSuspend: s.optional(s.bool()),
  }),
  /**
   * The placement workbench: solve a model of the placement modelling language (docs/placement.md §6)
   * exactly — the optimum, or every solution with `all`, the search statistics, the conflict of an
   * infeasible model, `line:col` diagnostics. With `clusterId` the model is bound to that cluster: its
   * powered-on VMs and usable hosts come in as constants (nVms, vmCpu, vmMem, nHosts, hostCpu, hostMem).
   * Changes nothing; the search stops at `nodeLimit` nodes (then `status: limit`, not proven).
   */
  'placement.model': s.object({
    source: s.text({ max: 65_536 }),
    all: s.optional(s.bool()),
    clusterId: s.optional(s.id('cluster')),
    nodeLimit: s.optional(s.int({ min: 1, max: 200_000 })),
  }),
};

export type QueryName = keyof typeof QUERY_SCHEMAS;
export type QueryParams<K extends QueryName> = Infer<(typeof QUERY_SCHEMAS)[K]>;

export interface EngineInfo {
  apiVersion: number;
  engineVersion: string;
  scenario: string;
  seed: number;
  /** What is behind the contract: the simulated engine, or a real backend. */
  backend: 'simulated' | 'ssh';
}

export interface QueryResults {
  'engine.info': EngineInfo;
  'inventory.get': InventoryDto;
  'inventory.outline': InventoryOutlineDto;
  'inventory.changesSince': InventoryChanges;
  'task.get': TaskDto;
  'vm.get': VmDto;
  'host.get': HostDto;
  'vm.snapshot.tree': SnapshotTreeDto;
  'vm.console.read': { text: string; nextOffset: number };
  'tasks.list': TaskDto[];
  'events.list': EventDto[];
  'events.since': EventsSinceDto;
  'alarm.definitions': AlarmDefinitionDto[];
  'alarm.triggered': TriggeredAlarmDto[];
  'cluster.services': ClusterServicesDto;
  'cluster.drs.powerOnRecommendations': PowerOnPlacementDto;
  'availability.design': AvailabilityDesignDto;
  'availability.design.saved': { design: AvailabilityDesign; savedAtMs: number } | null;
  'availability.cluster': ClusterAvailabilityDto;
  'metrics.catalog': CounterInfo[];
  'metrics.query': MetricSeriesDto;
  'sim.status': SimStatus;
  'migration.get': MigrationStats;
  'migration.list': MigrationStats[];
  'migration.compatibility': HostCompatibilityDto[];
  'lab.scenarios': { name: string; title: string; description: string }[];
  'lab.document': LabDocumentDto;
  'lab.library': SavedLabDto[];
  'exercise.list': ExerciseSummary[];
  'exercise.get': Exercise;
  'exercise.progress.get': ExerciseProgress | null;
  'guests.list': GuestProgramDto[];
  'backends.list': BackendInfo[];
  'host.identify': HostIdentityDto;
  'vim25.settings': Vim25SettingsDto;
  'placement.solve': PlacementSolveResult;
  'placement.plan': PlacementPlanResult;
  'placement.model': PlacementModelResult;
  'lab.recovery': RecoveryInfo;
}

/** The answer to `events.since`. */
export interface EventsSinceDto {
  /** Oldest first. */
  events: EventDto[];
  /** The cursor to pass next: the last event id seen from each backend. */
  cursorIds: EventId[];
  /** More events after these are waiting (ask again with `cursorIds`). */
  more: boolean;
  /** Events after the asked cursor that the bounded log had already dropped. */
  missed: number;
}

/**
 * The autosave offer. The host (engine worker, with files) autosaves the running lab in the background
 * and on quit; at the next start — or after the engine worker crashed and was restarted — it offers that
 * autosave back until the user restores or discards it (autosaving pauses meanwhile, so the offer is
 * never overwritten).
 */
export interface RecoveryInfo {
  /** The autosave on offer, or null (none, or autosaving is off for this host). */
  autosave: { scenario: string; virtualTimeMs: number; savedAt: string } | null;
  /** True while the user has not yet chosen Restore or Discard (autosaving is paused meanwhile). */
  offered: boolean;
  /** Why the lab was restarted, when the engine worker stopped unexpectedly; else null. */
  engineCrash: string | null;
}

/**
 * One row of the Migrate wizard's compute resource page: `messages` are the errors that refuse the host
 * (or "Compatibility checks succeeded."), `warnings` what the user should know though the host may be
 * chosen (vSphere's yellow compatibility warnings).
 */
export interface HostCompatibilityDto { hostId: string; hostName: string; compatible: boolean; messages: string[]; warnings: string[] }

/** One runnable guest program (a labos workload or a bare-metal program). */
export interface GuestProgramDto {
  name: string;
  description: string;
  /** The program's parameters as fields: key, default, range (@shared/model/guestParams). */
  params: GuestParamDto[];
}
export type QueryResult<K extends QueryName> = QueryResults[K];
