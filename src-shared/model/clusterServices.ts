/**
 * clusterServices — the cluster services' settings and state as the contract carries them: vSphere HA
 * (host monitoring, restart priorities, isolation response, VM monitoring, admission control), DRS
 * (automation level, migration threshold, recommendations) and the lab's injected faults.
 *
 * - `HaSettings`, `DrsSettings`: what Configure › Services › vSphere Availability / vSphere DRS edit
 *   (`HA_DEFAULTS`, `DRS_DEFAULTS` are vSphere's defaults); `haSettingsProblem` / `drsSettingsProblem`
 *   check the rules that span fields (a message in the user's words and the field it names).
 * - `DpmSettings` (vSphere DPM: off / manual / automatic, threshold 1–5; `DPM_DEFAULTS`) and
 *   `DpmRecommendationDto` (a host to put into standby, with the VMs to evacuate, or to wake, and why).
 * - `PowerOnPlacementDto`: DRS initial placement — the hosts a powered-off VM could power on, best first.
 * - `RESTART_PRIORITY_RANK`: the order HA restarts VMs in (highest first; `disabled` is never restarted).
 * - `ClusterServicesDto`: one cluster's services as Summary / Monitor show them: DRS imbalance and
 *   recommendations, HA state (failover capacity, protected VMs, restarts with their downtime).
 * - `FAULT_KINDS`: what the lab can inject (lab-only, not a vSphere operation).
 * - `HEARTBEAT_DATASTORE_POLICIES`, `HeartbeatDatastoreSettings`, `HeartbeatDto`: vSphere HA's datastore
 *   heartbeating (which datastores, and per host whether its heartbeat is seen there).
 *
 * Rule: plain, structured-clone-safe data; the engine's services (`engine/services/`) compute the state.
 */
import type { DatastoreId, HostId, TaskId, VmId } from './ids';

export const RESTART_PRIORITIES = ['disabled', 'lowest', 'low', 'medium', 'high', 'highest'] as const;
export type RestartPriority = (typeof RESTART_PRIORITIES)[number];
/** Higher restarts first (vSphere 6.5+: highest, high, medium, low, lowest; disabled never). */
export const RESTART_PRIORITY_RANK: Record<RestartPriority, number> = {
  disabled: 0, lowest: 1, low: 2, medium: 3, high: 4, highest: 5,
};

/** Host isolation response (vSphere Availability › Failures and responses). */
export const ISOLATION_RESPONSES = ['disabled', 'powerOffAndRestart', 'shutdownAndRestart'] as const;
export type IsolationResponse = (typeof ISOLATION_RESPONSES)[number];

export const VM_MONITORING_MODES = ['disabled', 'vmMonitoringOnly'] as const;
export type VmMonitoringMode = (typeof VM_MONITORING_MODES)[number];

/** Admission control policies (vSphere Availability › Admission Control). */
export const ADMISSION_POLICIES = ['disabled', 'clusterResourcePercentage', 'slotPolicy', 'dedicatedFailoverHosts'] as const;
export type AdmissionPolicy = (typeof ADMISSION_POLICIES)[number];

export interface AdmissionControlSettings {
  policy: AdmissionPolicy;
  /** "Host failures cluster tolerates" (default 1). */
  hostFailuresToTolerate: number;
  /**
   * Cluster resource percentage: reserved failover CPU and memory in percent; absent = computed from
   * the host failures to tolerate (vSphere 6.5+ default: the share of the largest hosts).
   */
  cpuFailoverPercent?: number;
  memFailoverPercent?: number;
  /** Dedicated failover hosts: they take no VM power-on but HA restarts. */
  failoverHostIds: HostId[];
}

/**
 * Heartbeat datastore selection policy (vSphere Availability › Heartbeat Datastores), vSphere's API names:
 * `allFeasibleDs` "Automatically select datastores accessible from the hosts", `userSelectedDs` "Use
 * datastores only from the specified list", `allFeasibleDsWithUserPreference` "Use datastores from the
 * specified list and complement automatically if needed".
 */
