/**
 * The scenario file format: a lab described by counts (govmomi-Model style) or by explicit lists, with
 * templates, workloads per VM and a timeline of actions.
 *
 * - `scenarioSchema` validates a parsed scenario object (YAML or JSON is parsed outside the engine);
 *   errors name the path of the bad field (`scenario.datacenters[0].clusters[1].hosts.count`).
 *   Cross references (a VM's host, a template, an action's target) are checked when the inventory is
 *   built (`cluster/model.ts`), with the same kind of path. VM settings and their limits are the
 *   contract's own (`optionalSettings`, @shared/model/vmLimits), so a value beyond a limit gets the same
 *   message as in `vm.create`. Two rules span fields, on each VM as it will be built (its template's
 *   settings, or the defaults, where it sets none): monitor and paging must be a valid pair — nested
 *   paging needs the hw monitor (`pagingProblem`), at the entry's `.paging` — and a CPU limit must be at
 *   least the reservation (`cpuAllocationProblem`, at `.cpuLimitMhz`); an action's changes are checked
 *   when they set both halves of a rule.
 * - `Scenario` is the validated type; `HostTemplate`, `HostSpec`, `VmTemplate`, `VmSpecEntry`,
 *   `TemplateSpec`, `ScenarioAction` its parts. `durationMs(value)` converts an `at:` value.
 *
 * Shapes:
 *   hosts:      { count: N, …fields }            or  [ { name: esx-01, …fields }, … ]
 *   vmsPerHost: { count: N, workload: cpu, … }   or  [ group, group, … ]   (per host, in order)
 *   templates:  [ { name, host?, …vm fields } ]  (per datacenter; VMs may say `fromTemplate: name`)
 *   vms:        [ { name, host, fromTemplate?, …vm fields } ]
 *   datastores: N   (shared datastores every host of the datacenter mounts, default 1; disks go on the first)
 *   resourcePools (per cluster): [ { name, parent?: POOL, cpuShareLevel?, cpuReservationMhz?, …, vms: [NAME, …] } ]
 *   actions:    [ { at: 30s, do: powerOn, vm: NAME | vms: [..] | host: NAME, … } ]
 *               (live migration: { at: 30s, do: migrate, vm: NAME, to: HOST, options: { mode: postcopy, … } })
 * Names follow vcsim's pattern when not given: DC0, DC0_C0, DC0_C0_H1, DC0_C0_H1_VM2.
 */
import { s } from '@shared/api/schema';
import type { Infer, Problem, Schema } from '@shared/api/schema';
import { migrationOptionsSchema, vmChangesSchema } from '@shared/api/commands';
import { optionalSettings } from '@shared/api/vmSettingsSchema';
import { memReclamationSchema } from '@shared/api/memoryReclamationSchema';
import { haSettingsSchema } from '@shared/api/haSettingsSchema';
import { ALARM_KEYS } from '@shared/model/alarms';
import { ALARM_DEFINITIONS, definitionChangeProblem } from '../alarms/index';
import { pagingProblem } from '@shared/model/mmuVirtualization';
import { cpuAllocationProblem } from '@shared/model/vmLimits';
import { durationMs } from '@shared/model/duration';
import { POOL_LIMITS, POOL_SHARE_LEVELS } from '@shared/model/resourcePool';
import { ADMISSION_POLICIES, DPM_AUTOMATION_LEVELS, DRS_AUTOMATION_LEVELS, FAULT_KINDS, HEARTBEAT_DATASTORES_MAX_SPECIFIED, ISOLATION_RESPONSES, RESTART_PRIORITIES, VM_MONITORING_MODES } from '@shared/model/clusterServices';
import type { VmFields } from '@shared/model/vmHardware';
import { VM_DEFAULTS, mergeFields } from '../cluster/index';
import { SCENARIO_MAX_AT_MS } from '../params';

/** `object` → the template schema, array → a list of the explicit schema. */
function countOrList<A, B>(template: Schema<A>, item: Schema<B>, maxItems: number): Schema<A | B[]> {
  const list = s.array(item, { max: maxItems });
  return {
    describe: `${template.describe}|${item.describe}[]`,
    check: (v, p) => (Array.isArray(v) ? list.check(v, p) : template.check(v, p)),
  };
}

/** `schema`, then a rule across its fields once its shape is right (the rule sees a well-formed value). */
function withRule<T>(schema: Schema<T>, rule: (value: T, path: string) => Problem | null): Schema<T> {
  return { describe: schema.describe, check: (v, p) => schema.check(v, p) ?? rule(v as T, p) };
}

/** A duration (`@shared/model/duration`): a number of seconds, or a string like `500ms`, `30s`, `2m`, `1.5h`, `1d`. */
export { durationMs };

