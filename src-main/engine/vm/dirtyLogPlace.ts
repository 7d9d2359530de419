/**
 * dirtyLogPlace — the coordinator's side of where a VM's dirty log is held: on the side of the host its
 * machine last started on (`dirtyLogShares.ts`), recorded as a plain fact (`VmRuntime.dirtyLogHost`).
 *
 * - `carryDirtyLog(ctx, vmId, hostId)` → what an order making the VM's machine on `hostId` (a start, a
 *   migration's switch) carries as `dirtyLog`: nothing when that host holds the log already, else the
 *   whole state taken from the host that does (an empty state, a fresh log, when none does); the VM's
 *   log is that host's from then on.
 * - `dirtyLogOwner(ctx, vmId)` → the owner holding the VM's log (a migration attaches and detaches its
 *   reader there; a removed VM's log is taken from it and dropped, `lab.ts`'s `forgetVm`).
 *
 * Rules: the log moves as plain data inside the owner calls that already move the VM's machine, so a VM
 * keeps every page a reader has not read yet across a stop, a start elsewhere and a migration, exactly as
 * when the coordinator held it; moving it costs no virtual time.
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { OpContext } from '../lab/index';
import type { DirtyLogShareState } from './dirtyLogShare';
import type { HostOwnerCalls } from './ownerCalls';

export function carryDirtyLog(ctx: Pick<OpContext, 'runtime' | 'host'>, vmId: VmId, hostId: HostId): DirtyLogShareState | undefined {
  const rt = ctx.runtime(vmId);
  if (rt.dirtyLogHost === hostId) return undefined;
  const state = (rt.dirtyLogHost && ctx.host(rt.dirtyLogHost)?.takeDirtyLog(vmId)) || [];
  rt.dirtyLogHost = hostId;
  return state;
}

export function dirtyLogOwner(ctx: Pick<OpContext, 'runtime' | 'host'>, vmId: VmId): HostOwnerCalls | undefined {
  const at = ctx.runtime(vmId).dirtyLogHost;
  return at ? ctx.host(at) : undefined;
}
