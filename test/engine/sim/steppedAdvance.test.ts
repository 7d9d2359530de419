// sim.step does not run the step: it records it, and the host moves the clock toward its end in slices
// (Engine.stepSome) between requests. A sliced step ends in exactly the state one advance would; pause
// cancels the rest; a second step while one runs is refused; a save never carries a step in progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';

function busyLab(): Harness {
  const h = harness('lab-small', 3);
  for (const vm of h.q('inventory.get', {}).vms.slice(0, 2)) {
    if (vm.powerState !== 'poweredOn') h.run('vm.powerOn', { vmId: vm.id });
  }
  h.advance(5); // off the quantum grid, so slices must re-align to it
  return h;
}

test('sim.step returns at once, recording where the step ends', () => {
  const h = busyLab();
  const before = h.now();
  const status = h.cmd('sim.step', { seconds: 86_400 });
  assert.equal(status.virtualTimeMs, before, 'the step must not run inside the command');
  assert.equal(status.stepToMs, before + 86_400_000);
  assert.equal(h.q('sim.status', {}).stepToMs, before + 86_400_000);
});

test('a step run in slices ends in the same state as one advance', () => {
  const sliced = busyLab();
  const whole = busyLab();
  sliced.cmd('sim.step', { seconds: 2.345 });
  let slices = 0;
  while (!sliced.engine.stepSome(100)) slices++;
  whole.advance(2_345);
  assert.ok(slices >= 20, `expected many slices, got ${slices}`);
  assert.equal(sliced.now(), whole.now());
  assert.equal(sliced.q('sim.status', {}).stepToMs, undefined, 'the step ended');
  assert.deepEqual(sliced.engine.digestInput(), whole.engine.digestInput());
});

test('pause cancels the rest of a step; run does too', () => {
  const h = busyLab();
  const start = h.now();
  h.cmd('sim.step', { seconds: 3_600 });
  h.engine.stepSome(100);
  const paused = h.cmd('sim.pause', {});
  assert.equal(paused.stepToMs, undefined);
  assert.ok(paused.virtualTimeMs > start && paused.virtualTimeMs <= start + 100);
  assert.equal(h.engine.stepSome(100), true, 'nothing left to step');
  assert.equal(h.now(), paused.virtualTimeMs);

  h.cmd('sim.step', { seconds: 60 });
  assert.equal(h.cmd('sim.run', {}).stepToMs, undefined);
});

test('a second step while one is in progress is refused, naming the field', () => {
  const h = busyLab();
  h.cmd('sim.step', { seconds: 10 });
  const r = h.tryCmd('sim.step', { seconds: 10 });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.error.code, 'E_BUSY');
    assert.equal(r.error.field, 'params.seconds');
  }
});

test('a lab saved during a step is saved paused where the step had got to, without the step', () => {
  const h = busyLab();
  h.cmd('sim.step', { seconds: 100 });
  h.engine.stepSome(100);
  const state = h.engine.saveState();
  assert.deepEqual(Object.keys(state.clock).sort(), ['running', 'speed', 'virtualTimeMs']);
  assert.equal(state.clock.virtualTimeMs, h.now());
});
