/**
 * warmUp — runs the interpreter on a private scratch machine before the first real CPU is used, so
 * that V8 collects type feedback for every hot path (ALU, loads/stores on both the fast and slow
 * paths, every branch kind with both flag representations, calls, page crossings, system
 * instructions, interrupts, paging in kernel and user mode) before it optimises `interpret`.
 *
 * Interface: `warmUpInterpreter()` (idempotent; Cpu's constructor calls it); `mapIdentity(mem, geometry,
 * base)` (identity page tables) and `enterPagingAsm(tables, vectors)`, also for the translator's dispatcher warm-up.
 * Rules: host performance only — it touches no state of any simulated machine (own HostMemory,
 * own GuestPhysicalMemory, own Cpu), is deterministic and costs a few tens of milliseconds once.
 * Without it V8 sometimes optimises the interpreter before some sites have run, deoptimises
 * later and settles in a ~30% slower tier (measured on the 2-core dev machines). The phases (each
 * guarding against a deoptimisation or a thrown-away compile seen in a guest's first CPU-second):
 * the plain program; the system-instruction path with several `beforeSystem` hooks (`bt` installs
 * one); one stretch per call (`cpu.oneStretch`, bt's exact warm-up); interrupts taken in the interpreter's own outer loop (under `bt` the dispatcher takes almost
 * every interrupt itself); paging on, in kernel and in user mode, with several MMU
 * `beforePagingChange` hooks (`bt` installs one), a trap from user mode, and a first touch of a
 * fresh page before each run (the memory's epoch moves, as a guest's does at every first touch).
 * All phases run in short passes first, then in full: V8 copies the feedback when it starts
 * compiling, and a compile that relied on an object field staying constant is thrown away when a
 * later phase (or the guest) writes it — so every path runs, and every field is written, before
 * the interpreter is hot enough to be compiled.
 */
import { assemble, CR_VBAR, PTE_P, PTE_U, PTE_W } from '../isa/index';
import { GuestPhysicalMemory, HostMemory } from '../memory/index';
import { makePte, nextTableAddress, pteIndex, type Gpa, type PagingGeometry } from '../mmu/index';
import { PAGE_SHIFT } from '../params';
import type { Cpu } from './cpu';

let done = false;

/** Where the warm-up's interrupt vectors are (VBAR): a page of `hlt` (see INTERRUPT_RUNS). */
const VECTORS = 0x3800;
/** Runs of the interrupt phase: each takes one interrupt in the interpreter's outer loop, then halts in the vector. */
const INTERRUPT_RUNS = 4;
/** The paging phase's page tables (guest-physical, above everything the program touches): see mapIdentity. */
const PAGE_TABLES = 0x10000;
/** Pages the host writes, one never written before at each run's start (touchFreshPage): 17 per pass. */
const FRESH_PAGES = 0x20000;
/** The scratch memory: the program and its data below PAGE_TABLES, the tables above, then FRESH_PAGES. */
const SCRATCH_BYTES = 1 << 19;
/** PSW.K: the paging phase's runs return (iret) to the program in kernel mode with it, in user mode without. */
const PSW_K = 1 << 5;
/** Where the program reads its loop count (guest-physical word, written by the host before each pass). */
const LOOP_COUNT = 0x9800;
/**
 * The passes over all phases: cycles per `run` call and loop count. The first ones are short and still
 * run every path (the loop 4 times — its compares with 1 see below, equal and above — then the
 * program's end), so each object the phases write (the paging flag, the walk and TLB counters, the
 * privilege fields, the hooks) has been written and every site of the interpreter has seen its cases
 * before V8 starts compiling it (it copies the feedback when it starts, and a compile that relied on a
 * field staying constant is thrown away at its end, "dependency change").
 */
const PASSES: readonly { budget: number; loops: number }[] = [
  { budget: 400, loops: 4 }, { budget: 400, loops: 4 }, { budget: 2_000, loops: 20 }, { budget: 20_000, loops: 300 },
];

