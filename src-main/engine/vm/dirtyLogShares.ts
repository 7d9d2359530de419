/**
 * dirtyLogShares — the dirty-log shares (`dirtyLogShare.ts`) one host's side holds, per VM: beside the
 * VM's guest machine, so the host's sample and a live migration's reads read the log where the machine
 * is. A VM's share follows its machine between hosts as plain state (`DirtyLogShareState`, every reader
 * kept, empty or not): taken from the host it leaves and put on the one it starts on (a start, a
 * migration's switch), and saved from the host that holds it.
 *
 * Interface: `of(vmId)` → the VM's share (a fresh one made when this host holds none: a fresh share and
 * no share read alike); `put(vmId, state)` (replaces); `take(vmId)` → the whole state, the share gone
 * from here (undefined: none held); `saved()` → the shares' saved states (`DirtyLogShare.save()`: the
 * readers with pages kept), only the non-empty ones, as the saved lab has always held them.
 *
 * Rules: which host holds a VM's share is the coordinator's plain fact (`VmRuntime.dirtyLogHost`); a
 * host never makes a share for a VM whose log another host holds, as every read happens where the
 * VM's machine runs, and the share is carried there before the machine starts.
 */
import type { VmId } from '@shared/model/ids';
import { DirtyLogShare, type DirtyLogShareState } from './dirtyLogShare';

export class DirtyLogShares {
  private readonly shares = new Map<VmId, DirtyLogShare>();

  of(vmId: VmId): DirtyLogShare {
    let share = this.shares.get(vmId);
    if (!share) {
      share = new DirtyLogShare();
      this.shares.set(vmId, share);
    }
    return share;
  }

  put(vmId: VmId, state: DirtyLogShareState): void {
    const share = new DirtyLogShare();
    share.restore(state);
    this.shares.set(vmId, share);
  }

  take(vmId: VmId): DirtyLogShareState | undefined {
    const share = this.shares.get(vmId);
    if (!share) return undefined;
    this.shares.delete(vmId);
    return share.state();
  }

  saved(): [VmId, DirtyLogShareState][] {
    const out: [VmId, DirtyLogShareState][] = [];
    for (const [vmId, share] of this.shares) {
      const s = share.save();
      if (s.length) out.push([vmId, s]);
    }
    return out;
  }
}