export const HEARTBEAT_DATASTORE_POLICIES = ['allFeasibleDs', 'userSelectedDs', 'allFeasibleDsWithUserPreference'] as const;
export type HeartbeatDatastorePolicy = (typeof HEARTBEAT_DATASTORE_POLICIES)[number];
/** Heartbeat datastores HA uses per cluster (vSphere's default das.heartbeatDsPerHost = 2); at most 5 may be specified. */
export const HEARTBEAT_DATASTORES_PER_CLUSTER = 2;
export const HEARTBEAT_DATASTORES_MAX_SPECIFIED = 5;

export interface HeartbeatDatastoreSettings {
  policy: HeartbeatDatastorePolicy;
  /** The specified list (used by the two policies that name datastores). */
  datastoreIds: DatastoreId[];
}

export interface HaSettings {
  hostMonitoring: boolean;
  defaultRestartPriority: RestartPriority;
  isolationResponse: IsolationResponse;
  vmMonitoring: VmMonitoringMode;
  /** Seconds without guest heartbeats before VM monitoring resets the VM (vSphere "high": 30 s). */
  vmMonitoringFailureIntervalS: number;
  admissionControl: AdmissionControlSettings;
  /** VM Overrides: restart priority per VM. */
  restartPriorityOverrides: Partial<Record<VmId, RestartPriority>>;
  heartbeatDatastores: HeartbeatDatastoreSettings;
}

/**
 * A DRS rule (Configure › VM/Host Rules): keep VMs together, separate them, or VMs to hosts (run /
 * must not run on the group; `mandatory`: "must" — a hard rule for DRS and HA — else "should": a rule
 * DRS keeps and HA breaks when it has to).
 */
export const AFFINITY_RULE_KINDS = ['keepTogether', 'separate', 'vmToHosts', 'vmNotToHosts'] as const;
export type AffinityRuleKind = (typeof AFFINITY_RULE_KINDS)[number];
export interface AffinityRule {
  name: string;
  kind: AffinityRuleKind;
  vmIds: VmId[];
  hostIds: HostId[];
  mandatory: boolean;
}

export const DRS_AUTOMATION_LEVELS = ['manual', 'partiallyAutomated', 'fullyAutomated'] as const;
export type DrsAutomationLevel = (typeof DRS_AUTOMATION_LEVELS)[number];

export interface DrsSettings {
  automationLevel: DrsAutomationLevel;
  /** 1 (conservative: mandatory moves only) … 5 (aggressive); default 3. */
  migrationThreshold: number;
  /** Virtual seconds between DRS passes (vSphere: 300). */
  periodS: number;
  rules: AffinityRule[];
}

export const DPM_AUTOMATION_LEVELS = ['off', 'manual', 'automatic'] as const;
export type DpmAutomationLevel = (typeof DPM_AUTOMATION_LEVELS)[number];

/** vSphere DPM (Distributed Power Management): part of DRS; it runs with DRS's passes. */
export interface DpmSettings {
  automationLevel: DpmAutomationLevel;
  /** 1 (conservative: only the power-ons HA needs) … 5 (aggressive); default 3, as vSphere's. */
  threshold: number;
}

export const DPM_DEFAULTS: DpmSettings = { automationLevel: 'off', threshold: 3 };

export interface DpmRecommendationDto {
  id: number;
  kind: 'powerOff' | 'powerOn';
  hostId: HostId;
  hostName: string;
  /** 1 (HA needs it) … 5 (a slight saving); applied automatically when ≤ the threshold. */
  priority: number;
  reason: string;
  /** Power-off: where each running VM of the host goes (live migrations) before it enters standby. */
  evacuations: { vmId: VmId; toHostId: HostId }[];
  /** The cluster's utilisation (demand ÷ capacity of the powered-on hosts, dominant resource) now and after. */
  utilizationBefore: number;
  utilizationAfter: number;
  createdAtMs: number;
  outcome?: 'applied' | 'dismissed' | 'refused';
  outcomeMessage?: string;
  /** The task that carried it out (an Apply placement plan with standby, or an Exit Standby Mode). */
  taskId?: TaskId;
}

export interface DpmStateDto {
  lastRunMs?: number;
  utilization: number;
  /** The target range: above `high` DPM wakes a host, a power-off must keep the rest at or under it. */
  low: number;
  high: number;
  standbyHostIds: HostId[];
  recommendations: DpmRecommendationDto[];
  history: DpmRecommendationDto[];
}

