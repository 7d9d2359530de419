// labos's tickless idle (nohz.s, the timer's SKIP register): an idle guest takes a timer interrupt only at
// its next deadline, yet sleeps end, balloon polls happen and the guest clock reads as with a periodic
// tick; it is on by default (boot parameter nohz=0 turns it off) and only on a uniprocessor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMachine } from '../../../src-main/engine/machine/index';
import { bootGuest, runGuest } from '../../helpers/machineHarness';

const TICK_NS = 1_000_000;

for (const monitor of ['interp', 'bt', 'hw', 'pv']) {
  test(`${monitor}: a sleeping program ends at the same time and prints the same with or without the tick, with ~1/50 of the interrupts`, () => {
    const file = monitor === 'pv' ? 'labos-pv.s' : 'labos.s';
    const on = runGuest('idle ms=300', { monitor, file });
    const off = runGuest('idle ms=300 nohz=0', { monitor, file });
    for (const r of [on, off]) assert.equal(r.state, 'off', r.console);
    assert.equal(on.console, off.console);
    assert.match(on.console, /idle: slept 300 ms/);
    assert.equal(on.exitCode, off.exitCode);
    assert.ok(Math.abs(on.endNs - off.endNs) < TICK_NS, `the sleep ends at the same tick (${on.endNs} vs ${off.endNs} ns)`);
    const a = on.machine.counters();
    const b = off.machine.counters();
    assert.ok(b['timer.ticksDelivered'] >= 300 && a['timer.ticksDelivered'] * 50 <= b['timer.ticksDelivered'],
      `interrupts: ${a['timer.ticksDelivered']} tickless, ${b['timer.ticksDelivered']} periodic`);
    assert.ok(a['timer.ticksSkipped'] + a['timer.ticksDelivered'] >= b['timer.ticksDelivered'] - 1, 'every tick is either delivered or absorbed');
    assert.equal(b['timer.ticksSkipped'], 0);
    // each absorbed tick is a timer interrupt the idle loop did not run (trap entry, handler, scheduler: ~1,000 instructions)
    assert.ok(b.instructions - a.instructions >= 500 * a['timer.ticksSkipped'], `guest instructions: ${a.instructions} tickless, ${b.instructions} periodic`);
  });
}

test('the balloon driver polls at the same ticks and the guest clock reads the same, tick or no tick', () => {
  const machines = [bootGuest('idle', { memoryMiB: 32 }), bootGuest('idle nohz=0', { memoryMiB: 32 })];
  const series = machines.map((m) => {
    const out: number[][] = [];
    runMachine(m, { untilNs: 50e6 });
    const balloon = m.balloon;
    assert.ok(balloon, 'labos registered its balloon driver');
    balloon.target = 1500;
    for (let t = 60e6; t <= 700e6; t += 10e6) {
      runMachine(m, { untilNs: t });
      out.push([t, balloon.size, Math.floor(m.guestClockNs(t) / TICK_NS)]);
    }
    return out;
  });
  assert.deepEqual(series[0], series[1]);
  const sizes = series[0].map((s) => s[1]);
  assert.ok(sizes[0] === 0 && sizes.includes(1280) && sizes.at(-1) === 1500, `two polls fill the balloon: ${[...new Set(sizes)].join(', ')}`);
  const [tickless, periodic] = machines.map((m) => m.counters());
  assert.ok(tickless['timer.ticksDelivered'] * 20 < periodic['timer.ticksDelivered'], `${tickless['timer.ticksDelivered']} vs ${periodic['timer.ticksDelivered']} interrupts`);
});

test('an SMP labos keeps its periodic tick (its secondary CPUs find new work at their tick)', () => {
  const r = runGuest('idle ms=50', { vcpus: 2 });
  assert.match(r.console, /idle: slept 50 ms/);
  assert.equal(r.machine.counters()['timer.ticksSkipped'], 0);
});
