/**
 * clusterServices — the lab's cluster services as one barrier service (`cluster.services`): vSphere HA
 * (failure detection, isolation response, restarts by priority, VM monitoring) and DRS (a pass every
 * `periodS` virtual seconds: imbalance, recommendations, applied in fully automated mode), with each
 * cluster's settings. It runs after the tasks at every barrier it is due.
 *
 * - `new ClusterServices(env)`; `settingsOf(clusterId)`; `configure(clusterId, change)` (validated);
 *   `powerOnProblem(vm, initiator)` — admission control (and faults) at power-on; `standbyProblem(host)` —
 *   admission control when a host would enter standby (DPM never powers down a host HA needs); `runDrs(clusterId)`
 *   (Run DRS Now); `applyRecommendation` / `dismissRecommendation`; `dto(clusterId)`.
 * - HA timeline of a host failure (vSphere's): heartbeats stop → after HA_HOST_FAILURE_DETECTION_MS the
 *   host is declared failed (DasHostFailedEvent) → its VMs are planned (`restartPlan.ts`) and restarted
 *   one priority group at a time: a group starts when every VM of the higher groups is powered on or
 *   failed (vSphere's "start next priority VMs when: powered on" condition) → each restart is a
 *   "Power On virtual machine" task by `vSphere HA` (VmRestartedOnAlternateHostEvent when it is on);
 *   a VM that fits nowhere or whose power-on fails is reported (VmFailoverFailed) with the reason.
 *   Downtime per VM = powered on again − stopped.
 * - Failed or isolated (datastore heartbeating, `heartbeat.ts`): a host whose network heartbeats stopped
 *   (a crash or a management network cut) is judged by the master HA_HOST_FAILURE_DETECTION_MS later from
 *   its datastore heartbeats. None seen on the heartbeat datastores → declared failed (DasHostFailedEvent)
 *   and its stopped VMs are restarted. Seen → the master waits: the host is alive but cut off, and at
 *   HA_ISOLATION_DETECTION_MS it declares itself isolated on those datastores (DasHostIsolatedEvent).
 *   A declared-isolated host whose heartbeats vanish later is then declared failed.
 * - Isolation response: the isolated host applies it itself at HA_ISOLATION_DETECTION_MS whatever the
 *   master declared: disabled (VMs keep running there), power off and restart, or shut down and restart
 *   (modelled as a clean immediate stop: the guest's shutdown time is not simulated) — then the VMs
 *   restart as above. The lab's rule for a partitioned host whose heartbeat datastores are inaccessible:
 *   it is declared failed; VMs still running on it are not restarted while they run there (the host
 *   holds their disk locks, so vSphere's restart would fail on the lock; the lab never runs a VM twice);
 *   those its isolation response stops are restarted.
 * - VM monitoring: a powered-on VM whose guest sends no heartbeat (crashed) for the failure interval is
 *   reset by HA (VmDasBeingResetEvent), at most HA_VM_MONITORING_MAX_RESETS per window. The lab's
 *   heartbeat is the guest's run state (running or halted = heartbeating), not a tools daemon in labos.
 * - DRS moves are live migrations requested through the contract's `vm.migrate` command (`migrate`
 *   in the env): with no live migration in the engine build, applying is refused and said so.
 * - DPM (`dpm.ts` decides) runs after each DRS pass when DRS is on, and at once when HA declares a host
 *   failed or admission control refuses a power-on: it wakes a standby host (Exit Standby Mode, initiator
 *   vSphere DPM) or empties a host by live migration and puts it into standby (one Apply placement plan
 *   task with standby); automatic applies its one decision per pass, manual lists it with DRS's
 *   recommendations (`cluster.drs.apply` / `dismiss` act on either). Every decision has its reason in
 *   words, in the recommendation and in the event (DrsEnteringStandbyModeEvent, DrsExitingStandbyModeEvent).
 *   DPM never powers down a host HA admission control needs (`standbyProblem`) nor one whose VMs would
 *   push the others above the target range, which is what DRS would need.
 *
 * - DRS initial placement (`placeForPowerOn`, `powerOnPlacement`): a powered-off VM powered on through the
 *   contract in a DRS cluster goes, fully or partially automated, to the host that leaves the cluster best
 *   balanced (the lowest host-load standard deviation with the VM added at its configured size: all its vCPUs
 *   busy, its memory and overhead, as it has no measured demand yet), among hosts with room for its memory and
 *   CPU reservation that break no *must* rule (hosts breaking a *should* rule rank last); manual mode powers it
 *   on where it is registered unless the request names a host, and lists the ranked hosts on request.
 *
 * Rules: deterministic (registry order, virtual time only); the state (settings, restart records,
 * recommendations) is plain and saved with the lab; HA restarts bypass admission control (as vSphere's
 * do), user power-ons do not.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { ClusterId, HostId, TaskId, VmId } from '@shared/model/ids';
import type {
  ClusterServicesDto, DpmRecommendationDto, DpmSettings, PowerOnPlacementDto, PowerOnRecommendationDto, DrsRecommendationDto, DrsSettings, HaRestartDto, HaSettings, RestartPriority,
} from '@shared/model/clusterServices';
import { DPM_DEFAULTS, RESTART_PRIORITY_RANK, defaultDrsSettings, defaultHaSettings, haSettingsProblem, ruleBroken, ruleViolations } from '@shared/model/clusterServices';
import { isTaskFinished } from '@shared/model/task';
import type { Cluster, Host, Vm } from '../cluster/index';
import type { OpContext } from '../lab/index';
import type { BarrierService } from '../sim/index';
import { startPowerOp } from '../vm/index';
import { startExitStandby } from '../cluster/index';
import { startApplyPlan } from '../placement/index';
import { vmOverheadFrames } from '../metrics/index';
import {
  DPM_EVACUATION_CONCURRENCY, DPM_MAX_HISTORY, DRS_MAX_HISTORY, DRS_MAX_MOVES_PER_PASS, HA_HOST_FAILURE_DETECTION_MS, HA_ISOLATION_DETECTION_MS, HA_MAX_RESTART_RECORDS, HA_RESTART_MAX_RETRIES, HA_RESTART_RETRY_DELAYS_MS,
  HA_SCAN_PERIOD_MS, HA_VM_MONITORING_MAX_RESETS, HA_VM_MONITORING_RESET_WINDOW_MS, PAGE_SIZE_BYTES,
} from '../params';
import { activeFaults, faultPowerOnProblem, stopVmHard } from './faults';
import { admissionProblem, admissionState, standbyAdmissionProblem, capacityView, failoverLevel, hostCapacity, hostUsable } from './admission';
import { planRestarts } from './restartPlan';
import { heartbeatDatastores, heartbeatDto, heartbeatProblem, heartbeatSeen } from './heartbeat';
import type { RestartCandidate, RestartHost } from './restartPlan';
import { hostLoads, imbalance, recommendMoves, targetImbalance } from './drsBalance';
import type { DrsHost, DrsVm } from './drsBalance';
import { DPM_HIGH, DPM_LOW, clusterUtilization, dpmEvaluate } from './dpm';
import type { DpmDecision, DpmHost } from './dpm';

/** The initiator HA's and DRS's tasks carry (vSphere shows "vSphere HA" / "vSphere DRS" as the initiator). */
export const HA_INITIATOR = 'vSphere HA';
export const DRS_INITIATOR = 'vSphere DRS';
export const DPM_INITIATOR = 'vSphere DPM';

/** A utilisation as shown and saved: 3 decimals, and no host powered on (demand over no capacity) shown as 1000 (100,000 %). */
function utilizationFigure(x: number): number {
  return Math.round(Math.min(x, 1000) * 1000) / 1000;
}

export interface ClusterServicesEnv {
  readonly ops: OpContext;
  /** The VM's latest real-time counter sample (measured demand), if any. */
  latestSample(id: string): Record<string, number> | undefined;
  /** Requests a live migration through the contract's `vm.migrate`; the error when refused. */
  migrate(vmId: VmId, hostId: HostId, initiator: string): ApiError | undefined;
}

