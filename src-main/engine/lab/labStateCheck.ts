/**
 * labStateCheck — a saved lab checked field by field before anything is built from it.
 *
 * - `labStateProblem(state, workloads?)` → the first problem as `{ field, message }` (the field is a path
 *   like `state.registry.vms[2].vcpus`), or null when the state may be restored.
 * - `LabStateError(field, message)`: what `restoreLab` throws when an owner refuses its part.
 *
 * A save file's checksums only prove that the file is what some program wrote; they say nothing about
 * whether the values make sense (a re-saved lab with a NaN clock, 1e9 vCPUs or a VM on a host that does
 * not exist has valid checksums). So a loaded state is held to the same rules as live input: the same
 * schema language (closed objects, own properties only, finite numbers, the name rule), the same limits
 * as `vm.create`/`vm.reconfigure` and scenario files (the scenario itself goes through `validateScenario`
 * in the facade), and every cross-reference resolved: hosts and VMs to their datacenter, cluster,
 * datastores and networks, runtimes and guests to VMs, schedulers to hosts, disks to the layer table.
 *
 * Both lab state versions are known: 1 (tasks as rows, counters and timeline at the top level) and 2
 * (names reserved by tasks in flight, each barrier service's state by name, tasks in flight with their
 * kind's state); `restoreLab` decides which it reads (and upgrades).
 *
 * Rules: shape first, then references, then per-entity meaning (a powered-on VM runs on a powered-on host
 * and has a guest or nothing runs it; a powered-off one has none). Opaque parts — a guest machine's own
 * state, a host scheduler's accounting — are restored by their owners, which throw on what they cannot
 * read; the facade turns that into the same typed error, and the current lab is kept either way (a lab
 * is built apart and replaces the current one only once whole).
 */
import type { Problem, Schema } from '@shared/api/schema';
import { s, hasOwn, isPlainObject } from '@shared/api/schema';
import { VM_LIMITS } from '@shared/model/vmLimits';
import { POOL_LIMITS } from '@shared/model/resourcePool';
import { ENTITY_KINDS, isIdOf } from '@shared/model/ids';
import { VM_SETTING_SCHEMAS } from '@shared/api/vmSettingsSchema';
import { exerciseProgressSchema } from '@shared/api/commands';
import { savedDesignSchema } from '@shared/api/availabilitySchema';
import { memReclamationSchema } from '@shared/api/memoryReclamationSchema';
import type { Infer } from '@shared/api/schema';
import {
  ALARM_KEY_RULE, ALARM_KEYS, ALARM_METRIC_COUNTERS, ALARM_STATE_PATHS, ALARM_STATE_VALUES, ALARM_STATUSES, CUSTOM_ALARMS_MAX, CUSTOM_ALARM_ENTITY_TYPES,
  isBuiltinAlarmKey, type AlarmKey,
} from '@shared/model/alarms';
import type { AlarmDefinition } from '../alarms/index';
import { ALARM_DEFINITIONS, customDefinition, definitionChangeProblem, stateConditionProblem } from '../alarms/index';
import {
  ADMISSION_POLICIES, AFFINITY_RULE_KINDS, DPM_AUTOMATION_LEVELS, DRS_AUTOMATION_LEVELS, HEARTBEAT_DATASTORE_POLICIES, HEARTBEAT_DATASTORES_MAX_SPECIFIED, ISOLATION_RESPONSES,
  RESTART_PRIORITIES, VM_MONITORING_MODES,
} from '@shared/model/clusterServices';
import {
  DISK_BLOCK_BYTES, DPM_MAX_HISTORY, DRS_MAX_HISTORY, DRS_MAX_MOVES_PER_PASS, HA_MAX_RESTART_RECORDS, LAB_MAX_HOSTS, LAB_MAX_VMS, MAX_GUEST_MEMORY_BYTES,
  PAGE_SIZE_BYTES, SCENARIO_MAX_AT_MS,
} from '../params';

const MAX_VCPUS = VM_LIMITS.vcpus.max;

/** Anything: a part whose owner checks it when restoring it. */
const opaque = (describe: string): Schema<unknown> => ({ describe, check: () => null });
/** A tuple of fixed length, item by item. */
function tuple(...items: Schema<unknown>[]): Schema<unknown[]> {
  return {
    describe: `[${items.map((i) => i.describe).join(',')}]`,
    check(v, p) {
      if (!Array.isArray(v) || v.length !== items.length) return { field: p, message: `expected a list of ${items.length} items` };
      for (let i = 0; i < items.length; i++) {
        const r = items[i].check(v[i], `${p}[${i}]`);
        if (r) return r;
      }
      return null;
    },
  };
}
/** A plain object, its keys not checked (records keyed by ids or counter names; checked where used). */
const anyObject = (describe: string): Schema<Record<string, unknown>> => ({
  describe, check: (v, p) => (isPlainObject(v) ? null : { field: p, message: `expected an object (${describe})` }),
});

/** Virtual times: whole milliseconds within what a lab can reach (a year of scenario time plus a year of running). */
const TIME_MAX_MS = 2 * SCENARIO_MAX_AT_MS;
const timeMs = () => s.number({ min: 0, max: TIME_MAX_MS });
const count = (max = Number.MAX_SAFE_INTEGER) => s.int({ min: 0, max });
const uint32 = () => s.int({ min: 0, max: 0xffff_ffff });
const bytes = (max: number) => s.int({ min: 0, max });
const TiB = 1024 ** 4;

const clockSchema = s.object({
  virtualTimeMs: timeMs(),
  running: s.bool(),
  speed: s.union(s.number({ min: 0.01, max: 10_000 }), s.literal('max')),
});
const rngSchema = s.object({ s: tuple(uint32(), uint32(), uint32(), uint32()), seed: s.int({ min: 0, max: 2 ** 32 }) });

