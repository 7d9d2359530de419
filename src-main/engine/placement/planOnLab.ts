/**
 * Plans on the running lab: `placement.plan` (a target from `placement.solve` and the plan that reaches
 * it) and the planning half of `placement.apply` (a target the user gives). Like `clusterView.ts`, this
 * file knows the Lab; the planning itself is `plan.ts` (pure) and its check `planChecker.ts`.
 *
 * - `placementPlan(lab, params, solver?)` → `PlacementPlanResult` or `{ error }`: solves, then plans towards
 *   the target with the solver's number of hosts that copies less memory — the packing with its
 *   interchangeable hosts renamed (`alignTarget`) or, without constraints, emptying the least loaded hosts
 *   (`evacuationTarget`; the choice is `consolidationTarget`) — and returns that target as `target` (what
 *   the client applies).
 * - `planToTarget(lab, { clusterId?, demand?, target, maxConcurrentPerHost?, allowSuspend? })` →
 *   `{ plan, input, names }` or `{ error }` (typed, naming the field: a VM not powered on in the
 *   cluster, a host not in it, a target that over-commits a host); `applyRequestPlan` also refuses a
 *   second plan while one runs on the cluster.
 *
 * How a move is carried out — and so how its duration is estimated: `placement.apply` moves a running VM
 * by live migration (a `vm.migrate` sub-task, pre-copy with the default options), so a move's estimate is
 * the migration model's (`precopyEstimate`): the VM's consumed memory as round 0, its measured dirty rate
 * (`engine.dirtyRate.average`, 0 before the first sample) re-sent round after round at the default
 * bandwidth, plus setup and resume. A suspend (to break a cycle) and its resume are the power operations'
 * own durations.
 */
import { apiError, type ApiError } from '@shared/api/errors';
import type { CommandParams } from '@shared/api/commands';
import type { QueryParams } from '@shared/api/queries';
import type { PlacementDemandSource, PlacementPlanResult } from '@shared/model/placement';
import type { ClusterId, HostId, VmId } from '@shared/model/ids';
import { isTaskFinished } from '@shared/model/task';
import { MIGRATION_DEFAULTS } from '@shared/model/migration';
import type { ApplyAction } from './applyTask';
import type { Lab } from '../lab/index';
import type { MilpSolverPort } from '../ports';
import { POWER_OP_DURATION_MS } from '../vm/index';
import { precopyEstimate } from '../migration/index';
import { PLAN_DEFAULT_MAX_CONCURRENT_PER_HOST, POWER_STANDBY_WATTS } from '../params';
import { hostWatts } from '../metrics/index';
import { clusterProblem } from './clusterView';
import { placementSolve } from './solveRequest';
import type { PlanInput, ReconfigurationPlan } from './plan';
import { consolidationTarget, planReconfiguration } from './plan';
import { checkPlan } from './planChecker';

export const PLAN_ESTIMATE_TEXT = `Each move is a live migration (pre-copy, ${MIGRATION_DEFAULTS.bandwidthBytesPerS / 1048576} MiB/s, downtime limit `
  + `${MIGRATION_DEFAULTS.downtimeLimitMs} ms: QEMU's defaults). Estimate per move = setup + the pre-copy rounds of the migration model: `
  + `the VM's consumed memory first, then what it dirtied meanwhile at its measured dirty rate, until the rest fits in the downtime limit `
  + `(a VM never sampled counts its configured memory and no dirtying). Concurrent moves are assumed not to share bandwidth. `
  + `A suspend (${POWER_OP_DURATION_MS.suspend} ms) and resume (${POWER_OP_DURATION_MS.powerOn} ms) break a cycle when no pivot host has room.`;

export interface PlanToTarget {
  clusterId?: ClusterId;
  demand?: PlacementDemandSource;
  windowSamples?: number;
  /** VM id → host id; VMs not listed stay where they are. `null`: leave it suspended (from a solve). */
  target: Map<string, string | null>;
  maxConcurrentPerHost?: number;
  allowSuspend?: boolean;
  /** Field path of the target list in the request, for errors (`params.target`). */
  field?: string;
  /** Position of each VM in the request's list, for errors. */
  positions?: Map<string, number>;
}

export interface LabPlan { plan: ReconfigurationPlan; input: PlanInput; vmIds: string[]; hostIds: string[] }