interface ClusterState {
  ha: HaSettings;
  drs: DrsSettings;
  /** Hosts HA has declared failed or isolated, with when; `responded`: the isolation response ran (absent: not yet). */
  declared: { hostId: HostId; kind: 'failed' | 'isolated'; atMs: number; responded?: boolean }[];
  restarts: HaRestartDto[];
  /** VM monitoring: when each VM's heartbeats stopped, and the times HA reset it. */
  silent: { vmId: VmId; sinceMs: number }[];
  resets: { vmId: VmId; atMs: number }[];
  drsLastRunMs?: number;
  drsNextRunMs: number;
  recommendations: DrsRecommendationDto[];
  history: DrsRecommendationDto[];
  /** DPM (absent in labs saved before it: off, nothing pending). */
  dpm: DpmSettings;
  dpmLastRunMs?: number;
  dpmRecommendations: DpmRecommendationDto[];
  dpmHistory: DpmRecommendationDto[];
}

export interface ClusterServicesState { clusters: [ClusterId, ClusterState][]; nextRecommendationId: number; nextScanMs: number }

export interface ConfigureChange {
  haEnabled?: boolean;
  drsEnabled?: boolean;
  ha?: Partial<Omit<HaSettings, 'admissionControl' | 'restartPriorityOverrides' | 'heartbeatDatastores'>> & {
    admissionControl?: Partial<HaSettings['admissionControl']>;
    heartbeatDatastores?: Partial<HaSettings['heartbeatDatastores']>;
  };
  restartPriorityOverrides?: { vmId: VmId; priority: RestartPriority | null }[];
  drs?: Partial<DrsSettings>;
  dpm?: Partial<DpmSettings>;
}

export class ClusterServices implements BarrierService<ClusterServicesState> {
  readonly name = 'cluster.services';
  readonly stateOptional = true;
  private clusters = new Map<ClusterId, ClusterState>();
  private nextRecommendationId = 1;
  private nextScanMs = 0;

  constructor(private readonly env: ClusterServicesEnv) {}

  private get ctx(): OpContext { return this.env.ops; }

  /** A cluster's state, created with vSphere's defaults (and any settings `init` gives) on first use. */
  private stateOf(clusterId: ClusterId): ClusterState {
    let st = this.clusters.get(clusterId);
    if (!st) {
      st = {
        ha: defaultHaSettings(), drs: defaultDrsSettings(), declared: [], restarts: [], silent: [], resets: [], drsNextRunMs: 0, recommendations: [], history: [],
        dpm: { ...DPM_DEFAULTS }, dpmRecommendations: [], dpmHistory: [],
      };
      st.drsNextRunMs = this.ctx.nowMs() + st.drs.periodS * 1000;
      this.clusters.set(clusterId, st);
    }
    return st;
  }

  /** Settings from a scenario (before the lab runs). */
  init(clusterId: ClusterId, ha?: Partial<HaSettings>, drs?: Partial<DrsSettings>, dpm?: Partial<DpmSettings>): void {
    const st = this.stateOf(clusterId);
    if (dpm) st.dpm = { ...st.dpm, ...dpm };
    if (ha) {
      st.ha = {
        ...st.ha, ...ha, admissionControl: { ...st.ha.admissionControl, ...(ha.admissionControl ?? {}) }, restartPriorityOverrides: { ...(ha.restartPriorityOverrides ?? {}) },
        heartbeatDatastores: { ...st.ha.heartbeatDatastores, ...(ha.heartbeatDatastores ?? {}) },
      };
    }
    if (drs) { st.drs = { ...st.drs, ...drs }; st.drsNextRunMs = this.ctx.nowMs() + st.drs.periodS * 1000; }
  }

  /** Whether HA has declared a host failed or isolated (the `vSphere HA host status` alarm). */
  declaredOf(hostId: HostId): 'failed' | 'isolated' | undefined {
    // a plain loop: the alarms ask for every host at every barrier
    for (const st of this.clusters.values()) {
      for (const d of st.declared) if (d.hostId === hostId) return d.kind;
    }
    return undefined;
  }

  settingsOf(clusterId: ClusterId): { ha: HaSettings; drs: DrsSettings; dpm: DpmSettings } {
    const st = this.stateOf(clusterId);
    return { ha: st.ha, drs: st.drs, dpm: st.dpm };
  }

  private cluster(clusterId: ClusterId): Cluster | undefined {
    return this.ctx.reg.clusters.get(clusterId);
  }

  private hostsOf(clusterId: ClusterId): Host[] {
    const out: Host[] = [];
    for (const h of this.ctx.reg.hosts.values()) if (h.clusterId === clusterId) out.push(h);
    return out;
  }

  private clusterOfVm(vm: Vm): Cluster | undefined {
    const h = vm.hostId ? this.ctx.reg.hosts.get(vm.hostId) : undefined;
    return h?.clusterId ? this.cluster(h.clusterId) : undefined;
  }

  priorityOf(st: ClusterState, vmId: VmId): RestartPriority {
    return st.ha.restartPriorityOverrides[vmId] ?? st.ha.defaultRestartPriority;
  }

  /** Cluster › Configure: validated; nothing changes on an error (the field is under `params`). */
  configure(clusterId: ClusterId, change: ConfigureChange): { ok: true } | { error: ApiError } {
    const cluster = this.cluster(clusterId);
    if (!cluster) return { error: apiError('E_NOT_FOUND', `no cluster ${clusterId}`, 'params.clusterId') };
    const st = this.stateOf(clusterId);
    const ha: HaSettings = {
      ...st.ha, ...(change.ha ?? {}),
      admissionControl: { ...st.ha.admissionControl, ...(change.ha?.admissionControl ?? {}) },
      restartPriorityOverrides: { ...st.ha.restartPriorityOverrides },
      heartbeatDatastores: { ...st.ha.heartbeatDatastores, ...(change.ha?.heartbeatDatastores ?? {}) },
    };
    for (const [i, o] of (change.restartPriorityOverrides ?? []).entries()) {
      const vm = this.ctx.reg.vms.get(o.vmId);
      if (!vm || this.clusterOfVm(vm)?.id !== clusterId) return { error: apiError('E_NOT_FOUND', `no virtual machine ${o.vmId} in cluster ${cluster.name}`, `params.restartPriorityOverrides[${i}].vmId`) };
      if (o.priority === null) delete ha.restartPriorityOverrides[o.vmId]; else ha.restartPriorityOverrides[o.vmId] = o.priority;
    }
    const problem = haSettingsProblem(ha, this.hostsOf(clusterId).map((h) => h.id));
    if (problem) return { error: apiError('E_INVALID_ARGUMENT', problem.message, `params.ha.${problem.field}`) };
    // Checked when the change names them: a host joining later does not block unrelated edits.
    const hb = change.ha?.heartbeatDatastores ? heartbeatProblem(this.ctx.reg, clusterId, ha.heartbeatDatastores) : undefined;
    if (hb) {
      const field = hb.index === undefined ? 'params.ha.heartbeatDatastores.datastoreIds' : `params.ha.heartbeatDatastores.datastoreIds[${hb.index}]`;
      return { error: apiError('E_INVALID_ARGUMENT', hb.message, field) };
    }
    const drs: DrsSettings = { ...st.drs, ...(change.drs ?? {}) };
    const clusterHosts = new Set(this.hostsOf(clusterId).map((h) => h.id));
    for (const [i, r] of drs.rules.entries()) {
      for (const [j, vmId] of r.vmIds.entries()) {
        const vm = this.ctx.reg.vms.get(vmId);
        if (!vm || this.clusterOfVm(vm)?.id !== clusterId) return { error: apiError('E_NOT_FOUND', `Rule ${r.name}: no virtual machine ${vmId} in cluster ${cluster.name}`, `params.drs.rules[${i}].vmIds[${j}]`) };
      }
      for (const [j, hostId] of r.hostIds.entries()) {
        if (!clusterHosts.has(hostId)) return { error: apiError('E_NOT_FOUND', `Rule ${r.name}: host ${hostId} is not in cluster ${cluster.name}`, `params.drs.rules[${i}].hostIds[${j}]`) };
      }
      if ((r.kind === 'keepTogether' || r.kind === 'separate') && r.vmIds.length < 2) return { error: apiError('E_INVALID_ARGUMENT', `Rule ${r.name} needs at least two virtual machines.`, `params.drs.rules[${i}].vmIds`) };
      if ((r.kind === 'vmToHosts' || r.kind === 'vmNotToHosts') && r.hostIds.length === 0) return { error: apiError('E_INVALID_ARGUMENT', `Rule ${r.name} needs a host group.`, `params.drs.rules[${i}].hostIds`) };
      if (drs.rules.findIndex((o) => o.name === r.name) < i) return { error: apiError('E_DUPLICATE_NAME', `A rule named ${r.name} already exists in ${cluster.name}.`, `params.drs.rules[${i}].name`) };
    }
    const dpm: DpmSettings = { ...st.dpm, ...(change.dpm ?? {}) };
    const drsOn = change.drsEnabled ?? cluster.drsEnabled;
    if (change.dpm?.automationLevel !== undefined && change.dpm.automationLevel !== 'off' && !drsOn) {
      return { error: apiError('E_INVALID_STATE', `vSphere DPM runs as part of vSphere DRS: turn DRS on for ${cluster.name} first.`, 'params.dpm.automationLevel') };
    }
    st.ha = ha;
    if (dpm.automationLevel !== st.dpm.automationLevel) st.dpmRecommendations = [];
    st.dpm = dpm;
    if (drs.periodS !== st.drs.periodS) st.drsNextRunMs = this.ctx.nowMs() + drs.periodS * 1000;
    st.drs = drs;
    if (change.haEnabled !== undefined) cluster.haEnabled = change.haEnabled;
    if (change.drsEnabled !== undefined) cluster.drsEnabled = change.drsEnabled;
    this.ctx.events.log(this.ctx.nowMs(), 'info', 'ClusterReconfiguredEvent', `Reconfigured cluster ${cluster.name} in ${this.ctx.reg.nameOf(cluster.datacenterId)}`, { id: cluster.id, name: cluster.name });
    this.ctx.markChanged(cluster.id);
    return { ok: true };
  }