/** A host DRS would power a VM on (initial placement), best first: what the Power On dialog lists in manual mode. */
export interface PowerOnRecommendationDto {
  hostId: HostId;
  hostName: string;
  /** 1 = the host DRS picks (fully and partially automated place the VM there by themselves). */
  rank: number;
  /** Host load standard deviation once the VM runs there, and that host's load. */
  imbalanceAfter: number;
  hostLoadAfter: number;
  reason: string;
}

export interface PowerOnPlacementDto {
  vmId: VmId;
  automationLevel: DrsAutomationLevel;
  /** DRS is on in the VM's cluster: otherwise the VM powers on where it is registered, and the list is empty. */
  drsEnabled: boolean;
  recommendations: PowerOnRecommendationDto[];
  /** Hosts of the cluster left out, and why (no room, a rule, not usable). */
  excluded: { hostId: HostId; hostName: string; reason: string }[];
}

export const HA_DEFAULTS: HaSettings = {
  hostMonitoring: true, defaultRestartPriority: 'medium', isolationResponse: 'disabled', vmMonitoring: 'disabled',
  vmMonitoringFailureIntervalS: 30,
  admissionControl: { policy: 'clusterResourcePercentage', hostFailuresToTolerate: 1, failoverHostIds: [] },
  restartPriorityOverrides: {},
  heartbeatDatastores: { policy: 'allFeasibleDs', datastoreIds: [] },
};

export const DRS_DEFAULTS: DrsSettings = { automationLevel: 'fullyAutomated', migrationThreshold: 3, periodS: 300, rules: [] };

export function defaultHaSettings(): HaSettings {
  return {
    ...HA_DEFAULTS, admissionControl: { ...HA_DEFAULTS.admissionControl, failoverHostIds: [] }, restartPriorityOverrides: {},
    heartbeatDatastores: { ...HA_DEFAULTS.heartbeatDatastores, datastoreIds: [] },
  };
}

export function defaultDrsSettings(): DrsSettings {
  return { ...DRS_DEFAULTS, rules: [] };
}

/** The rules across HA's fields, against the cluster's hosts; the field named is under `ha`. */
export function haSettingsProblem(ha: HaSettings, clusterHostIds: readonly HostId[]): { field: string; message: string } | undefined {
  const ac = ha.admissionControl;
  if (ac.policy !== 'disabled' && ac.policy !== 'dedicatedFailoverHosts' && ac.hostFailuresToTolerate >= clusterHostIds.length) {
    return { field: 'admissionControl.hostFailuresToTolerate', message: `A cluster of ${clusterHostIds.length} host(s) can tolerate at most ${Math.max(0, clusterHostIds.length - 1)} host failure(s).` };
  }
  if (ac.policy === 'dedicatedFailoverHosts') {
    if (ac.failoverHostIds.length === 0) return { field: 'admissionControl.failoverHostIds', message: 'Choose at least one failover host.' };
    const bad = ac.failoverHostIds.findIndex((h) => !clusterHostIds.includes(h));
    if (bad >= 0) return { field: `admissionControl.failoverHostIds[${bad}]`, message: `Host ${ac.failoverHostIds[bad]} is not in this cluster.` };
    if (ac.failoverHostIds.length >= clusterHostIds.length) return { field: 'admissionControl.failoverHostIds', message: 'At least one host must remain to run virtual machines.' };
  }
  return undefined;
}

export interface DrsRecommendationDto {
  id: number;
  vmId: VmId;
  vmName: string;
  fromHostId: HostId;
  toHostId: HostId;
  /** 1 (mandatory) … 5 (slight improvement): vSphere's stars are 6 − priority. */
  priority: number;
  reason: string;
  /** Host load standard deviation before and after the move. */
  imbalanceBefore: number;
  imbalanceAfter: number;
  createdAtMs: number;
  /** Set when it was applied (or applying it was refused). */
  outcome?: 'applied' | 'dismissed' | 'refused';
  outcomeMessage?: string;
}

