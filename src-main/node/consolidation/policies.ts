/**
 * Consolidation policies — what a consolidation run decides at each of its checks, from a snapshot of
 * the cluster (hosts with capacity and power state, VMs with their host and measured CPU demand).
 *
 * Interface: `POLICIES`, `PolicyName`; `PolicyParams` (+ `DEFAULT_POLICY_PARAMS`); `ClusterSnapshot`;
 * `thresholdDecision(snapshot, params)` → a `Decision` or null; `alignToCurrent(snapshot, target)` → the
 * target with interchangeable hosts renamed to keep VMs where they are; `packingBins(snapshot, params)`
 * → the bins a periodic re-packing offers, in the order the heuristics take them.
 *
 * The policies (docs/placement.md, "Consolidation runs"):
 * - `none`: the VMs stay where they are, every host stays on.
 * - `periodic-ffd`, `periodic-exact`: every `periodS` the cluster is re-packed from scratch (FFD, or the
 *   exact solver) onto hosts filled to at most `targetUtilisation` of their CPU — hosts in standby
 *   count as bins (they are woken first when the packing needs them); the packing is then renamed to
 *   move as little memory as possible, and applied as a plan; the emptied hosts enter standby. A
 *   packing that frees no host while every host on holds its demand within the target is not applied.
 * - `threshold`: CloudSim's static-threshold policy (Beloglazov & Buyya 2012, THR with minimum migration
 *   time): at every check a host above `upper` utilisation sheds its smallest-memory VMs until it is at
 *   most `upper`, onto the host that fits them best (a standby host is woken when none does); otherwise
 *   the least-utilised host below `lower` is emptied onto the others if they stay at most `upper`, and
 *   enters standby.
 * Rules: pure and deterministic (every order has a tie-break by id); never more than one decision per
 * check; a host never receives more than `upper` (threshold) or `targetUtilisation` (periodic) of its CPU
 * by measured demand, nor more memory than it has.
 */

export const POLICIES = ['none', 'periodic-ffd', 'periodic-exact', 'threshold'] as const;
export type PolicyName = (typeof POLICIES)[number];

export interface PolicyParams {
  /** Periodic policies: seconds between re-packings. */
  periodS: number;
  /** Periodic policies: the share of a host's CPU a packing may fill. */
  targetUtilisation: number;
  /** Threshold policy: above this CPU utilisation a host is overloaded. */
  upper: number;
  /** Threshold policy: below this a host is a candidate for emptying. */
  lower: number;
  /** 20 s samples averaged for a VM's demand (periodic policies; the threshold policy reads the latest). */
  windowSamples: number;
  /** Exact solver's time limit per re-packing, seconds. */
  timeLimitS: number;
}

export const DEFAULT_POLICY_PARAMS: PolicyParams = {
  periodS: 300, targetUtilisation: 0.8, upper: 0.8, lower: 0.3, windowSamples: 3, timeLimitS: 10,
};

export interface SnapshotHost {
  id: string;
  name: string;
  /** Physical cores × clock, MHz. */
  cpuMhz: number;
  /** Physical memory less the hypervisor's, MiB. */
  memMiB: number;
  /** `on`: can take VMs now; `standby`: can be woken; hosts that can do neither are left out. */
  state: 'on' | 'standby';
}

export interface SnapshotVm {
  id: string;
  name: string;
  hostId: string;
  /** Measured CPU demand, MHz (usage + the time it was ready beyond its limit, in MHz). */
  cpuMhz: number;
  /** Memory the VM holds on its host, MiB (configured + overhead allowance). */
  memMiB: number;
}

export interface ClusterSnapshot { hosts: SnapshotHost[]; vms: SnapshotVm[] }