/** Both forms of a duration share one bound (SCENARIO_MAX_AT_MS: one year of virtual time). */
export const durationSchema: Schema<number | string> = {
  describe: 'duration',
  check: (v, p) => {
    const tooLong = { field: p, message: `must be at most ${SCENARIO_MAX_AT_MS / 86_400_000} days (${SCENARIO_MAX_AT_MS / 1000} seconds)` };
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || v < 0) return { field: p, message: 'must be a number of seconds ≥ 0' };
      return durationMs(v) <= SCENARIO_MAX_AT_MS ? null : tooLong;
    }
    if (typeof v === 'string') {
      if (Number.isNaN(durationMs(v))) return { field: p, message: 'expected a duration like 500ms, 30s, 2m, 1h or a number of seconds' };
      return durationMs(v) <= SCENARIO_MAX_AT_MS ? null : tooLong;
    }
    return { field: p, message: 'expected a duration (number of seconds or a string like 30s)' };
  },
};

const hostFields = {
  vendor: s.optional(s.name({ max: 80 })),
  model: s.optional(s.name({ max: 80 })),
  cpuModel: s.optional(s.name({ max: 120 })),
  sockets: s.optional(s.int({ min: 1, max: 8 })),
  coresPerSocket: s.optional(s.int({ min: 1, max: 128 })),
  threadsPerCore: s.optional(s.int({ min: 1, max: 2 })),
  /** Simulated clock of the host's CPUs (MHz). Low clocks keep busy labs at 1× real time. */
  cpuMhz: s.optional(s.int({ min: 1, max: 10_000 })),
  memoryGiB: s.optional(s.number({ min: 0.25, max: 65536 })),
  maintenance: s.optional(s.bool()),
  /** The CPUs have hardware virtualization assist (VT-x/AMD-V); false = a host that cannot run `hw` VMs (default true). */
  hardwareAssist: s.optional(s.bool()),
  /** Memory-overcommitment settings changed from the defaults (page sharing rates, salting, cache, idle tax). */
  memoryReclamation: s.optional(memReclamationSchema),
};

export const hostTemplateSchema = s.object({ count: s.int({ min: 0, max: 1000 }), ...hostFields });
export const hostSpecSchema = s.object({ name: s.name({ max: 80 }), ...hostFields });

/** Every VM setting, with the limits every layer shares (@shared/model/vmLimits). */
const vmFields = optionalSettings([
  'vcpus', 'memoryMiB', 'guestOs', 'monitor', 'paging', 'pageTableLevels', 'workload', 'workloadParams', 'diskGiB',
  'cpuShares', 'cpuReservationMhz', 'cpuLimitMhz', 'cpuHotAddEnabled', 'memoryHotAddEnabled',
]);

export const vmTemplateSchema = s.object({
  count: s.int({ min: 0, max: 100_000 }),
  /** Name prefix; VMs are named `<host name>_VM<n>` when absent, `<prefix><vm number>` otherwise. */
  namePrefix: s.optional(s.name({ max: 60 })),
  powerOn: s.optional(s.bool()),
  ...vmFields,
});

export const vmSpecEntrySchema = s.object({
  name: s.name({ max: 80 }),
  host: s.name({ max: 80 }),
  fromTemplate: s.optional(s.name({ max: 80 })),
  powerOn: s.optional(s.bool()),
  ...vmFields,
});

export const templateSpecSchema = s.object({
  name: s.name({ max: 80 }),
  host: s.optional(s.name({ max: 80 })),
  ...vmFields,
});

