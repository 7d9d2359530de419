/**
 * ptBuilder — test helper that builds HV32 page tables directly in guest-physical memory.
 * `new PtBuilder(mem, levels, poolStart)`: tables are carved from poolStart upward;
 * `map(va, pa, flags)` creates intermediate tables (P|W|U) as needed; `root` is the PTBR value.
 */
import { PTE_P, PTE_U, PTE_W } from '../../../src-main/engine/isa/index';
import type { GuestPhysicalMemory } from '../../../src-main/engine/memory/index';
import { makePte, nextTableAddress, pagingGeometry, pteIndex, type Gpa, type PageTableLevels } from '../../../src-main/engine/mmu/index';

export class PtBuilder {
  readonly root: number;
  private next: number;
  readonly g;
  constructor(private readonly mem: GuestPhysicalMemory, levels: PageTableLevels, poolStart: number) {
    this.g = pagingGeometry(levels);
    this.next = poolStart;
    this.root = this.alloc();
  }
  private alloc(): number {
    const a = (this.next + this.g.tableBytes - 1) & ~(this.g.tableBytes - 1);
    this.next = a + this.g.tableBytes;
    return a;
  }
  /** Address of the leaf PTE for va (creating tables). */
  leafAddress(va: number): number {
    let table = this.root;
    for (let level = 0; level < this.g.levels - 1; level++) {
      const ea = table + pteIndex(va, level, this.g) * 4;
      let pte = this.mem.readWord(ea as Gpa);
      if (!(pte & PTE_P)) {
        pte = makePte(this.alloc(), PTE_P | PTE_W | PTE_U);
        this.mem.writeWord(ea as Gpa, pte);
      }
      table = nextTableAddress(pte, this.g);
    }
    return table + pteIndex(va, this.g.levels - 1, this.g) * 4;
  }
  map(va: number, pa: number, flags: number): void {
    this.mem.writeWord(this.leafAddress(va) as Gpa, makePte(pa & ~0xfff, flags | PTE_P));
  }
  pte(va: number): number {
    return this.mem.readWord(this.leafAddress(va) as Gpa);
  }
  /** Identity-maps [start, end) with flags. */
  identity(start: number, end: number, flags: number): void {
    for (let a = start; a < end; a += 4096) this.map(a, a, flags);
  }
}
