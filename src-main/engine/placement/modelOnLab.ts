/**
 * The placement workbench's query (`placement.model`): a model of the modelling language (`model/`)
 * solved exactly, optionally bound to a cluster of the lab.
 *
 * - `placementModel(lab, { source, all?, clusterId?, nodeLimit? })` → `PlacementModelResult`, or an
 *   ApiError naming `params.clusterId` (no such cluster, or nothing to bind).
 *
 * Binding: the cluster's powered-on VMs and the hosts that can take VMs now (`clusterView.ts`, demand
 * `configured`) become constants declared before the user's model — `nVms`, `vmCpu[1..nVms]` (MHz,
 * rounded up), `vmMem` (MiB with overhead, rounded up), `nHosts`, `hostCpu[1..nHosts]`, `hostMem` (rounded
 * down) — in the order of `binding.vms` and `binding.hosts`, so a solution's `host[i] = j` means VM i on
 * host j. Diagnostics and conflicts are given in the user's own line numbers.
 * Rules: a query — changes nothing; the search stops at `nodeLimit` (default WORKBENCH_NODE_LIMIT) so a
 * request never holds the engine for long.
 */
import type { ClusterId, HostId, VmId } from '@shared/model/ids';
import type { PlacementModelResult } from '@shared/model/placement';
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { Lab } from '../lab/index';
import { clusterProblem } from './clusterView';
import { solveModel } from './model/index';

/** Nodes a workbench search may visit by default (the contract's bound is 200,000). */
export const WORKBENCH_NODE_LIMIT = 100_000;
/** Solutions kept with `all` (the count goes on). */
const KEEP_SOLUTIONS = 200;

export function placementModel(
  lab: Lab, p: { source: string; all?: boolean; clusterId?: ClusterId; nodeLimit?: number },
): PlacementModelResult | { error: ApiError } {
  let prelude = '';
  const vms: { id: VmId; name: string }[] = [];
  const hosts: { id: HostId; name: string }[] = [];
  if (p.clusterId !== undefined) {
    const view = clusterProblem(lab, { clusterId: p.clusterId, demand: 'configured' });
    if ('error' in view) return { error: apiError('E_NOT_FOUND', view.error.message, 'params.clusterId') };
    const on = view.problem.bins.filter((b) => b.state === 'on');
    const name = lab.reg.clusters.get(p.clusterId)!.name;
    if (!view.problem.items.length || !on.length) {
      return { error: apiError('E_INVALID_STATE', `${name} has ${view.problem.items.length ? 'no host that can take VMs' : 'no powered-on VM'} to bind the model to.`, 'params.clusterId') };
    }
    for (const it of view.problem.items) vms.push({ id: it.id as VmId, name: lab.reg.nameOf(it.id) });
    for (const b of on) hosts.push({ id: b.id as HostId, name: lab.reg.nameOf(b.id) });
    const list = (xs: number[]) => `[${xs.join(', ')}]`;
    prelude = [
      `// bound to cluster ${name}: its ${vms.length} powered-on VM(s) and ${hosts.length} host(s) that can take VMs`,
      `const nVms = ${vms.length};`,
      `const vmCpu = ${list(view.problem.items.map((i) => Math.ceil(i.demand[0])))};`,
      `const vmMem = ${list(view.problem.items.map((i) => Math.ceil(i.demand[1])))};`,
      `const nHosts = ${hosts.length};`,
      `const hostCpu = ${list(on.map((b) => Math.floor(b.capacity[0])))};`,
      `const hostMem = ${list(on.map((b) => Math.floor(b.capacity[1])))};`,
      '',
    ].join('\n');
  }
  const offset = prelude ? prelude.split('\n').length - 1 : 0;
  const line = (l: number) => Math.max(1, l - offset);
  const r = solveModel(prelude + p.source, 'workbench.cp', { all: p.all, nodeLimit: p.nodeLimit ?? WORKBENCH_NODE_LIMIT, keep: KEEP_SOLUTIONS });
  const binding = { prelude, vms, hosts };
  if (!r.ok) {
    return { binding, ok: false, diagnostics: r.diagnostics.map((d) => ({ line: line(d.line), col: d.col, message: d.message, ...(d.hint ? { hint: d.hint } : {}) })) };
  }
  return {
    binding, ok: true, status: r.status, ...(r.sense ? { sense: r.sense } : {}), ...(r.objective !== undefined ? { objective: r.objective } : {}),
    solutions: r.solutions.map((s) => ({ values: s.values, ...(s.objective !== undefined ? { objective: s.objective } : {}) })),
    solutionCount: r.solutionCount, complete: r.complete,
    stats: { nodes: r.stats.nodes, failures: r.stats.failures, propagations: r.stats.propagations, maxDepth: r.stats.maxDepth },
    virtualMs: r.virtualMs, variables: r.variables, propagators: r.propagators,
    ...(r.conflict ? { conflict: { minimal: r.conflict.minimal, statements: r.conflict.statements.map((c) => ({ label: c.label, line: line(c.line), col: c.col })) } } : {}),
  };
}
