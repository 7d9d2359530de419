/**
 * shadowFuzz — test helper: random paging programs for the memory-virtualization differential
 * tests (shadow / nested / native must give identical guest-visible results) and the dirty-tracking
 * tests.
 *
 * `makePagingProgram(seed, { levels, largePages, tagging, ops })` → { source, setup(mem) }: a kernel
 * with a vector table whose handler logs CAUSE/FADDR into a ring at 0x8000 and skips the faulting
 * instruction (a `sys` returns to kernel mode), two address spaces sharing the kernel mapping, and a
 * random sequence of loads/stores into a 64-page window at 0x40000000 (some misaligned, some to
 * unmapped/read-only/supervisor pages), PTE rewrites of both address spaces (new frames, flags,
 * A/D cleared, large pages, tables pointing at data frames), invlpg / tlbflush (or neither: stale
 * TLB entries are guest-visible and must stay identical), ptbr switches, asid writes, short user-mode
 * blocks and paging off/on. `setup(mem)` writes the page tables into guest memory before the CPU runs.
 * `bootPaging(program, cpuOptions)` assembles it, builds the tables and returns a CPU at _start.
 */
import { PTE_A, PTE_D, PTE_P, PTE_PS, PTE_U, PTE_W } from '../../../src-main/engine/isa/index';
import { GuestPhysicalMemory, HostMemory } from '../../../src-main/engine/memory/index';
import { makePte, type Gpa, type PageTableLevels } from '../../../src-main/engine/mmu/index';
import { Cpu, type CpuOptions } from '../../../src-main/engine/cpu/index';
import { build } from '../../helpers/cpuHarness';
import { PtBuilder } from './ptBuilder';

export const WINDOW_VA = 0x40000000;
export const WINDOW_PAGES = 64;
const DATA_PHYS = 0x200000;
const DATA_FRAMES = 256;
export const FUZZ_MEM_BYTES = 8 << 20;

