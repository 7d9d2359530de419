/**
 * dpm — vSphere DPM's decision, pure: given the cluster's hosts (powered on, in standby, or neither), the
 * powered-on VMs' entitlements (DRS's measured demand) and the threshold, at most one host to wake or to
 * put into standby, with its priority and the reason in words.
 *
 * - `dpmEvaluate({ hosts, vms, threshold, haShort?, allowed? })` → `DpmDecision | undefined`.
 * - `clusterUtilization(hosts, vms)`: demand ÷ capacity of the given hosts, the larger of CPU and memory.
 *
 * The rules (vSphere DPM's shape, the lab's numbers documented in docs/cluster-services.md):
 * - **Wake** (power-on), checked first: priority 1 when HA admission control is short of failover capacity
 *   (`haShort`: "DPM never leaves HA without the hosts it needs"); priority 2 when the cluster's utilisation
 *   is above 90 %, 3 when above the high mark (63 % + 18 % = 81 %). The standby host woken is the largest.
 * - **Standby** (power-off), when nothing needs waking: the least loaded powered-on host whose VMs all fit
 *   on the others (each, largest first, on the host that stays least loaded, never above the high mark on
 *   CPU or memory, and never breaking a VM/Host rule), and without which the cluster's utilisation stays at
 *   most the high mark: priority 3 when it stays at most the target (63 %), 4 at most 72 %, 5 at most 81 %.
 *   A host `mayStandby` refuses (HA admission control, a dedicated failover host, a task) is never chosen,
 *   and the last powered-on host never is.
 * - The threshold t applies (or, in manual mode, recommends) decisions of priority ≤ t; one decision per
 *   pass, so the cluster changes by one host at a time and each change is measured before the next.
 */
import type { HostId, VmId } from '@shared/model/ids';
import { DPM_TARGET_UTILIZATION, DPM_TOLERANCE } from '../params';
import type { DrsVm } from './drsBalance';

export interface DpmHost {
  id: HostId;
  name: string;
  cpuMhz: number;
  memBytes: number;
  state: 'on' | 'standby';
  /** May take VMs evacuated from another host (not a dedicated failover host, not being emptied). */
  canReceive: boolean;
  /** Why this host may not enter standby now (undefined: it may). */
  standbyRefusal?: string;
}

export interface DpmDecision {
  kind: 'powerOn' | 'powerOff';
  hostId: HostId;
  priority: number;
  reason: string;
  evacuations: { vmId: VmId; toHostId: HostId }[];
  utilizationBefore: number;
  utilizationAfter: number;
}

export interface DpmInput {
  hosts: readonly DpmHost[];
  vms: readonly DrsVm[];
  threshold: number;
  /** Set when HA admission control lacks failover capacity with the hosts powered on now: why, in words. */
  haShort?: string;
  /** Vetoes a VM on a host (the cluster's VM/Host rules); `hostOf` gives where the others are. */
  allowed?: (vmId: VmId, hostId: HostId, hostOf: (vmId: VmId) => HostId | undefined) => boolean;
}

export const DPM_HIGH = DPM_TARGET_UTILIZATION + DPM_TOLERANCE;
export const DPM_LOW = DPM_TARGET_UTILIZATION - DPM_TOLERANCE;

/** A utilisation in words: whole per cents, one decimal under 10 % (an idle cluster is not "0 %"). */
const pct = (x: number) => (x < 0.1 ? `${(x * 100).toFixed(1)} %` : `${Math.round(x * 100)} %`);

export function clusterUtilization(hosts: readonly { id: HostId; cpuMhz: number; memBytes: number }[], vms: readonly DrsVm[]): number {
  const ids = new Set(hosts.map((h) => h.id));
  let cpu = 0;
  let mem = 0;
  for (const v of vms) if (ids.has(v.hostId)) { cpu += v.cpuMhz; mem += v.memBytes; }
  const cpuCap = hosts.reduce((s, h) => s + h.cpuMhz, 0);
  const memCap = hosts.reduce((s, h) => s + h.memBytes, 0);
  if (cpuCap <= 0 || memCap <= 0) return cpu > 0 || mem > 0 ? Number.POSITIVE_INFINITY : 0;
  return Math.max(cpu / cpuCap, mem / memCap);
}

/** Cluster utilisation if every VM of the given hosts ran on `hosts` (the demand stays; the capacity changes). */
function utilizationOn(hosts: readonly DpmHost[], vms: readonly DrsVm[]): number {
  let cpu = 0;
  let mem = 0;
  for (const v of vms) { cpu += v.cpuMhz; mem += v.memBytes; }
  const cpuCap = hosts.reduce((s, h) => s + h.cpuMhz, 0);
  const memCap = hosts.reduce((s, h) => s + h.memBytes, 0);
  if (cpuCap <= 0 || memCap <= 0) return Number.POSITIVE_INFINITY;
  return Math.max(cpu / cpuCap, mem / memCap);
}

