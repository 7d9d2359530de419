/**
 * resourceModels — the documented models behind counters that have no single engine event:
 *
 *  - Host power (power.power.average, W): idle watts = POWER_IDLE_WATTS_BASE + POWER_IDLE_WATTS_PER_SOCKET
 *    × sockets, plus POWER_BUSY_WATTS_PER_CORE × physical cores × utilization (the share of time the
 *    logical CPUs were busy, from the scheduler). Idle ≈ 60 % of peak, the shape of SPECpower-era servers.
 *    Energy (power.energy.summation, J) = average W × seconds. A host in standby draws POWER_STANDBY_WATTS,
 *    a powered-off host 0 W. Clusters and datacenters report the sum of their hosts.
 *  - VM overhead memory (mem.overhead.average, KB): MEM_OVERHEAD_BASE_KB + MEM_OVERHEAD_PER_VCPU_KB × vCPUs
 *    + MEM_OVERHEAD_PER_MIB_KB × configured MiB (+ MEM_OVERHEAD_SHADOW_PER_MIB_KB × MiB when the VM runs shadow paging
 *    (src-shared/model/mmuVirtualization.ts: not an interp or pv VM whatever its setting),
 *    for the shadow page tables): fixed + per vCPU + proportional, the shape of vSphere's overhead table,
 *    scaled to teaching VMs. MODELLED, not counted: the amount is this formula; what is counted is that
 *    `vmOverheadFrames(vm)` frames of it are charged to the host's memory pool while the VM is powered on
 *    (`HostMemory.chargeOverhead(vmId, …)`; a suspended VM releases them), so host counters add up.
 *  - The hypervisor's own memory (mem.sysUsage.average): HOST_SYSTEM_MEMORY_MIB charged to each host's
 *    pool under the owner `VMKERNEL_MEMORY_OWNER` for as long as the host exists — a fixed reserve of the
 *    order ESXi's VMkernel keeps for itself on a small host, also modelled.
 */
import type { Host, Vm } from '../cluster/index';
import { effectivePaging } from '@shared/model/mmuVirtualization';
import {
  HOST_SYSTEM_MEMORY_MIB, MEM_OVERHEAD_BASE_KB, PAGE_SIZE_BYTES, MEM_OVERHEAD_PER_MIB_KB, MEM_OVERHEAD_PER_VCPU_KB, MEM_OVERHEAD_SHADOW_PER_MIB_KB,
  POWER_BUSY_WATTS_PER_CORE, POWER_IDLE_WATTS_BASE, POWER_IDLE_WATTS_PER_SOCKET, POWER_STANDBY_WATTS,
} from '../params';

export function hostWatts(host: Host, utilization: number): number {
  if (host.powerState === 'standBy') return POWER_STANDBY_WATTS;
  if (host.powerState === 'poweredOff') return 0;
  const u = Math.min(1, Math.max(0, utilization));
  const cores = host.sockets * host.coresPerSocket;
  return POWER_IDLE_WATTS_BASE + POWER_IDLE_WATTS_PER_SOCKET * host.sockets + POWER_BUSY_WATTS_PER_CORE * cores * u;
}

export function vmOverheadKB(vm: Vm): number {
  const mib = vm.memoryBytes / (1024 * 1024);
  const perMib = MEM_OVERHEAD_PER_MIB_KB + (effectivePaging(vm.monitor, vm.paging) === 'shadow' ? MEM_OVERHEAD_SHADOW_PER_MIB_KB : 0);
  return Math.round(MEM_OVERHEAD_BASE_KB + MEM_OVERHEAD_PER_VCPU_KB * vm.vcpus + perMib * mib);
}

/** Overhead of a powered-on VM in host frames (rounded up to whole 4 KiB frames). */
export function vmOverheadFrames(vm: Vm): number {
  return Math.ceil((vmOverheadKB(vm) * 1024) / PAGE_SIZE_BYTES);
}

/** Owner name of the hypervisor's own reserve in a host's memory pool. */
export const VMKERNEL_MEMORY_OWNER = 'vmkernel';

/** The hypervisor's reserve in host frames. */
export const VMKERNEL_FRAMES = (HOST_SYSTEM_MEMORY_MIB * 1024 * 1024) / PAGE_SIZE_BYTES;
