/**
 * The interpreter's warm-up (cpu/warmUp.ts) also runs the system-instruction path with several
 * `beforeSystem` hooks, each its own function literal: `bt`'s executor installs one, and without it V8's
 * optimised interpreter had no (or monomorphic) feedback for that call and was deoptimised at a guest's
 * first hook calls, then recompiled in the guest's first CPU-second. Checked in a child process with V8's
 * natives (synchronous optimisation): the interpreter, optimised after running without a hook, is still
 * optimised after running system instructions with a hook it has never seen.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const CHILD = `
import { Cpu, interpret } from './src-main/engine/cpu/index.ts';
import { assemble } from './src-main/engine/isa/index.ts';
import { GuestPhysicalMemory, HostMemory } from './src-main/engine/memory/index.ts';
const src = '  .org 0x1000\\n_start:\\n  li r1, 200\\nloop:\\n  getf r2\\n  addi r1, r1, -1\\n  cmpi r1, 0\\n  bne loop\\n  hlt\\n';
const img = assemble(src, { file: 'hook' }).image;
const mk = () => { const mem = new GuestPhysicalMemory(new HostMemory(), 1 << 16); mem.writeBytes(img.loadAddress, img.bytes); const cpu = new Cpu(mem); cpu.reset(img.entry); return cpu; };
%PrepareFunctionForOptimization(interpret);
interpret(mk(), 100000);
%OptimizeFunctionOnNextCall(interpret);
interpret(mk(), 100000);
const before = %GetOptimizationStatus(interpret);
const c = mk();
let calls = 0;
c.beforeSystem = () => { calls++; };
interpret(c, 100000);
const after = %GetOptimizationStatus(interpret);
console.log(JSON.stringify({ before, after, calls }));
`;

/** V8's optimisation-status bit for "optimised code". */
const OPTIMIZED = 16;

test('an interpreter optimised without a hook stays optimised when bt\'s beforeSystem hook is first called', () => {
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', '--import', 'tsx', '--input-type=module', '-e', CHILD], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { before: number; after: number; calls: number };
  assert.ok(out.calls > 0, 'the hook ran');
  assert.ok((out.before & OPTIMIZED) !== 0, `optimised before (status ${out.before})`);
  assert.ok((out.after & OPTIMIZED) !== 0, `still optimised after the hook's first calls (status ${out.after})`);
});
