/**
 * Guest faults are contained: a triple fault, a runaway loop, a kernel that scribbles over itself,
 * garbage images and random bytes, and even an engine-side error all end in a machine state
 * (crashed with reason / pc / address, or still running) — never an exception out of the machine.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Monitor } from '../../../src-main/engine/cpu/index';
import { buildMachine, runMachine } from '../../../src-main/engine/machine/index';
import { bootMachine, image } from '../../helpers/machineHarness';

test('a triple fault crashes the machine with reason, pc and faulting address', () => {
  const m = bootMachine(`
  .org 0x2000
_start:
  li r1, 0x7ffff000          ; vectors outside RAM: delivery faults, then double-faults
  mtcr vbar, r1
at:
  div r2, r1, r0
`, { memoryBytes: 1 << 20 });
  const o = runMachine(m);
  assert.equal(o.stoppedBy, 'crashed');
  assert.equal(m.state, 'crashed');
  assert.equal(m.crash?.reason, 'triple fault');
  assert.equal(m.crash?.vcpu, 0);
  assert.equal(m.crash?.address, 0x7ffff000 + 8 * 4, 'the double-fault vector it could not fetch');
  const r = m.runVcpu(0, 1000, 1e9);
  assert.deepEqual([r.crashed, r.cyclesUsed], [true, 0], 'a crashed machine runs nothing');
  assert.equal(m.counters().doubleFaults, 1);
});

test('a runaway loop just uses its budget: runVcpu returns, the machine keeps running', () => {
  const m = bootMachine('  .org 0x2000\n_start:\n  cli\n  j _start\n');
  const r = m.runVcpu(0, 1_000_000, 0);
  assert.equal(r.halted, false);
  assert.ok(r.cyclesUsed >= 1_000_000 && r.cyclesUsed < 1_000_010);
  assert.equal(m.state, 'running');
  assert.equal(runMachine(m, { untilNs: 5e6 }).stoppedBy, 'time');
});

test('a kernel that scribbles over its own code and vectors is contained', () => {
  const m = bootMachine(`
  .org 0
  .space 128, 0
  .org 0x2000
_start:
  li r1, 0
  li r2, 0x12345677
.s:
  stw r2, 0(r1)              ; overwrite everything from 0, including this loop
  addi r1, r1, 4
  mul r2, r2, r2
  addi r2, r2, 0x3b
  j .s
`, { memoryBytes: 1 << 20 });
  const o = runMachine(m, { untilNs: 1e8 });
  assert.ok(['crashed', 'time', 'halted', 'off'].includes(o.stoppedBy));
  assert.equal(m.state === 'crashed', m.crash !== undefined);
});

/** xorshift32: deterministic bytes for the garbage tests. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

test('random bytes as a program never make the machine throw (200 images, both monitors)', () => {
  const next = rng(12345);
  const seen = new Set<string>();
  for (let k = 0; k < 200; k++) {
    const len = 64 + (next() % 4096);
    const bytes = new Uint8Array(len);
    for (let i = 0; i < len; i++) bytes[i] = next() & 255;
    // a third of the images also cover the vector table at 0 (garbage handlers)
    const base = k % 3 === 0 ? 0 : 0x2000;
    const img = { loadAddress: base, bytes: base === 0 ? bytes.subarray(0, Math.min(len, 0x1000)) : bytes, entry: base + 4 * (next() % (len >>> 2)) };
    const m = buildMachine({ kind: 'boot', config: { memoryBytes: 1 << 20, monitor: k % 2 ? 'te' : 'interp', vcpus: 1 + (k % 2) }, image: img });
    assert.doesNotThrow(() => runMachine(m, { untilNs: 2e6 }));
    seen.add(m.state);
    if (m.state === 'crashed') assert.ok(m.crash?.reason && typeof m.crash.pc === 'number');
    assert.doesNotThrow(() => { m.digest(); m.counters(); m.save(); m.consoleRead(0); });
  }
  for (const st of seen) assert.ok(['running', 'halted', 'crashed', 'off'].includes(st), st);
  // (most garbage ends in an endless illegal-instruction loop through a zero vector table: "running")
});

test('an engine-side error during a run is converted into a crash, never thrown', () => {
  const broken: Monitor = { name: 'broken', onTrap: () => { throw new Error('monitor bug'); } };
  const m = buildMachine({ kind: 'boot', config: { monitor: 'broken' }, image: image('  .org 0x2000\n_start:\n  sys\n') }, { createMonitor: (k) => (k === 'broken' ? broken : undefined) });
  let r;
  assert.doesNotThrow(() => { r = m.runVcpu(0, 10_000, 0); });
  assert.equal(r!.crashed, true);
  assert.match(m.crash!.reason, /internal error: monitor bug/);
  assert.equal(m.counters().internalErrors, 1);
});
