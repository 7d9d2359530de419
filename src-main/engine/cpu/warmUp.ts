/**
 * warmUp — runs the interpreter once on a private scratch machine before the first real CPU
 * is used, so that V8 collects type feedback for every hot path (ALU, loads/stores on both the
 * fast and slow paths, every branch kind with both flag representations, calls, page crossings,
 * system instructions) before it optimises `interpret`.
 *
 * Interface: `warmUpInterpreter()` (idempotent; Cpu's constructor calls it).
 * Rules: host performance only — it touches no state of any simulated machine (own HostMemory,
 * own GuestPhysicalMemory, own Cpu), is deterministic and costs a few milliseconds once.
 * Without it V8 sometimes optimises the interpreter before some sites have run, deoptimises
 * later and settles in a ~30% slower tier (measured on the 2-core dev machines). It also runs the
 * system-instruction path with several `beforeSystem` hooks (`bt` installs one; under it the
 * interpreter was deoptimised and recompiled at the first hook calls — ~1 s of V8's compile thread in a
 * guest's first CPU-second), and last takes interrupts in the interpreter's own outer loop (under
 * `bt` the dispatcher takes almost every interrupt itself, so that call of `takeInterrupt` had no
 * feedback and deoptimised the interpreter twice in a guest's first CPU-second).
 */
import { assemble, CR_VBAR } from '../isa/index';
import { GuestPhysicalMemory, HostMemory } from '../memory/index';
import type { Gpa } from '../mmu/index';
import type { Cpu } from './cpu';

let done = false;

/** Where the warm-up's interrupt vectors are (VBAR): a page of `hlt` (see INTERRUPT_RUNS). */
const VECTORS = 0x3800;
/** Runs of the interrupt phase: each takes one interrupt in the interpreter's outer loop, then halts in the vector. */
const INTERRUPT_RUNS = 4;

const PROGRAM = `
  .org 0x2ff0
_start:
  li r1, 0
  li r2, 0x8000
  li r3, 0
  li r5, 300
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
.a: cmpi r1, 5
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
.i: call fn
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
  .org ${VECTORS}
vectors:
${'  hlt\n'.repeat(64)}`;

export function warmUpInterpreter(makeCpu: (mem: GuestPhysicalMemory) => Cpu): void {
  if (done) return;
  done = true;
  const r = assemble(PROGRAM, { file: '<warm-up>' });
  if (!r.ok) return;
  const mem = new GuestPhysicalMemory(new HostMemory(), 1 << 16);
  mem.writeBytes(r.image.loadAddress as Gpa, r.image.bytes);
  const cpu = makeCpu(mem);
  cpu.reset(r.image.entry);
  for (let k = 0; k < 4 && !cpu.state.halted; k++) cpu.run(20_000);
  // The system-instruction path's call of `cpu.beforeSystem` (installed by `bt`'s executor, absent under
  // `interp`): run it with several different hooks, so V8 compiles that call as a generic one instead of
  // deoptimising the interpreter at the first hook it meets (and again at the next one).
  for (const hook of SYSTEM_HOOKS) {
    cpu.beforeSystem = hook;
    cpu.reset(r.image.entry);
    for (let k = 0; k < 4 && !cpu.state.halted; k++) cpu.run(20_000);
  }
  // Interrupts taken in the interpreter's outer loop (under `bt` the dispatcher takes almost all of
  // them itself): its `takeInterrupt` call gets feedback like every other path. Last, when V8 has
  // allocated the interpreter's feedback vector (the first calls of a function record none).
  for (let k = 0; k < INTERRUPT_RUNS; k++) {
    cpu.reset(r.image.entry);
    cpu.state.cr[CR_VBAR] = VECTORS;
    cpu.state.ie = true;
    cpu.raiseIrq(k & 3);
    cpu.run(2_000);
    cpu.lowerIrq(k & 3);
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
