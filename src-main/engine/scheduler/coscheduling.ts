/**
 * coscheduling — relaxed co-scheduling of multi-vCPU VMs (VMware ESX 3.x/4.x: "Co-scheduling SMP VMs
 * in VMware ESX Server" and VMware's ESX 4 CPU scheduler white paper).
 *
 * The guest OS assumes its CPUs progress at about the same rate. Skew = a vCPU's progress minus the
 * progress of its slowest sibling (progress = run + idle time, so idling never creates skew).
 *
 * Interface:
 *  - `updateCoStop(hostAcc, vm, t)`: a runnable vCPU whose skew reaches COSCHED_SKEW_BOUND_NS is
 *    co-stopped (state `costop`; only the leader stops — relaxed, not strict/gang); a co-stopped vCPU is
 *    co-started once its skew is back to COSCHED_COSTART_SKEW_NS.
 *  - `skewHeadroomNs(v, t)`: how long `v` may run before reaching the bound while a sibling is stalled
 *    (Infinity when no sibling is stalled), so the scheduler stops a leader right at the bound.
 */
import { COSCHED_COSTART_SKEW_NS, COSCHED_SKEW_BOUND_NS } from '../params';
import type { SchedVcpu, SchedVm, StateTimes } from './schedEntities';
import { progressAt, setState } from './schedEntities';

function slowest(vm: SchedVm, t: number): number {
  let min = Infinity;
  for (const s of vm.vcpus) min = Math.min(min, progressAt(s, t));
  return min;
}

/** Returns true when some vCPU changed between ready and costop. */
export function updateCoStop(hostAcc: StateTimes, vm: SchedVm, t: number): boolean {
  if (vm.vcpus.length < 2 || vm.crashed || vm.poweredOff) return false;
  const min = slowest(vm, t);
  let changed = false;
  for (const v of vm.vcpus) {
    if (v.state === 'ready' && progressAt(v, t) - min >= COSCHED_SKEW_BOUND_NS) {
      setState(hostAcc, v, 'costop', t);
      changed = true;
    } else if (v.state === 'costop' && progressAt(v, t) - min <= COSCHED_COSTART_SKEW_NS) {
      setState(hostAcc, v, 'ready', t);
      changed = true;
    }
  }
  return changed;
}

/** A sibling is stalled when it is runnable but not running (it makes no progress). */
function stalled(s: SchedVcpu): boolean {
  return s.state === 'ready' || s.state === 'costop' || s.state === 'limited' || s.state === 'hold';
}

export function skewHeadroomNs(v: SchedVcpu, t: number): number {
  const vm = v.vm;
  if (vm.vcpus.length < 2) return Infinity;
  let anyStalled = false;
  for (const s of vm.vcpus) if (s !== v && stalled(s)) anyStalled = true;
  if (!anyStalled) return Infinity;
  return COSCHED_SKEW_BOUND_NS - (progressAt(v, t) - slowest(vm, t));
}