  /** Refusal of a power-on by admission control or a fault; HA's own restarts are never refused here. */
  powerOnProblem(vm: Vm, initiator: string): ApiError | undefined {
    const fault = faultPowerOnProblem(this.ctx.reg, vm);
    if (fault) return apiError('E_INVALID_STATE', fault, 'params.vmId');
    if (initiator === HA_INITIATOR || vm.powerState === 'poweredOn') return undefined;
    const cluster = this.clusterOfVm(vm);
    if (!cluster?.haEnabled) return undefined;
    const why = admissionProblem(this.ctx.reg, cluster.id, this.stateOf(cluster.id).ha, vm);
    if (!why) return undefined;
    this.ctx.events.log(this.ctx.nowMs(), 'warning', 'InsufficientFailoverResourcesEvent', why, { id: vm.id, name: vm.name });
    // DPM brings a standby host back for the capacity admission control lacks (vSphere does the same).
    const woken = this.dpmWakeFor(cluster, `admission control refused powering on ${vm.name}: ${why}`);
    return apiError('E_INSUFFICIENT_RESOURCES', woken ? `${why} ${woken}` : why, 'params.vmId');
  }

  /** DPM's and HA's cooperation: a host admission control needs may not enter standby (E_INSUFFICIENT_RESOURCES). */
  standbyProblem(host: Host): ApiError | undefined {
    const cluster = host.clusterId ? this.cluster(host.clusterId) : undefined;
    if (!cluster?.haEnabled) return undefined;
    const why = standbyAdmissionProblem(this.ctx.reg, cluster.id, this.stateOf(cluster.id).ha, host);
    return why ? apiError('E_INSUFFICIENT_RESOURCES', why, 'params.hostId') : undefined;
  }

  // ── barrier service ──────────────────────────────────────────────────────────────────────────────

  // Both run at every barrier: plain loops, no closures or copies (they showed in the datacenter benchmark's profile).
  nextDueMs(nowMs: number): number | undefined {
    let due: number | undefined = this.nextScanMs > nowMs ? this.nextScanMs : undefined;
    for (const h of this.ctx.reg.hosts.values()) {
      if (!h.fault) continue;
      // The master judges every silent host at the failure detection time; an isolated one also declares itself later.
      for (const t of [h.fault.sinceMs + HA_HOST_FAILURE_DETECTION_MS, h.fault.kind === 'isolation' ? h.fault.sinceMs + HA_ISOLATION_DETECTION_MS : 0]) {
        if (t > nowMs && (due === undefined || t < due)) due = t;
      }
    }
    for (const [id, st] of this.clusters) {
      const t = st.drsNextRunMs;
      if (this.cluster(id)?.drsEnabled && t > nowMs && (due === undefined || t < due)) due = t;
    }
    for (const st of this.clusters.values()) {
      for (const r of st.restarts) {
        if (r.state === 'waiting' && r.retryAtMs !== undefined && r.retryAtMs > nowMs && (due === undefined || r.retryAtMs < due)) due = r.retryAtMs;
      }
    }
    return due;
  }

  /** Something is due now: a restart in progress or whose retry is due, a host failure to declare, a DRS pass. */
  private dueAt(nowMs: number): boolean {
    for (const st of this.clusters.values()) {
      // A restart waiting out its retry delay is not due: nextDueMs wakes the service when it is.
      for (const r of st.restarts) if (r.state === 'restarting' || (r.state === 'waiting' && (r.retryAtMs ?? 0) <= nowMs)) return true;
    }
    for (const h of this.ctx.reg.hosts.values()) if (h.fault && nowMs >= h.fault.sinceMs + HA_HOST_FAILURE_DETECTION_MS) return true;
    for (const [id, st] of this.clusters) if (this.cluster(id)?.drsEnabled && nowMs >= st.drsNextRunMs) return true;
    return false;
  }

  /** Quiet until the next scan, failure detection, DRS pass or restart retry, unless something is due now. */
  quietUntilMs(nowMs: number): number {
    return this.nextScanMs <= nowMs || this.dueAt(nowMs) ? nowMs : this.nextDueMs(nowMs) ?? Infinity;
  }

  atBarrier(nowMs: number): void {
    if (nowMs < this.nextScanMs && !this.dueAt(nowMs)) return;
    this.nextScanMs = nowMs + HA_SCAN_PERIOD_MS;
    for (const cluster of this.ctx.reg.clusters.values()) {
      const st = this.stateOf(cluster.id);
      const failedBefore = st.declared.filter((d) => d.kind === 'failed').length;
      if (cluster.haEnabled) this.haStep(cluster, nowMs);
      if (cluster.drsEnabled && nowMs >= st.drsNextRunMs) {
        st.drsNextRunMs = nowMs + st.drs.periodS * 1000;
        this.drsPass(cluster, nowMs);
        if (st.dpm.automationLevel !== 'off') this.dpmPass(cluster, nowMs);
      } else if (cluster.drsEnabled && st.dpm.automationLevel !== 'off' && st.declared.filter((d) => d.kind === 'failed').length > failedBefore) {
        this.dpmPass(cluster, nowMs); // a host failed: HA may now need a standby host
      }
    }
  }

  save(): ClusterServicesState {
    return JSON.parse(JSON.stringify({ clusters: [...this.clusters], nextRecommendationId: this.nextRecommendationId, nextScanMs: this.nextScanMs })) as ClusterServicesState;
  }

  restore(state: ClusterServicesState | undefined): void {
    this.clusters.clear();
    if (!state) return; // a lab saved before the cluster services existed: defaults
    const s = JSON.parse(JSON.stringify(state)) as ClusterServicesState;
    for (const [id, st] of s.clusters) {
      st.drs.rules ??= [];
      st.dpm ??= { ...DPM_DEFAULTS };
      st.dpmRecommendations ??= [];
      st.dpmHistory ??= [];
      // Labs saved before heartbeat datastores: automatic selection.
      st.ha.heartbeatDatastores ??= { policy: 'allFeasibleDs', datastoreIds: [] };
      // Before then a host was declared isolated as its isolation response ran.
      for (const d of st.declared) d.responded ??= d.kind === 'isolated';
      this.clusters.set(id, st);
    }
    this.nextRecommendationId = s.nextRecommendationId;
    this.nextScanMs = s.nextScanMs;
  }

  // ── HA ───────────────────────────────────────────────────────────────────────────────────────────

