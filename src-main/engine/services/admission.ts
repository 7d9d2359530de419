/**
 * admission — vSphere HA admission control: whether a cluster keeps enough spare capacity to restart
 * its VMs after the host failures it is configured to tolerate, by the three policies vSphere has
 * (vSphere Availability guide, "Admission Control"):
 *
 *  - cluster resource percentage: the powered-on VMs' reservations (CPU: the reservation, at least
 *    32 MHz; memory: the reservation — none in the lab — plus the VM's overhead) must leave at least the
 *    configured percentage of the cluster's CPU and memory free; absent a configured percentage it is
 *    computed from "host failures cluster tolerates" as the share of the largest hosts (6.5+ default).
 *  - slot policy: a slot is the largest CPU reservation (at least 32 MHz) and the largest memory
 *    reservation + overhead among powered-on VMs; each host holds ⌊capacity / slot⌋ slots (the smaller of
 *    CPU and memory); the slots of the N largest hosts are kept for failover; every powered-on VM takes one.
 *  - dedicated failover hosts: those hosts take no power-on but HA's restarts.
 *
 * - `capacityView(reg, clusterId)`: the cluster's live hosts (connected, not failed, not in maintenance)
 *   with capacities, and its powered-on VMs with their admission demands.
 * - `admissionState(view, settings, extraVm?)` → the Summary's figures (and, with `extraVm`, whether it
 *   could power on too); `failoverLevel(view)`: host failures the current load tolerates.
 * - `admissionProblem(reg, clusterId, settings, vm)` → the refusal in the user's words, or undefined.
 * - `standbyAdmissionProblem(reg, clusterId, settings, host)` → why the host may not enter standby mode
 *   (the failover capacity the policy keeps would be gone without it), or undefined: DPM's and HA's
 *   cooperation — vSphere DPM never powers down a host HA admission control needs.
 *
 * Rule: pure functions of the inventory; host capacity for VMs = CPU cores × MHz and memory less the
 * hypervisor's own reserve (the lab's host memory pools hold it from boot).
 */
import type { ClusterId, HostId, VmId } from '@shared/model/ids';
import type { HaSettings, HaStateDto } from '@shared/model/clusterServices';
import type { Host, Registry, Vm } from '../cluster/index';
import { VMKERNEL_FRAMES, vmOverheadFrames } from '../metrics/index';
import { PAGE_SIZE_BYTES } from '../params';

/** vSphere's default CPU demand of a VM without a reservation (admission control and slot size). */
export const MIN_CPU_SLOT_MHZ = 32;
const MiB = 1024 * 1024;

export interface HostCapacity { id: HostId; cpuMhz: number; memBytes: number }
export interface VmDemand { id: VmId; hostId: HostId; cpuMhz: number; memBytes: number; cpuReservationMhz: number }
export interface CapacityView { hosts: HostCapacity[]; vms: VmDemand[] }

export function hostUsable(h: Host): boolean {
  return !h.fault && h.powerState === 'poweredOn' && h.connectionState === 'connected' && !h.inMaintenanceMode;
}

export function hostCapacity(h: Host): HostCapacity {
  return { id: h.id, cpuMhz: h.sockets * h.coresPerSocket * h.cpuMhz, memBytes: h.memoryBytes - VMKERNEL_FRAMES * PAGE_SIZE_BYTES };
}

export function vmDemand(vm: Vm, hostId: HostId): VmDemand {
  return {
    id: vm.id, hostId, cpuMhz: Math.max(MIN_CPU_SLOT_MHZ, vm.cpuReservationMhz), cpuReservationMhz: vm.cpuReservationMhz,
    memBytes: vmOverheadFrames(vm) * PAGE_SIZE_BYTES,
  };
}

