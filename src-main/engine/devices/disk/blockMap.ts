/**
 * blockMap — the disk device's own backing store when the VM brings none: a sparse block map
 * whose blocks are shared copy-on-write between forks and saved states.
 *
 * Interface: `new BlockMap(capacityBytes, blockBytes = DISK_BLOCK_BYTES)` implements `BlockStore`
 * (`read(block, out)`, `write(block, data)`); `fork()` (O(written blocks) pointer copy, no data);
 * `usedBlocks`; `save()` → `BlockMapState` (plain; block buffers shared, not copied);
 * `BlockMap.restore(s)`; `digest(h)` (written, non-zero blocks in index order).
 * Rules: a stored block buffer is never modified: `write` stores a fresh copy, so forks, saved
 * states and the live map can share buffers safely (copy-on-write at block granularity, like
 * snapshot/diskChain). Unwritten blocks read as zeros; zero blocks and unwritten blocks digest alike.
 */
import { DISK_BLOCK_BYTES } from '../../params';
import type { BlockStore } from '../../vm/guestFactory';
import type { Hasher } from '../../memory/index';

export interface BlockMapState {
  capacityBytes: number;
  blockBytes: number;
  /** [block index, contents] pairs, ascending; the buffers are shared with the live map. */
  blocks: [number, Uint8Array][];
}

export class BlockMap implements BlockStore {
  readonly blockCount: number;
  private blocks: Map<number, Uint8Array>;

  constructor(readonly capacityBytes: number, readonly blockBytes: number = DISK_BLOCK_BYTES, blocks?: Map<number, Uint8Array>) {
    if (!(blockBytes > 0) || blockBytes % 512 !== 0) throw new RangeError(`block size must be a multiple of 512, got ${blockBytes}`);
    if (!(capacityBytes >= 0)) throw new RangeError(`bad disk capacity ${capacityBytes}`);
    this.blockCount = Math.ceil(capacityBytes / blockBytes);
    this.blocks = blocks ?? new Map();
  }

  get usedBlocks(): number {
    return this.blocks.size;
  }

  read(block: number, out: Uint8Array): void {
    const b = this.blocks.get(block);
    if (b) out.set(b.subarray(0, out.length));
    else out.fill(0, 0, Math.min(out.length, this.blockBytes));
  }

  write(block: number, data: Uint8Array): void {
    if (!(block >= 0 && block < this.blockCount)) return;
    const copy = new Uint8Array(this.blockBytes);
    copy.set(data.subarray(0, this.blockBytes));
    this.blocks.set(block, copy);
  }

  fork(): BlockMap {
    return new BlockMap(this.capacityBytes, this.blockBytes, new Map(this.blocks));
  }

  save(): BlockMapState {
    const blocks = [...this.blocks].sort((a, b) => a[0] - b[0]);
    return { capacityBytes: this.capacityBytes, blockBytes: this.blockBytes, blocks };
  }

  static restore(s: BlockMapState): BlockMap {
    return new BlockMap(s.capacityBytes, s.blockBytes, new Map(s.blocks));
  }

  digest(h: Hasher): void {
    h.word(this.blockCount);
    for (const [i, b] of [...this.blocks].sort((x, y) => x[0] - y[0])) {
      let zero = true;
      for (let k = 0; k < b.length; k++) if (b[k] !== 0) { zero = false; break; }
      if (zero) continue;
      h.word(i);
      for (let k = 0; k < b.length; k += 4) h.word(b[k] | (b[k + 1] << 8) | (b[k + 2] << 16) | (b[k + 3] << 24));
    }
  }
}