/** Deterministic xorshift32. */
export function rng(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

export interface PagingProgram {
  source: string;
  setup(mem: GuestPhysicalMemory): void;
}

const HANDLER = `
  .org 0
${Array.from({ length: 32 }, () => '  j handler').join('\n')}
handler:
  mfcr r12, cause
  stw r12, 0(r13)
  mfcr r12, faddr
  stw r12, 4(r13)
  addi r13, r13, 8
  andi r13, r13, 0xfff
  ori r13, r13, 0x8000
  mfcr r12, cause
  andi r12, r12, 0xff
  cmpi r12, 5
  beq .sys
  cmpi r12, 8
  beq .dbl
  mfcr r12, epc
  addi r12, r12, 4
  mtcr epc, r12
  iret
.sys:
  mfcr r12, epsw
  ori r12, r12, 0x20
  mtcr epsw, r12
  iret
.dbl:
  hlt
`;

interface Layout {
  roots: number[];
  leafPte: number[][];
  dir: number[];
  dirOrig: number[];
}

/** Builds both address spaces' tables in `mem` (deterministic in seed); returns where things are. */
function buildTables(mem: GuestPhysicalMemory, seed: number, levels: PageTableLevels): Layout {
  const r = rng(seed ^ 0x5bd1e995);
  const int = (n: number): number => Math.floor(r() * n);
  const flags = (): number => (r() < 0.7 ? PTE_W : 0) | (r() < 0.6 ? PTE_U : 0) | (r() < 0.2 ? PTE_A : 0) | (r() < 0.1 ? PTE_D : 0);
  const a = new PtBuilder(mem, levels, 0x100000);
  const b = new PtBuilder(mem, levels, 0x180000);
  const out: Layout = { roots: [a.root, b.root], leafPte: [[], []], dir: [], dirOrig: [] };
  [a, b].forEach((pt, k) => {
    pt.identity(0, 0x2000, PTE_W); // vectors, handler
    pt.identity(0x2000, 0x40000, PTE_W | PTE_U); // code (user blocks run here)
    pt.identity(0x8000, 0x9000, PTE_W); // log ring (supervisor)
    pt.identity(0x100000, 0x200000, PTE_W); // page tables (the kernel rewrites PTEs)
    for (let p = 0; p < WINDOW_PAGES; p++) {
      const va = WINDOW_VA + p * 4096;
      if (r() < 0.85) pt.map(va, DATA_PHYS + int(DATA_FRAMES) * 4096, flags() | PTE_P);
      out.leafPte[k].push(pt.leafAddress(va));
    }
    out.dir.push(dirEntryAddr(mem, pt, WINDOW_VA));
    out.dirOrig.push(mem.readWord(out.dir[k] as Gpa) >>> 0);
  });
  return out;
}

export function makePagingProgram(seed: number, o: { levels: PageTableLevels; largePages?: boolean; tagging?: boolean; ops?: number }): PagingProgram {
  const levels = o.levels;
  const layout = buildTables(new GuestPhysicalMemory(new HostMemory(), FUZZ_MEM_BYTES), seed, levels);
  const r = rng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const frame = (): number => DATA_PHYS + int(DATA_FRAMES) * 4096;
  const flags = (): number => (r() < 0.9 ? PTE_P : 0) | (r() < 0.7 ? PTE_W : 0) | (r() < 0.6 ? PTE_U : 0) | (r() < 0.2 ? PTE_A : 0) | (r() < 0.1 ? PTE_D : 0);
  const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;
  const lines: string[] = [];
  const li = (reg: string, v: number): void => { lines.push(`  li ${reg}, ${hex(v)}`); };
  const memOp = (user: boolean): void => {
    const va = WINDOW_VA + int(WINDOW_PAGES + 2) * 4096 + (r() < 0.1 ? 2 : int(1024) * 4);
    li('r14', va);
    const rd = `r${1 + int(10)}`;
    const kind = int(5);
    if (kind === 0) lines.push(`  ldw ${rd}, 0(r14)`);
    else if (kind === 1) lines.push(`  ldb ${rd}, 1(r14)`);
    else if (kind === 2) { li('r11', int(0x7fffffff)); lines.push('  stw r11, 0(r14)'); }
    else if (kind === 3) { li('r11', int(256)); lines.push('  stb r11, 3(r14)'); }
    else lines.push(`  ${user ? 'ldw' : 'xchg'} ${rd}, 0(r14)`);
  };
  for (let n = o.ops ?? 150; n > 0; n--) {
    const k = r();
    if (k < 0.45) memOp(false);
    else if (k < 0.65) {
      // rewrite a leaf PTE of either address space (new frame, flags, A/D cleared, or not present)
      li('r14', layout.leafPte[int(2)][int(WINDOW_PAGES)]);
      li('r11', r() < 0.15 ? 0 : makePte(frame(), flags()));
      lines.push('  stw r11, 0(r14)');
    } else if (k < 0.7 && o.largePages) {
      const as = int(2);
      const choice = int(3);
      li('r14', layout.dir[as]);
      if (choice === 0) li('r11', layout.dirOrig[as]);
      else if (choice === 1) li('r11', makePte(levels === 2 ? 0x400000 : DATA_PHYS + int(DATA_FRAMES / 32) * 0x20000, flags() | PTE_P | PTE_PS));
      else li('r11', makePte(frame(), PTE_P | PTE_W | PTE_U)); // a data frame used as a page table
      lines.push('  stw r11, 0(r14)');
    } else if (k < 0.76) {
      li('r14', WINDOW_VA + int(WINDOW_PAGES) * 4096);
      lines.push('  invlpg r14');
    } else if (k < 0.78) lines.push('  tlbflush');
    else if (k < 0.84) { li('r14', layout.roots[int(2)]); lines.push('  mtcr ptbr, r14'); }
    else if (k < 0.87 && o.tagging) { li('r14', int(3)); lines.push('  mtcr asid, r14'); }
    else if (k < 0.95) {
      const lbl = `u${lines.length}`;
      lines.push(`  li r14, ${lbl}`, '  mtcr epc, r14', '  mtcr epsw, r0', '  iret', `${lbl}:`);
      for (let j = 1 + int(3); j > 0; j--) memOp(true);
      lines.push('  sys');
    } else if (k < 0.96) lines.push('  mtcr status, r0', '  nop', '  li r14, 1', '  mtcr status, r14');
    else {
      // rewrite a word in the page-table area with its own value (traced pages, not always an entry in use)
      li('r14', 0x100000 + int(0x20000) * 4);
      lines.push('  ldw r11, 0(r14)', '  stw r11, 0(r14)');
    }
  }
  const source = `${HANDLER}\n  .org 0x2000\n_start:\n  li r13, 0x8000\n  li r14, ${hex(layout.roots[0])}\n  mtcr ptbr, r14\n  li r14, 1\n  mtcr status, r14\n${lines.join('\n')}\n  hlt\n`;
  return { source, setup: (mem) => { buildTables(mem, seed, levels); } };
}

/** The address of the entry (one level above the leaf) that points at va's leaf table. */
function dirEntryAddr(mem: GuestPhysicalMemory, pt: PtBuilder, va: number): number {
  // walk from the root to level levels-2
  const g = pt.g;
  let table = pt.root;
  for (let level = 0; level < g.levels - 2; level++) {
    const ea = table + ((va >>> (12 + g.bitsPerLevel * (g.levels - 1 - level))) & (g.entriesPerTable - 1)) * 4;
    table = mem.readWord(ea as Gpa) & ~(g.tableBytes - 1);
  }
  return table + ((va >>> (12 + g.bitsPerLevel)) & (g.entriesPerTable - 1)) * 4;
}


export function bootPaging(p: PagingProgram, opts: CpuOptions = {}): { cpu: Cpu; mem: GuestPhysicalMemory } {
  const image = build(p.source);
  const mem = new GuestPhysicalMemory(new HostMemory(), FUZZ_MEM_BYTES);
  mem.writeBytes(image.loadAddress as Gpa, image.bytes);
  p.setup(mem);
  const cpu = new Cpu(mem, opts);
  cpu.reset(image.entry);
  return { cpu, mem };
}