/** Virtual ms of the live migration of a VM (the estimate above), from its latest real-time sample if it has one. */
export function liveMoveMs(lab: Lab, vmId: string): number {
  const vm = lab.reg.vms.get(vmId as VmId);
  if (!vm) return 0;
  const s = lab.collector.samples.latest(vm.id)?.values;
  const consumedKb = s?.['mem.consumed.average'];
  const dirtyPps = s?.['engine.dirtyRate.average'] ?? 0;
  return precopyEstimate({ memoryBytes: consumedKb !== undefined ? consumedKb * 1024 : vm.memoryBytes, dirtyBytesPerS: dirtyPps * 4096 }).totalMs;
}

export function planToTarget(lab: Lab, req: PlanToTarget): LabPlan | { error: ApiError } {
  const view = clusterProblem(lab, { clusterId: req.clusterId, demand: req.demand ?? 'configured', windowSamples: req.windowSamples });
  if ('error' in view) return { error: apiError('E_NOT_FOUND', view.error.message, view.error.field) };
  const { problem } = view;
  const hostIndex = new Map(problem.bins.map((b, j) => [b.id, j]));
  const itemIndex = new Map(problem.items.map((it, i) => [it.id, i]));
  const field = req.field ?? 'params.target';
  const at = (vmId: string) => (req.positions?.has(vmId) ? `${field}[${req.positions.get(vmId)}]` : field);
  const from = problem.items.map((it) => hostIndex.get(lab.reg.vms.get(it.id as never)!.hostId!)!);
  const to = [...from];
  for (const [vmId, hostId] of req.target) {
    const i = itemIndex.get(vmId);
    if (i === undefined) {
      const vm = lab.reg.vms.get(vmId as never);
      return { error: apiError(vm ? 'E_INVALID_STATE' : 'E_NOT_FOUND', vm ? `${vm.name} is not a powered-on VM of the cluster.` : `no virtual machine ${vmId}`, `${at(vmId)}.vmId`) };
    }
    if (hostId === null) { to[i] = -1; continue; }
    const j = hostIndex.get(hostId);
    if (j === undefined) return { error: apiError('E_NOT_FOUND', `no host ${hostId} in the cluster`, `${at(vmId)}.hostId`) };
    if ((problem.bins[j].state ?? 'on') !== 'on') {
      return { error: apiError('E_INVALID_STATE', `Host ${lab.reg.nameOf(hostId as never)} takes no VM (${problem.bins[j].state}).`, `${at(vmId)}.hostId`) };
    }
    to[i] = j;
  }
  const moveMs = problem.items.map((it) => liveMoveMs(lab, it.id));
  const input: PlanInput = {
    problem,
    from: { binOf: from },
    to: { binOf: to },
    durations: {
      migrateMs: (i) => moveMs[i],
      suspendMs: () => POWER_OP_DURATION_MS.suspend,
      resumeMs: () => POWER_OP_DURATION_MS.powerOn,
    },
    maxConcurrentPerHost: req.maxConcurrentPerHost ?? PLAN_DEFAULT_MAX_CONCURRENT_PER_HOST,
    allowSuspend: req.allowSuspend ?? false,
  };
  const plan = planReconfiguration(input);
  return { plan, input, vmIds: problem.items.map((it) => it.id), hostIds: problem.bins.map((b) => b.id) };
}

function usedHosts(binOf: number[]): number {
  return new Set(binOf.filter((j) => j >= 0)).size;
}