  private haStep(cluster: Cluster, nowMs: number): void {
    const st = this.stateOf(cluster.id);
    const ctx = this.ctx;
    // Repaired hosts are no longer declared.
    st.declared = st.declared.filter((d) => ctx.reg.hosts.get(d.hostId)?.fault);
    if (st.ha.hostMonitoring) {
      const heartbeatDs = heartbeatDatastores(ctx.reg, cluster.id, st.ha.heartbeatDatastores);
      for (const host of this.hostsOf(cluster.id)) {
        const f = host.fault;
        if (!f || nowMs < f.sinceMs + HA_HOST_FAILURE_DETECTION_MS) continue;
        const entity = { id: host.id, name: host.name };
        const seen = heartbeatSeen(host, heartbeatDs);
        let d = st.declared.find((x) => x.hostId === host.id);
        if (seen.length === 0 && d?.kind !== 'failed') {
          // No network and no datastore heartbeat: the master cannot tell a dead host from a cut-off one
          // that also lost its storage, and declares it failed.
          const why = f.kind === 'crash' ? 'no network or datastore heartbeats' : 'no network heartbeats, and its heartbeat datastores show none';
          if (d) { d.kind = 'failed'; d.atMs = nowMs; } else { d = { hostId: host.id, kind: 'failed', atMs: nowMs, responded: false }; st.declared.push(d); }
          ctx.events.log(nowMs, 'error', 'DasHostFailedEvent', `vSphere HA detected a possible host failure of host ${host.name} in cluster ${cluster.name} (${why})`, entity);
          this.queueStopped(st, host.id, f.sinceMs);
        }
        if (f.kind === 'isolation' && nowMs >= f.sinceMs + HA_ISOLATION_DETECTION_MS && !d?.responded) {
          // The host declares itself isolated (it can no longer reach the other agents); the master reads that
          // on the heartbeat datastores when it sees them, and the host applies its isolation response itself.
          if (!d) {
            d = { hostId: host.id, kind: 'isolated', atMs: nowMs, responded: false };
            st.declared.push(d);
            ctx.events.log(nowMs, 'warning', 'DasHostIsolatedEvent', `Host ${host.name} has been isolated from cluster ${cluster.name} (datastore heartbeats seen on ${seen.map((id) => ctx.reg.nameOf(id)).join(', ')}; isolation response: ${st.ha.isolationResponse})`, entity);
          }
          d.responded = true;
          if (st.ha.isolationResponse !== 'disabled') {
            const how = st.ha.isolationResponse === 'powerOffAndRestart' ? 'powered off' : 'shut down';
            for (const vm of ctx.reg.vmsOnHost(host.id)) {
              if (vm.powerState !== 'poweredOn') continue;
              stopVmHard(ctx, vm, `${how} by the vSphere HA isolation response of ${host.name}`);
              ctx.events.log(nowMs, 'warning', 'VmPoweredOffEvent', `${vm.name} on ${host.name} was ${how} by the vSphere HA isolation response`, { id: vm.id, name: vm.name });
              this.queueRestart(st, vm, host.id, nowMs);
            }
          }
        }
      }
    }
    this.advanceRestarts(cluster, st, nowMs);
    if (st.ha.vmMonitoring !== 'disabled') this.vmMonitoring(cluster, st, nowMs);
  }

  /**
   * Queues the restart of each VM on a host declared failed that this failure stopped, unless it has a
   * record since the failure began (an isolation response already queued it).
   */
  private queueStopped(st: ClusterState, hostId: HostId, stoppedAtMs: number): void {
    for (const vm of this.ctx.reg.vmsOnHost(hostId)) {
      if (vm.powerState !== 'poweredOff' || vm.powerOffCause === undefined || vm.isTemplate) continue;
      if (st.restarts.some((r) => r.vmId === vm.id && (r.stoppedAtMs >= stoppedAtMs || r.state === 'waiting' || r.state === 'restarting'))) continue;
      this.queueRestart(st, vm, hostId, stoppedAtMs);
    }
  }

  private queueRestart(st: ClusterState, vm: Vm, fromHostId: HostId, stoppedAtMs: number): void {
    const priority = this.priorityOf(st, vm.id);
    const rec: HaRestartDto = { vmId: vm.id, vmName: vm.name, priority, fromHostId, stoppedAtMs, state: 'waiting' };
    if (priority === 'disabled') {
      rec.state = 'failed';
      rec.reason = 'its VM restart priority is Disabled';
    }
    st.restarts.push(rec);
    if (st.restarts.length > HA_MAX_RESTART_RECORDS) st.restarts.splice(0, st.restarts.length - HA_MAX_RESTART_RECORDS);
  }

  private fail(cluster: Cluster, rec: HaRestartDto, reason: string, nowMs: number): void {
    rec.state = 'failed';
    rec.reason = reason;
    delete rec.retryAtMs;
    const vm = this.ctx.reg.vms.get(rec.vmId);
    this.ctx.events.log(nowMs, 'error', 'VmFailoverFailed', `vSphere HA could not restart ${rec.vmName} in cluster ${cluster.name}: ${reason}`, vm ? { id: vm.id, name: vm.name } : undefined);
  }

  /**
   * A restart attempt that failed (no host with room, a rule, a refused or failed power-on): vSphere HA
   * tries again after a delay that doubles from 2 min up to 8 min, at most HA_RESTART_MAX_RETRIES times;
   * then the VM is reported as not restarted. Each failed attempt is an event.
   */
  private attemptFailed(cluster: Cluster, rec: HaRestartDto, reason: string, nowMs: number): void {
    const failed = (rec.failedAttempts ?? 0) + 1;
    rec.failedAttempts = failed;
    if (failed > HA_RESTART_MAX_RETRIES) {
      this.fail(cluster, rec, `${reason} (gave up after ${failed} attempts)`, nowMs);
      return;
    }
    const delay = HA_RESTART_RETRY_DELAYS_MS[Math.min(failed, HA_RESTART_RETRY_DELAYS_MS.length) - 1];
    rec.state = 'waiting';
    rec.reason = reason;
    rec.retryAtMs = nowMs + delay;
    delete rec.toHostId;
    const vm = this.ctx.reg.vms.get(rec.vmId);
    this.ctx.events.log(nowMs, 'warning', 'VmFailoverFailed',
      `vSphere HA unsuccessfully failed over ${rec.vmName} in cluster ${cluster.name} (attempt ${failed} of ${HA_RESTART_MAX_RETRIES + 1}): ${reason}. vSphere HA will retry in ${delay / 60_000} min`,
      vm ? { id: vm.id, name: vm.name } : undefined);
  }

