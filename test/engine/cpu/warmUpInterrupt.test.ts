/**
 * The interpreter's warm-up (cpu/warmUp.ts) takes interrupts in the interpreter's own outer loop: under
 * `bt` the dispatcher takes almost every interrupt itself, so the interpreter's call of `takeInterrupt`
 * had no type feedback when V8 optimised it, and a guest's first interrupts inside an interpreted stretch
 * deoptimised it (twice in labos `mixed`'s first CPU-second under `bt`). Checked in a child process with
 * V8's natives (synchronous optimisation): the interpreter, optimised after running without interrupts,
 * is still optimised after it takes one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const CHILD = `
import { Cpu, interpret } from './src-main/engine/cpu/index.ts';
import { assemble, CR_VBAR } from './src-main/engine/isa/index.ts';
import { GuestPhysicalMemory, HostMemory } from './src-main/engine/memory/index.ts';
const src = '  .org 0x1000\\n_start:\\n  li r1, 200\\nloop:\\n  addi r1, r1, -1\\n  cmpi r1, 0\\n  bne loop\\n  hlt\\n  .org 0x2000\\n  hlt\\n  hlt\\n' + '  hlt\\n'.repeat(32);
const img = assemble(src, { file: 'irq' }).image;
const mk = () => { const mem = new GuestPhysicalMemory(new HostMemory(), 1 << 16); mem.writeBytes(img.loadAddress, img.bytes); const cpu = new Cpu(mem); cpu.reset(img.entry); return cpu; };
%PrepareFunctionForOptimization(interpret);
interpret(mk(), 100000);
%OptimizeFunctionOnNextCall(interpret);
interpret(mk(), 100000);
const before = %GetOptimizationStatus(interpret);
const c = mk();
c.state.cr[CR_VBAR] = 0x2000;
c.state.ie = true;
c.raiseIrq(1);
interpret(c, 100000);
const after = %GetOptimizationStatus(interpret);
console.log(JSON.stringify({ before, after, irqs: c.counters.causes[17] }));
`;

/** V8's optimisation-status bit for "optimised code". */
const OPTIMIZED = 16;

test('an interpreter optimised without interrupts stays optimised when it first takes one', () => {
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', '--import', 'tsx', '--input-type=module', '-e', CHILD], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { before: number; after: number; irqs: number };
  assert.equal(out.irqs, 1, 'the interpreter took the interrupt');
  assert.ok((out.before & OPTIMIZED) !== 0, `optimised before (status ${out.before})`);
  assert.ok((out.after & OPTIMIZED) !== 0, `still optimised after its first interrupt (status ${out.after})`);
});
