/**
 * vmRuntime — the coordinator's side of one running VM, beside its inventory record (`cluster/registry.ts`):
 * its time base, its copy-on-write disks (their writable tops lent to the host its machine last started
 * on, `diskHost`: `diskPlace.ts`), its snapshot tree, its console, which host holds its dirty log
 * and the captured state while suspended. The guest machine executing it is its host's (`host/hostSide.ts`),
 * reached through the host's owner, and so is its dirty log's share (`dirtyLogShares.ts`: carried to the
 * host a machine starts on, `dirtyLogHost`). (Its counter baselines belong to the collector.)
 *
 * - `new VmRuntime(vm)` (fresh disks); fields are public and plain; `save(layerId, saveCapture, dirty, disks)` /
 *   `restore(...)` (the dirty log's saved state comes from the owner holding it, and goes back to the owner
 *   of the VM's host: `lab/labPersist.ts`; the guest itself is saved by the lab through its host owner's part, and so are the
 *   images of its captures: the runtime holds captures by handle, `snapshot/snapshotTree.ts`);
 *   `captures()`: every capture it holds (suspended state and snapshots).
 *
 * Time base: the VM's own time = host time − `offsetNs`. The offset grows by the time a VM spends
 * suspended and jumps on snapshot revert, so a resumed or reverted guest continues exactly where its
 * own time left off (like VMware's virtual TSC); `bootGuestNs` is the VM time at its last boot.
 */
import type { Vm } from '../cluster/index';
import { ConsoleBuffer } from './consoleBuffer';
import type { HostId } from '@shared/model/ids';
import type { DirtyLogShareState } from './dirtyLogShare';
import type { ConsoleState } from './consoleBuffer';
import { DiskChain, diskOfState, diskState, SnapshotTree } from '../snapshot/index';
import type { DiskLayer, DiskState, GuestCapture, SavedGuestCapture, SnapshotTreeState } from '../snapshot/index';

export class VmRuntime {
  offsetNs = 0;
  bootGuestNs = 0;
  disks: DiskChain[];
  snapshots = new SnapshotTree();
  console = new ConsoleBuffer();
  /** How much of the current guest's console output has been copied into `console`. */
  guestConsoleOffset = 0;
  /** Captured guest while the VM is suspended. */
  suspended: GuestCapture | undefined;
  /** The host whose side holds the VM's dirty log (undefined: none yet; `vm/dirtyLogPlace.ts`). Not saved:
   *  a restored lab's logs go to the VMs' hosts. */
  dirtyLogHost: HostId | undefined;
  /** The host whose side holds the VM's live disks (`vm/diskPlace.ts`; undefined: these `disks` are whole).
   *  While set, `disks` keep only the sealed layers (the tops are the host's). Not saved: a restored lab's
   *  disks go to the hosts of its restored machines. */
  diskHost: HostId | undefined;

  constructor(vm: Vm) {
    this.disks = vm.disks.map((d) => new DiskChain(d.capacityBytes));
  }

  liveChains(): DiskLayer[][] {
    return this.disks.map((d) => d.chain());
  }

  setLiveChains(chains: DiskLayer[][]): void {
    chains.forEach((c, i) => this.disks[i]?.replaceChain(c));
  }

  /** Every capture this VM holds: its suspended state and its snapshots' (one object counted once). */
  captures(): Set<GuestCapture> {
    const held = this.snapshots.captures();
    if (this.suspended) held.add(this.suspended);
    return held;
  }

  /** `disks`: the live disks as they are now (`diskPlace.ts`'s `liveDisks`: with the tops of a host holding them). */
  save(layerId: (l: DiskLayer) => number, saveCapture: (c: GuestCapture) => SavedGuestCapture, dirty: DirtyLogShareState | undefined, disks: readonly DiskChain[]): VmRuntimeState {
    return {
      offsetNs: this.offsetNs, bootGuestNs: this.bootGuestNs, guestConsoleOffset: this.guestConsoleOffset,
      disks: disks.map((d) => diskState(d, layerId)),
      snapshots: this.snapshots.save(layerId, saveCapture), console: this.console.save(), suspended: this.suspended && saveCapture(this.suspended),
      ...(dirty?.length ? { dirty } : {}),
    };
  }

  static restore(vm: Vm, state: VmRuntimeState, layer: (id: number) => DiskLayer, restoreCapture: (c: SavedGuestCapture) => GuestCapture): VmRuntime {
    const rt = new VmRuntime(vm);
    rt.offsetNs = state.offsetNs;
    rt.bootGuestNs = state.bootGuestNs;
    rt.guestConsoleOffset = state.guestConsoleOffset;
    rt.disks = state.disks.map((d) => diskOfState(d, layer));
    rt.snapshots = SnapshotTree.restore(state.snapshots, layer, restoreCapture);
    rt.console = ConsoleBuffer.restore(state.console);
    rt.suspended = state.suspended && restoreCapture(state.suspended);
    return rt;
  }
}

export interface VmRuntimeState {
  offsetNs: number;
  bootGuestNs: number;
  guestConsoleOffset: number;
  disks: DiskState[];
  snapshots: SnapshotTreeState;
  console: ConsoleState;
  suspended: SavedGuestCapture | undefined;
  /** Dirty pages kept for a reader of the log (dirtyLogShare.ts); absent when none. */
  dirty?: DirtyLogShareState;
}
