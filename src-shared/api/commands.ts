/**
 * Commands: the closed set of operations that change the lab. Each entry documents its preconditions
 * (as Firecracker documents its actions); anything else is refused with a typed error and changes nothing.
 *
 * - `COMMAND_SCHEMAS`: name → parameter schema (the runtime validator; the TypeScript type is inferred).
 * - `CommandResults`: name → result type.
 * - `CommandName`, `CommandParams<K>`, `CommandResult<K>`.
 *
 * Rule: adding a command means adding a schema here, a result type, and a handler in the engine's
 * dispatcher; the contract tests fail until all three exist.
 */
import type { Infer, Schema } from './schema';
import { s } from './schema';
import type { TaskRef } from '../model/task';
import { VM_SETTING_SCHEMAS, optionalSettings } from './vmSettingsSchema';
import { COMPRESSION_CODECS, MIGRATION_LIMITS, MIGRATION_MODES, STOP_RULES, VMOTION_PRIORITIES } from '../model/migration';
import type { LabDocumentDto } from '../model/labDocument';
import { LAB_NAME_MAX, LAB_NAME_RULE } from '../model/labDocument';
import { PLACEMENT_DEMAND_SOURCES } from '../model/placement';
import { REAL_HOST_AUTH_METHODS, REAL_HOST_KINDS } from '../model/realHosts';
import { memReclamationSchema } from './memoryReclamationSchema';
import { haSettingsSchema } from './haSettingsSchema';
import { availabilityDesignSchema } from './availabilitySchema';
import type { AlarmKey, CustomAlarmKey } from '../model/alarms';
import { ALARM_KEY_RULE, ALARM_METRIC_COUNTERS, ALARM_STATE_PATHS, ALARM_STATE_VALUES, CUSTOM_ALARM_ENTITY_TYPES } from '../model/alarms';
import { POOL_LIMITS, POOL_SHARE_LEVELS } from '../model/resourcePool';
import type { ResourcePoolId } from '../model/ids';
import { VIM25_PASSWORD_MAX, VIM25_PASSWORD_MIN, VIM25_PASSWORD_RULE, VIM25_PORT_MAX, VIM25_PORT_MIN, VIM25_USER_RULE } from '../model/vim25Settings';
import type { Vim25SettingsDto } from '../model/vim25Settings';
import {
  ADMISSION_POLICIES, AFFINITY_RULE_KINDS, DPM_AUTOMATION_LEVELS, DRS_AUTOMATION_LEVELS, FAULT_KINDS, HEARTBEAT_DATASTORES_MAX_SPECIFIED, ISOLATION_RESPONSES, RESTART_PRIORITIES,
  VM_MONITORING_MODES,
} from '../model/clusterServices';

const faultTarget = s.string({ min: 3, max: 40, pattern: /^(host|vm|datastore)-[1-9][0-9]{0,9}$/ });

/** An alarm definition: a built-in key or a user's `custom-N`. */
const alarmKey = (): Schema<AlarmKey> => s.string({ min: 1, max: 40, pattern: ALARM_KEY_RULE }) as Schema<AlarmKey>;
/** An object alarms are evaluated on. */
const alarmTarget = { alarmKey: alarmKey(), entityId: s.string({ min: 3, max: 40, pattern: /^(host|vm|datastore)-[1-9][0-9]{0,9}$/ }) };
const percent = () => s.optional(s.number({ min: 0, max: 100 }));

const name = () => s.name({ max: 80 });
const labName = () => s.string({ min: 1, max: LAB_NAME_MAX, pattern: LAB_NAME_RULE });
const vmRef = { vmId: s.id('vm') };

/** A resource pool's CPU settings (bounds from @shared/model/resourcePool). */
const poolSettings = {
  cpuShareLevel: s.optional(s.oneOf(POOL_SHARE_LEVELS)),
  cpuShares: s.optional(s.int(POOL_LIMITS.cpuShares)),
  cpuReservationMhz: s.optional(s.int(POOL_LIMITS.cpuReservationMhz)),
  cpuLimitMhz: s.optional(s.int(POOL_LIMITS.cpuLimitMhz)),
  /** Expandable reservation: its children may reserve more than it does, borrowing from its parent (default on). */
  cpuExpandableReservation: s.optional(s.bool()),
};

