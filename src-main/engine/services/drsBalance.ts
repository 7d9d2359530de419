/**
 * drsBalance — DRS's load-balancing arithmetic, the vSphere 6.x way (VMware KB 1007485, "the math behind
 * the DRS stars"): the load of a host is the sum of its VMs' entitlements over its capacity; the
 * cluster's imbalance is the standard deviation of the host loads ("current host load standard
 * deviation"); a recommendation's priority is 6 − ⌈imbalance / 0.1 × √hosts⌉ (1 = mandatory, 5 = slight),
 * and the migration threshold t applies recommendations of priority ≤ t — so the largest imbalance the
 * threshold accepts ("target host load standard deviation") is 0.1 × (5 − t) / √hosts for t ≥ 2.
 *
 * - `hostLoads(hosts, vms)`: per host CPU and memory load; the host's load is the larger of the two (the
 *   dominant resource: the lab's choice, where the KB's "expected VM load" leaves the combination open).
 * - `imbalance(loads)`, `targetImbalance(threshold, hosts)`, `recommendationPriority(imbalance, hosts)`.
 * - `recommendMoves(hosts, vms, threshold, maxMoves)`: greedy, as DRS's pass is — repeatedly the one move
 *   (a VM from a host above the mean to a host below it) that lowers the standard deviation most, while
 *   the imbalance exceeds the target and the move's priority passes the threshold; each with its reason
 *   and the imbalance before and after. `allowed` (optional) vetoes a move: the cluster's VM/Host rules.
 *
 * Cost: each candidate move is evaluated in O(1) from running sums, against the DRS_DESTINATIONS
 * least-loaded hosts only; a pass over 64 hosts and 2,000 VMs stays under 200 ms
 * (bench/cluster-services.ts).
 */
import type { HostId, VmId } from '@shared/model/ids';
import { DRS_DESTINATIONS } from '../params';

export interface DrsHost { id: HostId; name: string; cpuMhz: number; memBytes: number; canReceive: boolean }
/** A VM's entitlement: what it demands (measured), at least its reservation. */
export interface DrsVm { id: VmId; hostId: HostId; cpuMhz: number; memBytes: number; movable: boolean }
export interface HostLoad { hostId: HostId; load: number; cpuLoad: number; memLoad: number }
export interface DrsMove { vmId: VmId; fromHostId: HostId; toHostId: HostId; priority: number; imbalanceBefore: number; imbalanceAfter: number; reason: string }

export function hostLoads(hosts: readonly DrsHost[], vms: readonly DrsVm[]): HostLoad[] {
  const cpu = new Map<HostId, number>();
  const mem = new Map<HostId, number>();
  for (const v of vms) {
    cpu.set(v.hostId, (cpu.get(v.hostId) ?? 0) + v.cpuMhz);
    mem.set(v.hostId, (mem.get(v.hostId) ?? 0) + v.memBytes);
  }
  return hosts.map((h) => {
    const cpuLoad = h.cpuMhz > 0 ? (cpu.get(h.id) ?? 0) / h.cpuMhz : 0;
    const memLoad = h.memBytes > 0 ? (mem.get(h.id) ?? 0) / h.memBytes : 0;
    return { hostId: h.id, cpuLoad, memLoad, load: Math.max(cpuLoad, memLoad) };
  });
}

/** Population standard deviation of the host loads. */
export function imbalance(loads: readonly { load: number }[]): number {
  if (loads.length === 0) return 0;
  let s = 0;
  let s2 = 0;
  for (const l of loads) { s += l.load; s2 += l.load * l.load; }
  const mean = s / loads.length;
  return Math.sqrt(Math.max(0, s2 / loads.length - mean * mean));
}

export function targetImbalance(threshold: number, hostCount: number): number {
  if (threshold <= 1) return Number.POSITIVE_INFINITY;
  return (0.1 * (5 - threshold)) / Math.sqrt(Math.max(1, hostCount));
}

export function recommendationPriority(imbalanceValue: number, hostCount: number): number {
  const p = 6 - Math.ceil((imbalanceValue / 0.1) * Math.sqrt(Math.max(1, hostCount)));
  return Math.min(5, Math.max(2, p));
}

const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;

/** May `vmId` go to `hostId`, with the VMs where `hostOf` says (the pass's moves so far included)? */
export type MoveAllowed = (vmId: VmId, hostId: HostId, hostOf: (vm: VmId) => HostId | undefined) => boolean;

