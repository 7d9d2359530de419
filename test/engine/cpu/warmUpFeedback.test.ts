/**
 * The interpreter's warm-up (cpu/warmUp.ts) gives V8 the type feedback a guest's first seconds under `bt`
 * would otherwise bring too late, each case checked in a child process with V8's natives (synchronous
 * optimisation): the interpreter, optimised after running a plain loop, must still be optimised after
 * - the first calls of a `beforeSystem` hook it has never seen (bt's executor installs one; without the
 *   warm-up's several hooks, each its own function literal, V8 deoptimised the interpreter at that call
 *   and recompiled it in the guest's first CPU-second);
 * - its first interrupt taken in its own outer loop (under `bt` the dispatcher takes almost every
 *   interrupt itself, so the interpreter's call of `takeInterrupt` had no feedback when V8 optimised it).
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