/**
 * Hardware and guest choices for a new VM (`VmFields` with vCPUs and memory required; limits from
 * @shared/model/vmLimits through vmSettingsSchema.ts).
 */
export const vmSpecSchema = s.object({
  name: name(),
  hostId: s.optional(s.id('host')),
  clusterId: s.optional(s.id('cluster')),
  vcpus: VM_SETTING_SCHEMAS.vcpus,
  memoryMiB: VM_SETTING_SCHEMAS.memoryMiB,
  ...optionalSettings(['guestOs', 'monitor', 'paging', 'pageTableLevels', 'workload', 'workloadParams', 'diskGiB', 'cpuHotAddEnabled', 'memoryHotAddEnabled']),
  powerOn: s.optional(s.bool()),
});
export type VmSpec = Infer<typeof vmSpecSchema>;

/** Edit Settings changes: the settings that exist after creation (not the guest OS name or the first disk). */
export const vmChangesSchema = s.object(optionalSettings([
  'vcpus', 'memoryMiB', 'monitor', 'paging', 'pageTableLevels', 'workload', 'workloadParams', 'cpuHotAddEnabled',
  'memoryHotAddEnabled', 'cpuShares', 'cpuReservationMhz', 'cpuLimitMhz',
]));
export type VmChanges = Infer<typeof vmChangesSchema>;

const lim = (k: keyof typeof MIGRATION_LIMITS) => s.optional(s.number(MIGRATION_LIMITS[k]));

/** Technique options of a live migration (`MigrationOptions`, @shared/model/migration; absent = QEMU's defaults). */
export const migrationOptionsSchema = s.object({
  mode: s.optional(s.oneOf(MIGRATION_MODES)),
  stopRule: s.optional(s.oneOf(STOP_RULES)),
  bandwidthBytesPerS: lim('bandwidthBytesPerS'),
  linkBytesPerS: lim('linkBytesPerS'),
  latencyMs: lim('latencyMs'),
  loss: lim('loss'),
  cutAtMs: lim('cutAtMs'),
  downtimeLimitMs: lim('downtimeLimitMs'),
  switchoverBytesPerS: lim('switchoverBytesPerS'),
  autoConverge: s.optional(s.bool()),
  throttleInitialPct: lim('throttleInitialPct'),
  throttleIncrementPct: lim('throttleIncrementPct'),
  maxThrottlePct: lim('maxThrottlePct'),
  throttleTriggerPct: lim('throttleTriggerPct'),
  postcopyAfterRounds: s.optional(s.int(MIGRATION_LIMITS.postcopyAfterRounds)),
  postcopyAfterMs: lim('postcopyAfterMs'),
  compression: s.optional(s.oneOf(COMPRESSION_CODECS)),
  compressionLevel: s.optional(s.int({ min: 0, max: 22 })),
  channels: s.optional(s.int(MIGRATION_LIMITS.channels)),
  xbzrle: s.optional(s.bool()),
  xbzrleCacheBytes: lim('xbzrleCacheBytes'),
  dedup: s.optional(s.bool()),
  timeoutMs: lim('timeoutMs'),
  priority: s.optional(s.oneOf(VMOTION_PRIORITIES)),
});
const exerciseId = () => s.string({ min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9-]*$/ });
/** Wall-clock time as the client saw it (ISO 8601); the engine stores it and never reads a clock. */
const wallTime = () => s.string({ max: 40 });

/**
 * A student's progress through a guided exercise (docs/exercises.md), kept in the lab so it is saved and
 * restored with it. Virtual times (`…Ms`) come from the lab; wall times (`at`) from the client.
 */