  private advanceRestarts(cluster: Cluster, st: ClusterState, nowMs: number): void {
    const ctx = this.ctx;
    // Restarts in flight: on → restarted; no longer busy and not on → the power-on failed.
    for (const rec of st.restarts) {
      if (rec.state !== 'restarting') continue;
      const vm = ctx.reg.vms.get(rec.vmId);
      if (!vm) { this.fail(cluster, rec, 'the VM was removed', nowMs); continue; }
      if (vm.powerState === 'poweredOn') {
        rec.state = 'restarted';
        rec.restartedAtMs = vm.poweredOnAtMs;
        rec.downtimeMs = vm.poweredOnAtMs - rec.stoppedAtMs;
        ctx.events.log(nowMs, 'info', 'VmRestartedOnAlternateHostEvent', `vSphere HA restarted virtual machine ${vm.name} on host ${ctx.reg.nameOf(vm.hostId ?? '')} in cluster ${cluster.name} (down ${(rec.downtimeMs / 1000).toFixed(1)} s)`, { id: vm.id, name: vm.name });
      } else if (!vm.busyTaskId) {
        this.attemptFailed(cluster, rec, 'its power-on failed (see the task)', nowMs);
      }
    }
    // Without a host that could be the HA master (all failed, isolated, down or in maintenance) nothing is
    // restarted, and no attempt is spent: the restarts wait for a host to come back.
    if (!this.hostsOf(cluster.id).some(hostUsable)) return;
    // Restarts waiting out a retry delay stay out of this round (and do not hold the lower groups back).
    const waiting = st.restarts.filter((r) => r.state === 'waiting' && (r.retryAtMs ?? 0) <= nowMs);
    if (waiting.length === 0) return;
    // One priority group at a time: the next group starts when the higher ones are on (or failed).
    if (st.restarts.some((r) => r.state === 'restarting')) return;
    const top = Math.max(...waiting.map((r) => RESTART_PRIORITY_RANK[r.priority]));
    const group = waiting.filter((r) => RESTART_PRIORITY_RANK[r.priority] === top);
    const failoverHosts = new Set(st.ha.admissionControl.policy === 'dedicatedFailoverHosts' ? st.ha.admissionControl.failoverHostIds : []);
    const hosts: RestartHost[] = [];
    for (const h of this.hostsOf(cluster.id)) {
      if (!hostUsable(h)) continue;
      const cap = hostCapacity(h);
      let cpu = cap.cpuMhz;
      for (const v of ctx.reg.vmsOnHost(h.id)) if (v.powerState === 'poweredOn') cpu -= v.cpuReservationMhz;
      const memFree = (ctx.host(h.id)?.freeFrames() ?? 0) * PAGE_SIZE_BYTES;
      hosts.push({ hostId: h.id, cpuFreeMhz: cpu, memFreeBytes: memFree, failoverHost: failoverHosts.has(h.id) });
    }
    const candidates: RestartCandidate[] = [];
    for (const rec of group) {
      const vm = ctx.reg.vms.get(rec.vmId);
      if (!vm) { this.fail(cluster, rec, 'the VM was removed', nowMs); continue; }
      if (vm.powerState === 'poweredOn') { rec.state = 'restarted'; rec.restartedAtMs = vm.poweredOnAtMs; rec.downtimeMs = vm.poweredOnAtMs - rec.stoppedAtMs; continue; }
      if (vm.busyTaskId) continue; // a task of its own is still running: next scan
      candidates.push({ vmId: vm.id, rank: top, cpuMhz: vm.cpuReservationMhz, memBytes: vm.memoryBytes + vmOverheadFrames(vm) * PAGE_SIZE_BYTES });
    }
    const running = new Map<VmId, HostId>();
    for (const h of this.hostsOf(cluster.id)) {
      if (h.fault?.kind === 'crash') continue;
      for (const v of ctx.reg.vmsOnHost(h.id)) if (v.powerState === 'poweredOn') running.set(v.id, h.id);
    }
    const rules = st.drs.rules;
    const plan = planRestarts(candidates, hosts, rules.length === 0 ? undefined
      : (vmId, hostId, placed) => ruleBroken(rules, vmId, hostId, (o) => placed.get(o) ?? running.get(o), true) === undefined);
    for (const [vmId, reason] of plan.unplaced) {
      const rec = group.find((r) => r.vmId === vmId)!;
      this.attemptFailed(cluster, rec, reason, nowMs);
    }
    for (const [vmId, hostId] of plan.placed) {
      const rec = group.find((r) => r.vmId === vmId)!;
      const vm = ctx.reg.vms.get(vmId)!;
      const previous = vm.hostId;
      vm.hostId = hostId; // HA registers the VM on the chosen host, then powers it on there
      const r = startPowerOp(ctx, vmId, 'powerOn', HA_INITIATOR);
      if ('error' in r) {
        vm.hostId = previous;
        this.attemptFailed(cluster, rec, r.error.message, nowMs);
        continue;
      }
      vm.powerOffCause = undefined;
      delete rec.retryAtMs;
      rec.state = 'restarting';
      rec.toHostId = hostId;
      ctx.markChanged(vm.id);
    }
  }

  private vmMonitoring(cluster: Cluster, st: ClusterState, nowMs: number): void {
    const ctx = this.ctx;
    const interval = st.ha.vmMonitoringFailureIntervalS * 1000;
    const silentNow = new Set<VmId>();
    for (const h of this.hostsOf(cluster.id)) {
      if (!hostUsable(h)) continue;
      for (const vm of ctx.reg.vmsOnHost(h.id)) if (vm.powerState === 'poweredOn' && vm.guestState === 'crashed') silentNow.add(vm.id);
    }
    st.silent = st.silent.filter((s) => silentNow.has(s.vmId));
    for (const id of silentNow) if (!st.silent.some((s) => s.vmId === id)) st.silent.push({ vmId: id, sinceMs: nowMs });
    st.resets = st.resets.filter((r) => nowMs - r.atMs < HA_VM_MONITORING_RESET_WINDOW_MS);
    for (const s of st.silent) {
      if (nowMs < s.sinceMs + interval) continue;
      const vm = ctx.reg.vms.get(s.vmId);
      if (!vm || vm.busyTaskId) continue;
      if (st.resets.filter((r) => r.vmId === vm.id).length >= HA_VM_MONITORING_MAX_RESETS) continue;
      const r = startPowerOp(ctx, vm.id, 'reset', HA_INITIATOR);
      if ('error' in r) continue;
      st.resets.push({ vmId: vm.id, atMs: nowMs });
      s.sinceMs = nowMs + interval; // give the reset guest its interval again
      ctx.events.log(nowMs, 'warning', 'VmDasBeingResetEvent', `${vm.name} on ${ctx.reg.nameOf(vm.hostId ?? '')} in cluster ${cluster.name} is reset by vSphere HA: no guest heartbeats for ${st.ha.vmMonitoringFailureIntervalS} s`, { id: vm.id, name: vm.name });
    }
  }

  // ── DRS ──────────────────────────────────────────────────────────────────────────────────────────

  /** The DRS view of a cluster: usable hosts and the powered-on VMs' entitlements (measured demand). */
  private drsInput(cluster: Cluster): { hosts: DrsHost[]; vms: DrsVm[] } {
    const ctx = this.ctx;
    const st = this.stateOf(cluster.id);
    const failover = new Set(st.ha.admissionControl.policy === 'dedicatedFailoverHosts' && cluster.haEnabled ? st.ha.admissionControl.failoverHostIds : []);
    const hosts: DrsHost[] = [];
    const vms: DrsVm[] = [];
    for (const h of this.hostsOf(cluster.id)) {
      if (!hostUsable(h)) continue;
      const cap = hostCapacity(h);
      hosts.push({ id: h.id, name: h.name, cpuMhz: cap.cpuMhz, memBytes: cap.memBytes, canReceive: !failover.has(h.id) && !this.dpmEmptying(cluster.id).has(h.id) });
      for (const vm of ctx.reg.vmsOnHost(h.id)) {
        if (vm.powerState !== 'poweredOn') continue;
        const sample = this.env.latestSample(vm.id);
        const usedMhz = sample?.['cpu.usagemhz.average'] ?? 0;
        const consumedKb = sample?.['mem.consumed.average'] ?? 0;
        let cpu = Math.max(usedMhz, vm.cpuReservationMhz);
        if (vm.cpuLimitMhz >= 0) cpu = Math.min(cpu, Math.max(vm.cpuLimitMhz, vm.cpuReservationMhz));
        vms.push({ id: vm.id, hostId: h.id, cpuMhz: cpu, memBytes: consumedKb * 1024 + vmOverheadFrames(vm) * PAGE_SIZE_BYTES, movable: !vm.busyTaskId && vm.guestState !== 'crashed' });
      }
    }
    return { hosts, vms };
  }

  /** One DRS pass: recommendations replace the pending ones; fully automated applies them at once. */
  drsPass(cluster: Cluster, nowMs: number): void {
    const st = this.stateOf(cluster.id);
    const { hosts, vms } = this.drsInput(cluster);
    const rules = st.drs.rules;
    const moves = recommendMoves(hosts, vms, st.drs.migrationThreshold, DRS_MAX_MOVES_PER_PASS, rules.length === 0 ? undefined
      : (vmId, hostId, hostOf) => ruleBroken(rules, vmId, hostId, hostOf) === undefined);
    st.drsLastRunMs = nowMs;
    st.recommendations = moves.map((m) => ({
      id: this.nextRecommendationId++, vmId: m.vmId, vmName: this.ctx.reg.nameOf(m.vmId), fromHostId: m.fromHostId, toHostId: m.toHostId,
      priority: m.priority, reason: m.reason, imbalanceBefore: m.imbalanceBefore, imbalanceAfter: m.imbalanceAfter, createdAtMs: nowMs,
    }));
    if (st.recommendations.length && st.drs.automationLevel !== 'fullyAutomated') {
      this.ctx.events.log(nowMs, 'info', 'DrsRecommendationsEvent', `vSphere DRS has ${st.recommendations.length} migration recommendation(s) for cluster ${cluster.name} (${st.drs.automationLevel === 'manual' ? 'manual' : 'partially automated'}: apply them from Monitor › vSphere DRS › Recommendations)`, { id: cluster.id, name: cluster.name });
    }
    if (st.drs.automationLevel === 'fullyAutomated') {
      for (const r of [...st.recommendations]) this.apply(cluster, st, r, DRS_INITIATOR);
    }
    this.ctx.markChanged(cluster.id);
  }