const PROGRAM = `
  .org 0x2ff0
_start:
  li r1, 0
  li r2, 0x8000
  li r3, 0
  li r5, ${LOOP_COUNT}
  ldw r5, 0(r5)
  li r10, 3
  li r11, -7
loop:
  andi r4, r1, 255
  slli r4, r4, 2
  add r6, r2, r4
  ldw r7, 0(r6)
  ldb r8, 1(r6)
  ldbs r9, 2(r6)
  add r3, r3, r7
  sub r3, r3, r8
  and r7, r7, r1
  or r7, r7, r9
  xor r7, r7, r3
  shl r8, r7, r10
  shr r8, r8, r10
  sar r8, r11, r10
  mul r8, r8, r1
  mulhu r9, r8, r11
  div r9, r11, r10
  divu r9, r8, r10
  rem r9, r11, r10
  remu r9, r8, r10
  ori r9, r9, 1
  xori r9, r9, 2
  srli r9, r9, 1
  srai r9, r9, 1
  lui r12, 1
  addi r7, r7, 1
  stw r7, 0(r6)
  stb r7, 3(r6)
  tst r1, r10
  beq .a
  bne .a
.a: cmpi r1, 1
  blt .b
  bge .b
.b: bgt .c
  ble .c
.c: bltu .d
  bgeu .d
.d: bgtu .e
  bleu .e
.e: tst r1, r10
  bgt .f
  ble .f
.f: bltu .g
  bgeu .g
.g: bgtu .h
  bleu .h
.h: blt .i
  bge .i
.i: cmpi r1, 1
  beq .k
  bne .k
.k: call fn
  li r12, fn
  jalr r12
  nop
  j .j
.j: addi r1, r1, 1
  cmp r1, r5
  bne loop
  getf r9
  smsw r9
  hlt
fn:
  li r13, 0x9000
  ldw r12, 0(r13)
  stw r12, 4(r13)
  ret
${enterPagingAsm(PAGE_TABLES, VECTORS)}
  .org ${VECTORS}
vectors:
${'  hlt\n'.repeat(64)}`;

/**
 * Assembly of the routine `paged` (the warm-ups' paging phases): paging on with the tables at `tables`,
 * vectors at `vectors`, then `iret` to `_start` with the PSW the host put in r14 (kernel or user mode).
 */
export function enterPagingAsm(tables: number, vectors: number): string {
  return `paged:
  li r1, ${tables}
  mtcr ptbr, r1
  li r1, 1
  mtcr status, r1
  li r1, ${vectors}
  mtcr vbar, r1
  la r1, _start
  mtcr epc, r1
  mtcr epsw, r14
  iret`;
}

export function warmUpInterpreter(makeCpu: (mem: GuestPhysicalMemory) => Cpu): void {
  if (done) return;
  done = true;
  const r = assemble(PROGRAM, { file: '<warm-up>' });
  if (!r.ok) return;
  const mem = new GuestPhysicalMemory(new HostMemory(), SCRATCH_BYTES);
  mem.writeBytes(r.image.loadAddress as Gpa, r.image.bytes);
  const cpu = makeCpu(mem);
  mapIdentity(mem, cpu.mmu.geometry, PAGE_TABLES);
  const entry = r.image.entry;
  const paged = r.image.symbols.paged;
  for (const pass of PASSES) {
    mem.writeWord(LOOP_COUNT as Gpa, pass.loops);
    runPhases(cpu, entry, paged, pass.budget);
  }
}