export const exerciseProgressSchema = s.object({
  exercise: s.string({ min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9_-]*$/ }),
  studentName: s.optional(s.string({ max: 120 })),
  startedAtMs: s.number({ min: 0 }),
  startedAt: s.optional(wallTime()),
  currentStep: s.int({ min: 0, max: 100 }),
  steps: s.array(s.object({
    id: exerciseId(),
    state: s.oneOf(['open', 'passed', 'skipped'] as const),
    startedAtMs: s.optional(s.number({ min: 0 })),
    passedAtMs: s.optional(s.number({ min: 0 })),
    at: s.optional(wallTime()),
    note: s.optional(s.string({ max: 2000 })),
    hintsShown: s.int({ min: 0, max: 20 }),
  }), { max: 100 }),
  answers: s.array(s.object({
    question: exerciseId(),
    value: s.union(s.number(), s.union(s.string({ max: 4000 }), s.array(s.int({ min: 0, max: 20 }), { max: 20 }))),
    atMs: s.number({ min: 0 }),
    at: s.optional(wallTime()),
    /** What the lab computed when the answer was checked (number questions). */
    expected: s.optional(s.number()),
    correct: s.optional(s.bool()),
  }), { max: 400 }),
});
export type ExerciseProgress = Infer<typeof exerciseProgressSchema>;

