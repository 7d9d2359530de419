/**
 * Managed object types of vim25 and their inheritance (a PropertySpec or TraversalSpec for a base type
 * applies to its subtypes: `ManagedEntity.name` reads the name of every folder, host and VM), plus the
 * `ManagedObject` interface every served object implements.
 *
 * - `isA(type, base)`; `knownType(type)`.
 * - `ManagedObject`: `type`, `id`, `propertyNames()`, `get(name)` (a top-level property, maybe async),
 *   `revision` (a string that changes whenever any property may have changed; WaitForUpdates re-reads
 *   only objects whose revision moved).
 */
import type { VimValue } from './vimValues';

const PARENT: Record<string, string | undefined> = {
  ManagedObject: undefined,
  ExtensibleManagedObject: 'ManagedObject',
  ManagedEntity: 'ExtensibleManagedObject',
  Folder: 'ManagedEntity',
  Datacenter: 'ManagedEntity',
  ComputeResource: 'ManagedEntity',
  ClusterComputeResource: 'ComputeResource',
  HostSystem: 'ManagedEntity',
  ResourcePool: 'ManagedEntity',
  VirtualMachine: 'ManagedEntity',
  Datastore: 'ManagedEntity',
  Network: 'ManagedEntity',
  Task: 'ExtensibleManagedObject',
  VirtualMachineSnapshot: 'ExtensibleManagedObject',
  ServiceInstance: 'ManagedObject',
  PropertyCollector: 'ManagedObject',
  PropertyFilter: 'ManagedObject',
  ViewManager: 'ManagedObject',
  View: 'ManagedObject',
  ManagedObjectView: 'View',
  ContainerView: 'ManagedObjectView',
  ListView: 'ManagedObjectView',
  SessionManager: 'ManagedObject',
  TaskManager: 'ManagedObject',
  EventManager: 'ManagedObject',
  HistoryCollector: 'ManagedObject',
  EventHistoryCollector: 'HistoryCollector',
  TaskHistoryCollector: 'HistoryCollector',
  PerformanceManager: 'ManagedObject',
  SearchIndex: 'ManagedObject',
  AlarmManager: 'ManagedObject',
  Alarm: 'ExtensibleManagedObject',
};

export function knownType(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(PARENT, type);
}

export function isA(type: string, base: string): boolean {
  for (let t: string | undefined = type; t; t = PARENT[t]) if (t === base) return true;
  return false;
}

export type PropertyValue = VimValue | undefined | Promise<VimValue | undefined>;

export interface ManagedObject {
  readonly type: string;
  readonly id: string;
  /** Changes whenever a property may have changed; undefined = re-read on every change signal. */
  readonly revision?: string;
  propertyNames(): string[];
  /** `undefined` = unset (omitted from results), as vSphere does for unset optional properties. */
  get(name: string): PropertyValue;
}

/** A ManagedObject from a table of property getters. */
export function tableObject(type: string, id: string, table: Record<string, () => PropertyValue>, revision?: string): ManagedObject {
  return {
    type, id, revision,
    propertyNames: () => Object.keys(table),
    get: (name) => (Object.prototype.hasOwnProperty.call(table, name) ? table[name]() : undefined),
  };
}
