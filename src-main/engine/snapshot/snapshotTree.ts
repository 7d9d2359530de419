/**
 * snapshotTree — one VM's snapshots (vSphere's Snapshot Manager): a tree of captured states with
 * "you are here" (`currentId`: the snapshot the live state descends from).
 *
 * Interface:
 *  - `SnapshotNode`: name, description, time, whether memory was captured, the power state at capture,
 *    the hardware configuration, the guest capture (memory snapshots and suspended VMs) and, per disk,
 *    the full chain of copy-on-write layers at capture (the last layer is the snapshot's own delta).
 *  - `add(node)` (child of the current snapshot; becomes current), `get`, `byName` (newest of that name),
 *    `remove(id, removeChildren, liveChains)` and `removeAll(liveChains)` → the live disk chains after
 *    consolidation, `edit`, `toDto(vmId)` (sizes whole and in parts: memory file, each disk's own delta);
 *    `captures()` (the captures its snapshots hold); `save()` / `restore()` with layers as ids and captures
 *    in their saved form (the image in place of the handle: `SavedGuestCapture`).
 *
 * Rules: deleting snapshots never changes the live state or any other snapshot's state — a deleted
 * snapshot's own delta is consolidated into the layer above it in every chain that still needs it.
 * Deleting the current snapshot (or its ancestor with its children) moves "you are here" to the parent.
 * The consolidation itself works on chains alone (`snapshotDisks.ts`).
 */
import type { SnapshotId, VmId } from '@shared/model/ids';
import type { SnapshotDto, SnapshotTreeDto, VmPowerState } from '@shared/model/inventory';
import type { VmHardware } from '@shared/model/vmHardware';
import type { DiskLayer } from './diskChain';
import { layerBytes } from './diskChain';
import { commitAll, consolidateDeleted } from './snapshotDisks';
import type { CaptureTiming } from '../scheduler/index';
import type { CaptureHandle } from '../vm/index';

/**
 * A guest machine's state at a point in time, with the scheduling timing needed to resume it exactly. The
 * memory image stays with the owner of the host it was taken on (`vm/captureOrders.ts`): held here by handle.
 * One capture may be held by a snapshot and the suspended state at once (the same object).
 */
export interface GuestCapture {
  /** Where the image is held; null when no guest machine was executing (no factory). */
  image: CaptureHandle | null;
  timing?: CaptureTiming;
  /** Guest time at boot and at capture (VM time base). */
  bootGuestNs: number;
  captureGuestNs: number;
  /** Guest memory touched at capture (the memory file's size). */
  touchedBytes: number;
  /** How much of the guest's console output the lab had already copied at capture. */
  consoleOffset: number;
}

/** A capture in a saved lab (the format the captures always had: the image in place of the handle). */
export interface SavedGuestCapture {
  /** `GuestMachine.save()` output; null when no guest machine was executing (no factory). */
  guestState: unknown;
  timing?: CaptureTiming;
  bootGuestNs: number;
  captureGuestNs: number;
  touchedBytes: number;
  consoleOffset: number;
  /** The bytes of pages the host had taken away (swapped, compressed) — not present in `guestState`. */
  reclaimed?: unknown;
}

/** A snapshot's memory file: the guest memory touched at capture (0 without memory). */
const memoryBytes = (n: SnapshotNode): number => (n.capture && n.memory ? n.capture.touchedBytes : 0);
/** Per disk, the snapshot's own delta: the last layer of its chain at capture. */
const diskDeltaBytes = (n: SnapshotNode): number[] => n.disks.map((chain) => (chain.length ? layerBytes(chain[chain.length - 1]) : 0));

/** The VM's configuration at capture (restored on revert). */
export type HardwareConfig = VmHardware;

export interface SnapshotNode {
  id: SnapshotId;
  name: string;
  description: string;
  createdAtMs: number;
  memory: boolean;
  quiesced: boolean;
  powerState: VmPowerState;
  parentId?: SnapshotId;
  childIds: SnapshotId[];
  config: HardwareConfig;
  capture?: GuestCapture;
  /** Per disk: the layer chain at capture (base first). */
  disks: DiskLayer[][];
}

export class SnapshotTree {
  readonly nodes = new Map<SnapshotId, SnapshotNode>();
  rootIds: SnapshotId[] = [];
  currentId: SnapshotId | undefined;

  get size(): number {
    return this.nodes.size;
  }

  get(id: SnapshotId): SnapshotNode | undefined {
    return this.nodes.get(id);
  }

  /** Newest snapshot with this name. */
  byName(name: string): SnapshotNode | undefined {
    let found: SnapshotNode | undefined;
    for (const n of this.nodes.values()) if (n.name === name) found = n;
    return found;
  }

  add(node: Omit<SnapshotNode, 'parentId' | 'childIds'>): SnapshotNode {
    const full: SnapshotNode = { ...node, childIds: [] };
    if (this.currentId) {
      full.parentId = this.currentId;
      this.nodes.get(this.currentId)!.childIds.push(full.id);
    } else this.rootIds.push(full.id);
    this.nodes.set(full.id, full);
    this.currentId = full.id;
    return full;
  }

