/**
 * The interpreter's warm-up (cpu/warmUp.ts) gives V8 the type feedback a guest's first seconds under `bt`
 * would otherwise bring too late, each case checked in a child process with V8's natives (synchronous
 * optimisation): the interpreter, optimised after running a plain loop, must still be optimised after
 * - the first calls of a `beforeSystem` hook it has never seen (bt's executor installs one; without the
 *   warm-up's several hooks, each its own function literal, V8 deoptimised the interpreter at that call
 *   and recompiled it in the guest's first CPU-second);
 * - its first interrupt taken in its own outer loop (under `bt` the dispatcher takes almost every
 *   interrupt itself, so the interpreter's call of `takeInterrupt` had no feedback when V8 optimised it);
 * - (optimised right after the warm-up) a guest that turns paging on with `bt`'s MMU hook installed,
 *   runs in user mode over fresh pages and traps back: without the warm-up's paging phase V8's code
 *   relied on the paging objects' fields staying constant and was deoptimised at the switch (and, with
 *   V8's concurrent compiles, an interpreter compile in flight was thrown away), without its fresh-page
 *   touches the MMU's epoch re-check had no feedback;
 * - (optimised on the warm-up's own CPU, as V8 does when it compiles the interpreter during the warm-up) a
 *   TLB built afterwards, as the guest's is right after the warm-up: when the interpreter added its fast
 *   hits as heap numbers (differences of the Float64Array opcode totals), the TLB's hit count became a
 *   double during the warm-up, and the next TLB built changed the type V8 had recorded for the TLB's
 *   statistics field — the optimised interpreter was thrown away (in `bt`'s first CPU-second, the compile
 *   in flight).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** V8's optimisation-status bit for "optimised code". */
const OPTIMIZED = 16;

/**
 * Runs `program` (labos assembly, JS-string-escaped) under the interpreter until V8 has optimised it, then
 * once more after `setup` (JS using `c`, the CPU) and replies V8's status before and after and `seen`.
 */
function optimisedAcross(program: string, setup: string, seen: string): { before: number; after: number; seen: number } {
  const child = `
import { Cpu, interpret } from './src-main/engine/cpu/index.ts';
import { assemble, CR_VBAR } from './src-main/engine/isa/index.ts';
import { GuestPhysicalMemory, HostMemory } from './src-main/engine/memory/index.ts';
const img = assemble(${JSON.stringify(program)}, { file: 'warm' }).image;
const mk = () => { const mem = new GuestPhysicalMemory(new HostMemory(), 1 << 16); mem.writeBytes(img.loadAddress, img.bytes); const cpu = new Cpu(mem); cpu.reset(img.entry); return cpu; };
%PrepareFunctionForOptimization(interpret);
interpret(mk(), 100000);
%OptimizeFunctionOnNextCall(interpret);
interpret(mk(), 100000);
const before = %GetOptimizationStatus(interpret);
const c = mk();
let calls = 0;
void CR_VBAR;
${setup}
interpret(c, 100000);
const after = %GetOptimizationStatus(interpret);
console.log(JSON.stringify({ before, after, seen: ${seen} }));
`;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', '--import', 'tsx', '--input-type=module', '-e', child], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { before: number; after: number; seen: number };
}

test('an interpreter optimised without a hook stays optimised when bt\'s beforeSystem hook is first called', () => {
  const src = '  .org 0x1000\n_start:\n  li r1, 200\nloop:\n  getf r2\n  addi r1, r1, -1\n  cmpi r1, 0\n  bne loop\n  hlt\n';
  const out = optimisedAcross(src, 'c.beforeSystem = () => { calls++; };', 'calls');
  assert.ok(out.seen > 0, 'the hook ran');
  assert.ok((out.before & OPTIMIZED) !== 0, `optimised before (status ${out.before})`);
  assert.ok((out.after & OPTIMIZED) !== 0, `still optimised after the hook's first calls (status ${out.after})`);
});

test('an interpreter optimised without interrupts stays optimised when it first takes one', () => {
  const src = '  .org 0x1000\n_start:\n  li r1, 200\nloop:\n  addi r1, r1, -1\n  cmpi r1, 0\n  bne loop\n  hlt\n  .org 0x2000\n  hlt\n  hlt\n' + '  hlt\n'.repeat(32);
  const out = optimisedAcross(src, 'c.state.cr[CR_VBAR] = 0x2000; c.state.ie = true; c.raiseIrq(1);', 'c.counters.causes[17]');
  assert.equal(out.seen, 1, 'the interpreter took the interrupt');
  assert.ok((out.before & OPTIMIZED) !== 0, `optimised before (status ${out.before})`);
  assert.ok((out.after & OPTIMIZED) !== 0, `still optimised after its first interrupt (status ${out.after})`);
});