const datacenterSchema = s.object({ id: s.id('datacenter'), name: s.name() });
const clusterSchema = s.object({ id: s.id('cluster'), name: s.name(), datacenterId: s.id('datacenter'), drsEnabled: s.bool(), haEnabled: s.bool() });
const hostSchema = s.object({
  id: s.id('host'), name: s.name({ max: 255 }), datacenterId: s.id('datacenter'), clusterId: s.optional(s.id('cluster')),
  vendor: s.name(), model: s.name(), cpuModel: s.name({ max: 128 }),
  sockets: s.int({ min: 1, max: 8 }), coresPerSocket: s.int({ min: 1, max: 128 }), threadsPerCore: s.int({ min: 1, max: 2 }),
  cpuMhz: s.int({ min: 1, max: 10_000 }), memoryBytes: bytes(65536 * 1024 ** 3),
  hypervisorVersion: s.name(),
  powerState: s.oneOf(['poweredOn', 'poweredOff', 'standBy'] as const),
  connectionState: s.oneOf(['connected', 'disconnected', 'notResponding'] as const),
  inMaintenanceMode: s.bool(),
  datastoreIds: s.array(s.id('datastore'), { max: 1024 }), networkIds: s.array(s.id('network'), { max: 1024 }),
  bootedAtMs: timeMs(),
  busyTaskId: s.optional(s.id('task')),
  memoryReclamation: s.optional(memReclamationSchema),
  // An injected failure (lab-only): power loss or a management-network cut.
  fault: s.optional(s.object({ kind: s.oneOf(['crash', 'isolation'] as const), sinceMs: timeMs() })),
});
const vmSchema = s.object({
  id: s.id('vm'), name: s.name(), datacenterId: s.id('datacenter'), hostId: s.optional(s.id('host')),
  // The VM's settings are held to the limits of vm.create and vm.reconfigure (one table, @shared/model/vmLimits).
  isTemplate: s.bool(), guestOs: VM_SETTING_SCHEMAS.guestOs, hardwareVersion: s.name({ max: 32 }),
  vcpus: VM_SETTING_SCHEMAS.vcpus,
  memoryBytes: s.int({ min: 1, max: MAX_GUEST_MEMORY_BYTES }),
  cpuHotAddEnabled: s.bool(), memoryHotAddEnabled: s.bool(),
  disks: s.array(s.object({ label: s.name(), capacityBytes: bytes(65536 * 1024 ** 3), datastoreId: s.id('datastore') }), { max: 16 }),
  nics: s.array(s.object({ label: s.name(), networkId: s.id('network'), macAddress: s.string({ pattern: /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/ }), connected: s.bool() }), { max: 16 }),
  monitor: VM_SETTING_SCHEMAS.monitor, paging: VM_SETTING_SCHEMAS.paging, pageTableLevels: VM_SETTING_SCHEMAS.pageTableLevels,
  workload: VM_SETTING_SCHEMAS.workload, workloadParams: VM_SETTING_SCHEMAS.workloadParams,
  powerState: s.oneOf(['poweredOff', 'poweredOn', 'suspended'] as const),
  guestState: s.oneOf(['notRunning', 'running', 'halted', 'crashed'] as const),
  crashReason: s.optional(s.text({ max: 1024 })),
  toolsStatus: s.oneOf(['toolsOk', 'toolsNotRunning', 'toolsNotInstalled'] as const),
  ipAddress: s.optional(s.string({ max: 45, pattern: /^[0-9a-fA-F.:]+$/ })),
  cpuShares: VM_SETTING_SCHEMAS.cpuShares, cpuReservationMhz: VM_SETTING_SCHEMAS.cpuReservationMhz, cpuLimitMhz: VM_SETTING_SCHEMAS.cpuLimitMhz,
  poweredOnAtMs: timeMs(), uptimeCarriedMs: timeMs(),
  busyTaskId: s.optional(s.id('task')),
  bootCount: count(),
  powerOffCause: s.optional(s.text({ max: 1024 })),
  resourcePoolId: s.optional(s.id('resgroup')),
});
const datastoreSchema = s.object({
  id: s.id('datastore'), name: s.name(), datacenterId: s.id('datacenter'), capacityBytes: bytes(1024 * TiB), hostIds: s.array(s.id('host'), { max: LAB_MAX_HOSTS }),
  inaccessibleSinceMs: s.optional(timeMs()),
});
const resourcePoolSchema = s.object({
  id: s.id('resgroup'), name: s.name({ max: POOL_LIMITS.nameMax }), datacenterId: s.id('datacenter'),
  clusterId: s.optional(s.id('cluster')), hostId: s.optional(s.id('host')),
  /** Absent in labs saved before pools could nest (every pool in the root). */
  parentPoolId: s.optional(s.id('resgroup')),
  cpuShares: s.int(POOL_LIMITS.cpuShares), cpuReservationMhz: s.int(POOL_LIMITS.cpuReservationMhz), cpuLimitMhz: s.int(POOL_LIMITS.cpuLimitMhz),
  /** Absent in labs saved before expandable reservations (loaded as expandable, vSphere's default). */
  cpuExpandableReservation: s.optional(s.bool()),
});
const networkSchema = s.object({ id: s.id('network'), name: s.name(), datacenterId: s.id('datacenter'), hostIds: s.array(s.id('host'), { max: LAB_MAX_HOSTS }) });

const registryFields = {
  version: count(),
  ids: s.array(tuple(s.oneOf(ENTITY_KINDS), count()), { max: ENTITY_KINDS.length }),
  datacenters: s.array(datacenterSchema, { max: LAB_MAX_HOSTS }),
  clusters: s.array(clusterSchema, { max: LAB_MAX_HOSTS }),
  hosts: s.array(hostSchema, { max: LAB_MAX_HOSTS }),
  vms: s.array(vmSchema, { max: LAB_MAX_VMS }),
  datastores: s.array(datastoreSchema, { max: LAB_MAX_HOSTS * 4 }),
  networks: s.array(networkSchema, { max: LAB_MAX_HOSTS * 4 }),
  // Absent from labs saved before resource pools.
  resourcePools: s.optional(s.array(resourcePoolSchema, { max: LAB_MAX_VMS })),
};
const registrySchema = s.object(registryFields);

const taskSchema = s.object({
  id: s.id('task'), operation: s.string({ min: 1, max: 64 }), name: s.text({ max: 256 }), targetId: s.string({ min: 1, max: 64 }),
  targetName: s.text({ max: 256 }), state: s.oneOf(['queued', 'running', 'success', 'error', 'cancelled'] as const),
  progress: s.number({ min: 0, max: 100 }), initiator: s.text({ max: 256 }), queuedAtMs: timeMs(),
  startedAtMs: s.optional(timeMs()), completedAtMs: s.optional(timeMs()),
  error: s.optional(anyObject('an error')), result: s.optional(opaque('a task result')), cancellable: s.bool(),
});
const eventSchema = s.object({
  id: s.id('event'), timeMs: timeMs(), severity: s.oneOf(['info', 'warning', 'error'] as const), type: s.string({ min: 1, max: 64 }),
  message: s.text({ max: 4096 }), entityId: s.optional(s.string({ max: 64 })), entityName: s.optional(s.text({ max: 256 })), taskId: s.optional(s.id('task')),
});
/** Kept history is bounded by the stores themselves; these caps only refuse what no lab could have written. */
const HISTORY_MAX = 1_000_000;

const runtimeSchema = s.object({
  offsetNs: s.number(), bootGuestNs: s.number({ min: 0 }), guestConsoleOffset: count(),
  disks: s.array(s.object({ capacityBytes: bytes(65536 * 1024 ** 3), chain: s.array(count(), { max: 4096 }), top: count() }), { max: 16 }),
  snapshots: anyObject('a snapshot tree'), console: anyObject('a console'), suspended: opaque('a suspended guest'),
  // Version 1 keeps each guest's counter baseline here; version 2 keeps it in the collector's state.
  counterBase: s.optional(s.record(s.number(), { maxKeys: 4096 })), sampledSinceMs: s.optional(timeMs()),
  // Dirty pages kept for a reader of the guest's dirty log (the counters, a live migration); absent when none.
  dirty: s.optional(s.array(tuple(s.string({ min: 1, max: 64 }), s.array(count(MAX_GUEST_MEMORY_BYTES / PAGE_SIZE_BYTES - 1), { max: MAX_GUEST_MEMORY_BYTES / PAGE_SIZE_BYTES })), { max: 16 })),
});

/** Why a copy of a save made through JSON is refused: said where such a copy first fails (a null for a
 *  number, a plain object for a map). */
const NOT_JSON = ' (a saved lab is structured-clone data: a copy made through JSON loses Infinity, NaN, Maps and typed arrays)';

/** Any number, NaN and ±Infinity included: scheduler accounting uses them ("none yet", "never", a CPU
 *  limit of "unlimited"), and the save carries them (structured clone); JSON makes them null. */
const anyNumber = (): Schema<number> => ({
  describe: 'number',
  check: (v, p) => (typeof v === 'number' ? null : { field: p, message: v === null ? `expected a number, not null${NOT_JSON}` : 'expected a number' }),
});