  private apply(cluster: Cluster, st: ClusterState, r: DrsRecommendationDto, initiator: string): ApiError | undefined {
    const err = this.env.migrate(r.vmId, r.toHostId, initiator);
    st.recommendations = st.recommendations.filter((x) => x.id !== r.id);
    const done: DrsRecommendationDto = { ...r, outcome: err ? 'refused' : 'applied', ...(err ? { outcomeMessage: err.message } : {}) };
    st.history.unshift(done);
    if (st.history.length > DRS_MAX_HISTORY) st.history.length = DRS_MAX_HISTORY;
    const vm = this.ctx.reg.vms.get(r.vmId);
    const entity = vm ? { id: vm.id, name: vm.name } : { id: cluster.id, name: cluster.name };
    if (err) {
      this.ctx.events.log(this.ctx.nowMs(), 'warning', 'DrsRecommendationRefusedEvent', `vSphere DRS could not migrate ${r.vmName} from ${this.ctx.reg.nameOf(r.fromHostId)} to ${this.ctx.reg.nameOf(r.toHostId)}: ${err.message}`, entity);
    } else {
      this.ctx.events.log(this.ctx.nowMs(), 'info', 'DrsVmMigratedEvent', `vSphere DRS migrates ${r.vmName} from ${this.ctx.reg.nameOf(r.fromHostId)} to ${this.ctx.reg.nameOf(r.toHostId)} (${r.reason})`, entity);
    }
    return err;
  }

  runDrs(clusterId: ClusterId): { ok: true } | { error: ApiError } {
    const cluster = this.cluster(clusterId);
    if (!cluster) return { error: apiError('E_NOT_FOUND', `no cluster ${clusterId}`, 'params.clusterId') };
    if (!cluster.drsEnabled) return { error: apiError('E_INVALID_STATE', `vSphere DRS is turned off on ${cluster.name}.`, 'params.clusterId') };
    const st = this.stateOf(clusterId);
    st.drsNextRunMs = this.ctx.nowMs() + st.drs.periodS * 1000;
    this.drsPass(cluster, this.ctx.nowMs());
    // DPM is part of every DRS pass, the one run on demand too (vSphere's Run DRS Now).
    if (st.dpm.automationLevel !== 'off') this.dpmPass(cluster, this.ctx.nowMs());
    return { ok: true };
  }

  applyRecommendation(clusterId: ClusterId, id: number, initiator: string, dismiss = false): { ok: true } | { error: ApiError } {
    const cluster = this.cluster(clusterId);
    if (!cluster) return { error: apiError('E_NOT_FOUND', `no cluster ${clusterId}`, 'params.clusterId') };
    const st = this.stateOf(clusterId);
    const r = st.recommendations.find((x) => x.id === id);
    const power = r ? undefined : st.dpmRecommendations.find((x) => x.id === id);
    if (power) {
      if (dismiss) {
        st.dpmRecommendations = st.dpmRecommendations.filter((x) => x.id !== id);
        this.dpmRecord(st, { ...power, outcome: 'dismissed' });
        this.ctx.markChanged(cluster.id);
        return { ok: true };
      }
      const err = this.dpmApply(cluster, st, power, initiator);
      this.ctx.markChanged(cluster.id);
      return err ? { error: err } : { ok: true };
    }
    if (!r) return { error: apiError('E_NOT_FOUND', `cluster ${cluster.name} has no pending recommendation ${id}`, 'params.recommendationId') };
    if (dismiss) {
      st.recommendations = st.recommendations.filter((x) => x.id !== id);
      st.history.unshift({ ...r, outcome: 'dismissed' });
      if (st.history.length > DRS_MAX_HISTORY) st.history.length = DRS_MAX_HISTORY;
      this.ctx.markChanged(cluster.id);
      return { ok: true };
    }
    const err = this.apply(cluster, st, r, initiator);
    this.ctx.markChanged(cluster.id);
    return err ? { error: err } : { ok: true };
  }

  // ── DPM ──────────────────────────────────────────────────────────────────────────────────────────

  /** Hosts a DPM power-off is emptying now (its plan task still runs): DRS sends no VM there. */
  private dpmEmptying(clusterId: ClusterId): Set<HostId> {
    const st = this.clusters.get(clusterId);
    const out = new Set<HostId>();
    for (const r of st?.dpmHistory ?? []) {
      if (r.kind !== 'powerOff' || r.outcome !== 'applied' || !r.taskId) continue;
      const t = this.ctx.tasks.get(r.taskId);
      if (t && !isTaskFinished(t.state)) out.add(r.hostId);
    }
    return out;
  }

  /** A DPM task (power-off plan or wake-up) still running on the cluster: DPM changes one host at a time. */
  private dpmBusy(st: ClusterState): boolean {
    return st.dpmHistory.some((r) => r.outcome === 'applied' && r.taskId !== undefined && !isTaskFinished(this.ctx.tasks.get(r.taskId)?.state ?? 'success'));
  }

  private dpmRecord(st: ClusterState, r: DpmRecommendationDto): void {
    st.dpmHistory.unshift(r);
    if (st.dpmHistory.length > DPM_MAX_HISTORY) st.dpmHistory.length = DPM_MAX_HISTORY;
  }

  /** DPM's view: powered-on usable hosts and idle standby hosts, with what may enter standby. */
  private dpmHosts(cluster: Cluster, st: ClusterState): DpmHost[] {
    const failover = new Set(st.ha.admissionControl.policy === 'dedicatedFailoverHosts' && cluster.haEnabled ? st.ha.admissionControl.failoverHostIds : []);
    const out: DpmHost[] = [];
    for (const h of this.hostsOf(cluster.id)) {
      const cap = hostCapacity(h);
      if (h.powerState === 'standBy' && !h.fault && !h.busyTaskId) {
        out.push({ id: h.id, name: h.name, cpuMhz: cap.cpuMhz, memBytes: cap.memBytes, state: 'standby', canReceive: false });
      } else if (hostUsable(h)) {
        const refusal = h.busyTaskId ? `a task (${h.busyTaskId}) runs on it` : this.standbyProblem(h)?.message;
        out.push({ id: h.id, name: h.name, cpuMhz: cap.cpuMhz, memBytes: cap.memBytes, state: 'on', canReceive: !failover.has(h.id), ...(refusal ? { standbyRefusal: refusal } : {}) });
      }
    }
    return out;
  }

  /** Why HA admission control lacks failover capacity with the hosts on now, or undefined. */
  private haShort(cluster: Cluster, st: ClusterState): string | undefined {
    if (!cluster.haEnabled || st.ha.admissionControl.policy === 'disabled') return undefined;
    const level = failoverLevel(capacityView(this.ctx.reg, cluster.id));
    const want = st.ha.admissionControl.hostFailuresToTolerate;
    return level < want ? `the running VMs tolerate ${level} host failure(s) with the hosts powered on, and ${want} are configured` : undefined;
  }

  /** One DPM evaluation: its decision replaces the pending one; automatic applies it at once. */
  dpmPass(cluster: Cluster, nowMs: number): void {
    const st = this.stateOf(cluster.id);
    st.dpmLastRunMs = nowMs;
    st.dpmRecommendations = [];
    if (this.dpmBusy(st)) return;
    const running = this.ctx.tasks.list(1000, cluster.id).some((t) => t.operation === 'placement.apply' && !isTaskFinished(t.state));
    if (running) return; // a placement plan is moving VMs: decide once it is done
    const rules = st.drs.rules;
    const decision = dpmEvaluate({
      hosts: this.dpmHosts(cluster, st), vms: this.drsInput(cluster).vms, threshold: st.dpm.threshold, haShort: this.haShort(cluster, st),
      ...(rules.length ? { allowed: (vmId: VmId, hostId: HostId, hostOf: (v: VmId) => HostId | undefined) => ruleBroken(rules, vmId, hostId, hostOf) === undefined } : {}),
    });
    if (!decision) return;
    const rec = this.dpmRecommendation(decision, nowMs);
    if (st.dpm.automationLevel === 'automatic') {
      this.dpmApply(cluster, st, rec, DPM_INITIATOR);
    } else {
      st.dpmRecommendations = [rec];
      this.ctx.events.log(nowMs, 'info', 'DrsRecommendationsEvent', `vSphere DPM recommends ${rec.kind === 'powerOff' ? 'putting' : 'bringing'} ${rec.hostName} ${rec.kind === 'powerOff' ? 'into' : 'out of'} standby mode in cluster ${cluster.name} (manual: apply it from Monitor › vSphere DRS › Recommendations): ${rec.reason}`, { id: cluster.id, name: cluster.name });
    }
    this.ctx.markChanged(cluster.id);
  }