/** A move set: where each VM should run (VMs not listed stay), hosts to wake first, whether to standby the emptied ones. */
export interface Decision {
  target: Map<string, string>;
  wake: string[];
  standbyEmptied: boolean;
  reason: string;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function loads(s: ClusterSnapshot, placement: Map<string, string>): Map<string, { cpu: number; mem: number }> {
  const out = new Map(s.hosts.map((h) => [h.id, { cpu: 0, mem: 0 }]));
  for (const vm of s.vms) {
    const l = out.get(placement.get(vm.id) ?? vm.hostId);
    if (l) { l.cpu += vm.cpuMhz; l.mem += vm.memMiB; }
  }
  return out;
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

/**
 * The threshold policy's decision at one check, or null. Overload first (a VM short of CPU costs the SLA
 * now), then underload (one host at a time, the least utilised).
 */
export function thresholdDecision(s: ClusterSnapshot, p: PolicyParams): Decision | null {
  const hosts = [...s.hosts].sort(byId);
  const on = hosts.filter((h) => h.state === 'on');
  const placement = new Map(s.vms.map((vm) => [vm.id, vm.hostId]));
  const load = loads(s, placement);
  const util = (h: SnapshotHost) => load.get(h.id)!.cpu / h.cpuMhz;
  const fits = (h: SnapshotHost, vm: SnapshotVm) => {
    const l = load.get(h.id)!;
    return (l.cpu + vm.cpuMhz) / h.cpuMhz <= p.upper + 1e-9 && l.mem + vm.memMiB <= h.memMiB;
  };
  // Best fit: the most utilised host that stays at most `upper` (PABFD's choice when hosts draw alike).
  const bestFit = (vm: SnapshotVm, candidates: SnapshotHost[]) => candidates
    .filter((h) => fits(h, vm)).sort((a, b) => util(b) - util(a) || byId(a, b))[0];
  const move = (vm: SnapshotVm, from: SnapshotHost, to: SnapshotHost) => {
    placement.set(vm.id, to.id);
    const lf = load.get(from.id)!; const lt = load.get(to.id)!;
    lf.cpu -= vm.cpuMhz; lf.mem -= vm.memMiB; lt.cpu += vm.cpuMhz; lt.mem += vm.memMiB;
  };

  const overloaded = on.filter((h) => util(h) > p.upper).sort((a, b) => util(b) - util(a) || byId(a, b));
  for (const host of overloaded) {
    const before = util(host);
    // Minimum migration time: the VMs with the least memory move first (ties: the larger demand first).
    const vms = s.vms.filter((vm) => vm.hostId === host.id).sort((a, b) => a.memMiB - b.memMiB || b.cpuMhz - a.cpuMhz || byId(a, b));
    const target = new Map<string, string>();
    const wake: string[] = [];
    for (const vm of vms) {
      if (util(host) <= p.upper) break;
      if (vms.length - target.size <= 1) break; // the last VM stays: moving it only moves the overload
      const others = on.filter((h) => h.id !== host.id && !overloaded.includes(h));
      let dest = bestFit(vm, [...others, ...hosts.filter((h) => wake.includes(h.id))]);
      if (!dest) {
        const sleeper = hosts.find((h) => h.state === 'standby' && !wake.includes(h.id) && vm.memMiB <= h.memMiB);
        if (!sleeper) break;
        wake.push(sleeper.id);
        dest = sleeper;
      }
      move(vm, host, dest);
      target.set(vm.id, dest.id);
    }
    if (target.size) {
      const names = [...target].map(([v, h]) => `${s.vms.find((x) => x.id === v)!.name} → ${hosts.find((x) => x.id === h)!.name}`);
      return {
        target, wake, standbyEmptied: false,
        reason: `${host.name} is overloaded (CPU ${pct(before)} > ${pct(p.upper)}): ${names.join(', ')}${wake.length ? `, waking ${wake.map((w) => hosts.find((h) => h.id === w)!.name).join(', ')}` : ''}`,
      };
    }
  }

  if (on.length < 2) return null;
  const under = on.filter((h) => util(h) < p.lower && s.vms.some((vm) => vm.hostId === h.id))
    .sort((a, b) => util(a) - util(b) || byId(a, b));
  for (const host of under) {
    const before = util(host);
    const vms = s.vms.filter((vm) => vm.hostId === host.id).sort((a, b) => b.cpuMhz - a.cpuMhz || b.memMiB - a.memMiB || byId(a, b));
    const others = on.filter((h) => h.id !== host.id);
    const target = new Map<string, string>();
    for (const vm of vms) {
      const dest = bestFit(vm, others);
      if (!dest) break;
      move(vm, host, dest);
      target.set(vm.id, dest.id);
    }
    if (target.size === vms.length) {
      return {
        target, wake: [], standbyEmptied: true,
        reason: `${host.name} is underloaded (CPU ${pct(before)} < ${pct(p.lower)}): its ${vms.length} VM(s) fit on the other hosts at most ${pct(p.upper)}; it enters standby`,
      };
    }
    for (const [vmId] of target) move(s.vms.find((v) => v.id === vmId)!, hosts.find((h) => h.id === placement.get(vmId))!, host);
  }
  return null;
}

/**
 * The bins a periodic re-packing offers: the hosts that can take VMs now, most loaded first (so FFD fills
 * them before the emptier ones), then the standby hosts — with CPU capacity cut to `targetUtilisation`.
 */
export function packingBins(s: ClusterSnapshot, p: PolicyParams): { id: string; capacity: number[] }[] {
  const load = loads(s, new Map());
  const on = s.hosts.filter((h) => h.state === 'on').sort((a, b) => load.get(b.id)!.cpu - load.get(a.id)!.cpu || byId(a, b));
  const standby = s.hosts.filter((h) => h.state === 'standby').sort(byId);
  return [...on, ...standby].map((h) => ({ id: h.id, capacity: [h.cpuMhz * p.targetUtilisation, h.memMiB] }));
}

/**
 * A packing renamed to keep VMs where they run: a packing algorithm does not know where the VMs are, and
 * hosts of equal capacity can swap their loads. Pairs (target host, current host) sharing the most memory
 * are matched first; a target host left over takes a powered-on host before a standby one.
 */
export function alignToCurrent(s: ClusterSnapshot, target: Map<string, string>): Map<string, string> {
  const hosts = new Map(s.hosts.map((h) => [h.id, h]));
  const klass = (id: string) => { const h = hosts.get(id)!; return `${h.cpuMhz}/${h.memMiB}`; };
  const shared = new Map<string, number>(); // "targetHost current" → MiB
  for (const vm of s.vms) {
    const t = target.get(vm.id);
    if (!t || klass(t) !== klass(vm.hostId)) continue;
    const k = `${t} ${vm.hostId}`;
    shared.set(k, (shared.get(k) ?? 0) + vm.memMiB);
  }
  const pairs = [...shared].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const rename = new Map<string, string>();
  const taken = new Set<string>();
  for (const [k] of pairs) {
    const [t, c] = k.split(' ');
    if (rename.has(t) || taken.has(c)) continue;
    rename.set(t, c); taken.add(c);
  }
  const used = [...new Set(target.values())].sort();
  const free = [...s.hosts].filter((h) => !taken.has(h.id)).sort((a, b) => (a.state === b.state ? byId(a, b) : a.state === 'on' ? -1 : 1));
  for (const t of used) {
    if (rename.has(t)) continue;
    const c = free.find((h) => !taken.has(h.id) && klass(h.id) === klass(t));
    if (c) { rename.set(t, c.id); taken.add(c.id); } else rename.set(t, t);
  }
  // Every class has at least as many hosts as the packing uses, so `free` always has one: one-to-one.
  const out = new Map<string, string>();
  for (const [vm, t] of target) out.set(vm, rename.get(t) ?? t);
  return out;
}