interface SchedPoolShape { id: string; shares: number; reservationMhz?: number; limitMhz?: number; parent?: SchedPoolShape }
/** A scheduled VM's pool and its ancestors (`parent`, absent in labs saved before pools could nest);
 *  a chain no deeper than the pools a lab may hold. */
const schedPoolSchema: Schema<SchedPoolShape> = {
  describe: 'pool',
  check(v, p) {
    for (let at = p, x = v, depth = 0; x !== undefined; at = `${at}.parent`, x = (x as { parent?: unknown }).parent, depth++) {
      if (depth > LAB_MAX_VMS) return { field: at, message: 'nests too deep' };
      const problem = schedPoolLevel.check(x, at);
      if (problem) return problem;
    }
    return null;
  },
};
const schedPoolLevel = s.object({
  id: s.string({ min: 1, max: 64 }), shares: anyNumber(), reservationMhz: s.optional(anyNumber()), limitMhz: s.optional(anyNumber()),
  parent: s.optional({ describe: 'pool', check: () => null }),
});
const timesSchema = s.object({ run: anyNumber(), ready: anyNumber(), costop: anyNumber(), limited: anyNumber(), hold: anyNumber(), wait: anyNumber() });
const schedulerSchema = s.object({
  periodIndex: count(),
  acc: s.object({ run: anyNumber(), ready: anyNumber(), costop: anyNumber(), limited: anyNumber(), hold: anyNumber(), wait: anyNumber(), cycles: anyNumber(), gridCycles: anyNumber(), gridCarry: s.optional(anyNumber()), usageMin: anyNumber(), usageMax: anyNumber() }),
  pcpus: s.array(s.object({
    cursor: anyNumber(), sliceLeft: anyNumber(), busyNs: anyNumber(),
    current: { describe: 'a running vCPU or null', check: (v, p) => (v === null ? null : s.object({ vmId: s.id('vm'), index: count(MAX_VCPUS - 1) }).check(v, p)) },
  }), { max: 8 * 128 * 2 }),
  vms: s.array(s.object({
    id: s.id('vm'), order: count(), offsetNs: anyNumber(), shares: s.optional(anyNumber()),
    pool: s.optional(schedPoolSchema), sharesPerVcpu: anyNumber(), reservationCyclesPerPeriod: anyNumber(),
    limitCyclesPerPeriod: anyNumber(), periodCycles: anyNumber(), cycles: anyNumber(), instructions: anyNumber(), gridCycles: anyNumber(), gridCarry: s.optional(anyNumber()),
    usageMin: anyNumber(), usageMax: anyNumber(), crashed: s.bool(), poweredOff: s.bool(),
    vcpus: s.array(s.object({
      state: s.oneOf(['run', 'ready', 'costop', 'limited', 'hold', 'wait'] as const), since: anyNumber(), busyUntil: anyNumber(), wakeNs: anyNumber(),
      pendingHalt: s.bool(), pendingWake: anyNumber(), pcpu: s.int({ min: -1, max: 8 * 128 * 2 }), boost: s.bool(), vtime: anyNumber(), progress: anyNumber(), acc: timesSchema,
    }), { max: MAX_VCPUS }),
  }), { max: 1024 }),
});

/** Parts both versions share. */
const common = {
  format: s.literal('hvlab-lab'),
  scenario: anyObject('a scenario (checked by validateScenario)'),
  seed: s.int({ min: 0, max: 2 ** 31 - 1 }),
  clock: clockSchema,
  rng: rngSchema,
  taskRng: rngSchema,
  events: s.object({ nextId: count(), events: s.array(eventSchema, { max: HISTORY_MAX }) }),
  layers: s.array(opaque('a disk layer'), { max: HISTORY_MAX }),
  runtimes: s.array(tuple(s.id('vm'), runtimeSchema), { max: LAB_MAX_VMS }),
  guests: s.array(tuple(s.id('vm'), opaque('a guest machine state')), { max: LAB_MAX_VMS }),
  schedulers: s.array(tuple(s.id('host'), schedulerSchema), { max: LAB_MAX_HOSTS }),
};
const vmopsSchema = s.array(tuple(s.string({ min: 1, max: 64 }), s.record(count())), { max: LAB_MAX_HOSTS * 2 });
const samplesSchema = s.object({ entries: s.array(tuple(s.string({ min: 1, max: 64 }), anyObject('a counter series')), { max: LAB_MAX_VMS * 4 }) });
const clusterGridSchema = s.array(tuple(s.string({ min: 1, max: 64 }), s.object({ min: s.number(), max: s.number() })), { max: LAB_MAX_HOSTS * 2 });
const timelineSchema = s.object({ next: count(), commands: s.array(anyObject('a timed action'), { max: HISTORY_MAX }) });

/**
 * The cluster services (HA, DRS) per cluster: the same settings `cluster.configure` accepts, and their own
 * bounded records. VM ids in records may name VMs removed since (a restart record outlives its VM).
 */
