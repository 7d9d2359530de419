/**
 * diskPlace — the coordinator's side of where a VM's live disks are: lent to the side of the host its
 * machine last started on (`diskStore.ts`), so the guest reads and writes them in its host's thread;
 * recorded as a plain fact (`VmRuntime.diskHost`). The runtime keeps the sealed layers (they never change:
 * its snapshot tree and the saved layer table name them); what is away while lent is each disk's writable
 * top, cleared on the runtime so a read that forgot to ask the host fails loudly in every mode.
 *
 * - `carryDisks(ctx, vmId, hostId)` → what an order building the VM's machine on `hostId` (a start, a
 *   migration's switch, a saved guest restored) carries as `disks`: nothing when that host holds them
 *   already, else the live disks as plain data (`DiskChainsState`), brought back first from the host
 *   holding them; the VM's disks are that host's from then on.
 * - `returnDisks(ctx, vmId)`: the tops come back to the runtime and the holder lets go — before the
 *   coordinator replaces the live disks (a revert). Only where no machine runs on them (the holder's copy
 *   is dropped). A removed VM's disks are only dropped by the holder (`lab.ts`'s `forgetVm`: `takeDisks`).
 * - `liveDisks(ctx, vmId)` → the VM's live disks as they are now, to read (a save, a digest, a clone's
 *   size and contents): the runtime's own while none is lent, else its sealed chains with the holder's
 *   tops (copies). Never written through.
 * - `sealDisks(ctx, vmId)` → Take Snapshot: every live disk's writable layer sealed where it is (on the
 *   holder, and the same layer appended on the runtime's chains); the chains after the seal.
 *
 * Rules: the disks move as plain data inside the owner calls that already move the VM's machine, like its
 * dirty log (`dirtyLogPlace.ts`), costing no virtual time (the datastore is shared). A holder that has no
 * disks of the VM it was lent them to is a broken lab: refused loudly, never read as empty disks.
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { OpContext } from '../lab/index';
import { DiskChain, exportDisks } from '../snapshot/index';
import type { DiskChainsState, DiskLayer } from '../snapshot/index';

type Ctx = Pick<OpContext, 'runtime' | 'host'>;

export function carryDisks(ctx: Ctx, vmId: VmId, hostId: HostId): DiskChainsState | undefined {
  const rt = ctx.runtime(vmId);
  if (rt.diskHost === hostId) return undefined;
  returnDisks(ctx, vmId);
  const state = exportDisks(rt.disks);
  for (const d of rt.disks) d.setTopLayer(new Map());
  rt.diskHost = hostId;
  return state;
}

export function returnDisks(ctx: Ctx, vmId: VmId): void {
  const rt = ctx.runtime(vmId);
  const at = rt.diskHost;
  if (!at) return;
  const tops = ctx.host(at)?.takeDisks(vmId);
  if (!tops) throw new Error(`host ${at} was lent the disks of ${vmId} but holds none`);
  rt.diskHost = undefined;
  rt.disks.forEach((d, i) => d.setTopLayer(tops[i]));
}

export function liveDisks(ctx: Ctx, vmId: VmId): DiskChain[] {
  const rt = ctx.runtime(vmId);
  if (!rt.diskHost) return rt.disks;
  const tops = holder(ctx, vmId, rt.diskHost).diskTops(vmId);
  return rt.disks.map((d, i) => {
    const now = DiskChain.onChain(d.capacityBytes, d.chain());
    now.setTopLayer(tops[i]);
    return now;
  });
}

export function sealDisks(ctx: Ctx, vmId: VmId): DiskLayer[][] {
  const rt = ctx.runtime(vmId);
  if (rt.diskHost) {
    const sealed = holder(ctx, vmId, rt.diskHost).sealDisks(vmId);
    rt.disks.forEach((d, i) => { d.setTopLayer(sealed[i]); d.seal(); });
  } else {
    for (const d of rt.disks) d.seal();
  }
  return rt.liveChains();
}

function holder(ctx: Ctx, vmId: VmId, hostId: HostId): NonNullable<ReturnType<Ctx['host']>> {
  const owner = ctx.host(hostId);
  if (!owner) throw new Error(`host ${hostId} was lent the disks of ${vmId} but is gone`);
  return owner;
}