export const COMMAND_SCHEMAS = {
  /**
   * Power on. Pre: VM is poweredOff or suspended (resume), not a template, host connected and not in maintenance.
   * In a DRS cluster a powered-off VM is placed first (initial placement): on `hostId` when given (a host of its
   * cluster: the Power On dialog's choice), else — fully or partially automated — on the host DRS ranks first. Task.
   */
  'vm.powerOn': s.object({ ...vmRef, hostId: s.optional(s.id('host')) }),
  /** Hard power off. Pre: poweredOn or suspended. Task. */
  'vm.powerOff': s.object(vmRef),
  /** Suspend: state saved, memory released. Pre: poweredOn. Task. */
  'vm.suspend': s.object(vmRef),
  /** Hard reset. Pre: poweredOn. Task. */
  'vm.reset': s.object(vmRef),
  /** Ask the guest OS to shut down. Pre: poweredOn, tools running. Task. */
  'vm.shutdownGuest': s.object(vmRef),
  /** Ask the guest OS to restart. Pre: poweredOn, tools running. Task. */
  'vm.rebootGuest': s.object(vmRef),
  /** Create a VM (New Virtual Machine wizard). Pre: unique name; the host exists and is connected. Task; result `{ vmId }`. */
  'vm.create': s.object({ spec: vmSpecSchema }),
  /**
   * Clone a VM or template. Pre: source powered off (or template); unique name; `datastoreId` (else the
   * host's first datastore) reached by the host, accessible, with room for the source's disks. Task; result `{ vmId }`.
   */
  'vm.clone': s.object({
    vmId: s.id('vm'), name: name(), hostId: s.optional(s.id('host')), datastoreId: s.optional(s.id('datastore')), asTemplate: s.optional(s.bool()),
  }),
  /** Convert to Template (MarkAsTemplate). Pre: a VM, powered off, no task in progress on it. Immediate; leaves a completed "Mark as template" task. */
  'vm.markAsTemplate': s.object(vmRef),
  /**
   * Convert to Virtual Machine (MarkAsVirtualMachine). Pre: a template, no task in progress; `hostId` (or
   * the template's own host) in its datacenter, reaching its datastores, connected and out of maintenance
   * mode. The VM stays powered off. Immediate; leaves a completed "Mark as virtual machine" task.
   */
  'vm.markAsVirtualMachine': s.object({ vmId: s.id('vm'), hostId: s.optional(s.id('host')) }),
  /** Edit Settings. Pre: vCPU/memory changes need poweredOff unless hot-add is enabled (add only). Task. */
  'vm.reconfigure': s.object({ vmId: s.id('vm'), changes: vmChangesSchema }),
  /** Rename. Pre: unique name. Immediate. */
  'vm.rename': s.object({ vmId: s.id('vm'), name: name() }),
  /**
   * Move To… a resource pool (MoveIntoResourcePool). Pre: the VM is on a host; the pool belongs to that
   * host's cluster (or is that standalone host's); no `resourcePoolId` = the root pool. Immediate.
   */
  'vm.moveToPool': s.object({ vmId: s.id('vm'), resourcePoolId: s.optional(s.id('resgroup')) }),
  /**
   * New Resource Pool… in a cluster's or standalone host's root pool, or in a pool (exactly one of
   * `clusterId`, `hostId`, `parentPoolId`). Pre: a name unique among its siblings; reservation ≤ limit
   * (−1 = unlimited); shares from a level (vSphere's pool values low 2000, normal 4000, high 8000) or
   * `custom` with `cpuShares`; the reservation passes admission control (its parent's unreserved CPU, plus
   * what the parent can borrow when expandable: E_INSUFFICIENT_RESOURCES). Immediate; result `{ resourcePoolId }`.
   */
  'resourcePool.create': s.object({ name: name(), clusterId: s.optional(s.id('cluster')), hostId: s.optional(s.id('host')), parentPoolId: s.optional(s.id('resgroup')), ...poolSettings }),
  /** Edit a resource pool's name and CPU settings (rules of `resourcePool.create`). Immediate. */
  'resourcePool.update': s.object({ resourcePoolId: s.id('resgroup'), name: s.optional(name()), ...poolSettings }),
  /** Delete a resource pool. Pre: it holds no VMs and no pools. Immediate. */
  'resourcePool.delete': s.object({ resourcePoolId: s.id('resgroup') }),
  /**
   * Move a resource pool into another pool of the same cluster or host (MoveIntoResourcePool); no
   * `parentPoolId` = the root pool. Pre: not into itself or a pool under it; its name unique there; admission
   * control as in `resourcePool.create`. Immediate.
   */
  'resourcePool.move': s.object({ resourcePoolId: s.id('resgroup'), parentPoolId: s.optional(s.id('resgroup')) }),
  /** Remove from inventory (and delete from disk). Pre: poweredOff. Task. */
  'vm.remove': s.object(vmRef),
  /** Take Snapshot… Pre: not a template. `memory` needs poweredOn. Task; result `{ snapshotId }`. */
  'vm.snapshot.create': s.object({
    vmId: s.id('vm'), name: name(), description: s.optional(s.text({ max: 1024 })),
    memory: s.optional(s.bool()), quiesce: s.optional(s.bool()),
  }),
  /** Revert to a snapshot of this VM. Task. */
  'vm.snapshot.revert': s.object({ vmId: s.id('vm'), snapshotId: s.id('snapshot') }),
  /** Delete one snapshot (its delta is consolidated into its parent); optionally its children. Task. */
  'vm.snapshot.remove': s.object({ vmId: s.id('vm'), snapshotId: s.id('snapshot'), removeChildren: s.optional(s.bool()) }),
  /** Delete All snapshots; the current state is kept. Task. */
  'vm.snapshot.removeAll': s.object(vmRef),
  /** Rename / change description. Immediate. */
  'vm.snapshot.edit': s.object({
    vmId: s.id('vm'), snapshotId: s.id('snapshot'), name: s.optional(name()), description: s.optional(s.text({ max: 1024 })),
  }),
  /** Type text into the VM's console. Pre: poweredOn. Immediate. */
  'vm.console.send': s.object({ vmId: s.id('vm'), text: s.string({ min: 1, max: 4096 }) }),
  /**
   * Migrate a running VM to another host (vMotion: "change compute resource only"), live, with the
   * technique `options` (docs/migration.md). Pre: the VM (and each of `gang`, moved together) powered on
   * and free of other tasks; the destination powered on, connected, not in or entering maintenance mode,
   * compatible (hardware assist for `hw`, the same CPU clock) and with room for the VMs' memory. Task
   * "Relocate virtual machine"; its statistics: the `migration.get` query.
   */
  'vm.migrate': s.object({
    vmId: s.id('vm'), hostId: s.id('host'), options: s.optional(migrationOptionsSchema),
    gang: s.optional(s.array(s.id('vm'), { max: 64 })),
  }),
  /** Enter maintenance mode: powered-on VMs are migrated to other hosts of the cluster first (vSphere's evacuation). Task. */
  'host.enterMaintenance': s.object({ hostId: s.id('host') }),
  /** Exit maintenance mode. Pre: in maintenance. Task. */
  'host.exitMaintenance': s.object({ hostId: s.id('host') }),
  /**
   * Lab-only "Simulate failure": a host's power loss or management-network cut (targetId a host), a
   * guest crash (a VM), an inaccessible datastore. Pre: the target is not already failed. Immediate.
   */
  'fault.inject': s.object({ kind: s.oneOf(FAULT_KINDS), targetId: faultTarget }),
  /** Repair an injected failure (a host boots / reconnects; a datastore is accessible again). Immediate. */
  'fault.repair': s.object({ kind: s.oneOf(FAULT_KINDS), targetId: faultTarget }),
  /**
   * Cluster › Configure › Services: turn vSphere HA / DRS on or off and edit their settings; only the
   * fields given change. Pre: host failures to tolerate < hosts; failover hosts in the cluster. Immediate.
   */
  'cluster.configure': s.object({
    clusterId: s.id('cluster'),
    haEnabled: s.optional(s.bool()),
    drsEnabled: s.optional(s.bool()),
    ha: s.optional(haSettingsSchema(
      { failoverHostIds: s.optional(s.array(s.id('host'), { max: 64 })) },
      { datastoreIds: s.optional(s.array(s.id('datastore'), { max: HEARTBEAT_DATASTORES_MAX_SPECIFIED })) },
    )),
    /** VM Overrides: a restart priority per VM; `clusterDefault` removes the override. */
    restartPriorityOverrides: s.optional(s.array(s.object({
      vmId: s.id('vm'), priority: s.oneOf([...RESTART_PRIORITIES, 'clusterDefault'] as const),
    }), { max: 10_000 })),
    drs: s.optional(s.object({
      automationLevel: s.optional(s.oneOf(DRS_AUTOMATION_LEVELS)),
      migrationThreshold: s.optional(s.int({ min: 1, max: 5 })),
      periodS: s.optional(s.int({ min: 10, max: 86_400 })),
      /** VM/Host rules: the whole list replaces the cluster's. */
      rules: s.optional(s.array(s.object({
        name: s.string({ min: 1, max: 80 }),
        kind: s.oneOf(AFFINITY_RULE_KINDS),
        vmIds: s.array(s.id('vm'), { min: 1, max: 1000 }),
        hostIds: s.array(s.id('host'), { max: 1000 }),
        mandatory: s.bool(),
      }), { max: 256 })),
    })),
    /** vSphere DPM (part of DRS): off, manual (recommendations) or automatic, and its threshold 1–5. Pre: DRS on to turn it on. */
    dpm: s.optional(s.object({
      automationLevel: s.optional(s.oneOf(DPM_AUTOMATION_LEVELS)),
      threshold: s.optional(s.int({ min: 1, max: 5 })),
    })),
  }),
  /**
   * Configure › Alarm Definitions › Edit: enable or disable a definition, or change a metric alarm's
   * warning and critical thresholds (percent, warning below critical) and duration (seconds the value
   * must stay above). Disabling clears its triggered alarms. Pre: thresholds only for metric alarms. Immediate.
   */
  'alarm.updateDefinition': s.object({
    alarmKey: alarmKey(), enabled: s.optional(s.bool()), warning: percent(), critical: percent(),
    durationS: s.optional(s.int({ min: 0, max: 86_400 })),
    /** A user's definition only: its name (unique among the definitions) and description. */
    name: s.optional(name()), description: s.optional(s.text({ max: 512 })),
  }),
  /**
   * A new alarm definition of the user's (vSphere's CreateAlarm), evaluated on every host or every VM:
   * either a metric condition (`counter` above `warning` / `critical` percent for `durationS` seconds)
   * or a state condition (`state`: the object's power or connection state equal or unequal to a value
   * for yellow and/or red). Pre: a name no definition has; exactly one of `counter` and `state`; warning
   * below critical; a state the object kind has. Immediate; the result is its key (`custom-N`).
   */
  'alarm.createDefinition': s.object({
    name: name(), description: s.optional(s.text({ max: 512 })), entityType: s.oneOf(CUSTOM_ALARM_ENTITY_TYPES),
    enabled: s.optional(s.bool()),
    counter: s.optional(s.oneOf(ALARM_METRIC_COUNTERS)), warning: percent(), critical: percent(),
    durationS: s.optional(s.int({ min: 0, max: 86_400 })),
    state: s.optional(s.object({
      path: s.oneOf(ALARM_STATE_PATHS), operator: s.oneOf(['isEqual', 'isUnequal'] as const),
      yellow: s.optional(s.oneOf(ALARM_STATE_VALUES)), red: s.optional(s.oneOf(ALARM_STATE_VALUES)),
    })),
  }),
  /** Remove a user's alarm definition and its triggered alarms. Pre: a user's definition (the built-in ones stay). Immediate. */
  'alarm.removeDefinition': s.object({ alarmKey: alarmKey() }),
  /** Acknowledge a triggered alarm (it stays yellow or red, marked acknowledged). Pre: triggered. Immediate. */
  'alarm.acknowledge': s.object(alarmTarget),
  /** Reset To Green: clear a triggered alarm; its condition must hold anew to trigger it again. Pre: triggered. Immediate. */
  'alarm.reset': s.object(alarmTarget),
  /** Run DRS now (a pass: imbalance and recommendations; fully automated applies them). Pre: DRS on. Immediate. */
  'cluster.drs.run': s.object({ clusterId: s.id('cluster') }),
  /** Apply a pending DRS recommendation (its migration is requested as `vm.migrate`) or DPM recommendation (a host into or out of standby). Immediate. */
  'cluster.drs.apply': s.object({ clusterId: s.id('cluster'), recommendationId: s.int({ min: 1 }) }),
  /** Dismiss a pending DRS recommendation. Immediate. */
  'cluster.drs.dismiss': s.object({ clusterId: s.id('cluster'), recommendationId: s.int({ min: 1 }) }),
  /** Enter standby mode (DPM's power-down). Pre: powered on, no powered-on VMs on the host. Task. */
  'host.enterStandby': s.object({ hostId: s.id('host') }),
  /** Wake a host from standby (it boots anew). Pre: in standby. Task. */
  'host.exitStandby': s.object({ hostId: s.id('host') }),
  /**
   * Configure › Memory reclamation: change some of a simulated host's memory-overcommitment settings
   * (the others keep their values). Takes effect at the next barrier. Immediate.
   */
  'host.updateMemoryReclamation': s.object({ hostId: s.id('host'), settings: memReclamationSchema }),
  /**
   * Add Host: a real hypervisor (KVM through libvirt over SSH, ESXi/vCenter through vim25) joins the lab as
   * one more backend. Pre: `acceptedIdentity` is the key fingerprint or certificate thumbprint the host
   * presents (`host.identify`); the credentials work. Answered by the host side in front of the engine
   * (the simulated engine refuses it). Immediate; result `{ namespace, hostId }`. Recorded as an "Add host"
   * task (queued → running → completed or failed) on `locationId`, the datacenter or cluster the user chose
   * (else the lab's first datacenter). The password is in no answer, task, event or log.
   */
  'host.add': s.object({
    locationId: s.optional(s.union(s.id('datacenter'), s.id('cluster'))),
    kind: s.oneOf(REAL_HOST_KINDS), address: s.string({ min: 1, max: 253, pattern: /^[A-Za-z0-9.:\[\]_-]+$/ }),
    port: s.optional(s.int({ min: 1, max: 65_535 })), name: s.optional(name()),
    user: s.string({ min: 1, max: 64, pattern: /^[A-Za-z0-9._@\\-]+$/ }), authMethod: s.oneOf(REAL_HOST_AUTH_METHODS),
    keyPath: s.optional(s.string({ min: 1, max: 4096 })), password: s.optional(s.string({ min: 1, max: 1024 })),
    libvirtUri: s.optional(s.string({ min: 1, max: 256, pattern: /^[a-z+]+:\/\/[A-Za-z0-9._\/?=&-]*$/ })),
    acceptedIdentity: s.string({ min: 1, max: 128 }),
  }),
  /**
   * Remove from Inventory: a real host leaves the lab (its VMs keep running on it). Pre: a real host's id.
   * Immediate; result `{ namespace }`; recorded as a "Remove host" task on the host.
   */
  'host.remove': s.object({ hostId: s.id('host') }),
  /** Reconnect a real host that is disconnected or not responding. Pre: a real host's id. Task. */
  'host.reconnect': s.object({ hostId: s.id('host') }),
  /**
   * Administration › SDK endpoint: turn the vim25 endpoint on or off, its port (1024–65535) and user, and
   * (optionally) a new password. Answered by the lab application in front of the engine (the simulated
   * engine refuses it); kept in the application's settings, not in the lab. Pre: turning it on needs a
   * password (given now or set before); the port must be free. A refusal changes nothing (the endpoint
   * keeps running as it was). Immediate; result: the settings and what runs now. The password is kept
   * only as a salted hash and is in no answer, event or log.
   */
  'vim25.configure': s.object({
    enabled: s.bool(),
    port: s.int({ min: VIM25_PORT_MIN, max: VIM25_PORT_MAX }),
    user: s.string({ min: 1, max: 64, pattern: VIM25_USER_RULE }),
    password: s.optional(s.string({ min: VIM25_PASSWORD_MIN, max: VIM25_PASSWORD_MAX, pattern: VIM25_PASSWORD_RULE })),
  }),
  /** Cancel a queued or running cancellable task. */
  'task.cancel': s.object({ taskId: s.id('task') }),
  /** Run the simulation (optionally at a new speed: a multiple of real time, or 'max'). */
  'sim.run': s.object({ speed: s.optional(s.union(s.number({ min: 0.01, max: 10_000 }), s.literal('max'))) }),
  /** Pause the simulation. */
  'sim.pause': s.object({}),
  /**
   * Advance by a fixed amount of virtual time while paused. Returns at once: the host runs the step in
   * slices (answering every request between them), `sim.ticked` reports progress (`stepToMs`), and
   * `sim.pause` or `sim.run` cancels what is left. Pre: paused, no step in progress.
   */
  'sim.step': s.object({ seconds: s.number({ min: 0.001, max: 86_400 }) }),
  /** Change speed without changing run/pause. */
  'sim.setSpeed': s.object({ speed: s.union(s.number({ min: 0.01, max: 10_000 }), s.literal('max')) }),
  /** Record the student's exercise progress in the lab (saved and restored with it); absent `progress` clears it. Immediate. */
  'exercise.progress.set': s.object({ progress: s.optional(exerciseProgressSchema) }),
  /**
   * Keep the student's own data-center design with the lab (the availability page's SAVE; saved and
   * restored with it, graded by exercises); absent `design` clears it. Immediate.
   */
  'availability.design.save': s.object({ design: s.optional(availabilityDesignSchema) }),
  /**
   * Apply a placement: move the listed powered-on VMs of the cluster to the listed hosts (the others stay
   * where they are) by the plan `placement.plan` shows — re-planned now from where the VMs run, so it
   * never over-commits a host. Pre: every VM powered on in the cluster, every host in it, the target fits.
   * Task (not cancellable); a failed move stops the plan and leaves every VM running (back on its host).
   */
  'placement.apply': s.object({
    clusterId: s.optional(s.id('cluster')),
    target: s.array(s.object({ vmId: s.id('vm'), hostId: s.id('host') }), { min: 1, max: 20_000 }),
    demand: s.optional(s.oneOf(PLACEMENT_DEMAND_SOURCES)),
    maxConcurrentPerHost: s.optional(s.int({ min: 1, max: 16 })),
    allowSuspend: s.optional(s.bool()),
    /** After the moves, put the hosts the plan emptied into standby (DPM's power-down). */
    standbyEmptied: s.optional(s.bool()),
  }),
  /** Replace the lab with the autosave the host offers (`lab.recovery`): after a crash or an unsaved quit. */
  'lab.recovery.restore': s.object({}),
  /** Decline the offer: the autosave is deleted and autosaving resumes for the current lab. */
  'lab.recovery.discard': s.object({}),
  /** File › New lab: replace the lab with a built-in scenario (by name) and a seed; the new lab is untitled and clean. */
  'lab.load': s.object({ scenario: s.string({ min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9_-]*$/ }), seed: s.optional(s.int({ min: 0, max: 2 ** 31 - 1 })) }),
  /**
   * File › Save / Save as: write the lab to the lab library under `name` (Save as), or under the open
   * lab's own name (Save; refused for an untitled lab). Pre: the host has a lab library. Replaces a saved
   * lab of that name only when it is the open one, or `overwrite` is set. Result: the document, clean.
   */
  'lab.save': s.object({ name: s.optional(labName()), overwrite: s.optional(s.bool()) }),
  /** File › Open: replace the lab with a saved one from the lab library. Result: the document, clean. */
  'lab.open': s.object({ name: labName() }),
};