export const ACTION_KINDS = [
  'powerOn', 'powerOff', 'suspend', 'reset', 'shutdownGuest', 'rebootGuest', 'snapshot', 'revert',
  'removeSnapshot', 'removeAllSnapshots', 'reconfigure', 'enterMaintenance', 'exitMaintenance',
  'injectFault', 'repairFault', 'runDrs', 'migrate',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const actionSchema = withRule(s.object({
  at: durationSchema,
  do: s.oneOf(ACTION_KINDS),
  vm: s.optional(s.name({ max: 80 })),
  vms: s.optional(s.array(s.name({ max: 80 }), { min: 1, max: 10_000 })),
  host: s.optional(s.name({ max: 80 })),
  /** Snapshot name (snapshot, revert, removeSnapshot). */
  snapshot: s.optional(s.name({ max: 80 })),
  description: s.optional(s.text({ max: 1024 })),
  memory: s.optional(s.bool()),
  changes: s.optional(vmChangesSchema),
  /** injectFault / repairFault: which failure (hostCrash, hostIsolation: `host`; vmCrash: `vm`; datastoreInaccessible: `datastore`). */
  fault: s.optional(s.oneOf(FAULT_KINDS)),
  datastore: s.optional(s.string({ min: 1, max: 80 })),
  /** runDrs: the cluster. */
  cluster: s.optional(s.string({ min: 1, max: 80 })),
  /** migrate: the destination host's name, and the technique options (`vm.migrate`'s; docs/migration.md). */
  to: s.optional(s.string({ min: 1, max: 80 })),
  options: s.optional(migrationOptionsSchema),
}), (a, p) => {
  // Only a change that sets both halves of a rule is wrong by itself; one that sets either is checked
  // against the VM when it runs.
  const ch = a.changes;
  const problem = ch?.monitor !== undefined && ch.paging !== undefined ? pagingProblem(ch.monitor, ch.paging) : undefined;
  if (problem) return { field: `${p}.changes.paging`, message: problem };
  const alloc = ch?.cpuReservationMhz !== undefined && ch.cpuLimitMhz !== undefined ? cpuAllocationProblem({ cpuReservationMhz: ch.cpuReservationMhz, cpuLimitMhz: ch.cpuLimitMhz }) : undefined;
  return alloc ? { field: `${p}.changes.cpuLimitMhz`, message: alloc } : null;
});

/** A cluster's HA settings in a scenario: dedicated failover hosts and heartbeat datastores by name. */
const scenarioHaSettingsSchema = haSettingsSchema(
  { failoverHosts: s.optional(s.array(s.string({ min: 1, max: 80 }), { max: 64 })) },
  { datastores: s.optional(s.array(s.string({ min: 1, max: 80 }), { max: HEARTBEAT_DATASTORES_MAX_SPECIFIED })) },
);

export const drsSettingsSchema = s.object({
  automationLevel: s.optional(s.oneOf(DRS_AUTOMATION_LEVELS)),
  migrationThreshold: s.optional(s.int({ min: 1, max: 5 })),
  periodS: s.optional(s.int({ min: 10, max: 86_400 })),
});

/** vSphere DPM settings (off where absent; runs with DRS's passes). */
export const dpmSettingsSchema = s.object({
  automationLevel: s.optional(s.oneOf(DPM_AUTOMATION_LEVELS)),
  threshold: s.optional(s.int({ min: 1, max: 5 })),
});

/**
 * Alarm definitions a scenario changes (vSphere's defaults where absent): enable or disable, thresholds
 * and duration, held to the same rules as `alarm.updateDefinition`.
 */
const alarmSettingSchema = withRule(s.object({
  alarm: s.oneOf(ALARM_KEYS),
  enabled: s.optional(s.bool()),
  warning: s.optional(s.number({ min: 0, max: 100 })),
  critical: s.optional(s.number({ min: 0, max: 100 })),
  durationS: s.optional(s.int({ min: 0, max: 86_400 })),
}), (a, p) => {
  const problem = definitionChangeProblem(ALARM_DEFINITIONS[a.alarm], a, ALARM_DEFINITIONS[a.alarm].defaults);
  return problem ? { field: `${p}.${problem.field}`, message: problem.message } : null;
});

/**
 * A resource pool of a cluster in a scenario: its CPU settings (`resourcePool.create`'s), the pool it sits
 * in by name (`parent`, an earlier entry of the same cluster; absent = the root pool) and the VMs it holds
 * by name. Names are unique within the cluster's list, so `parent` is never ambiguous.
 */
const scenarioPoolSchema = s.object({
  name: s.name({ max: POOL_LIMITS.nameMax }),
  parent: s.optional(s.name({ max: POOL_LIMITS.nameMax })),
  cpuShareLevel: s.optional(s.oneOf(POOL_SHARE_LEVELS)),
  cpuShares: s.optional(s.int(POOL_LIMITS.cpuShares)),
  cpuReservationMhz: s.optional(s.int(POOL_LIMITS.cpuReservationMhz)),
  cpuLimitMhz: s.optional(s.int(POOL_LIMITS.cpuLimitMhz)),
  cpuExpandableReservation: s.optional(s.bool()),
  vms: s.optional(s.array(s.name({ max: 80 }), { max: 100_000 })),
});

const vmsPerHostSchema = countOrList(vmTemplateSchema, vmTemplateSchema, 32);
const hostsSchema = countOrList(hostTemplateSchema, hostSpecSchema, 1000);

const datacenterShape = s.object({
  name: s.optional(s.name({ max: 80 })),
  clusters: s.optional(s.array(s.object({
    name: s.optional(s.name({ max: 80 })),
    drs: s.optional(s.bool()),
    ha: s.optional(s.bool()),
    /** vSphere Availability settings (vSphere's defaults where absent). */
    haSettings: s.optional(scenarioHaSettingsSchema),
    /** VM Overrides: restart priority by VM name. */
    haVmOverrides: s.optional(s.array(s.object({ vm: s.string({ min: 1, max: 80 }), restartPriority: s.oneOf(RESTART_PRIORITIES) }), { max: 100_000 })),
    /** vSphere DRS settings (vSphere's defaults where absent). */
    drsSettings: s.optional(drsSettingsSchema),
    dpmSettings: s.optional(dpmSettingsSchema),
    hosts: hostsSchema,
    /** VMs per host (one group or several). */
    vmsPerHost: s.optional(vmsPerHostSchema),
    /** Resource pools, a parent before its children (`lab/scenarioPools.ts`). */
    resourcePools: s.optional(s.array(scenarioPoolSchema, { max: 1000 })),
  }), { max: 100 })),
  /** Shared datastores every host of the datacenter mounts (`<dc>_datastore1` … N; default 1). VM disks go on the first. */
  datastores: s.optional(s.int({ min: 1, max: 8 })),
  /** Standalone hosts (not in a cluster). */
  hosts: s.optional(hostsSchema),
  vmsPerHost: s.optional(vmsPerHostSchema),
  templates: s.optional(s.array(templateSpecSchema, { max: 1000 })),
  vms: s.optional(s.array(vmSpecEntrySchema, { max: 100_000 })),
});
type DatacenterShape = Infer<typeof datacenterShape>;

/**
 * The rules across a VM's settings, on every VM and template of a datacenter as the inventory will build
 * it: a VM deployed from a template inherits what it does not set (an unknown template is model.ts's to
 * report), and defaults fill the rest. Monitor and paging must make a valid pair (at `.paging`); a CPU
 * limit must be at least the reservation (at `.cpuLimitMhz`, or `.cpuReservationMhz` when only that is set).
 */
function datacenterVmRuleProblem(dc: DatacenterShape, path: string): Problem | null {
  const entries: [VmFields, string][] = [];
  const groups = (g: VmTemplate | VmTemplate[] | undefined, at: string) => {
    if (Array.isArray(g)) g.forEach((x, j) => entries.push([x, `${at}[${j}]`]));
    else if (g) entries.push([g, at]);
  };
  (dc.clusters ?? []).forEach((c, i) => groups(c.vmsPerHost, `${path}.clusters[${i}].vmsPerHost`));
  groups(dc.vmsPerHost, `${path}.vmsPerHost`);
  (dc.templates ?? []).forEach((t, i) => entries.push([t, `${path}.templates[${i}]`]));
  (dc.vms ?? []).forEach((v, i) => {
    const t = (v.fromTemplate !== undefined ? dc.templates?.find((x) => x.name === v.fromTemplate) : undefined) ?? {};
    entries.push([mergeFields(t, v), `${path}.vms[${i}]`]);
  });
  for (const [f, at] of entries) {
    const problem = pagingProblem(f.monitor ?? VM_DEFAULTS.monitor, f.paging ?? VM_DEFAULTS.paging);
    if (problem) return { field: `${at}.paging`, message: problem };
    const alloc = cpuAllocationProblem({ cpuReservationMhz: f.cpuReservationMhz ?? VM_DEFAULTS.cpuReservationMhz, cpuLimitMhz: f.cpuLimitMhz ?? VM_DEFAULTS.cpuLimitMhz });
    if (alloc) return { field: `${at}.${f.cpuLimitMhz !== undefined ? 'cpuLimitMhz' : 'cpuReservationMhz'}`, message: alloc };
  }
  return null;
}

const datacenterSchema = withRule(datacenterShape, datacenterVmRuleProblem);

export const scenarioSchema = s.object({
  /** Format version of the scenario file itself. */
  version: s.literal(1),
  name: s.string({ min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9_-]*$/ }),
  title: s.name({ max: 120 }),
  description: s.optional(s.text({ max: 2000 })),
  datacenters: s.array(datacenterSchema, { min: 1, max: 16 }),
  /** Alarm definitions changed from vSphere's defaults (Configure › Alarm Definitions). */
  alarms: s.optional(s.array(alarmSettingSchema, { max: ALARM_KEYS.length })),
  /** Timed actions, run in `at` order (ties in file order) through the same commands a user sends. */
  actions: s.optional(s.array(actionSchema, { max: 10_000 })),
});

export type Scenario = Infer<typeof scenarioSchema>;
export type HostTemplate = Infer<typeof hostTemplateSchema>;
export type HostSpec = Infer<typeof hostSpecSchema>;
export type VmTemplate = Infer<typeof vmTemplateSchema>;
export type VmSpecEntry = Infer<typeof vmSpecEntrySchema>;
export type TemplateSpec = Infer<typeof templateSpecSchema>;
export type ScenarioAction = Infer<typeof actionSchema>;
export type DatacenterSpec = Scenario['datacenters'][number];
export type ScenarioPool = Infer<typeof scenarioPoolSchema>;