  /** Removes a snapshot (and optionally its subtree); returns the live disk chains after consolidation. */
  remove(id: SnapshotId, removeChildren: boolean, liveChains: DiskLayer[][]): DiskLayer[][] {
    const node = this.nodes.get(id);
    if (!node) return liveChains;
    const doomed: SnapshotNode[] = [node];
    if (removeChildren) for (let i = 0; i < doomed.length; i++) for (const c of doomed[i].childIds) doomed.push(this.nodes.get(c)!);
    const doomedIds = new Set(doomed.map((n) => n.id));
    // Tree surgery: the node's children (if kept) take its place under its parent.
    const siblings = node.parentId ? this.nodes.get(node.parentId)!.childIds : this.rootIds;
    const at = siblings.indexOf(id);
    const heirs = removeChildren ? [] : node.childIds;
    siblings.splice(at, 1, ...heirs);
    for (const h of heirs) {
      const hn = this.nodes.get(h)!;
      if (node.parentId) hn.parentId = node.parentId; else delete hn.parentId;
    }
    if (this.currentId && doomedIds.has(this.currentId)) this.currentId = node.parentId;
    for (const d of doomedIds) this.nodes.delete(d);
    // Disk consolidation: each deleted snapshot's own layer merges into the layer above it.
    const survivors = [...this.nodes.values()];
    const after = consolidateDeleted(doomed.map((d) => d.disks), survivors.map((n) => n.disks), liveChains);
    survivors.forEach((n, i) => after.survivors[i].forEach((chain, disk) => { n.disks[disk] = chain; }));
    return after.live;
  }

  /** Delete All: every snapshot goes; the live chain is committed into one base layer per disk. */
  removeAll(liveChains: DiskLayer[][]): DiskLayer[][] {
    this.nodes.clear();
    this.rootIds = [];
    this.currentId = undefined;
    return commitAll(liveChains);
  }

  edit(id: SnapshotId, name?: string, description?: string): boolean {
    const n = this.nodes.get(id);
    if (!n) return false;
    if (name !== undefined) n.name = name;
    if (description !== undefined) n.description = description;
    return true;
  }

  /** Bytes unique to a snapshot: its own disk deltas plus its memory file. */
  sizeBytes(n: SnapshotNode): number {
    let total = memoryBytes(n);
    for (const b of diskDeltaBytes(n)) total += b;
    return total;
  }

  totalBytes(): number {
    let t = 0;
    for (const n of this.nodes.values()) t += this.sizeBytes(n);
    return t;
  }

  toDto(vmId: VmId): SnapshotTreeDto {
    const snapshots: SnapshotDto[] = [...this.nodes.values()].map((n) => {
      const d: SnapshotDto = {
        id: n.id, vmId, name: n.name, description: n.description, createdAtMs: n.createdAtMs, memory: n.memory,
        quiesced: n.quiesced, powerState: n.powerState, sizeBytes: this.sizeBytes(n), memoryBytes: memoryBytes(n), diskDeltaBytes: diskDeltaBytes(n),
        childIds: [...n.childIds],
      };
      if (n.parentId) d.parentId = n.parentId;
      return d;
    });
    const dto: SnapshotTreeDto = { vmId, snapshots, rootIds: [...this.rootIds] };
    if (this.currentId) dto.currentSnapshotId = this.currentId;
    return dto;
  }

  // ---- persistence (layers are referenced by id in a lab-wide layer table) ----------------------

  /** The captures the tree holds (a capture held by two snapshots counted once). */
  captures(): Set<GuestCapture> {
    const out = new Set<GuestCapture>();
    for (const n of this.nodes.values()) if (n.capture) out.add(n.capture);
    return out;
  }

  // ---- persistence (layers are referenced by id in a lab-wide layer table; captures saved with their images) ----

  save(layerId: (l: DiskLayer) => number, saveCapture: (c: GuestCapture) => SavedGuestCapture): SnapshotTreeState {
    return {
      rootIds: [...this.rootIds], currentId: this.currentId,
      nodes: [...this.nodes.values()].map((n) => {
        // the saved capture takes the capture's own place among the node's fields (the saved format's order)
        const saved = { ...n, childIds: [...n.childIds], disks: n.disks.map((c) => c.map(layerId)) } as unknown as SavedSnapshotNode;
        if (n.capture) saved.capture = saveCapture(n.capture);
        return saved;
      }),
    };
  }

  static restore(state: SnapshotTreeState, layer: (id: number) => DiskLayer, restoreCapture: (c: SavedGuestCapture) => GuestCapture): SnapshotTree {
    const t = new SnapshotTree();
    t.rootIds = [...state.rootIds];
    t.currentId = state.currentId;
    for (const n of state.nodes) {
      const node = { ...n, childIds: [...n.childIds], disks: n.disks.map((c) => c.map(layer)) } as unknown as SnapshotNode;
      if (n.capture) node.capture = restoreCapture(n.capture);
      t.nodes.set(n.id, node);
    }
    return t;
  }
}

export interface SnapshotTreeState {
  rootIds: SnapshotId[];
  currentId: SnapshotId | undefined;
  nodes: SavedSnapshotNode[];
}

/** A snapshot in a saved lab: layers as ids, the capture with its image. */
export type SavedSnapshotNode = Omit<SnapshotNode, 'disks' | 'capture'> & { disks: number[][]; capture?: SavedGuestCapture };