const restartPriority = () => s.oneOf(RESTART_PRIORITIES);
const drsRecommendationSchema = s.object({
  id: s.int({ min: 1 }), vmId: s.id('vm'), vmName: s.name(), fromHostId: s.id('host'), toHostId: s.id('host'),
  priority: s.int({ min: 1, max: 5 }), reason: s.text({ max: 1024 }), imbalanceBefore: s.number({ min: 0 }), imbalanceAfter: s.number({ min: 0 }),
  createdAtMs: timeMs(), outcome: s.optional(s.oneOf(['applied', 'dismissed', 'refused'] as const)), outcomeMessage: s.optional(s.text({ max: 4096 })),
});
const dpmRecommendationSchema = s.object({
  id: s.int({ min: 1 }), kind: s.oneOf(['powerOff', 'powerOn'] as const), hostId: s.id('host'), hostName: s.name(), priority: s.int({ min: 1, max: 5 }),
  reason: s.text({ max: 4096 }), evacuations: s.array(s.object({ vmId: s.id('vm'), toHostId: s.id('host') }), { max: LAB_MAX_VMS }),
  utilizationBefore: s.number({ min: 0 }), utilizationAfter: s.number({ min: 0 }), createdAtMs: timeMs(),
  outcome: s.optional(s.oneOf(['applied', 'dismissed', 'refused'] as const)), outcomeMessage: s.optional(s.text({ max: 4096 })), taskId: s.optional(s.id('task')),
});
const clusterServicesStateSchema = s.object({
  clusters: s.array(tuple(s.id('cluster'), s.object({
    ha: s.object({
      hostMonitoring: s.bool(), defaultRestartPriority: restartPriority(), isolationResponse: s.oneOf(ISOLATION_RESPONSES),
      vmMonitoring: s.oneOf(VM_MONITORING_MODES), vmMonitoringFailureIntervalS: s.int({ min: 10, max: 3600 }),
      admissionControl: s.object({
        policy: s.oneOf(ADMISSION_POLICIES), hostFailuresToTolerate: s.int({ min: 1, max: 31 }),
        cpuFailoverPercent: s.optional(s.int({ min: 0, max: 100 })), memFailoverPercent: s.optional(s.int({ min: 0, max: 100 })),
        failoverHostIds: s.array(s.id('host'), { max: 64 }),
      }),
      restartPriorityOverrides: s.record(restartPriority(), { maxKeys: LAB_MAX_VMS }),
      // Labs saved before heartbeat datastores: automatic selection.
      heartbeatDatastores: s.optional(s.object({
        policy: s.oneOf(HEARTBEAT_DATASTORE_POLICIES), datastoreIds: s.array(s.id('datastore'), { max: HEARTBEAT_DATASTORES_MAX_SPECIFIED }),
      })),
    }),
    drs: s.object({
      automationLevel: s.oneOf(DRS_AUTOMATION_LEVELS), migrationThreshold: s.int({ min: 1, max: 5 }), periodS: s.int({ min: 10, max: 86_400 }),
      // Labs saved before rules existed have none.
      rules: s.optional(s.array(s.object({
        name: s.string({ min: 1, max: 80 }), kind: s.oneOf(AFFINITY_RULE_KINDS), vmIds: s.array(s.id('vm'), { min: 1, max: 1000 }),
        hostIds: s.array(s.id('host'), { max: 1000 }), mandatory: s.bool(),
      }), { max: 256 })),
    }),
    declared: s.array(s.object({
      hostId: s.id('host'), kind: s.oneOf(['failed', 'isolated'] as const), atMs: timeMs(),
      // Whether the isolation response ran (absent in labs saved before heartbeat datastores).
      responded: s.optional(s.bool()),
    }), { max: LAB_MAX_HOSTS }),
    restarts: s.array(s.object({
      vmId: s.id('vm'), vmName: s.name(), priority: restartPriority(), fromHostId: s.id('host'), toHostId: s.optional(s.id('host')),
      stoppedAtMs: timeMs(), restartedAtMs: s.optional(timeMs()), downtimeMs: s.optional(timeMs()),
      state: s.oneOf(['waiting', 'restarting', 'restarted', 'failed'] as const), reason: s.optional(s.text({ max: 4096 })),
      // Restart retries (absent in labs saved before them: no failed attempt).
      failedAttempts: s.optional(s.int({ min: 0, max: 1000 })), retryAtMs: s.optional(timeMs()),
    }), { max: HA_MAX_RESTART_RECORDS }),
    silent: s.array(s.object({ vmId: s.id('vm'), sinceMs: timeMs() }), { max: LAB_MAX_VMS }),
    resets: s.array(s.object({ vmId: s.id('vm'), atMs: timeMs() }), { max: HISTORY_MAX }),
    drsLastRunMs: s.optional(timeMs()),
    drsNextRunMs: timeMs(),
    recommendations: s.array(drsRecommendationSchema, { max: DRS_MAX_MOVES_PER_PASS }),
    history: s.array(drsRecommendationSchema, { max: DRS_MAX_HISTORY }),
    // DPM: absent in labs saved before it existed (off, nothing pending).
    dpm: s.optional(s.object({ automationLevel: s.oneOf(DPM_AUTOMATION_LEVELS), threshold: s.int({ min: 1, max: 5 }) })),
    dpmLastRunMs: s.optional(timeMs()),
    dpmRecommendations: s.optional(s.array(dpmRecommendationSchema, { max: 1 })),
    dpmHistory: s.optional(s.array(dpmRecommendationSchema, { max: DPM_MAX_HISTORY })),
  })), { max: LAB_MAX_HOSTS }),
  nextRecommendationId: s.int({ min: 1 }),
  nextScanMs: timeMs(),
});
/**
 * Alarms (absent in labs saved before they existed: the default definitions, every object green): each
 * definition's settings, and per object and definition its condition clocks and status. The objects are
 * cross-checked below; a definition's thresholds are held to `alarm.updateDefinition`'s rules.
 */
const alarmSettingsSchema = s.object({
  enabled: s.bool(), warning: s.optional(s.number({ min: 0, max: 100 })), critical: s.optional(s.number({ min: 0, max: 100 })),
  durationS: s.optional(s.int({ min: 0, max: 86_400 })),
});
const alarmKeySchema = s.string({ min: 1, max: 40, pattern: ALARM_KEY_RULE });
const ALARM_DEFINITIONS_MAX = ALARM_KEYS.length + CUSTOM_ALARMS_MAX;
const alarmsStateSchema = s.object({
  definitions: s.array(tuple(alarmKeySchema, alarmSettingsSchema), { max: ALARM_DEFINITIONS_MAX }),
  custom: s.optional(s.array(s.object({
    key: s.string({ min: 8, max: 20, pattern: /^custom-[1-9][0-9]{0,5}$/ }), name: s.name({ max: 80 }), description: s.text({ max: 512 }),
    entityType: s.oneOf(CUSTOM_ALARM_ENTITY_TYPES), counter: s.optional(s.oneOf(ALARM_METRIC_COUNTERS)),
    state: s.optional(s.object({
      path: s.oneOf(ALARM_STATE_PATHS), operator: s.oneOf(['isEqual', 'isUnequal'] as const),
      yellow: s.optional(s.oneOf(ALARM_STATE_VALUES)), red: s.optional(s.oneOf(ALARM_STATE_VALUES)),
    })),
  }), { max: CUSTOM_ALARMS_MAX })),
  nextCustomId: s.optional(s.int({ min: 1, max: 999_999 })),
  watches: s.array(s.object({
    key: alarmKeySchema,
    entityId: s.string({ min: 3, max: 40, pattern: /^(host|vm|datastore)-[1-9][0-9]{0,9}$/ }),
    warnSinceMs: s.optional(timeMs()), critSinceMs: s.optional(timeMs()),
    status: s.oneOf(ALARM_STATUSES), timeMs: timeMs(),
    acknowledged: s.bool(), acknowledgedAtMs: s.optional(timeMs()), acknowledgedBy: s.optional(s.string({ max: 128 })),
    detail: s.text({ max: 512 }), notBeforeMs: s.optional(timeMs()), heldGreen: s.optional(s.bool()),
  }), { max: (LAB_MAX_VMS + LAB_MAX_HOSTS * 2) * ALARM_DEFINITIONS_MAX }),
  nextMetricEvalMs: timeMs(),
});
/** Guest pages of one VM: page numbers within the largest guest memory. */
const MAX_GUEST_PAGES = MAX_GUEST_MEMORY_BYTES / PAGE_SIZE_BYTES;
const gpfn = () => count(MAX_GUEST_PAGES - 1);
/** A page's bytes. */
const pageBytes: Schema<Uint8Array> = {
  describe: `${PAGE_SIZE_BYTES} bytes`,
  check: (v, p) => (v instanceof Uint8Array && v.length === PAGE_SIZE_BYTES ? null : { field: p, message: `expected a page of ${PAGE_SIZE_BYTES} bytes` }),
};
/**
 * Live migrations (absent in labs saved before they existed): the finished ones' statistics (shown, never
 * computed with) and each one in flight — its VMs and hosts (cross-checked below), whether it had stopped
 * or switched, the stopped vCPUs' timing, and in post-copy the paused source machines (restored by their
 * owner), the pages still on the source and the bytes of those its host held outside the machine.
 */
const migrationsSchema = s.object({
  history: s.array(anyObject('the statistics of a finished migration'), { max: 200 }),
  inFlight: s.array(s.object({
    taskId: s.id('task'),
    vmIds: s.array(s.id('vm'), { min: 1, max: LAB_MAX_VMS }),
    sourceHostId: s.id('host'),
    destHostId: s.id('host'),
    phase: s.oneOf(['setup', 'precopy', 'stopped', 'postcopy', 'done'] as const),
    stopped: s.bool(),
    switched: s.bool(),
    timings: s.array({
      describe: 'the vCPU timing of a stopped VM or null',
      check: (v, p) => (v === null ? null : s.object({
        guestNowNs: s.number(), vcpus: s.array(s.object({ kind: s.oneOf(['wait', 'hold'] as const), atGuestNs: s.number() }), { max: MAX_VCPUS }),
      }).check(v, p)),
    }, { max: LAB_MAX_VMS }),
    postcopy: s.optional(s.object({
      sources: s.array(opaque('a paused source machine'), { max: LAB_MAX_VMS }),
      pages: s.array(s.array(gpfn(), { max: MAX_GUEST_PAGES }), { max: LAB_MAX_VMS }),
      away: s.optional(s.array(s.array(tuple(gpfn(), pageBytes), { max: MAX_GUEST_PAGES }), { max: LAB_MAX_VMS })),
    })),
    stats: anyObject('the statistics of the migration so far'),
  }), { max: LAB_MAX_VMS }),
});