test('an interpreter optimised after the warm-up stays optimised through a guest\'s paging, user mode, first touches and compares', () => {
  // The guest: paging on (bt's MMU hook installed), `iret` to user mode, a loop over fresh pages (each first
  // touch bumps the memory's epoch; the loop crosses a code page, where the MMU re-checks it) ending on a
  // `cmp` + `bgeu`, then a user-mode `hlt` (privileged: a trap to the halting vectors).
  const program = `${'  hlt\\n'.repeat(32)}  .org 0x2000\\n_start:\\n  li r1, 0x100000\\n  mtcr ptbr, r1\\n  li r1, 1\\n  mtcr status, r1\\n` +
    '  la r1, user\\n  mtcr epc, r1\\n  li r1, 0\\n  mtcr epsw, r1\\n  iret\\nuser:\\n  li r1, 0\\n  li r2, 0x200000\\n  li r5, 200\\n' +
    'uloop:\\n  stw r1, 0(r2)\\n  ldw r3, 0(r2)\\n  addi r2, r2, 4096\\n  addi r1, r1, 1\\n  j far\\nback:\\n  cmp r1, r5\\n  bgeu done\\n  j uloop\\n' +
    'done:\\n  hlt\\n  .org 0x3000\\nfar:\\n  j back\\n';
  const child = `
import { interpret } from './src-main/engine/cpu/index.ts';
import { CAUSE_PRIVILEGED, CR_CAUSE, PTE_U, PTE_W } from './src-main/engine/isa/index.ts';
import { boot, runToHalt } from './test/helpers/cpuHarness.ts';
import { PtBuilder } from './test/engine/mmu/ptBuilder.ts';
const warm = boot('  .org 0x2000\\n_start:\\n  li r1, 200\\nloop:\\n  addi r1, r1, -1\\n  cmpi r1, 0\\n  bne loop\\n  hlt\\n');
%PrepareFunctionForOptimization(interpret);
%OptimizeFunctionOnNextCall(interpret);
warm.cpu.run(10000);
const before = %GetOptimizationStatus(interpret);
const g = boot("${program}", { memBytes: 4 << 20 });
const pt = new PtBuilder(g.mem, g.cpu.mmu.geometry.levels, 0x100000);
for (let va = 0; va < 0x4000; va += 4096) pt.map(va, va, PTE_W | PTE_U);
for (let k = 0; k < 200; k++) pt.map(0x200000 + k * 4096, 0x200000 + k * 4096, PTE_W | PTE_U);
let hooks = 0;
g.cpu.mmu.beforePagingChange = () => { hooks++; };
runToHalt(g.cpu);
const after = %GetOptimizationStatus(interpret);
console.log(JSON.stringify({ before, after, hooks, misses: g.cpu.snapshot().tlbMisses, cause: g.cpu.state.cr[CR_CAUSE] & 0xff, privileged: CAUSE_PRIVILEGED }));
`;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', '--import', 'tsx', '--input-type=module', '-e', child], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { before: number; after: number; hooks: number; misses: number; cause: number; privileged: number };
  assert.equal(out.hooks, 1, 'the MMU hook ran at the paging switch');
  assert.ok(out.misses >= 200, `the loop walked its fresh pages (${out.misses} TLB misses)`);
  assert.equal(out.cause, out.privileged, 'the user-mode hlt trapped');
  assert.ok((out.before & OPTIMIZED) !== 0, `optimised before (status ${out.before})`);
  assert.ok((out.after & OPTIMIZED) !== 0, `still optimised after the guest (status ${out.after})`);
});

test('an interpreter optimised on the warm-up\'s CPU stays optimised when the next TLB is built', () => {
  const child = `
import { Cpu, interpret } from './src-main/engine/cpu/index.ts';
import { warmUpInterpreter } from './src-main/engine/cpu/warmUp.ts';
import { Tlb } from './src-main/engine/mmu/tlb.ts';
let scratch;
warmUpInterpreter((m) => (scratch ??= new Cpu(m)));
%PrepareFunctionForOptimization(interpret);
%OptimizeFunctionOnNextCall(interpret);
scratch.reset(0x2ff0);
interpret(scratch, 2000);
const before = %GetOptimizationStatus(interpret);
const tlb = new Tlb(64, 4);
const after = %GetOptimizationStatus(interpret);
console.log(JSON.stringify({ before, after, hits: scratch.mmu.tlb.stats.hits, fresh: tlb.stats.hits }));
`;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', '--import', 'tsx', '--input-type=module', '-e', child], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { before: number; after: number; hits: number; fresh: number };
  assert.ok(out.hits > 0, `the warm-up counted fast TLB hits with paging on (${out.hits})`);
  assert.equal(out.fresh, 0);
  assert.ok((out.before & OPTIMIZED) !== 0, `optimised before (status ${out.before})`);
  assert.ok((out.after & OPTIMIZED) !== 0, `still optimised after a TLB is built (status ${out.after})`);
});