  private dpmRecommendation(d: DpmDecision, nowMs: number): DpmRecommendationDto {
    return {
      id: this.nextRecommendationId++, kind: d.kind, hostId: d.hostId, hostName: this.ctx.reg.nameOf(d.hostId), priority: d.priority, reason: d.reason,
      evacuations: d.evacuations, utilizationBefore: utilizationFigure(d.utilizationBefore),
      utilizationAfter: utilizationFigure(d.utilizationAfter), createdAtMs: nowMs,
    };
  }

  /** Carries a DPM recommendation out: a wake-up, or the evacuation and standby as one plan task. */
  private dpmApply(cluster: Cluster, st: ClusterState, rec: DpmRecommendationDto, initiator: string): ApiError | undefined {
    const ctx = this.ctx;
    st.dpmRecommendations = st.dpmRecommendations.filter((x) => x.id !== rec.id);
    const host = ctx.reg.hosts.get(rec.hostId);
    const entity = host ? { id: host.id, name: host.name } : { id: cluster.id, name: cluster.name };
    let r: { taskId: TaskId } | { error: ApiError };
    if (rec.kind === 'powerOn') {
      r = startExitStandby(ctx, rec.hostId, initiator);
    } else {
      const stillThere = rec.evacuations.every((e) => { const vm = ctx.reg.vms.get(e.vmId); return vm?.hostId === rec.hostId && vm.powerState === 'poweredOn'; });
      r = stillThere
        ? startApplyPlan(ctx, {
          clusterId: cluster.id, standby: [rec.hostId],
          actions: rec.evacuations.map((e, i) => {
            // DPM_EVACUATION_CONCURRENCY moves at a time off the host: batch k starts when batch k − 1 has ended.
            const batch = Math.floor(i / DPM_EVACUATION_CONCURRENCY);
            return { kind: 'migrate' as const, vmId: e.vmId, fromHostId: rec.hostId, toHostId: e.toHostId, homeHostId: rec.hostId, planStartMs: batch, planEndMs: batch + 1 };
          }),
        }, initiator)
        : { error: apiError('E_INVALID_STATE', `the VMs on ${rec.hostName} changed since the recommendation was made; run DRS again`, 'params.recommendationId') };
    }
    if ('error' in r) {
      this.dpmRecord(st, { ...rec, outcome: 'refused', outcomeMessage: r.error.message });
      ctx.events.log(ctx.nowMs(), 'warning', 'DrsRecommendationRefusedEvent', `vSphere DPM could not ${rec.kind === 'powerOff' ? 'put' : 'bring'} ${rec.hostName} ${rec.kind === 'powerOff' ? 'into' : 'out of'} standby mode: ${r.error.message}`, entity);
      return r.error;
    }
    this.dpmRecord(st, { ...rec, outcome: 'applied', taskId: r.taskId });
    if (rec.kind === 'powerOn') {
      ctx.events.log(ctx.nowMs(), 'info', 'DrsExitingStandbyModeEvent', `vSphere DPM is bringing ${rec.hostName} out of standby mode: ${rec.reason}`, entity, r.taskId);
    } else {
      ctx.events.log(ctx.nowMs(), 'info', 'DrsEnteringStandbyModeEvent', `vSphere DPM is putting ${rec.hostName} into standby mode: ${rec.reason}`, entity, r.taskId);
    }
    return undefined;
  }

  /** Admission control refused a power-on: DPM wakes a standby host (automatic) or recommends it; the words to add, if any. */
  private dpmWakeFor(cluster: Cluster, why: string): string | undefined {
    const st = this.stateOf(cluster.id);
    if (st.dpm.automationLevel === 'off' || !cluster.drsEnabled || this.dpmBusy(st)) return undefined;
    const standby = this.dpmHosts(cluster, st).filter((h) => h.state === 'standby').sort((a, b) => b.cpuMhz - a.cpuMhz || b.memBytes - a.memBytes)[0];
    if (!standby) return undefined;
    const nowMs = this.ctx.nowMs();
    const rec = this.dpmRecommendation({ kind: 'powerOn', hostId: standby.id, priority: 1, reason: `vSphere HA ${why}`, evacuations: [], utilizationBefore: 0, utilizationAfter: 0 }, nowMs);
    const vms = this.drsInput(cluster).vms;
    const on = this.dpmHosts(cluster, st).filter((h) => h.state === 'on');
    rec.utilizationBefore = utilizationFigure(clusterUtilization(on, vms));
    rec.utilizationAfter = utilizationFigure(clusterUtilization([...on, standby], vms));
    if (st.dpm.automationLevel === 'manual') {
      st.dpmRecommendations = [rec];
      this.ctx.markChanged(cluster.id);
      return `vSphere DPM recommends bringing ${standby.name} out of standby mode (Monitor › vSphere DRS).`;
    }
    const err = this.dpmApply(cluster, st, rec, DPM_INITIATOR);
    this.ctx.markChanged(cluster.id);
    return err ? undefined : `vSphere DPM is bringing ${standby.name} out of standby mode: power the VM on again once the host is up.`;
  }

  // ── DRS initial placement ────────────────────────────────────────────────────────────────────────