/** Version 1: tasks as rows (those in flight are loaded as interrupted), counters and timeline at the top. */
const labStateV1Schema = s.object({
  ...common,
  version: s.literal(1),
  registry: registrySchema,
  tasks: s.object({ nextId: count(), tasks: s.array(taskSchema, { max: HISTORY_MAX }) }),
  vmops: vmopsSchema,
  samples: samplesSchema,
  nextSampleMs: timeMs(),
  clusterGrid: clusterGridSchema,
  timeline: timelineSchema,
});

/**
 * Version 2: names reserved by tasks in flight; each barrier service's state by its name (tasks in flight
 * carry their kind's state, which the kind checks as it resumes; an unknown kind ends as interrupted).
 */
const labStateV2Schema = s.object({
  ...common,
  version: s.literal(2),
  registry: s.object({ ...registryFields, reservedNames: s.array(s.name(), { max: LAB_MAX_VMS }) }),
  /** The student's exercise progress, held to the same schema as `exercise.progress.set`. */
  exerciseProgress: s.optional(exerciseProgressSchema),
  /** The student's own data-center design (absent in older saves), held to `availability.design.save`'s schema. */
  availabilityDesign: s.optional(savedDesignSchema),
  services: s.object({
    'guests.stopped': opaque('nothing'),
    'collector.quantum': s.object({ clusterGrid: clusterGridSchema }),
    timeline: timelineSchema,
    tasks: s.object({
      nextId: count(),
      tasks: s.array(s.object({
        dto: taskSchema, kind: s.optional(s.string({ max: 64 })), state: s.optional(opaque('a task kind state')),
        eachBarrier: s.optional(s.bool()), wakeAtMs: s.optional(timeMs()),
      }), { max: HISTORY_MAX }),
    }),
    // Memory reclamation (absent in labs saved before it existed): its own restore checks its state,
    // and a refusal names this field (labPersist's owned()).
    'memory.reclaim': s.optional(opaque('the memory reclamation state')),
    // HA and DRS (absent in labs saved before they existed: their defaults).
    'cluster.services': s.optional(clusterServicesStateSchema),
    alarms: s.optional(alarmsStateSchema),
    migrations: s.optional(migrationsSchema),
    'collector.sample': s.object({
      nextSampleMs: timeMs(), samples: samplesSchema, vmops: vmopsSchema,
      baselines: s.array(tuple(s.id('vm'), s.object({ counters: s.record(s.number(), { maxKeys: 4096 }), sinceMs: timeMs() })), { max: LAB_MAX_VMS }),
      // Bytes each host sent and received on the network since the last sample (live-migration streams).
      net: s.optional(s.array(tuple(s.id('host'), s.object({ tx: s.number({ min: 0 }), rx: s.number({ min: 0 }) })), { max: LAB_MAX_HOSTS })),
    }),
  }),
});

const problem = (field: string, message: string): Problem => ({ field, message });

/** Thrown by `restoreLab` when an opaque part's owner (a guest machine, a host scheduler) cannot restore it. */
export class LabStateError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

type Entity = { id: string };
/** Ids of a list, refusing duplicates. */
function idSet(list: Entity[], at: string): Set<string> | Problem {
  const ids = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    if (ids.has(list[i].id)) return problem(`${at}[${i}].id`, `duplicates ${list[i].id}`);
    ids.add(list[i].id);
  }
  return ids;
}

/** A disk layer: block number → one block of bytes. */
function layerProblem(layer: unknown, at: string): Problem | null {
  if (!(layer instanceof Map)) return problem(at, `expected a disk layer (a map of blocks)${isPlainObject(layer) ? NOT_JSON : ''}`);
  for (const [k, v] of layer) {
    if (!Number.isInteger(k) || (k as number) < 0) return problem(at, `has a block number ${String(k).slice(0, 20)}`);
    if (!(v instanceof Uint8Array) || v.length !== DISK_BLOCK_BYTES) return problem(`${at}.<block ${k}>`, `expected ${DISK_BLOCK_BYTES} bytes`);
  }
  return null;
}

interface CheckedState {
  registry: { ids: [string, number][]; datacenters: Entity[]; clusters: (Entity & { datacenterId: string })[]; hosts: HostShape[]; vms: VmShape[]; datastores: PlacedShape[]; networks: PlacedShape[]; resourcePools?: PoolShape[] };
  layers: unknown[];
  runtimes: [string, { disks: { chain: number[]; top: number }[] }][];
  guests: [string, unknown][];
  schedulers: [string, SchedulerShape][];
  clock: { virtualTimeMs: number };
  nextSampleMs: number;
  tasks: { nextId: number; tasks: Entity[] };
  events: { nextId: number; events: Entity[] };
}
interface HostShape extends Entity { name: string; datacenterId: string; clusterId?: string; powerState: string; connectionState: string; fault?: { kind: string }; inMaintenanceMode: boolean; datastoreIds: string[]; networkIds: string[]; sockets: number; coresPerSocket: number; threadsPerCore: number }
interface VmShape extends Entity { vcpus: number; memoryBytes: number; name: string; datacenterId: string; hostId?: string; isTemplate: boolean; powerState: string; guestState: string; workload: string; disks: { datastoreId: string }[]; nics: { networkId: string }[]; resourcePoolId?: string }
interface PoolShape extends Entity { name: string; datacenterId: string; clusterId?: string; hostId?: string; parentPoolId?: string; cpuReservationMhz: number; cpuLimitMhz: number }
interface SchedulerShape { pcpus: { current: { vmId: string; index: number } | null }[]; vms: { id: string; vcpus: { pcpu: number }[] }[] }
interface ClusterServicesShape {
  clusters: [string, { declared: { hostId: string }[]; ha: { admissionControl: { failoverHostIds: string[] }; restartPriorityOverrides: Record<string, string>; heartbeatDatastores?: { datastoreIds: string[] } } }][];
}
interface PlacedShape extends Entity { datacenterId: string; hostIds: string[] }
interface SavedMigrationShape {
  taskId: string; vmIds: string[]; sourceHostId: string; destHostId: string; switched: boolean; timings: unknown[];
  postcopy?: { sources: unknown[]; pages: number[][]; away?: [number, Uint8Array][][] };
}

/** The number in an id like `vm-12` (ids are minted from per-kind counters). */
const idNumber = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));