export function capacityView(reg: Registry, clusterId: ClusterId): CapacityView {
  const hosts: HostCapacity[] = [];
  const vms: VmDemand[] = [];
  for (const h of reg.hosts.values()) {
    if (h.clusterId !== clusterId) continue;
    if (hostUsable(h)) hosts.push(hostCapacity(h));
    // VMs still running on an isolated host count: they hold capacity until the isolation response.
    if (h.fault?.kind === 'crash') continue;
    for (const vm of reg.vmsOnHost(h.id)) if (vm.powerState === 'poweredOn') vms.push(vmDemand(vm, h.id));
  }
  return { hosts, vms };
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** Host failures the current load tolerates: the largest k whose loss leaves room for every VM's demand. */
export function failoverLevel(view: CapacityView): number {
  const cpuNeed = sum(view.vms.map((v) => v.cpuMhz));
  const memNeed = sum(view.vms.map((v) => v.memBytes));
  const byCpu = view.hosts.map((h) => h.cpuMhz).sort((a, b) => b - a);
  const byMem = view.hosts.map((h) => h.memBytes).sort((a, b) => b - a);
  let cpuLeft = sum(byCpu);
  let memLeft = sum(byMem);
  if (cpuLeft < cpuNeed || memLeft < memNeed) return 0;
  let k = 0;
  while (k < view.hosts.length - 1) {
    cpuLeft -= byCpu[k];
    memLeft -= byMem[k];
    if (cpuLeft < cpuNeed || memLeft < memNeed) break;
    k++;
  }
  return k;
}

export interface SlotFigures { slotCpuMhz: number; slotMemBytes: number; totalSlots: number; failoverSlots: number; usedSlots: number; availableSlots: number }

export function slotFigures(view: CapacityView, tolerate: number, extra?: VmDemand): SlotFigures {
  const vms = extra ? [...view.vms, extra] : view.vms;
  let slotCpu = MIN_CPU_SLOT_MHZ;
  let slotMem = 1;
  for (const v of vms) { slotCpu = Math.max(slotCpu, v.cpuReservationMhz); slotMem = Math.max(slotMem, v.memBytes); }
  const perHost = view.hosts.map((h) => Math.min(Math.floor(h.cpuMhz / slotCpu), Math.floor(h.memBytes / slotMem))).sort((a, b) => b - a);
  const total = sum(perHost);
  const failover = sum(perHost.slice(0, tolerate));
  return { slotCpuMhz: slotCpu, slotMemBytes: slotMem, totalSlots: total, failoverSlots: failover, usedSlots: view.vms.length, availableSlots: total - failover - view.vms.length };
}

/** The configured failover percentages: given, or the share of the `tolerate` largest hosts. */
export function configuredPercent(view: CapacityView, settings: HaSettings): { cpu: number; mem: number } {
  const ac = settings.admissionControl;
  const share = (xs: number[]): number => {
    const total = sum(xs);
    if (total <= 0) return 100;
    const largest = [...xs].sort((a, b) => b - a).slice(0, ac.hostFailuresToTolerate);
    return Math.ceil((sum(largest) / total) * 100);
  };
  return {
    cpu: ac.cpuFailoverPercent ?? share(view.hosts.map((h) => h.cpuMhz)),
    mem: ac.memFailoverPercent ?? share(view.hosts.map((h) => h.memBytes)),
  };
}

export function currentPercent(view: CapacityView, extra?: VmDemand): { cpu: number; mem: number } {
  const vms = extra ? [...view.vms, extra] : view.vms;
  const cpuCap = sum(view.hosts.map((h) => h.cpuMhz));
  const memCap = sum(view.hosts.map((h) => h.memBytes));
  const pct = (cap: number, used: number) => (cap > 0 ? Math.floor(((cap - used) / cap) * 100) : 0);
  return { cpu: pct(cpuCap, sum(vms.map((v) => v.cpuMhz))), mem: pct(memCap, sum(vms.map((v) => v.memBytes))) };
}

export function admissionState(view: CapacityView, settings: HaSettings): HaStateDto['admission'] {
  const ac = settings.admissionControl;
  switch (ac.policy) {
    case 'clusterResourcePercentage': {
      const cur = currentPercent(view);
      const conf = configuredPercent(view, settings);
      return { policy: ac.policy, currentCpuFailoverPercent: cur.cpu, currentMemFailoverPercent: cur.mem, configuredCpuFailoverPercent: conf.cpu, configuredMemFailoverPercent: conf.mem };
    }
    case 'slotPolicy': {
      const s = slotFigures(view, ac.hostFailuresToTolerate);
      return {
        policy: ac.policy, slotCpuMhz: s.slotCpuMhz, slotMemMiB: Math.ceil(s.slotMemBytes / MiB), totalSlots: s.totalSlots,
        usedSlots: s.usedSlots, availableSlots: Math.max(0, s.availableSlots), failoverSlots: s.failoverSlots,
      };
    }
    default:
      return { policy: ac.policy };
  }
}

/**
 * Whether powering on `vm` (on its registered host) would violate the cluster's admission control; the
 * message says which figure and what to do, as vSphere's "Insufficient resources to satisfy configured
 * failover level for vSphere HA" does.
 */
export function admissionProblem(reg: Registry, clusterId: ClusterId, settings: HaSettings, vm: Vm): string | undefined {
  const ac = settings.admissionControl;
  if (ac.policy === 'disabled' || !vm.hostId) return undefined;
  const view = capacityView(reg, clusterId);
  const extra = vmDemand(vm, vm.hostId);
  const lead = `Insufficient resources to satisfy the configured failover level for vSphere HA: ${vm.name} cannot be powered on`;
  switch (ac.policy) {
    case 'dedicatedFailoverHosts':
      return ac.failoverHostIds.includes(vm.hostId)
        ? `${lead} on ${reg.nameOf(vm.hostId)}, a dedicated failover host (only vSphere HA restarts run there).` : undefined;
    case 'clusterResourcePercentage': {
      const cur = currentPercent(view, extra);
      const conf = configuredPercent(view, settings);
      if (cur.cpu < conf.cpu) return `${lead}: CPU failover capacity would fall to ${cur.cpu} % (configured ${conf.cpu} %).`;
      if (cur.mem < conf.mem) return `${lead}: memory failover capacity would fall to ${cur.mem} % (configured ${conf.mem} %).`;
      return undefined;
    }
    case 'slotPolicy': {
      const s = slotFigures(view, ac.hostFailuresToTolerate, extra);
      return s.availableSlots < 1
        ? `${lead}: no slot is free (${s.totalSlots} slots of ${s.slotCpuMhz} MHz / ${Math.ceil(s.slotMemBytes / MiB)} MB, ${s.failoverSlots} kept for ${ac.hostFailuresToTolerate} host failure(s), ${s.usedSlots} in use).`
        : undefined;
    }
  }
}

/**
 * Whether putting `host` into standby would leave the cluster short of the failover capacity admission
 * control keeps for the VMs already running (the same figures as a power-on, over the hosts left); a
 * dedicated failover host stays up for HA's restarts.
 */
export function standbyAdmissionProblem(reg: Registry, clusterId: ClusterId, settings: HaSettings, host: Host): string | undefined {
  const ac = settings.admissionControl;
  if (ac.policy === 'disabled') return undefined;
  const full = capacityView(reg, clusterId);
  const view: CapacityView = { hosts: full.hosts.filter((h) => h.id !== host.id), vms: full.vms };
  const lead = `Host ${host.name} cannot enter standby mode: vSphere HA admission control needs it`;
  switch (ac.policy) {
    case 'dedicatedFailoverHosts':
      return ac.failoverHostIds.includes(host.id) ? `${lead} (a dedicated failover host stays powered on for HA's restarts).` : undefined;
    case 'clusterResourcePercentage': {
      if (view.hosts.length <= ac.hostFailuresToTolerate) return `${lead}: ${view.hosts.length} host(s) would remain for ${ac.hostFailuresToTolerate} host failure(s) to tolerate.`;
      const cur = currentPercent(view);
      const conf = configuredPercent(view, settings);
      if (cur.cpu < conf.cpu) return `${lead}: CPU failover capacity would fall to ${cur.cpu} % (configured ${conf.cpu} %).`;
      if (cur.mem < conf.mem) return `${lead}: memory failover capacity would fall to ${cur.mem} % (configured ${conf.mem} %).`;
      return undefined;
    }
    case 'slotPolicy': {
      if (view.hosts.length <= ac.hostFailuresToTolerate) return `${lead}: ${view.hosts.length} host(s) would remain for ${ac.hostFailuresToTolerate} host failure(s) to tolerate.`;
      const s = slotFigures(view, ac.hostFailuresToTolerate);
      return s.availableSlots < 0
        ? `${lead}: the running VMs need ${s.usedSlots} slot(s), and without it ${s.totalSlots - s.failoverSlots} remain once ${s.failoverSlots} are kept for ${ac.hostFailuresToTolerate} host failure(s).`
        : undefined;
    }
  }
}
