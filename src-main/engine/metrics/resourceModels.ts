/**
 * resourceModels — the two documented models behind counters that have no single engine event:
 *
 *  - Host power (power.power.average, W): idle watts = POWER_IDLE_WATTS_BASE + POWER_IDLE_WATTS_PER_SOCKET
 *    × sockets, plus POWER_BUSY_WATTS_PER_CORE × physical cores × utilization (the share of time the
 *    logical CPUs were busy, from the scheduler). Idle ≈ 60 % of peak, the shape of SPECpower-era servers.
 *    Energy (power.energy.summation, J) = average W × seconds.
 *  - VM overhead memory (mem.overhead.average, KB): MEM_OVERHEAD_BASE_KB + MEM_OVERHEAD_PER_VCPU_KB × vCPUs
 *    + MEM_OVERHEAD_PER_MIB_KB × configured MiB (+ MEM_OVERHEAD_SHADOW_PER_MIB_KB × MiB when the VM runs shadow paging
 *    (src-shared/model/mmuVirtualization.ts: not an interp or pv VM whatever its setting),
 *    for the shadow page tables): fixed + per vCPU + proportional, the shape of vSphere's overhead table,
 *    scaled to teaching VMs. Charged while the VM is powered on (a suspended VM releases it).
 */
import type { Host, Vm } from '../cluster/index';
import { effectivePaging } from '@shared/model/mmuVirtualization';
import {
  MEM_OVERHEAD_BASE_KB, MEM_OVERHEAD_PER_MIB_KB, MEM_OVERHEAD_PER_VCPU_KB, MEM_OVERHEAD_SHADOW_PER_MIB_KB,
  POWER_BUSY_WATTS_PER_CORE, POWER_IDLE_WATTS_BASE, POWER_IDLE_WATTS_PER_SOCKET,
} from '../params';

export function hostWatts(host: Host, utilization: number): number {
  const u = Math.min(1, Math.max(0, utilization));
  const cores = host.sockets * host.coresPerSocket;
  return POWER_IDLE_WATTS_BASE + POWER_IDLE_WATTS_PER_SOCKET * host.sockets + POWER_BUSY_WATTS_PER_CORE * cores * u;
}

export function vmOverheadKB(vm: Vm): number {
  const mib = vm.memoryBytes / (1024 * 1024);
  const perMib = MEM_OVERHEAD_PER_MIB_KB + (effectivePaging(vm.monitor, vm.paging) === 'shadow' ? MEM_OVERHEAD_SHADOW_PER_MIB_KB : 0);
  return Math.round(MEM_OVERHEAD_BASE_KB + MEM_OVERHEAD_PER_VCPU_KB * vm.vcpus + perMib * mib);
}
