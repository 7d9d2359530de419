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
import type { CounterInfo, MetricSeriesDto } from '../model/metrics';
import { INTERVAL_KEYS } from '../model/metrics';
import type { SimStatus } from './commands';

const entityId = s.string({ min: 3, max: 40, pattern: /^(datacenter|cluster|host|vm|datastore|network)-[1-9][0-9]{0,9}$/ });

export const QUERY_SCHEMAS = {
  /** Engine and contract identity. */
  'engine.info': s.object({}),
  /** The whole inventory, flat. */
  'inventory.get': s.object({}),
  /** One VM. */
  'vm.get': s.object({ vmId: s.id('vm') }),
  /** One host. */
  'host.get': s.object({ hostId: s.id('host') }),
  /** Snapshot tree of a VM. */
  'vm.snapshot.tree': s.object({ vmId: s.id('vm') }),
  /** Console (serial) output of a VM from a byte offset. */
  'vm.console.read': s.object({ vmId: s.id('vm'), fromOffset: s.optional(s.int({ min: 0 })) }),
  /** Recent tasks, newest first. */
  'tasks.list': s.object({ limit: s.optional(s.int({ min: 1, max: 1000 })), entityId: s.optional(entityId) }),
  /** Event log, newest first. */
  'events.list': s.object({ limit: s.optional(s.int({ min: 1, max: 5000 })), entityId: s.optional(entityId) }),
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
  /** Built-in scenarios. */
  'lab.scenarios': s.object({}),
  /** What the host offers to recover: an autosave from an earlier session, and why (a crash). */
  'lab.recovery': s.object({}),
  /** Guest programs a VM can run (resources/guests/guests.json): the New VM wizard's workload list. */
  'guests.list': s.object({}),
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
  'vm.get': VmDto;
  'host.get': HostDto;
  'vm.snapshot.tree': SnapshotTreeDto;
  'vm.console.read': { text: string; nextOffset: number };
  'tasks.list': TaskDto[];
  'events.list': EventDto[];
  'metrics.catalog': CounterInfo[];
  'metrics.query': MetricSeriesDto;
  'sim.status': SimStatus;
  'lab.scenarios': { name: string; title: string; description: string }[];
  'guests.list': GuestProgramDto[];
  'lab.recovery': RecoveryInfo;
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

/** One runnable guest program (a labos workload or a bare-metal program). */
export interface GuestProgramDto {
  name: string;
  description: string;
}
export type QueryResult<K extends QueryName> = QueryResults[K];
