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
 * - Isolation: after HA_ISOLATION_DETECTION_MS the isolated host applies the isolation response: disabled
 *   (VMs keep running there), power off and restart, or shut down and restart (modelled as a clean
 *   immediate stop: the guest's shutdown time is not simulated) — then the VMs restart as above.
 * - VM monitoring: a powered-on VM whose guest sends no heartbeat (crashed) for the failure interval is
 *   reset by HA (VmDasBeingResetEvent), at most HA_VM_MONITORING_MAX_RESETS per window. The lab's
 *   heartbeat is the guest's run state (running or halted = heartbeating), not a tools daemon in labos.
 * - DRS moves are live migrations requested through the contract's `vm.migrate` command (`migrate`
 *   in the env): with no live migration in the engine build, applying is refused and said so.
 *
 * Rules: deterministic (registry order, virtual time only); the state (settings, restart records,
 * recommendations) is plain and saved with the lab; HA restarts bypass admission control (as vSphere's
 * do), user power-ons do not.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { ClusterId, HostId, VmId } from '@shared/model/ids';
import type {
  ClusterServicesDto, DrsRecommendationDto, DrsSettings, HaRestartDto, HaSettings, RestartPriority,
} from '@shared/model/clusterServices';
import { RESTART_PRIORITY_RANK, defaultDrsSettings, defaultHaSettings, haSettingsProblem, ruleBroken } from '@shared/model/clusterServices';
import type { Cluster, Host, Vm } from '../cluster/index';
import type { OpContext } from '../lab/index';
import type { BarrierService } from '../sim/index';
import { startPowerOp } from '../vm/index';
import { vmOverheadFrames } from '../metrics/index';
import {
  DRS_MAX_HISTORY, DRS_MAX_MOVES_PER_PASS, HA_HOST_FAILURE_DETECTION_MS, HA_ISOLATION_DETECTION_MS, HA_MAX_RESTART_RECORDS,
  HA_SCAN_PERIOD_MS, HA_VM_MONITORING_MAX_RESETS, HA_VM_MONITORING_RESET_WINDOW_MS, PAGE_SIZE_BYTES,
} from '../params';
import { activeFaults, faultPowerOnProblem, stopVmHard } from './faults';
import { admissionProblem, admissionState, standbyAdmissionProblem, capacityView, failoverLevel, hostCapacity, hostUsable } from './admission';
import { planRestarts } from './restartPlan';
import type { RestartCandidate, RestartHost } from './restartPlan';
import { hostLoads, imbalance, recommendMoves, targetImbalance } from './drsBalance';
import type { DrsHost, DrsVm } from './drsBalance';

/** The initiator HA's and DRS's tasks carry (vSphere shows "vSphere HA" / "vSphere DRS" as the initiator). */
export const HA_INITIATOR = 'vSphere HA';
export const DRS_INITIATOR = 'vSphere DRS';

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
  /** Hosts HA has declared failed or isolated, with when. */
  declared: { hostId: HostId; kind: 'failed' | 'isolated'; atMs: number }[];
  restarts: HaRestartDto[];
  /** VM monitoring: when each VM's heartbeats stopped, and the times HA reset it. */
  silent: { vmId: VmId; sinceMs: number }[];
  resets: { vmId: VmId; atMs: number }[];
  drsLastRunMs?: number;
  drsNextRunMs: number;
  recommendations: DrsRecommendationDto[];
  history: DrsRecommendationDto[];
}

export interface ClusterServicesState { clusters: [ClusterId, ClusterState][]; nextRecommendationId: number; nextScanMs: number }

