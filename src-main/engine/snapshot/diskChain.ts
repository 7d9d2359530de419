/**
 * diskChain — a virtual disk as a chain of copy-on-write block layers (VMware's base disk + delta disks).
 *
 * Interface:
 *  - `BlockStore`: what a guest disk device reads and writes (`read(block, out)`, `write(block, data)`).
 *  - `DiskChain` (a BlockStore): sealed layers, base first, plus one writable top layer.
 *    `seal()` freezes the top layer and starts a new one (taking a snapshot); `chain()` lists the sealed
 *    layers; `DiskChain.onChain(capacity, layers)` builds a live disk on top of a snapshot's chain
 *    (reverting); `flatten()` merges everything into one layer (full clone, Delete All).
 *  - `consolidate(chains, layer)`: removes a layer that no longer marks a snapshot boundary by merging it
 *    into the layer above it in every chain that holds it (Delete snapshot).
 *  - `layerBytes(layer)`: bytes a layer holds (snapshot sizes, datastore usage).
 *
 * Rules: sealed layers are immutable and shared by reference between snapshots, the live disk and
 * clones, so taking a snapshot or cloning copies no sealed block data. Writes copy the caller's buffer
 * into the writable layer (in place when that layer already has the block: its buffers are never
 * shared); reads copy into the caller's buffer. Unwritten blocks read as zeros.
 */
import { DISK_BLOCK_BYTES } from '../params';

export interface BlockStore {
  readonly blockBytes: number;
  readonly blockCount: number;
  /** Copies block `block` into `out` (zeros when never written). */
  read(block: number, out: Uint8Array): void;
  /** Stores a copy of `data` (blockBytes long) as block `block`. */
  write(block: number, data: Uint8Array): void;
}

/** A sealed (immutable) layer: block index → block bytes. */
export type DiskLayer = ReadonlyMap<number, Uint8Array>;

export function layerBytes(layer: DiskLayer): number {
  return layer.size * DISK_BLOCK_BYTES;
}

/** Merges `upper` over `lower` into a new layer (upper's blocks win); block buffers are shared, not copied. */
export function mergeLayers(lower: DiskLayer, upper: DiskLayer): DiskLayer {
  const out = new Map(lower);
  for (const [k, v] of upper) out.set(k, v);
  return out;
}

export class DiskChain implements BlockStore {
  readonly blockBytes = DISK_BLOCK_BYTES;
  readonly blockCount: number;
  private layers: DiskLayer[];
  private top = new Map<number, Uint8Array>();

  constructor(readonly capacityBytes: number, layers: DiskLayer[] = []) {
    this.blockCount = Math.ceil(capacityBytes / DISK_BLOCK_BYTES);
    this.layers = [...layers];
  }

  /** A live disk whose contents are those of `layers` (a snapshot's chain), with an empty top layer. */
  static onChain(capacityBytes: number, layers: readonly DiskLayer[]): DiskChain {
    return new DiskChain(capacityBytes, [...layers]);
  }

  read(block: number, out: Uint8Array): void {
    this.check(block);
    const found = this.lookup(block);
    if (found) out.set(found.length === out.length ? found : found.subarray(0, out.length));
    else out.fill(0);
  }

  write(block: number, data: Uint8Array): void {
    this.check(block);
    // The writable layer's buffers are never shared (seal hands the whole layer over; flatten and
    // topLayer copy them), so a block written twice since the last seal is overwritten in place.
    let buf = this.top.get(block);
    if (!buf) { buf = new Uint8Array(DISK_BLOCK_BYTES); this.top.set(block, buf); }
    if (data.length === DISK_BLOCK_BYTES) buf.set(data); // the usual whole block: no view to allocate
    else buf.set(data.subarray(0, DISK_BLOCK_BYTES));
    if (data.length < DISK_BLOCK_BYTES) buf.fill(0, data.length);
  }

  /** Freezes the writable layer (it becomes the newest sealed layer) and starts an empty one. */
  seal(): DiskLayer {
    const sealed: DiskLayer = this.top;
    this.layers.push(sealed);
    this.top = new Map();
    return sealed;
  }

  /** The sealed layers, base first (a copy of the list; the layers themselves are shared). */
  chain(): DiskLayer[] {
    return [...this.layers];
  }

  /** Replaces the sealed layers (used by consolidation; contents must be unchanged). */
  replaceChain(layers: DiskLayer[]): void {
    this.layers = [...layers];
  }

  /** Everything (sealed layers and the writable layer) merged into one new layer; sealed blocks are
   *  shared, blocks of the writable layer are copied (they may still change in place). */
  flatten(): DiskLayer {
    let out: DiskLayer = new Map();
    for (const l of this.layers) out = mergeLayers(out, l);
    return mergeLayers(out, this.topLayer());
  }

  /** Bytes written since the last seal (the live delta). */
  liveBytes(): number {
    return this.top.size * DISK_BLOCK_BYTES;
  }

  /** Distinct blocks that would read non-zero-by-default (written somewhere in the chain). */
  usedBytes(): number {
    return this.flatten().size * DISK_BLOCK_BYTES;
  }

  /** A deep copy of the writable layer (its buffers may still change in place). */
  topLayer(): DiskLayer {
    const out = new Map<number, Uint8Array>();
    for (const [k, v] of this.top) out.set(k, v.slice());
    return out;
  }

  /** Restores the writable layer (persistence only). */
  setTopLayer(layer: DiskLayer): void {
    this.top = new Map(layer);
  }

  private lookup(block: number): Uint8Array | undefined {
    const live = this.top.get(block);
    if (live) return live;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const b = this.layers[i].get(block);
      if (b) return b;
    }
    return undefined;
  }

  private check(block: number): void {
    if (!Number.isInteger(block) || block < 0 || block >= this.blockCount) {
      throw new RangeError(`disk block ${block} out of range (0..${this.blockCount - 1})`);
    }
  }
}

/**
 * Removes `layer` from every chain that contains it by merging it into the layer right above it
 * (the same merged object for every chain sharing that pair, so shared prefixes stay shared). When it
 * is the newest layer of a chain, it is kept there (that chain still needs its contents).
 * Contents of every chain are unchanged; chains get shorter. Returns the rewritten chains.
 */
export function consolidate(chains: DiskLayer[][], layer: DiskLayer): DiskLayer[][] {
  const merged = new Map<DiskLayer, DiskLayer>();
  return chains.map((chain) => {
    const i = chain.indexOf(layer);
    if (i < 0 || i === chain.length - 1) return chain;
    const upper = chain[i + 1];
    let m = merged.get(upper);
    if (!m) { m = mergeLayers(layer, upper); merged.set(upper, m); }
    return [...chain.slice(0, i), m, ...chain.slice(i + 2)];
  });
}