export function labStateProblem(state: unknown, workloads?: ReadonlySet<string>): Problem | null {
  if (!isPlainObject(state)) return problem('state', 'is not a saved lab (expected an object)');
  if (!hasOwn(state, 'format') || state.format !== 'hvlab-lab') return problem('state.format', 'is not a Hypervisor Lab state (format "hvlab-lab")');
  const version = hasOwn(state, 'version') ? state.version : undefined;
  const schema = version === 1 ? labStateV1Schema : version === 2 ? labStateV2Schema : undefined;
  if (!schema) {
    const v = String(version).slice(0, 20);
    const why = typeof version !== 'number' ? `has no lab state version this engine knows (${v})`
      : version > 2 ? `was saved by a newer format (lab state version ${v})` : `was saved by an older format (lab state version ${v})`;
    return problem('state.version', `this lab ${why}; this engine reads versions 1 and 2`);
  }
  const shape = schema.check(state, 'state');
  if (shape) return shape;
  const st = state as unknown as CheckedState;
  // Where each version keeps its task rows and its next sample time.
  const v2 = (state as { services?: { tasks: { nextId: number; tasks: { dto: Entity }[] }; 'collector.sample': { nextSampleMs: number } } }).services;
  const tasks = v2 ? { nextId: v2.tasks.nextId, tasks: v2.tasks.tasks.map((x) => x.dto) } : st.tasks;
  const nextSampleMs = v2 ? v2['collector.sample'].nextSampleMs : st.nextSampleMs;
  const reg = st.registry;
  const at = 'state.registry';

  // Ids: unique within their kind, and below the counters that mint the next ones.
  const sets: Record<string, Set<string>> = {};
  for (const kind of ['datacenters', 'clusters', 'hosts', 'vms', 'datastores', 'networks'] as const) {
    const ids = idSet(reg[kind], `${at}.${kind}`);
    if (!(ids instanceof Set)) return ids;
    sets[kind] = ids;
  }
  const counters = new Map(reg.ids);
  const minted = (kind: string, id: string, field: string): Problem | null =>
    idNumber(id) > (counters.get(kind) ?? 0) ? problem(field, `${id} is beyond the ${kind} id counter (${counters.get(kind) ?? 0})`) : null;
  const kinds: [keyof typeof sets, string][] = [['datacenters', 'datacenter'], ['clusters', 'cluster'], ['hosts', 'host'], ['vms', 'vm'], ['datastores', 'datastore'], ['networks', 'network']];
  for (const [list, kind] of kinds) {
    const entities = reg[list as keyof CheckedState['registry']] as Entity[];
    for (let i = 0; i < entities.length; i++) {
      const p = minted(kind, entities[i].id, `${at}.${list}[${i}].id`);
      if (p) return p;
    }
  }
  const ref = (set: keyof typeof sets, id: string | undefined, field: string, what: string): Problem | null =>
    id !== undefined && !sets[set].has(id) ? problem(field, `refers to ${what} ${id}, which is not in the lab`) : null;

  for (let i = 0; i < reg.clusters.length; i++) {
    const p = ref('datacenters', reg.clusters[i].datacenterId, `${at}.clusters[${i}].datacenterId`, 'datacenter');
    if (p) return p;
  }
  const hosts = new Map<string, HostShape>();
  for (let i = 0; i < reg.hosts.length; i++) {
    const h = reg.hosts[i];
    const f = `${at}.hosts[${i}]`;
    const p = ref('datacenters', h.datacenterId, `${f}.datacenterId`, 'datacenter') ?? ref('clusters', h.clusterId, `${f}.clusterId`, 'cluster');
    if (p) return p;
    for (let j = 0; j < h.datastoreIds.length; j++) { const q = ref('datastores', h.datastoreIds[j], `${f}.datastoreIds[${j}]`, 'datastore'); if (q) return q; }
    for (let j = 0; j < h.networkIds.length; j++) { const q = ref('networks', h.networkIds[j], `${f}.networkIds[${j}]`, 'network'); if (q) return q; }
    // An injected failure leaves the host not responding; a power loss leaves it powered off.
    if (h.fault && h.connectionState !== 'notResponding') return problem(`${f}.connectionState`, `${h.name} has a simulated ${h.fault.kind} but is ${h.connectionState}`);
    if (h.fault?.kind === 'crash' && h.powerState !== 'poweredOff') return problem(`${f}.powerState`, `${h.name} has a simulated power loss but is ${h.powerState}`);
    hosts.set(h.id, h);
  }
  for (const list of ['datastores', 'networks'] as const) {
    for (let i = 0; i < reg[list].length; i++) {
      const x = reg[list][i];
      const p = ref('datacenters', x.datacenterId, `${at}.${list}[${i}].datacenterId`, 'datacenter');
      if (p) return p;
      for (let j = 0; j < x.hostIds.length; j++) { const q = ref('hosts', x.hostIds[j], `${at}.${list}[${i}].hostIds[${j}]`, 'host'); if (q) return q; }
    }
  }

  // The cluster services' state names clusters, hosts and datastores of the lab.
  const services = v2 as { 'cluster.services'?: ClusterServicesShape } | undefined;
  const cs = services?.['cluster.services'];
  if (cs) {
    const f = "state.services['cluster.services'].clusters";
    for (let i = 0; i < cs.clusters.length; i++) {
      const [id, c] = cs.clusters[i];
      const p = ref('clusters', id, `${f}[${i}][0]`, 'cluster');
      if (p) return p;
      for (let j = 0; j < c.declared.length; j++) { const q = ref('hosts', c.declared[j].hostId, `${f}[${i}][1].declared[${j}].hostId`, 'host'); if (q) return q; }
      const fh = c.ha.admissionControl.failoverHostIds;
      for (let j = 0; j < fh.length; j++) { const q = ref('hosts', fh[j], `${f}[${i}][1].ha.admissionControl.failoverHostIds[${j}]`, 'host'); if (q) return q; }
      const hb = c.ha.heartbeatDatastores?.datastoreIds ?? [];
      for (let j = 0; j < hb.length; j++) { const q = ref('datastores', hb[j], `${f}[${i}][1].ha.heartbeatDatastores.datastoreIds[${j}]`, 'datastore'); if (q) return q; }
      for (const vmId of Object.keys(c.ha.restartPriorityOverrides)) {
        if (!isIdOf('vm', vmId)) return problem(`${f}[${i}][1].ha.restartPriorityOverrides.${vmId}`, 'is not a VM id');
      }
    }
  }

  // Alarms: on objects of the lab, of the kind their definition watches, once each; thresholds in order.
  const alarms = (v2 as { alarms?: Infer<typeof alarmsStateSchema> } | undefined)?.alarms;
  if (alarms) {
    const f = 'state.services.alarms';
    // The users' definitions: keys below the next one, once each, names unique, a counter or a state the object kind has.
    const defs = new Map<string, AlarmDefinition>(Object.entries(ALARM_DEFINITIONS));
    const names = new Set([...defs.values()].map((d) => d.name.toLowerCase()));
    const custom = alarms.custom ?? [];
    for (let i = 0; i < custom.length; i++) {
      const c = custom[i];
      const at2 = `${f}.custom[${i}]`;
      if (Number(c.key.slice('custom-'.length)) >= (alarms.nextCustomId ?? 1)) return problem(`${at2}.key`, `${c.key} is not below nextCustomId`);
      if (defs.has(c.key)) return problem(`${at2}.key`, `duplicates the alarm definition ${c.key}`);
      if (names.has(c.name.toLowerCase())) return problem(`${at2}.name`, `duplicates the name of another alarm definition: ${c.name}`);
      if ((c.counter === undefined) === (c.state === undefined)) return problem(`${at2}.counter`, 'a definition watches either a counter or a state');
      const sp = c.state && stateConditionProblem(c.entityType, c.state);
      if (sp) return problem(`${at2}.${sp.field}`, sp.message);
      defs.set(c.key, customDefinition(c as Parameters<typeof customDefinition>[0]));
      names.add(c.name.toLowerCase());
    }
    const settled = new Set<string>();
    for (let i = 0; i < alarms.definitions.length; i++) {
      const [key, st] = alarms.definitions[i] as unknown as [AlarmKey, Infer<typeof alarmSettingsSchema>];
      const d = defs.get(key);
      if (!d) return problem(`${f}.definitions[${i}][0]`, `no alarm definition ${key}`);
      if (settled.has(key)) return problem(`${f}.definitions[${i}][0]`, `duplicates the settings of ${key}`);
      settled.add(key);
      const p = definitionChangeProblem(d, {}, st);
      if (p && d.condition === 'metric') return problem(`${f}.definitions[${i}][1].${p.field}`, p.message);
    }
    for (const c of custom) if (!settled.has(c.key) && !isBuiltinAlarmKey(c.key)) return problem(`${f}.definitions`, `has no settings for ${c.key}`);
    const seen = new Set<string>();
    for (let i = 0; i < alarms.watches.length; i++) {
      const w = alarms.watches[i];
      const d = defs.get(w.key);
      if (!d) return problem(`${f}.watches[${i}].key`, `no alarm definition ${w.key}`);
      const kind = d.entityType;
      if (!w.entityId.startsWith(`${kind}-`)) return problem(`${f}.watches[${i}].entityId`, `'${d.name}' watches ${kind}s, not ${w.entityId}`);
      const q = ref(kind === 'vm' ? 'vms' : kind === 'host' ? 'hosts' : 'datastores', w.entityId, `${f}.watches[${i}].entityId`, kind);
      if (q) return q;
      if (seen.has(`${w.key}|${w.entityId}`)) return problem(`${f}.watches[${i}]`, `duplicates the alarm '${d.name}' on ${w.entityId}`);
      seen.add(`${w.key}|${w.entityId}`);
    }
  }

  // Resource pools: unique ids below their counter, under exactly one parent (a cluster, or a host outside
  // any cluster) of the lab, reservation within the limit.
  const poolList = reg.resourcePools ?? [];
  const pools = idSet(poolList, `${at}.resourcePools`);
  if (!(pools instanceof Set)) return pools;
  const poolById = new Map<string, PoolShape>();
  for (let i = 0; i < poolList.length; i++) {
    const pool = poolList[i];
    const f = `${at}.resourcePools[${i}]`;
    const p = minted('resgroup', pool.id, `${f}.id`) ?? ref('datacenters', pool.datacenterId, `${f}.datacenterId`, 'datacenter')
      ?? ref('clusters', pool.clusterId, `${f}.clusterId`, 'cluster') ?? ref('hosts', pool.hostId, `${f}.hostId`, 'host');
    if (p) return p;
    if ((pool.clusterId === undefined) === (pool.hostId === undefined)) return problem(`${f}.clusterId`, `resource pool ${pool.name} needs exactly one parent: a cluster or a host`);
    if (pool.hostId !== undefined && hosts.get(pool.hostId)?.clusterId !== undefined) return problem(`${f}.hostId`, `resource pool ${pool.name} is under a host that is in a cluster`);
    if (pool.cpuLimitMhz >= 0 && pool.cpuReservationMhz > pool.cpuLimitMhz) return problem(`${f}.cpuReservationMhz`, `resource pool ${pool.name} reserves more than its limit`);
    poolById.set(pool.id, pool);
  }
  // A child pool hangs from a pool of the same tree (cluster or host), and following parents ends at the root.
  for (let i = 0; i < poolList.length; i++) {
    const pool = poolList[i];
    if (pool.parentPoolId === undefined) continue;
    const f = `${at}.resourcePools[${i}].parentPoolId`;
    const parent = poolById.get(pool.parentPoolId);
    if (!parent) return problem(f, `refers to resource pool ${pool.parentPoolId}, which is not in the lab`);
    if (parent.clusterId !== pool.clusterId || parent.hostId !== pool.hostId) return problem(f, `resource pool ${pool.name} is not in the same cluster or host as its parent ${parent.name}`);
    const seen = new Set<string>([pool.id]);
    for (let p: PoolShape | undefined = parent; p; p = p.parentPoolId !== undefined ? poolById.get(p.parentPoolId) : undefined) {
      if (seen.has(p.id)) return problem(f, `resource pool ${pool.name} is inside itself`);
      seen.add(p.id);
    }
  }

  // VMs: references, unique names, a known guest program, and a power state the rest of the lab agrees with.
  const guestOf = new Map(st.guests.map(([id, g]) => [id, g]));
  const names = new Set<string>();
  const vms = new Map<string, VmShape>();
  for (let i = 0; i < reg.vms.length; i++) {
    const vm = reg.vms[i];
    const f = `${at}.vms[${i}]`;
    const p = ref('datacenters', vm.datacenterId, `${f}.datacenterId`, 'datacenter') ?? ref('hosts', vm.hostId, `${f}.hostId`, 'host');
    if (p) return p;
    for (let j = 0; j < vm.disks.length; j++) { const q = ref('datastores', vm.disks[j].datastoreId, `${f}.disks[${j}].datastoreId`, 'datastore'); if (q) return q; }
    for (let j = 0; j < vm.nics.length; j++) { const q = ref('networks', vm.nics[j].networkId, `${f}.nics[${j}].networkId`, 'network'); if (q) return q; }
    if (vm.resourcePoolId !== undefined && !poolById.has(vm.resourcePoolId)) return problem(`${f}.resourcePoolId`, `refers to resource pool ${vm.resourcePoolId}, which is not in the lab`);
    if (names.has(vm.name)) return problem(`${f}.name`, `"${vm.name}" is the name of another VM`);
    names.add(vm.name);
    if (workloads && !workloads.has(vm.workload)) return problem(`${f}.workload`, `no guest program named "${vm.workload}"`);
    if (vm.powerState !== 'poweredOff') {
      const host = vm.hostId === undefined ? undefined : hosts.get(vm.hostId);
      if (!host) return problem(`${f}.hostId`, `${vm.powerState} VM ${vm.name} has no host`);
      if (vm.powerState === 'poweredOn' && host.powerState !== 'poweredOn') return problem(`${f}.powerState`, `${vm.name} is powered on but its host ${host.name} is ${host.powerState}`);
      if (vm.isTemplate) return problem(`${f}.powerState`, `template ${vm.name} cannot be ${vm.powerState}`);
    }
    if (vm.powerState !== 'poweredOn' && guestOf.has(vm.id)) return problem(`${f}.powerState`, `${vm.name} is ${vm.powerState} but the save has a running guest for it`);
    if (vm.powerState === 'poweredOff' && vm.guestState !== 'notRunning') return problem(`${f}.guestState`, `${vm.name} is powered off but its guest is ${vm.guestState}`);
    vms.set(vm.id, vm);
  }

  // Runtime parts: each belongs to a VM or host of the lab, once; disks name layers of the table.
  for (let i = 0; i < st.layers.length; i++) {
    const p = layerProblem(st.layers[i], `state.layers[${i}]`);
    if (p) return p;
  }
  const runtimes = new Set<string>();
  for (let i = 0; i < st.runtimes.length; i++) {
    const [id, rt] = st.runtimes[i];
    const f = `state.runtimes[${i}]`;
    if (!vms.has(id)) return problem(`${f}[0]`, `is a runtime for ${id}, which is not in the lab`);
    if (runtimes.has(id)) return problem(`${f}[0]`, `duplicates the runtime of ${id}`);
    runtimes.add(id);
    for (let d = 0; d < rt.disks.length; d++) {
      const disk = rt.disks[d];
      for (const n of [...disk.chain, disk.top]) {
        if (n >= st.layers.length) return problem(`${f}[1].disks[${d}]`, `refers to disk layer ${n}, but the save has ${st.layers.length}`);
      }
    }
  }
  const guests = new Set<string>();
  for (let i = 0; i < st.guests.length; i++) {
    const id = st.guests[i][0];
    if (!vms.has(id)) return problem(`state.guests[${i}][0]`, `is a guest for ${id}, which is not in the lab`);
    if (!runtimes.has(id)) return problem(`state.guests[${i}][0]`, `is a guest for ${id}, which has no runtime in the save`);
    if (guests.has(id)) return problem(`state.guests[${i}][0]`, `duplicates the guest of ${id}`);
    guests.add(id);
  }
  // Schedulers: one per host, with the host's pCPUs, placing only that host's running VMs with their vCPUs.
  const schedulers = new Set<string>();
  for (let i = 0; i < st.schedulers.length; i++) {
    const [id, sched] = st.schedulers[i];
    const f = `state.schedulers[${i}]`;
    const host = hosts.get(id);
    if (!host) return problem(`${f}[0]`, `is a scheduler for ${id}, which is not in the lab`);
    if (schedulers.has(id)) return problem(`${f}[0]`, `duplicates the scheduler of ${id}`);
    schedulers.add(id);
    const pcpus = host.sockets * host.coresPerSocket * host.threadsPerCore;
    if (sched.pcpus.length !== pcpus) return problem(`${f}[1].pcpus`, `lists ${sched.pcpus.length} physical CPUs; ${host.name} has ${pcpus}`);
    const placed = new Map<string, number>();
    for (let j = 0; j < sched.vms.length; j++) {
      const sv = sched.vms[j];
      const vm = vms.get(sv.id);
      const g = `${f}[1].vms[${j}]`;
      if (!vm || vm.hostId !== id || vm.powerState !== 'poweredOn') return problem(`${g}.id`, `${sv.id} is not a powered-on VM of ${host.name}`);
      if (!guests.has(sv.id)) return problem(`${g}.id`, `${sv.id} has no guest in the save`);
      if (placed.has(sv.id)) return problem(`${g}.id`, `duplicates ${sv.id}`);
      if (sv.vcpus.length !== vm.vcpus) return problem(`${g}.vcpus`, `lists ${sv.vcpus.length} vCPUs; ${vm.name} has ${vm.vcpus}`);
      for (let k = 0; k < sv.vcpus.length; k++) {
        if (sv.vcpus[k].pcpu >= pcpus) return problem(`${g}.vcpus[${k}].pcpu`, `is beyond the host's ${pcpus} physical CPUs`);
      }
      placed.set(sv.id, sv.vcpus.length);
    }
    for (let k = 0; k < sched.pcpus.length; k++) {
      const c = sched.pcpus[k].current;
      if (c && !(c.index < (placed.get(c.vmId) ?? 0))) return problem(`${f}[1].pcpus[${k}].current`, `runs vCPU ${c.index} of ${c.vmId}, which this scheduler does not place`);
    }
  }

  // Live migrations in flight: each belongs to a migration task in flight, moves VMs of the lab between two
  // different hosts of the lab, and in post-copy carries one entry per VM, with pages within each VM.
  const migrations = (state as { services?: { migrations?: { inFlight: SavedMigrationShape[] } } }).services?.migrations;
  if (migrations && v2) {
    const inFlight = new Map(v2.tasks.tasks.filter((t) => (t as { kind?: string }).kind === 'vm.migrate' && !['success', 'error', 'cancelled'].includes((t.dto as Entity & { state: string }).state)).map((t) => [t.dto.id, t]));
    const moving = new Set<string>();
    for (let i = 0; i < migrations.inFlight.length; i++) {
      const mig = migrations.inFlight[i];
      const f = `state.services.migrations.inFlight[${i}]`;
      if (!inFlight.has(mig.taskId)) return problem(`${f}.taskId`, `${mig.taskId} is not a migration task in flight in this save`);
      const p = ref('hosts', mig.sourceHostId, `${f}.sourceHostId`, 'host') ?? ref('hosts', mig.destHostId, `${f}.destHostId`, 'host');
      if (p) return p;
      if (mig.sourceHostId === mig.destHostId) return problem(`${f}.destHostId`, 'is the source host');
      if (mig.timings.length !== 0 && mig.timings.length !== mig.vmIds.length) return problem(`${f}.timings`, `lists ${mig.timings.length} VMs' timings for ${mig.vmIds.length} VMs`);
      for (let j = 0; j < mig.vmIds.length; j++) {
        const vm = vms.get(mig.vmIds[j]);
        if (!vm) return problem(`${f}.vmIds[${j}]`, `refers to VM ${mig.vmIds[j]}, which is not in the lab`);
        if (moving.has(vm.id)) return problem(`${f}.vmIds[${j}]`, `${vm.name} is in two migrations`);
        moving.add(vm.id);
        const onHost = mig.switched ? mig.destHostId : mig.sourceHostId;
        if (vm.powerState === 'poweredOn' && vm.hostId !== onHost) return problem(`${f}.vmIds[${j}]`, `${vm.name} runs on ${vm.hostId ?? 'no host'}, not on ${onHost} where this migration has it`);
      }
      const pc = mig.postcopy;
      if (pc) {
        if (!mig.switched) return problem(`${f}.postcopy`, 'a migration that has not switched has no post-copy state');
        for (const [key, list] of [['sources', pc.sources], ['pages', pc.pages], ['away', pc.away ?? pc.sources]] as const) {
          if (list.length !== mig.vmIds.length) return problem(`${f}.postcopy.${key}`, `lists ${list.length} entries for ${mig.vmIds.length} VMs`);
        }
        for (let j = 0; j < mig.vmIds.length; j++) {
          const pages = (vms.get(mig.vmIds[j])?.memoryBytes ?? 0) / PAGE_SIZE_BYTES;
          const beyond = pc.pages[j].findIndex((g) => g >= pages);
          if (beyond >= 0) return problem(`${f}.postcopy.pages[${j}][${beyond}]`, `is beyond the VM's ${pages} pages`);
          const held = (pc.away?.[j] ?? []).findIndex(([g]) => g >= pages);
          if (held >= 0) return problem(`${f}.postcopy.away[${j}][${held}][0]`, `is beyond the VM's ${pages} pages`);
        }
      }
    }
  }

  // History: ids below their counters, nothing in the future.
  const now = st.clock.virtualTimeMs;
  if (nextSampleMs < now) return problem(v2 ? "state.services['collector.sample'].nextSampleMs" : 'state.nextSampleMs', `is before the clock (${nextSampleMs} < ${now})`);
  const history: [(i: number) => string, number, (Entity & { timeMs?: number; queuedAtMs?: number })[], 'task' | 'event'][] = [
    [(i) => (v2 ? `state.services.tasks.tasks[${i}].dto` : `state.tasks.tasks[${i}]`), tasks.nextId, tasks.tasks, 'task'],
    [(i) => `state.events.events[${i}]`, st.events.nextId, st.events.events, 'event'],
  ];
  for (const [at, nextId, items, kind] of history) {
    for (let i = 0; i < items.length; i++) {
      const id = items[i].id;
      if (!isIdOf(kind, id) || idNumber(id) >= nextId) return problem(`${at(i)}.id`, `${id} is not below the next ${kind} id (${nextId})`);
      const t = items[i].timeMs ?? items[i].queuedAtMs ?? 0;
      if (t > now) return problem(at(i), `is dated after the clock (${t} > ${now})`);
    }
  }
  return null;
}