export interface ConfigureChange {
  haEnabled?: boolean;
  drsEnabled?: boolean;
  ha?: Partial<Omit<HaSettings, 'admissionControl' | 'restartPriorityOverrides'>> & { admissionControl?: Partial<HaSettings['admissionControl']> };
  restartPriorityOverrides?: { vmId: VmId; priority: RestartPriority | null }[];
  drs?: Partial<DrsSettings>;
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
      st = { ha: defaultHaSettings(), drs: defaultDrsSettings(), declared: [], restarts: [], silent: [], resets: [], drsNextRunMs: 0, recommendations: [], history: [] };
      st.drsNextRunMs = this.ctx.nowMs() + st.drs.periodS * 1000;
      this.clusters.set(clusterId, st);
    }
    return st;
  }

  /** Settings from a scenario (before the lab runs). */
  init(clusterId: ClusterId, ha?: Partial<HaSettings>, drs?: Partial<DrsSettings>): void {
    const st = this.stateOf(clusterId);
    if (ha) st.ha = { ...st.ha, ...ha, admissionControl: { ...st.ha.admissionControl, ...(ha.admissionControl ?? {}) }, restartPriorityOverrides: { ...(ha.restartPriorityOverrides ?? {}) } };
    if (drs) { st.drs = { ...st.drs, ...drs }; st.drsNextRunMs = this.ctx.nowMs() + st.drs.periodS * 1000; }
  }

  /** Whether HA has declared a host failed or isolated (the `vSphere HA host status` alarm). */
  declaredOf(hostId: HostId): 'failed' | 'isolated' | undefined {
    for (const st of this.clusters.values()) {
      const d = st.declared.find((x) => x.hostId === hostId);
      if (d) return d.kind;
    }
    return undefined;
  }

  settingsOf(clusterId: ClusterId): { ha: HaSettings; drs: DrsSettings } {
    const st = this.stateOf(clusterId);
    return { ha: st.ha, drs: st.drs };
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
    };
    for (const [i, o] of (change.restartPriorityOverrides ?? []).entries()) {
      const vm = this.ctx.reg.vms.get(o.vmId);
      if (!vm || this.clusterOfVm(vm)?.id !== clusterId) return { error: apiError('E_NOT_FOUND', `no virtual machine ${o.vmId} in cluster ${cluster.name}`, `params.restartPriorityOverrides[${i}].vmId`) };
      if (o.priority === null) delete ha.restartPriorityOverrides[o.vmId]; else ha.restartPriorityOverrides[o.vmId] = o.priority;
    }
    const problem = haSettingsProblem(ha, this.hostsOf(clusterId).map((h) => h.id));
    if (problem) return { error: apiError('E_INVALID_ARGUMENT', problem.message, `params.ha.${problem.field}`) };
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
    }
    st.ha = ha;
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
    return apiError('E_INSUFFICIENT_RESOURCES', why, 'params.vmId');
  }

  /** DPM's and HA's cooperation: a host admission control needs may not enter standby (E_INSUFFICIENT_RESOURCES). */
  standbyProblem(host: Host): ApiError | undefined {
    const cluster = host.clusterId ? this.cluster(host.clusterId) : undefined;
    if (!cluster?.haEnabled) return undefined;
    const why = standbyAdmissionProblem(this.ctx.reg, cluster.id, this.stateOf(cluster.id).ha, host);
    return why ? apiError('E_INSUFFICIENT_RESOURCES', why, 'params.hostId') : undefined;
  }

  // ── barrier service ──────────────────────────────────────────────────────────────────────────────

  nextDueMs(nowMs: number): number | undefined {
    let due: number | undefined = this.nextScanMs > nowMs ? this.nextScanMs : undefined;
    const consider = (t: number) => { if (t > nowMs && (due === undefined || t < due)) due = t; };
    for (const h of this.ctx.reg.hosts.values()) {
      if (h.fault) consider(h.fault.sinceMs + (h.fault.kind === 'crash' ? HA_HOST_FAILURE_DETECTION_MS : HA_ISOLATION_DETECTION_MS));
    }
    for (const [id, st] of this.clusters) if (this.cluster(id)?.drsEnabled) consider(st.drsNextRunMs);
    return due;
  }

  atBarrier(nowMs: number): void {
    const busy = [...this.clusters.values()].some((st) => st.restarts.some((r) => r.state === 'waiting' || r.state === 'restarting'));
    const faultDue = [...this.ctx.reg.hosts.values()].some((h) => h.fault && nowMs >= h.fault.sinceMs + HA_HOST_FAILURE_DETECTION_MS);
    const drsDue = [...this.clusters.entries()].some(([id, st]) => this.cluster(id)?.drsEnabled && nowMs >= st.drsNextRunMs);
    if (!busy && !faultDue && !drsDue && nowMs < this.nextScanMs) return;
    this.nextScanMs = nowMs + HA_SCAN_PERIOD_MS;
    for (const cluster of this.ctx.reg.clusters.values()) {
      if (cluster.haEnabled) this.haStep(cluster, nowMs);
      const st = this.stateOf(cluster.id);
      if (cluster.drsEnabled && nowMs >= st.drsNextRunMs) {
        st.drsNextRunMs = nowMs + st.drs.periodS * 1000;
        this.drsPass(cluster, nowMs);
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
    for (const [id, st] of s.clusters) { st.drs.rules ??= []; this.clusters.set(id, st); }
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
      for (const host of this.hostsOf(cluster.id)) {
        const f = host.fault;
        if (!f || st.declared.some((d) => d.hostId === host.id)) continue;
        const entity = { id: host.id, name: host.name };
        if (f.kind === 'crash' && nowMs >= f.sinceMs + HA_HOST_FAILURE_DETECTION_MS) {
          st.declared.push({ hostId: host.id, kind: 'failed', atMs: nowMs });
          ctx.events.log(nowMs, 'error', 'DasHostFailedEvent', `vSphere HA detected a possible host failure of host ${host.name} in cluster ${cluster.name}`, entity);
          for (const vm of ctx.reg.vmsOnHost(host.id)) {
            if (vm.powerState === 'poweredOff' && vm.powerOffCause !== undefined && !vm.isTemplate) this.queueRestart(st, vm, host.id, f.sinceMs);
          }
        } else if (f.kind === 'isolation' && nowMs >= f.sinceMs + HA_ISOLATION_DETECTION_MS) {
          st.declared.push({ hostId: host.id, kind: 'isolated', atMs: nowMs });
          ctx.events.log(nowMs, 'warning', 'DasHostIsolatedEvent', `Host ${host.name} has been isolated from cluster ${cluster.name} (isolation response: ${st.ha.isolationResponse})`, entity);
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
    const vm = this.ctx.reg.vms.get(rec.vmId);
    this.ctx.events.log(nowMs, 'error', 'VmFailoverFailed', `vSphere HA could not restart ${rec.vmName} in cluster ${cluster.name}: ${reason}`, vm ? { id: vm.id, name: vm.name } : undefined);
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
        this.fail(cluster, rec, 'its power-on failed (see the task)', nowMs);
      }
    }
    const waiting = st.restarts.filter((r) => r.state === 'waiting');
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
      const pool = ctx.hostMemory(h.id);
      const memFree = pool ? (pool.capacityFrames - pool.framesAllocated - pool.stats().overheadFrames) * PAGE_SIZE_BYTES : 0;
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
      this.fail(cluster, rec, reason, nowMs);
    }
    for (const [vmId, hostId] of plan.placed) {
      const rec = group.find((r) => r.vmId === vmId)!;
      const vm = ctx.reg.vms.get(vmId)!;
      const previous = vm.hostId;
      vm.hostId = hostId; // HA registers the VM on the chosen host, then powers it on there
      const r = startPowerOp(ctx, vmId, 'powerOn', HA_INITIATOR);
      if ('error' in r) {
        vm.hostId = previous;
        this.fail(cluster, rec, r.error.message, nowMs);
        continue;
      }
      vm.powerOffCause = undefined;
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
      hosts.push({ id: h.id, name: h.name, cpuMhz: cap.cpuMhz, memBytes: cap.memBytes, canReceive: !failover.has(h.id) });
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
    return { ok: true };
  }

  applyRecommendation(clusterId: ClusterId, id: number, initiator: string, dismiss = false): { ok: true } | { error: ApiError } {
    const cluster = this.cluster(clusterId);
    if (!cluster) return { error: apiError('E_NOT_FOUND', `no cluster ${clusterId}`, 'params.clusterId') };
    const st = this.stateOf(clusterId);
    const r = st.recommendations.find((x) => x.id === id);
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
    for (const r of st.restarts) if (r.state === 'failed') issues.push(`${r.vmName} was not restarted: ${r.reason ?? ''}`);
    const hostIds = new Set(this.hostsOf(clusterId).map((h) => h.id));
    return JSON.parse(JSON.stringify({
      clusterId, ha: st.ha, drs: st.drs,
      haState: {
        enabled: cluster.haEnabled,
        failedHostIds: st.declared.filter((d) => d.kind === 'failed').map((d) => d.hostId),
        isolatedHostIds: st.declared.filter((d) => d.kind === 'isolated').map((d) => d.hostId),
        protectedVms: cluster.haEnabled ? prot : 0, unprotectedVms: cluster.haEnabled ? unprot : prot + unprot,
        failoverLevel: level, admission: admissionState(view, st.ha), restarts: st.restarts, issues,
      },
      drsState: {
        enabled: cluster.drsEnabled, imbalance: imbalance(loads), targetImbalance: Math.min(1e9, targetImbalance(st.drs.migrationThreshold, hosts.length)),
        hostLoads: loads, ...(st.drsLastRunMs !== undefined ? { lastRunMs: st.drsLastRunMs } : {}),
        ...(cluster.drsEnabled ? { nextRunMs: st.drsNextRunMs } : {}),
        recommendations: st.recommendations, history: st.history,
      },
      faults: activeFaults(reg).filter((f) => hostIds.has(f.targetId as HostId) || f.kind === 'datastoreInaccessible'),
    })) as ClusterServicesDto;
  }
}
