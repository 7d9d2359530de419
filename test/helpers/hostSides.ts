// Test-only reads of a host's side (`src-main/engine/host/hostSide.ts`) through its owner, in one thread:
// the lab itself holds no scheduler, pool or guest machine. Never used on a lab whose owners are reached
// through a transport (these objects are not plain and never cross it).
// - `hostScheduler(lab, hostId)`, `hostPool(lab, hostId)`: the host's scheduler / memory pool (no drain:
//   queued CPU orders stay queued, as a direct read of the scheduler always left them).
// - `guestOf(lab, vmId)`: the VM's guest machine on its host (undefined: no host or no machine).
import type { HostId, VmId } from '../../src-shared/model/ids';
import type { Lab } from '../../src-main/engine/lab/index';

export function hostScheduler(lab: Lab, hostId: HostId) {
  return lab.owners.get(hostId)?.inspectScheduler();
}

export function hostPool(lab: Lab, hostId: HostId) {
  return lab.owners.get(hostId)?.inspectMemory();
}

export function guestOf(lab: Lab, vmId: VmId) {
  const hostId = lab.reg.vms.get(vmId)?.hostId;
  return hostId ? lab.owners.get(hostId)?.inspectGuest(vmId) : undefined;
}