/** The warm-up's phases, each run given `budget` cycles per `run` call (4 calls, or 1 for an interrupt run). */
function runPhases(cpu: Cpu, entry: number, paged: number, budget: number): void {
  touchFreshPage(cpu.mem);
  cpu.reset(entry);
  for (let k = 0; k < 4 && !cpu.state.halted; k++) cpu.run(budget);
  // The system-instruction path's call of `cpu.beforeSystem` (installed by `bt`'s executor, absent under
  // `interp`): run it with several different hooks, so V8 compiles that call as a generic one instead of
  // deoptimising the interpreter at the first hook it meets (and again at the next one).
  for (const hook of SYSTEM_HOOKS) {
    cpu.beforeSystem = hook;
    touchFreshPage(cpu.mem);
    cpu.reset(entry);
    for (let k = 0; k < 4 && !cpu.state.halted; k++) cpu.run(budget);
  }
  // One stretch per call (`oneStretch`, bt's exact warm-up): the interpreter's return after each stretch
  // and its skipped epoch sync get feedback, and the field is written both ways before V8 compiles —
  // else the compile relies on it staying false and is thrown away at bt's first region (measured:
  // interpret's compile and OSR thrown away in the first CPU-second, "code dependencies").
  touchFreshPage(cpu.mem);
  cpu.reset(entry);
  cpu.oneStretch = true;
  for (let k = 0; k < 64 && !cpu.state.halted; k++) cpu.run(budget);
  cpu.oneStretch = false;
  // Interrupts taken in the interpreter's outer loop (under `bt` the dispatcher takes almost all of
  // them itself): its `takeInterrupt` call gets feedback like every other path. After the runs above,
  // when V8 has allocated the interpreter's feedback vector (the first calls of a function record none).
  for (let k = 0; k < INTERRUPT_RUNS; k++) {
    touchFreshPage(cpu.mem);
    cpu.reset(entry);
    cpu.state.cr[CR_VBAR] = VECTORS;
    cpu.state.ie = true;
    cpu.raiseIrq(k & 3);
    cpu.run(Math.min(budget, 2_000));
    cpu.lowerIrq(k & 3);
  }
  // Paging on, in kernel and in user mode: the program's pages identity-mapped, the TLB filled by walks
  // that set A/D bits, the switch to user mode by `iret` and back to the kernel by a trap (the user-mode
  // `hlt` at its end, privileged). Without it V8 compiled the interpreter while none of those paths had
  // run, relying on their objects' fields staying constant, and the guest's first paging switch threw
  // that compile away. The MMU's `beforePagingChange` hook (`bt` installs one) gets several function
  // literals, as the system hook above.
  for (let k = 0; k < PAGING_HOOKS.length; k++) {
    touchFreshPage(cpu.mem);
    cpu.reset(paged);
    cpu.mmu.beforePagingChange = PAGING_HOOKS[k];
    cpu.state.regs[14] = (k & 1) === 0 ? PSW_K : 0;
    for (let n = 0; n < 4 && !cpu.state.halted; n++) cpu.run(budget);
  }
  cpu.mmu.beforePagingChange = undefined;
  cpu.beforeSystem = undefined;
}

/**
 * Writes a page of the scratch memory never written before: its first touch bumps the memory's `epoch`,
 * so the interpreter's next code-page change runs the MMU's re-check of its cached frames (a guest's
 * memory bumps it at every first touch; the warm-up's own pages are all touched in its first runs,
 * before V8 records feedback).
 */
let freshPage = FRESH_PAGES;
function touchFreshPage(mem: GuestPhysicalMemory): void {
  mem.writeWord(freshPage as Gpa, 1);
  freshPage += 1 << PAGE_SHIFT;
}

/**
 * Writes page tables at `base` (guest-physical, growing up) that map every page below `base` to itself,
 * writable and user-accessible, in the MMU's geometry (2 or 4 levels). The leaves' A/D bits start clear.
 */
export function mapIdentity(mem: GuestPhysicalMemory, g: PagingGeometry, base: number): void {
  let next = base + g.tableBytes;
  for (let va = 0; va < base; va += 1 << PAGE_SHIFT) {
    let table = base;
    for (let level = 0; level < g.levels - 1; level++) {
      const at = (table + 4 * pteIndex(va, level, g)) as Gpa;
      let pte = mem.readWord(at);
      if ((pte & PTE_P) === 0) {
        pte = makePte(next, PTE_P | PTE_W | PTE_U);
        mem.writeWord(at, pte);
        next += g.tableBytes;
      }
      table = nextTableAddress(pte, g);
    }
    mem.writeWord((table + 4 * pteIndex(va, g.levels - 1, g)) as Gpa, makePte(va, PTE_P | PTE_W | PTE_U));
  }
}

/**
 * The hooks the warm-up calls beforeSystem with: more than V8 keeps as a polymorphic call's targets (4),
 * each its own function literal (closures of one literal share V8's feedback cell: the call would stay
 * monomorphic on it and deoptimise at bt's hook with "wrong feedback cell").
 */
const hookCalls = new Float64Array(6);
const SYSTEM_HOOKS: readonly ((a: number) => void)[] = [
  (a) => { hookCalls[0] += a & 0; },
  (a) => { hookCalls[1] += a & 0; },
  (a) => { hookCalls[2] += a & 0; },
  (a) => { hookCalls[3] += a & 0; },
  (a) => { hookCalls[4] += a & 0; },
  (a) => { hookCalls[5] += a & 0; },
];

/** The hooks the paging phase sets as the MMU's `beforePagingChange`, one function literal each (as SYSTEM_HOOKS). */
const pagingHookCalls = new Float64Array(6);
const PAGING_HOOKS: readonly (() => void)[] = [
  () => { pagingHookCalls[0]++; },
  () => { pagingHookCalls[1]++; },
  () => { pagingHookCalls[2]++; },
  () => { pagingHookCalls[3]++; },
  () => { pagingHookCalls[4]++; },
  () => { pagingHookCalls[5]++; },
];