export function recommendMoves(hosts: readonly DrsHost[], vms: readonly DrsVm[], threshold: number, maxMoves: number, allowed?: MoveAllowed): DrsMove[] {
  const n = hosts.length;
  if (n < 2 || threshold <= 1) return [];
  const idx = new Map<HostId, number>(hosts.map((h, i) => [h.id, i]));
  const cpu = new Float64Array(n);
  const mem = new Float64Array(n);
  const onHost: DrsVm[][] = hosts.map(() => []);
  const where = new Map<VmId, HostId>(vms.map((v) => [v.id, v.hostId]));
  const hostOf = (vm: VmId): HostId | undefined => where.get(vm);
  for (const v of vms) {
    const i = idx.get(v.hostId);
    if (i === undefined) continue;
    cpu[i] += v.cpuMhz;
    mem[i] += v.memBytes;
    if (v.movable) onHost[i].push({ ...v });
  }
  const loadOf = (i: number, c: number, m: number): number => Math.max(hosts[i].cpuMhz > 0 ? c / hosts[i].cpuMhz : 0, hosts[i].memBytes > 0 ? m / hosts[i].memBytes : 0);
  const load = new Float64Array(n);
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) { load[i] = loadOf(i, cpu[i], mem[i]); sum += load[i]; sum2 += load[i] * load[i]; }
  const sd = (s: number, s2: number): number => Math.sqrt(Math.max(0, s2 / n - (s / n) * (s / n)));
  const target = targetImbalance(threshold, n);
  const moves: DrsMove[] = [];
  while (moves.length < maxMoves) {
    const before = sd(sum, sum2);
    if (before <= target) break;
    const priority = recommendationPriority(before, n);
    if (priority > threshold) break;
    const mean = sum / n;
    // Destinations: the DRS_DESTINATIONS least-loaded hosts below the mean that can receive (a move's
    // gain grows as the destination's load falls, so the best move is almost always among them).
    const dests: number[] = [];
    for (let to = 0; to < n; to++) if (load[to] < mean && hosts[to].canReceive) dests.push(to);
    dests.sort((a, b) => load[a] - load[b] || a - b);
    if (dests.length > DRS_DESTINATIONS) dests.length = DRS_DESTINATIONS;
    let best: { vm: DrsVm; from: number; to: number; after: number; ls: number; ld: number; k: number } | undefined;
    for (let from = 0; from < n; from++) {
      if (load[from] <= mean) continue;
      const list = onHost[from];
      for (let k = 0; k < list.length; k++) {
        const v = list[k];
        const ls = loadOf(from, cpu[from] - v.cpuMhz, mem[from] - v.memBytes);
        for (const to of dests) {
          if (to === from) continue;
          if (cpu[to] + v.cpuMhz > hosts[to].cpuMhz || mem[to] + v.memBytes > hosts[to].memBytes) continue;
          if (allowed && !allowed(v.id, hosts[to].id, hostOf)) continue;
          const ld = loadOf(to, cpu[to] + v.cpuMhz, mem[to] + v.memBytes);
          const s = sum - load[from] - load[to] + ls + ld;
          const s2 = sum2 - load[from] * load[from] - load[to] * load[to] + ls * ls + ld * ld;
          const after = sd(s, s2);
          if (after < before - 1e-9 && (!best || after < best.after - 1e-12)) best = { vm: v, from, to, after, ls, ld, k };
        }
      }
    }
    if (!best) break;
    const { vm, from, to } = best;
    moves.push({
      vmId: vm.id, fromHostId: hosts[from].id, toHostId: hosts[to].id, priority, imbalanceBefore: before, imbalanceAfter: best.after,
      reason: `Balance average CPU and memory loads: ${hosts[from].name} at ${pct(load[from])} and ${hosts[to].name} at ${pct(load[to])} (cluster mean ${pct(mean)}); host load standard deviation ${before.toFixed(3)} → ${best.after.toFixed(3)}`,
    });
    cpu[from] -= vm.cpuMhz; mem[from] -= vm.memBytes; cpu[to] += vm.cpuMhz; mem[to] += vm.memBytes;
    sum += best.ls + best.ld - load[from] - load[to];
    sum2 += best.ls * best.ls + best.ld * best.ld - load[from] * load[from] - load[to] * load[to];
    load[from] = best.ls;
    load[to] = best.ld;
    onHost[from].splice(best.k, 1);
    where.set(vm.id, hosts[to].id);
    onHost[to].push({ ...vm, hostId: hosts[to].id, movable: false }); // one move per VM per pass
  }
  return moves;
}