export function placementPlan(lab: Lab, p: QueryParams<'placement.plan'>, solver: MilpSolverPort | undefined): PlacementPlanResult | { error: ApiError } {
  const target = placementSolve(lab, { algo: p.algo, clusterId: p.clusterId, demand: p.demand, windowSamples: p.windowSamples, constraints: p.constraints, timeLimitS: p.timeLimitS }, solver);
  if ('error' in target) return target;
  const maxConcurrentPerHost = p.maxConcurrentPerHost ?? PLAN_DEFAULT_MAX_CONCURRENT_PER_HOST;
  const empty: PlacementPlanResult = {
    target, feasible: false, actions: [], durationMs: 0, moved: 0, migrations: 0, pivots: 0, suspends: 0,
    hostsBefore: 0, hostsAfter: 0, emptiedHostIds: [], standbySavingW: 0, maxConcurrentPerHost, estimate: PLAN_ESTIMATE_TEXT, violations: [],
  };
  if (target.status === 'infeasible' || target.status === 'failed') {
    return { ...empty, reason: target.explanation?.message ?? `the placement could not be solved (${target.status})` };
  }
  // The packing ignores where VMs run: rename interchangeable hosts so that as few VMs as possible move.
  const index = new Map(target.bins.map((b, j) => [b.binId, j]));
  const view = clusterProblem(lab, { clusterId: p.clusterId, demand: p.demand ?? 'configured', windowSamples: p.windowSamples });
  if ('error' in view) return { error: apiError('E_NOT_FOUND', view.error.message, view.error.field) };
  const now = { binOf: target.placement.map((x) => index.get(lab.reg.vms.get(x.itemId as VmId)?.hostId ?? '') ?? -1) };
  const packed = { binOf: target.placement.map((x) => (x.binId === null ? -1 : index.get(x.binId)!)) };
  const pinned = (p.constraints ?? []).flatMap((c) => [...(c.bins ?? []), ...(c.groups ?? []).flat()]);
  // Without constraints, the same number of hosts can often be reached by emptying the least loaded
  // hosts only (every VM of the others stays): preferred when it copies less memory.
  const evacuate = (p.constraints ?? []).length === 0 && target.suspended === 0;
  const { placement: chosen, evacuated } = consolidationTarget(view.problem, now, packed, { pinned, evacuate });
  const notes = evacuated ? [`the plan empties the least loaded hosts and keeps the other VMs where they are: the same ${usedHosts(chosen.binOf)} host(s) as the ${p.algo} packing, fewer moves`] : [];
  const wanted = new Map<string, string | null>(target.placement.map((x, i) => [x.itemId, chosen.binOf[i] >= 0 ? target.bins[chosen.binOf[i]].binId : null]));
  // The target shown and applied is the planned one (the packing with hosts renamed, or the evacuation).
  const D = target.dimensions.length;
  const loads = target.bins.map(() => new Array<number>(D).fill(0));
  chosen.binOf.forEach((j, i) => { if (j >= 0) for (let k = 0; k < D; k++) loads[j][k] += target.placement[i].demand[k]; });
  target.placement = target.placement.map((x, i) => ({ ...x, binId: chosen.binOf[i] >= 0 ? target.bins[chosen.binOf[i]].binId : null }));
  target.bins = target.bins.map((b, j) => ({ ...b, load: loads[j].map((x) => Math.round(x * 1000) / 1000) }));
  target.notes = [...target.notes, ...notes];
  const out = planToTarget(lab, { clusterId: p.clusterId, demand: p.demand, windowSamples: p.windowSamples, target: wanted, maxConcurrentPerHost, allowSuspend: p.allowSuspend, field: 'params' });
  if ('error' in out) return out;
  const { plan, input, vmIds, hostIds } = out;
  const host = (j: number) => (j >= 0 ? hostIds[j] as HostId : null);
  return {
    ...empty,
    feasible: plan.feasible,
    ...(plan.reason ? { reason: plan.reason } : {}),
    actions: plan.feasible ? plan.actions.map((a) => ({
      kind: a.kind, vmId: vmIds[a.item] as VmId, vmName: lab.reg.nameOf(vmIds[a.item] as never),
      fromHostId: host(a.from), toHostId: host(a.to), startMs: a.startMs, endMs: a.endMs, ...(a.note ? { note: a.note } : {}),
    })) : [],
    durationMs: plan.durationMs,
    moved: plan.moved,
    migrations: plan.migrations,
    pivots: plan.pivots,
    suspends: plan.suspends,
    hostsBefore: usedHosts(input.from.binOf),
    hostsAfter: usedHosts(input.to.binOf),
    emptiedHostIds: plan.emptied.map((j) => hostIds[j] as HostId),
    standbySavingW: plan.emptied.reduce((w, j) => {
      const h = lab.reg.hosts.get(hostIds[j] as HostId);
      return w + (h ? hostWatts(h, 0) - POWER_STANDBY_WATTS : 0);
    }, 0),
    violations: plan.feasible ? checkPlan(input, plan) : [],
  };
}

