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
import {
  ADMISSION_POLICIES, AFFINITY_RULE_KINDS, DRS_AUTOMATION_LEVELS, FAULT_KINDS, ISOLATION_RESPONSES, RESTART_PRIORITIES, VM_MONITORING_MODES,
} from '../model/clusterServices';

const faultTarget = s.string({ min: 3, max: 40, pattern: /^(host|vm|datastore)-[1-9][0-9]{0,9}$/ });

const name = () => s.name({ max: 80 });
const vmRef = { vmId: s.id('vm') };

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

export const COMMAND_SCHEMAS = {
  /** Power on. Pre: VM is poweredOff or suspended (resume), not a template, host connected and not in maintenance. Task. */
  'vm.powerOn': s.object(vmRef),
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
  /** Clone a VM or template. Pre: source powered off (or template); unique name. Task; result `{ vmId }`. */
  'vm.clone': s.object({ vmId: s.id('vm'), name: name(), hostId: s.optional(s.id('host')), asTemplate: s.optional(s.bool()) }),
  /** Edit Settings. Pre: vCPU/memory changes need poweredOff unless hot-add is enabled (add only). Task. */
  'vm.reconfigure': s.object({ vmId: s.id('vm'), changes: vmChangesSchema }),
  /** Rename. Pre: unique name. Immediate. */
  'vm.rename': s.object({ vmId: s.id('vm'), name: name() }),
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
  /** Enter maintenance mode. Pre: no powered-on VMs on the host. Task. */
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
    ha: s.optional(s.object({
      hostMonitoring: s.optional(s.bool()),
      defaultRestartPriority: s.optional(s.oneOf(RESTART_PRIORITIES)),
      isolationResponse: s.optional(s.oneOf(ISOLATION_RESPONSES)),
      vmMonitoring: s.optional(s.oneOf(VM_MONITORING_MODES)),
      vmMonitoringFailureIntervalS: s.optional(s.int({ min: 10, max: 3600 })),
      admissionControl: s.optional(s.object({
        policy: s.optional(s.oneOf(ADMISSION_POLICIES)),
        hostFailuresToTolerate: s.optional(s.int({ min: 1, max: 31 })),
        cpuFailoverPercent: s.optional(s.int({ min: 0, max: 100 })),
        memFailoverPercent: s.optional(s.int({ min: 0, max: 100 })),
        failoverHostIds: s.optional(s.array(s.id('host'), { max: 64 })),
      })),
    })),
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
  }),
  /** Run DRS now (a pass: imbalance and recommendations; fully automated applies them). Pre: DRS on. Immediate. */
  'cluster.drs.run': s.object({ clusterId: s.id('cluster') }),
  /** Apply a pending DRS recommendation (its migration is requested as `vm.migrate`). Immediate. */
  'cluster.drs.apply': s.object({ clusterId: s.id('cluster'), recommendationId: s.int({ min: 1 }) }),
  /** Dismiss a pending DRS recommendation. Immediate. */
  'cluster.drs.dismiss': s.object({ clusterId: s.id('cluster'), recommendationId: s.int({ min: 1 }) }),
  /** Cancel a queued or running cancellable task. */
  'task.cancel': s.object({ taskId: s.id('task') }),
  /** Run the simulation (optionally at a new speed: a multiple of real time, or 'max'). */
  'sim.run': s.object({ speed: s.optional(s.union(s.number({ min: 0.01, max: 10_000 }), s.literal('max'))) }),
  /** Pause the simulation. */
  'sim.pause': s.object({}),
  /** Advance by a fixed amount of virtual time while paused. */
  'sim.step': s.object({ seconds: s.number({ min: 0.001, max: 86_400 }) }),
  /** Change speed without changing run/pause. */
  'sim.setSpeed': s.object({ speed: s.union(s.number({ min: 0.01, max: 10_000 }), s.literal('max')) }),
  /** Replace the lab with the autosave the host offers (`lab.recovery`): after a crash or an unsaved quit. */
  'lab.recovery.restore': s.object({}),
  /** Decline the offer: the autosave is deleted and autosaving resumes for the current lab. */
  'lab.recovery.discard': s.object({}),
  /** Replace the lab with a built-in scenario (by name) and a seed. */
  'lab.load': s.object({ scenario: s.string({ min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9_-]*$/ }), seed: s.optional(s.int({ min: 0, max: 2 ** 31 - 1 })) }),
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
  'vm.reconfigure': TaskRef;
  'vm.rename': { ok: true };
  'vm.remove': TaskRef;
  'vm.snapshot.create': TaskRef;
  'vm.snapshot.revert': TaskRef;
  'vm.snapshot.remove': TaskRef;
  'vm.snapshot.removeAll': TaskRef;
  'vm.snapshot.edit': { ok: true };
  'vm.console.send': { ok: true };
  'host.enterMaintenance': TaskRef;
  'host.exitMaintenance': TaskRef;
  'fault.inject': { ok: true };
  'fault.repair': { ok: true };
  'cluster.configure': { ok: true };
  'cluster.drs.run': { ok: true };
  'cluster.drs.apply': { ok: true };
  'cluster.drs.dismiss': { ok: true };
  'task.cancel': { ok: true };
  'sim.run': SimStatus;
  'sim.pause': SimStatus;
  'sim.step': SimStatus;
  'sim.setSpeed': SimStatus;
  'lab.load': { ok: true };
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
}
