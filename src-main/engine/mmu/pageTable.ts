/**
 * pageTable — the page-table format at 2 and 4 levels (docs/isa.md §Paging).
 *
 * Interface: `pagingGeometry(levels)` → {levels, bitsPerLevel, entriesPerTable, tableBytes};
 * `pteIndex(va, level, geometry)` (level 0 = root); `makePte(addr, flags)`;
 * `nextTableAddress(pte, geometry)`, `leafFrameAddress(pte)`.
 * Rules: the 20-bit virtual page number is split evenly: 10+10 (1024-entry, 4 KiB tables) or
 * 5+5+5+5 (32-entry, 128-byte tables). Tables are aligned to their size; a non-leaf entry holds
 * the next table's physical address in its bits above log2(tableBytes), a leaf holds the
 * frame address in bits 31:12. Flag bits 6:0 are the same at every level (arch.ts PTE_*).
 */
import { PAGE_SHIFT } from '../params';

export type PageTableLevels = 2 | 4;

export interface PagingGeometry {
  readonly levels: PageTableLevels;
  readonly bitsPerLevel: number;
  readonly entriesPerTable: number;
  readonly tableBytes: number;
}

export function pagingGeometry(levels: PageTableLevels): PagingGeometry {
  if (levels !== 2 && levels !== 4) throw new RangeError(`page-table levels must be 2 or 4, got ${levels}`);
  const bitsPerLevel = 20 / levels;
  const entriesPerTable = 1 << bitsPerLevel;
  return { levels, bitsPerLevel, entriesPerTable, tableBytes: entriesPerTable * 4 };
}

/** Index into the table at `level` (0 = root) for virtual address va. */
export function pteIndex(va: number, level: number, g: PagingGeometry): number {
  return (va >>> (PAGE_SHIFT + g.bitsPerLevel * (g.levels - 1 - level))) & (g.entriesPerTable - 1);
}

export function makePte(address: number, flags: number): number {
  return ((address & ~0x7f) | (flags & 0x7f)) | 0;
}

export function nextTableAddress(pte: number, g: PagingGeometry): number {
  return (pte & ~(g.tableBytes - 1)) >>> 0;
}

export function leafFrameAddress(pte: number): number {
  return (pte & ~0xfff) >>> 0;
}