/** The request of `placement.apply` as the actions of its task (the command handler starts it). */
export function applyRequestPlan(lab: Lab, p: CommandParams<'placement.apply'>): { clusterId: ClusterId; actions: ApplyAction[]; standby: HostId[] } | { error: ApiError } {
  const target = new Map<string, string | null>();
  const positions = new Map<string, number>();
  const clusterOfTarget = p.clusterId ?? [...lab.reg.clusters.keys()][0];
  const relocations: ApplyAction[] = [];
  for (let n = 0; n < p.target.length; n++) {
    const t = p.target[n];
    if (target.has(t.vmId) || relocations.some((r) => r.vmId === t.vmId)) return { error: apiError('E_INVALID_ARGUMENT', `${t.vmId} is listed twice`, `params.target[${n}].vmId`) };
    // A powered-off VM of the cluster is relocated cold (registered on its target host); it needs no room.
    const vm = lab.reg.vms.get(t.vmId);
    const home = vm?.hostId ? lab.reg.hosts.get(vm.hostId) : undefined;
    if (vm && !vm.isTemplate && vm.powerState === 'poweredOff' && home && home.clusterId === clusterOfTarget) {
      const dest = lab.reg.hosts.get(t.hostId);
      if (!dest || dest.clusterId !== clusterOfTarget) return { error: apiError('E_NOT_FOUND', `no host ${t.hostId} in the cluster`, `params.target[${n}].hostId`) };
      if (dest.powerState !== 'poweredOn' || dest.connectionState !== 'connected') {
        return { error: apiError('E_INVALID_STATE', `Host ${dest.name} cannot register ${vm.name}: it is not powered on and connected.`, `params.target[${n}].hostId`) };
      }
      if (vm.busyTaskId) return { error: apiError('E_INVALID_STATE', `${vm.name} is busy with another task.`, `params.target[${n}].vmId`) };
      if (dest.id !== home.id) relocations.push({ kind: 'relocate', vmId: vm.id, fromHostId: home.id, toHostId: dest.id, homeHostId: home.id, planStartMs: 0, planEndMs: 0 });
      continue;
    }
    target.set(t.vmId, t.hostId);
    positions.set(t.vmId, n);
  }
  if (target.size === 0 && clusterOfTarget) {
    // Only powered-off VMs to relocate: nothing running moves, so there is no plan to make.
    const running = lab.tasks.list(1000, clusterOfTarget).find((t) => t.operation === 'placement.apply' && !isTaskFinished(t.state));
    if (running) return { error: apiError('E_INVALID_STATE', `Another placement plan (${running.id}) is running on ${lab.reg.nameOf(clusterOfTarget)}.`, 'params.clusterId') };
    return { clusterId: clusterOfTarget, standby: [], actions: relocations };
  }
  const out = planToTarget(lab, { clusterId: p.clusterId, demand: p.demand, target, positions, maxConcurrentPerHost: p.maxConcurrentPerHost, allowSuspend: p.allowSuspend });
  if ('error' in out) return out;
  // A plan is made from where the VMs run now; one already running would move them under it.
  const clusterOfPlan = lab.reg.hosts.get(out.hostIds[0] as HostId)?.clusterId;
  const running = clusterOfPlan ? lab.tasks.list(1000, clusterOfPlan).find((t) => t.operation === 'placement.apply' && !isTaskFinished(t.state)) : undefined;
  if (running) return { error: apiError('E_INVALID_STATE', `Another placement plan (${running.id}) is running on ${lab.reg.nameOf(clusterOfPlan!)}.`, 'params.clusterId') };
  if (!out.plan.feasible) return { error: apiError('E_INSUFFICIENT_RESOURCES', `No plan reaches this placement: ${out.plan.reason ?? ''}`, 'params.target') };
  const { plan, input, vmIds, hostIds } = out;
  const host = (j: number) => (j >= 0 ? hostIds[j] as HostId : null);
  const clusterId = (p.clusterId ?? lab.reg.hosts.get(hostIds[0] as HostId)?.clusterId) as ClusterId;
  return {
    clusterId,
    standby: p.standbyEmptied ? plan.emptied.map((j) => hostIds[j] as HostId) : [],
    actions: [...relocations, ...plan.actions.map((a): ApplyAction => ({
      kind: a.kind, vmId: vmIds[a.item] as VmId, fromHostId: host(a.from), toHostId: host(a.to),
      homeHostId: hostIds[input.from.binOf[a.item]] as HostId, planStartMs: a.startMs, planEndMs: a.endMs,
    }))],
  };
}