export interface HaRestartDto {
  vmId: VmId;
  vmName: string;
  priority: RestartPriority;
  fromHostId: HostId;
  toHostId?: HostId;
  /** When the VM stopped (the host's failure, or the isolation response). */
  stoppedAtMs: number;
  restartedAtMs?: number;
  /** restartedAtMs − stoppedAtMs, when restarted. */
  downtimeMs?: number;
  state: 'waiting' | 'restarting' | 'restarted' | 'failed';
  /** Why it failed, or why the last attempt failed while it waits for a retry. */
  reason?: string;
  /** Attempts that failed so far (absent: none). */
  failedAttempts?: number;
  /** While waiting after a failed attempt: when HA tries again. */
  retryAtMs?: number;
}

export const FAULT_KINDS = ['hostCrash', 'hostIsolation', 'vmCrash', 'datastoreInaccessible'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultDto {
  kind: FaultKind;
  targetId: HostId | VmId | DatastoreId;
  targetName: string;
  sinceMs: number;
}

export interface HaStateDto {
  enabled: boolean;
  /** Hosts HA sees as failed / isolated (declared after the detection time). */
  failedHostIds: HostId[];
  isolatedHostIds: HostId[];
  /** Powered-on VMs whose restart priority is not disabled. */
  protectedVms: number;
  unprotectedVms: number;
  /** Host failures the cluster's current load tolerates (clusterServices.failover). */
  failoverLevel: number;
  admission: {
    policy: AdmissionPolicy;
    /** Percentage policy: current failover capacity (percent of the cluster's CPU / memory left). */
    currentCpuFailoverPercent?: number;
    currentMemFailoverPercent?: number;
    configuredCpuFailoverPercent?: number;
    configuredMemFailoverPercent?: number;
    /** Slot policy. */
    slotCpuMhz?: number;
    slotMemMiB?: number;
    totalSlots?: number;
    usedSlots?: number;
    availableSlots?: number;
    failoverSlots?: number;
  };
  restarts: HaRestartDto[];
  /** Monitor › vSphere HA › Heartbeat. */
  heartbeat: HeartbeatDto;
  /** Configuration issues and failures to report (Monitor › vSphere HA › Configuration Issues). */
  issues: string[];
}

/** The datastores HA heartbeats through and, per host, whether its heartbeat is seen on one of them. */
export interface HeartbeatDto {
  policy: HeartbeatDatastorePolicy;
  datastores: { datastoreId: DatastoreId; name: string; accessible: boolean; specified: boolean }[];
  hosts: { hostId: HostId; hostName: string; seen: boolean; via: DatastoreId[] }[];
  /** Why fewer than the heartbeat datastores HA wants are in use (a configuration issue), if so. */
  problem?: string;
}

export interface DrsStateDto {
  enabled: boolean;
  /** Current host load standard deviation (vSphere 6.x "LoadImbalanceMetric"). */
  imbalance: number;
  /** The largest standard deviation the migration threshold accepts. */
  targetImbalance: number;
  hostLoads: { hostId: HostId; load: number; cpuLoad: number; memLoad: number }[];
  lastRunMs?: number;
  nextRunMs?: number;
  recommendations: DrsRecommendationDto[];
  /** Recently applied, dismissed or refused recommendations (newest first). */
  history: DrsRecommendationDto[];
  /** Rules the powered-on VMs break where they run now (rule order). */
  ruleViolations: RuleViolationDto[];
}

/** A VM/Host rule the current placement breaks (Monitor › vSphere DRS › Faults; the rule list's status). */
export interface RuleViolationDto {
  ruleName: string;
  kind: AffinityRuleKind;
  mandatory: boolean;
  vmIds: VmId[];
  message: string;
}

export interface ClusterServicesDto {
  clusterId: `cluster-${number}`;
  ha: HaSettings;
  drs: DrsSettings;
  haState: HaStateDto;
  drsState: DrsStateDto;
  dpm: DpmSettings;
  dpmState: DpmStateDto;
  faults: FaultDto[];
}

export interface AvailabilityDesignDto {
  groups: { name: string; unitAvailability: number; units: number; required: number; availability: number }[];
  /** How the groups combine: series (all needed) or parallel (any one suffices). */
  combine: 'series' | 'parallel';
  availability: number;
  /** Two groups in parallel: P(A∪B) = a + b − ab, P(A∩B) = ab (independent failures). */
  union?: { a: number; b: number; both: number };
  downtimeHoursPerYear: number;
  tier: string | null;
  tiers: { tier: string; availability: number; downtimeHoursPerYear: number; description: string }[];
}

export interface ClusterAvailabilityDto {
  hosts: number;
  /** HA's host failures to tolerate (the k of N+k). */
  tolerate: number;
  hostAvailability: number;
  /** P(at most `tolerate` hosts down), independent failures. */
  formula: number;
  formulaDowntimeHoursPerYear: number;
  simulated: number;
  /** 95 % confidence half-width of the simulated figure. */
  halfWidth: number;
  years: number;
  replications: number;
  hostFailures: number;
  /** Mean VM downtime per year from HA restarts (failure detection + restart, as lab-ha measures it). */
  vmRestartDowntimeHoursPerYear: number;
  restartS: number;
  tier: string | null;
}

/**
 * Whether placing `vmId` on `hostId` keeps the rules, given where the other VMs are (`hostOf`);
 * `mandatoryOnly`: only "must" VM–host rules count (HA's restarts; VM–VM rules are always hard here).
 * Returns the broken rule's name, or undefined.
 */
export function ruleBroken(rules: readonly AffinityRule[], vmId: VmId, hostId: HostId, hostOf: (vm: VmId) => HostId | undefined, mandatoryOnly = false): string | undefined {
  for (const r of rules) {
    if (!r.vmIds.includes(vmId)) continue;
    switch (r.kind) {
      case 'separate':
        if (r.vmIds.some((o) => o !== vmId && hostOf(o) === hostId)) return r.name;
        break;
      case 'keepTogether':
        if (r.vmIds.some((o) => o !== vmId && hostOf(o) !== undefined && hostOf(o) !== hostId)) return r.name;
        break;
      case 'vmToHosts':
        if ((r.mandatory || !mandatoryOnly) && !r.hostIds.includes(hostId)) return r.name;
        break;
      case 'vmNotToHosts':
        if ((r.mandatory || !mandatoryOnly) && r.hostIds.includes(hostId)) return r.name;
        break;
    }
  }
  return undefined;
}

/**
 * The rules the current placement breaks: `hostOf` gives the host of each powered-on VM (others are
 * ignored: a powered-off VM breaks nothing), `name` a display name. VMs of a keep-together rule on
 * more than one host; two VMs of a separate rule on one host; a VM of a VMs-to-hosts rule outside the
 * host group, or of a VMs-not-to-hosts rule inside it. Messages in vSphere's words.
 */
export function ruleViolations(rules: readonly AffinityRule[], hostOf: (vm: VmId) => HostId | undefined, name: (id: string) => string): RuleViolationDto[] {
  const out: RuleViolationDto[] = [];
  for (const r of rules) {
    const placed = r.vmIds.filter((v) => hostOf(v) !== undefined);
    const base = { ruleName: r.name, kind: r.kind, mandatory: r.mandatory };
    if (r.kind === 'keepTogether') {
      const hosts = [...new Set(placed.map((v) => hostOf(v)!))];
      if (hosts.length > 1) out.push({ ...base, vmIds: placed, message: `VMs of the affinity rule ${r.name} run on different hosts (${hosts.map(name).join(', ')})` });
    } else if (r.kind === 'separate') {
      const byHost = new Map<HostId, VmId[]>();
      for (const v of placed) byHost.set(hostOf(v)!, [...(byHost.get(hostOf(v)!) ?? []), v]);
      for (const [h, vs] of byHost) {
        if (vs.length > 1) out.push({ ...base, vmIds: vs, message: `${vs.map(name).join(' and ')} are violating the anti-affinity rule ${r.name}: they run on the same host ${name(h)}` });
      }
    } else {
      const inside = r.kind === 'vmToHosts';
      const wrong = placed.filter((v) => r.hostIds.includes(hostOf(v)!) !== inside);
      if (wrong.length) {
        out.push({
          ...base, vmIds: wrong,
          message: `${wrong.map((v) => `${name(v)} (on ${name(hostOf(v)!)})`).join(', ')} ${wrong.length > 1 ? 'are' : 'is'} violating the VM-Host rule ${r.name}: ${r.mandatory ? 'must' : 'should'}${inside ? '' : ' not'} run on ${r.hostIds.map(name).join(', ')}`,
        });
      }
    }
  }
  return out;
}