export type CommandName = keyof typeof COMMAND_SCHEMAS;
export type CommandParams<K extends CommandName> = Infer<(typeof COMMAND_SCHEMAS)[K]>;

export interface CommandResults {
  'vm.powerOn': TaskRef;
  'vm.powerOff': TaskRef;
  'vm.suspend': TaskRef;
  'vm.reset': TaskRef;
  'vm.shutdownGuest': TaskRef;
  'vm.rebootGuest': TaskRef;
  'vm.create': TaskRef;
  'vm.clone': TaskRef;
  'vm.markAsTemplate': { ok: true };
  'vm.markAsVirtualMachine': { ok: true };
  'vm.reconfigure': TaskRef;
  'vm.rename': { ok: true };
  'vm.moveToPool': { ok: true };
  'resourcePool.create': { resourcePoolId: ResourcePoolId };
  'resourcePool.update': { ok: true };
  'resourcePool.delete': { ok: true };
  'resourcePool.move': { ok: true };
  'vm.remove': TaskRef;
  'vm.snapshot.create': TaskRef;
  'vm.snapshot.revert': TaskRef;
  'vm.snapshot.remove': TaskRef;
  'vm.snapshot.removeAll': TaskRef;
  'vm.snapshot.edit': { ok: true };
  'vm.console.send': { ok: true };
  'vm.migrate': TaskRef;
  'host.enterMaintenance': TaskRef;
  'host.exitMaintenance': TaskRef;
  'fault.inject': { ok: true };
  'fault.repair': { ok: true };
  'cluster.configure': { ok: true };
  'alarm.updateDefinition': { ok: true };
  'alarm.createDefinition': { alarmKey: CustomAlarmKey };
  'alarm.removeDefinition': { ok: true };
  'alarm.acknowledge': { ok: true };
  'alarm.reset': { ok: true };
  'cluster.drs.run': { ok: true };
  'cluster.drs.apply': { ok: true };
  'cluster.drs.dismiss': { ok: true };
  'host.enterStandby': TaskRef;
  'host.exitStandby': TaskRef;
  'host.updateMemoryReclamation': { ok: true };
  'host.add': { namespace: string; hostId: string };
  'host.remove': { namespace: string };
  'host.reconnect': TaskRef;
  'vim25.configure': Vim25SettingsDto;
  'task.cancel': { ok: true };
  'sim.run': SimStatus;
  'sim.pause': SimStatus;
  'sim.step': SimStatus;
  'sim.setSpeed': SimStatus;
  'exercise.progress.set': { ok: true };
  'availability.design.save': { ok: true };
  'placement.apply': TaskRef;
  'lab.load': { ok: true };
  'lab.save': LabDocumentDto;
  'lab.open': LabDocumentDto;
  'lab.recovery.restore': { ok: true };
  'lab.recovery.discard': { ok: true };
}
export type CommandResult<K extends CommandName> = CommandResults[K];

/** Simulation clock state (also returned by the `sim.status` query). */
export interface SimStatus {
  virtualTimeMs: number;
  running: boolean;
  /** Multiple of real time, or 'max' for as fast as possible. */
  speed: number | 'max';
  /** A `sim.step` is in progress and ends at this virtual time (absent: no step). */
  stepToMs?: number;
  /**
   * The multiple of real time the lab actually ran at over the last seconds, measured by the host that
   * paces it (virtual time advanced / wall time); below `speed` when the machine cannot keep up. Absent
   * while paused, in the engine's own answers (it has no wall clock) and until enough was measured.
   */
  achievedSpeed?: number;
}