export function dpmEvaluate(input: DpmInput): DpmDecision | undefined {
  const on = input.hosts.filter((h) => h.state === 'on');
  const standby = input.hosts.filter((h) => h.state === 'standby');
  const onIds = new Set(on.map((h) => h.id));
  const vms = input.vms.filter((v) => onIds.has(v.hostId));
  const util = utilizationOn(on, vms);
  // Wake: the largest standby host (most CPU, then memory; registry order on ties).
  if (standby.length) {
    const largest = [...standby].sort((a, b) => b.cpuMhz - a.cpuMhz || b.memBytes - a.memBytes)[0];
    const after = utilizationOn([...on, largest], vms);
    if (input.haShort) {
      return { kind: 'powerOn', hostId: largest.id, priority: 1, reason: `vSphere HA admission control needs more hosts: ${input.haShort}`, evacuations: [], utilizationBefore: util, utilizationAfter: after };
    }
    if (util > DPM_HIGH) {
      const priority = util > 0.9 ? 2 : 3;
      if (priority <= input.threshold) {
        return {
          kind: 'powerOn', hostId: largest.id, priority, evacuations: [], utilizationBefore: util, utilizationAfter: after,
          reason: `the cluster's utilisation is ${pct(util)}, above the target range's high mark of ${pct(DPM_HIGH)}: waking ${largest.name} brings it to ${pct(after)}`,
        };
      }
    }
  }
  if (on.length < 2) return undefined;
  // Standby: the least loaded host first (its VMs' dominant share of its capacity).
  const loadOf = (h: DpmHost) => {
    let cpu = 0;
    let mem = 0;
    for (const v of vms) if (v.hostId === h.id) { cpu += v.cpuMhz; mem += v.memBytes; }
    return Math.max(h.cpuMhz > 0 ? cpu / h.cpuMhz : 0, h.memBytes > 0 ? mem / h.memBytes : 0);
  };
  const candidates = on.filter((h) => h.standbyRefusal === undefined).map((h) => ({ h, load: loadOf(h) })).sort((a, b) => a.load - b.load);
  for (const { h } of candidates) {
    const rest = on.filter((x) => x.id !== h.id);
    const after = utilizationOn(rest, vms);
    if (after > DPM_HIGH) continue;
    const priority = after <= DPM_TARGET_UTILIZATION ? 3 : after <= (DPM_TARGET_UTILIZATION + DPM_HIGH) / 2 ? 4 : 5;
    if (priority > input.threshold) continue;
    const evacuations = evacuate(h, rest, vms, input.allowed);
    if (!evacuations) continue;
    const n = evacuations.length;
    return {
      kind: 'powerOff', hostId: h.id, priority, evacuations, utilizationBefore: util, utilizationAfter: after,
      reason: `the cluster's utilisation is ${pct(util)}; without ${h.name} it would be ${pct(after)}, within the target range (at most ${pct(DPM_HIGH)}): `
        + `${n ? `its ${n} running VM(s) move to the other hosts and ` : ''}it enters standby`,
    };
  }
  return undefined;
}

/** Where each VM of `host` goes: largest first, to the receiving host that stays least loaded, none above the high mark. */
function evacuate(host: DpmHost, rest: readonly DpmHost[], vms: readonly DrsVm[], allowed: DpmInput['allowed']): { vmId: VmId; toHostId: HostId }[] | undefined {
  const cpu = new Map<HostId, number>();
  const mem = new Map<HostId, number>();
  const where = new Map<VmId, HostId>();
  for (const v of vms) {
    where.set(v.id, v.hostId);
    cpu.set(v.hostId, (cpu.get(v.hostId) ?? 0) + v.cpuMhz);
    mem.set(v.hostId, (mem.get(v.hostId) ?? 0) + v.memBytes);
  }
  const mine = vms.filter((v) => v.hostId === host.id).sort((a, b) => Math.max(b.cpuMhz / host.cpuMhz, b.memBytes / host.memBytes) - Math.max(a.cpuMhz / host.cpuMhz, a.memBytes / host.memBytes));
  if (mine.some((v) => !v.movable)) return undefined;
  const out: { vmId: VmId; toHostId: HostId }[] = [];
  for (const v of mine) {
    let best: { id: HostId; load: number } | undefined;
    for (const d of rest) {
      if (!d.canReceive) continue;
      const c = ((cpu.get(d.id) ?? 0) + v.cpuMhz) / d.cpuMhz;
      const m = ((mem.get(d.id) ?? 0) + v.memBytes) / d.memBytes;
      const load = Math.max(c, m);
      if (load > DPM_HIGH) continue;
      if (allowed && !allowed(v.id, d.id, (o) => where.get(o))) continue;
      if (!best || load < best.load) best = { id: d.id, load };
    }
    if (!best) return undefined;
    out.push({ vmId: v.id, toHostId: best.id });
    where.set(v.id, best.id);
    cpu.set(best.id, (cpu.get(best.id) ?? 0) + v.cpuMhz);
    mem.set(best.id, (mem.get(best.id) ?? 0) + v.memBytes);
  }
  return out;
}
