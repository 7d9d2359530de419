/**
 * planRunnerWarmUp — runs the plan runner (planRunner.ts) once on a private scratch CPU before the first
 * executor that uses it runs a real guest, so V8 has type feedback for all its paths (every ALU and
 * memory kind, software-TLB hits and misses, both flag forms of every branch, calls and register jumps,
 * exits to another page, callouts, budget stops) before it optimises it.
 *
 * Why: the runner is one function shared by every fresh region; optimised before a path has run, V8
 * throws its code away at that path's first use and compiles it again (a guest's first CPU-second saw 9
 * compiles of it, ~1 s of compile thread), which is what the runner is there to avoid for regions.
 *
 * Interface: `warmUpPlanRunner()` (idempotent; the executor calls it when its option `planRunCycles`
 * is on).
 * Rules: host performance only — it touches no state of any simulated machine (own HostMemory, own
 * GuestPhysicalMemory, own Cpu, own executor and translation cache), is deterministic and costs a few
 * milliseconds once.
 */
import { Cpu } from '../cpu/index';
import { assemble } from '../isa/index';
import { GuestPhysicalMemory, HostMemory } from '../memory/index';
import type { Gpa } from '../mmu/index';
import { TranslatedExecutor } from './executor';

let done = false;

/** The loop runs translated from its second pass: every instruction kind, both flag forms, calls, a page crossing, callouts. */
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
`;

export function warmUpPlanRunner(): void {
  if (done) return;
  done = true;
  const r = assemble(PROGRAM, { file: '<plan-runner warm-up>' });
  if (!r.ok) return;
  for (let pass = 0; pass < 3; pass++) {
    const mem = new GuestPhysicalMemory(new HostMemory(), 1 << 16);
    mem.writeBytes(r.image.loadAddress as Gpa, r.image.bytes);
    const cpu = new Cpu(mem);
    cpu.reset(r.image.entry);
    const exec = new TranslatedExecutor({ hotCycles: 500, chargeTranslation: false, planRunCycles: Number.MAX_SAFE_INTEGER });
    // small budgets too, so the runner also leaves at its budget checks
    for (let k = 0; k < 64 && !cpu.state.halted; k++) exec.execute(cpu, k < 32 ? 2_000 : 97);
  }
}