  /** The hosts a powered-off VM could power on in its DRS cluster, best first, and those left out with why. */
  powerOnPlacement(vmId: VmId): PowerOnPlacementDto | { error: ApiError } {
    const vm = this.ctx.reg.vms.get(vmId);
    if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${vmId}`, 'params.vmId') };
    const cluster = this.clusterOfVm(vm);
    if (!cluster) return { vmId, automationLevel: defaultDrsSettings().automationLevel, drsEnabled: false, recommendations: [], excluded: [] };
    const st = this.stateOf(cluster.id);
    const out: PowerOnPlacementDto = { vmId, automationLevel: st.drs.automationLevel, drsEnabled: cluster.drsEnabled, recommendations: [], excluded: [] };
    if (!cluster.drsEnabled || vm.powerState !== 'poweredOff') return out;
    const { hosts, vms } = this.drsInput(cluster);
    const usable = new Set(hosts.map((h) => h.id));
    for (const h of this.hostsOf(cluster.id)) {
      if (!usable.has(h.id)) out.excluded.push({ hostId: h.id, hostName: h.name, reason: h.powerState === 'standBy' ? 'in standby mode' : h.inMaintenanceMode ? 'in maintenance mode' : 'not powered on and connected' });
    }
    const rules = st.drs.rules;
    const hostOf = (o: VmId) => vms.find((x) => x.id === o)?.hostId;
    const ranked: (PowerOnRecommendationDto & { soft: boolean })[] = [];
    for (const h of hosts) {
      if (!h.canReceive) { out.excluded.push({ hostId: h.id, hostName: h.name, reason: 'a dedicated failover host, or one DPM is putting into standby' }); continue; }
      const host = this.ctx.reg.hosts.get(h.id)!;
      const cpu = vm.vcpus * host.cpuMhz;
      const mem = vm.memoryBytes + vmOverheadFrames(vm) * PAGE_SIZE_BYTES;
      const reserved = this.ctx.reg.vmsOnHost(h.id).filter((v) => v.powerState === 'poweredOn').reduce((s, v) => s + v.cpuReservationMhz, 0);
      const memUsed = vms.filter((v) => v.hostId === h.id).reduce((s, v) => s + v.memBytes, 0);
      if (memUsed + mem > h.memBytes) { out.excluded.push({ hostId: h.id, hostName: h.name, reason: `no room for its memory (${Math.round(mem / 1048576)} MiB with overhead)` }); continue; }
      if (reserved + vm.cpuReservationMhz > h.cpuMhz) { out.excluded.push({ hostId: h.id, hostName: h.name, reason: `no room for its CPU reservation (${vm.cpuReservationMhz} MHz)` }); continue; }
      const must = rules.length ? ruleBroken(rules, vm.id, h.id, hostOf, true) : undefined;
      if (must) { out.excluded.push({ hostId: h.id, hostName: h.name, reason: `it would break the rule ${must}` }); continue; }
      const should = rules.length ? ruleBroken(rules, vm.id, h.id, hostOf) : undefined;
      const loads = hostLoads(hosts, [...vms, { id: vm.id, hostId: h.id, cpuMhz: cpu, memBytes: mem, movable: true }]);
      const after = imbalance(loads);
      const load = loads.find((l) => l.hostId === h.id)!.load;
      ranked.push({
        hostId: h.id, hostName: h.name, rank: 0, imbalanceAfter: Math.round(after * 1000) / 1000, hostLoadAfter: Math.round(load * 1000) / 1000, soft: should !== undefined,
        reason: `host load ${Math.round(load * 100)} % with the VM, cluster imbalance ${after.toFixed(3)}${should ? ` (breaks the should rule ${should})` : ''}`,
      });
    }
    ranked.sort((a, b) => Number(a.soft) - Number(b.soft) || a.imbalanceAfter - b.imbalanceAfter || a.hostLoadAfter - b.hostLoadAfter);
    out.recommendations = ranked.map(({ soft: _soft, ...r }, i) => ({ ...r, rank: i + 1 }));
    return out;
  }

  /**
   * Before `vm.powerOn`: registers a powered-off VM on the host initial placement chooses (or `hostId`, the
   * Power On dialog's choice); `undo` puts it back if the power-on is refused, `commit` logs DRS's event.
   */
  placeForPowerOn(vmId: VmId, hostId?: HostId): { undo(): void; commit(taskId: TaskId): void } | { error: ApiError } {
    const none = { undo: () => undefined, commit: () => undefined };
    const vm = this.ctx.reg.vms.get(vmId);
    if (!vm || vm.powerState !== 'poweredOff' || vm.isTemplate || vm.busyTaskId) {
      if (hostId && vm && vm.hostId !== hostId) return { error: apiError('E_INVALID_STATE', `Only a powered-off virtual machine can be placed on a host at power-on; ${vm.name} is ${vm.powerState}.`, 'params.hostId') };
      return none;
    }
    const cluster = this.clusterOfVm(vm);
    let target: HostId | undefined;
    let why = '';
    if (hostId) {
      const host = this.ctx.reg.hosts.get(hostId);
      if (!host) return { error: apiError('E_NOT_FOUND', `no host ${hostId}`, 'params.hostId') };
      if (host.id === vm.hostId) return none;
      if (!cluster || host.clusterId !== cluster.id) return { error: apiError('E_INVALID_ARGUMENT', `Host ${host.name} is not in the cluster of ${vm.name}.`, 'params.hostId') };
      if (!hostUsable(host)) return { error: apiError('E_INVALID_STATE', `Host ${host.name} cannot run virtual machines now (${host.powerState === 'standBy' ? 'standby mode' : host.inMaintenanceMode ? 'maintenance mode' : 'not powered on and connected'}).`, 'params.hostId') };
      target = host.id;
      why = 'the host chosen in the Power On dialog';
    } else {
      if (!cluster?.drsEnabled) return none;
      const st = this.stateOf(cluster.id);
      if (st.drs.automationLevel === 'manual') return none;
      const p = this.powerOnPlacement(vm.id);
      if ('error' in p || p.recommendations.length === 0) return none;
      target = p.recommendations[0].hostId;
      why = p.recommendations[0].reason;
    }
    if (target === vm.hostId) return none;
    const from = vm.hostId;
    vm.hostId = target;
    const ctx = this.ctx;
    return {
      undo: () => { vm.hostId = from; },
      commit: (taskId) => {
        ctx.markChanged(vm.id, target!, ...(from ? [from] : []));
        ctx.events.log(ctx.nowMs(), 'info', 'DrsVmPoweredOnEvent', `vSphere DRS placed ${vm.name} on ${ctx.reg.nameOf(target!)} to power it on (was registered on ${ctx.reg.nameOf(from ?? '')}): ${why}`, { id: vm.id, name: vm.name }, taskId);
      },
    };
  }

  /** The cluster's counters for the collector's sample (`clusterServices.failover`, `engine.drs.imbalance`). */
  counters(clusterId: ClusterId): Record<string, number> {
    const cluster = this.cluster(clusterId);
    if (!cluster) return {};
    const { hosts, vms } = this.drsInput(cluster);
    return {
      'clusterServices.failover.latest': failoverLevel(capacityView(this.ctx.reg, clusterId)),
      'engine.drs.imbalance.latest': imbalance(hostLoads(hosts, vms)),
    };
  }

  // ── view ─────────────────────────────────────────────────────────────────────────────────────────

  dto(clusterId: ClusterId): ClusterServicesDto | { error: ApiError } {
    const cluster = this.cluster(clusterId);
    if (!cluster) return { error: apiError('E_NOT_FOUND', `no cluster ${clusterId}`, 'params.clusterId') };
    const st = this.stateOf(clusterId);
    const reg = this.ctx.reg;
    const view = capacityView(reg, clusterId);
    let prot = 0;
    let unprot = 0;
    for (const v of view.vms) { if (this.priorityOf(st, v.id) === 'disabled') unprot++; else prot++; }
    const { hosts, vms } = this.drsInput(cluster);
    const loads = hostLoads(hosts, vms);
    const issues: string[] = [];
    const level = failoverLevel(view);
    if (cluster.haEnabled && st.ha.admissionControl.policy !== 'disabled' && level < st.ha.admissionControl.hostFailuresToTolerate) {
      issues.push(`Insufficient resources to satisfy the configured failover level for vSphere HA (tolerates ${level} of ${st.ha.admissionControl.hostFailuresToTolerate} host failure(s))`);
    }
    if (cluster.haEnabled && !this.hostsOf(clusterId).some(hostUsable)) {
      // No host can run the HA agent that would be elected master (every host failed, isolated, powered
      // down, in standby or in maintenance): nothing protects the VMs — vSphere's configuration issue.
      issues.push(`Cannot find vSphere HA master agent in cluster ${cluster.name}: no host is connected and running (failed, isolated, in standby or in maintenance mode)`);
    }
    const heartbeat = heartbeatDto(reg, clusterId, st.ha.heartbeatDatastores);
    if (cluster.haEnabled && heartbeat.problem) issues.push(heartbeat.problem);
    for (const r of st.restarts) if (r.state === 'failed') issues.push(`${r.vmName} was not restarted: ${r.reason ?? ''}`);
    for (const r of st.restarts) {
      if (r.state === 'waiting' && r.retryAtMs !== undefined) issues.push(`${r.vmName}: restart attempt ${r.failedAttempts ?? 1} failed (${r.reason ?? ''}); vSphere HA retries at ${(r.retryAtMs / 1000).toFixed(0)} s`);
    }
    const hostIds = new Set(this.hostsOf(clusterId).map((h) => h.id));
    return JSON.parse(JSON.stringify({
      clusterId, ha: st.ha, drs: st.drs,
      haState: {
        enabled: cluster.haEnabled,
        failedHostIds: st.declared.filter((d) => d.kind === 'failed').map((d) => d.hostId),
        isolatedHostIds: st.declared.filter((d) => d.kind === 'isolated').map((d) => d.hostId),
        protectedVms: cluster.haEnabled ? prot : 0, unprotectedVms: cluster.haEnabled ? unprot : prot + unprot,
        failoverLevel: level, admission: admissionState(view, st.ha), restarts: st.restarts, heartbeat, issues,
      },
      drsState: {
        enabled: cluster.drsEnabled, imbalance: imbalance(loads), targetImbalance: Math.min(1e9, targetImbalance(st.drs.migrationThreshold, hosts.length)),
        hostLoads: loads, ...(st.drsLastRunMs !== undefined ? { lastRunMs: st.drsLastRunMs } : {}),
        ...(cluster.drsEnabled ? { nextRunMs: st.drsNextRunMs } : {}),
        recommendations: st.recommendations, history: st.history,
        ruleViolations: ruleViolations(st.drs.rules, (v) => { const vm = reg.vms.get(v); return vm?.powerState === 'poweredOn' ? vm.hostId : undefined; }, (id) => reg.nameOf(id)),
      },
      dpm: st.dpm,
      dpmState: {
        ...(st.dpmLastRunMs !== undefined ? { lastRunMs: st.dpmLastRunMs } : {}),
        utilization: utilizationFigure(clusterUtilization(hosts, vms)), low: DPM_LOW, high: DPM_HIGH,
        standbyHostIds: this.hostsOf(clusterId).filter((h) => h.powerState === 'standBy').map((h) => h.id),
        recommendations: st.dpmRecommendations, history: st.dpmHistory,
      },
      faults: activeFaults(reg).filter((f) => hostIds.has(f.targetId as HostId) || f.kind === 'datastoreInaccessible'),
    })) as ClusterServicesDto;
  }
}
