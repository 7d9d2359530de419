// The timekeeping lesson with real labos guests and tickless idle: a busy VM held back by its CPU limit
// takes every tick, so its clock lags exactly as it did with nohz=0 (at a 10 % duty cycle the 4× catch-up
// cannot keep up: it falls seconds behind, as practical 4 shows); an idle tickless VM's clock is as close
// to its time as a ticking one's, and it costs a fraction of the guest instructions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { harness, total, vmByName } from '../../helpers/labHarness';

const { factory } = defaultGuestFactory();

test('labos: a limited busy VM lags and catches up; idle VMs, tickless or ticking, lag under a tick', () => {
  const h = harness({
    version: 1, name: 'tickless', title: 'tickless',
    datacenters: [{
      hosts: [{ name: 'h1', coresPerSocket: 2, cpuMhz: 100 }],
      vms: [
        { name: 'limited', host: 'h1', workload: 'cpu', monitor: 'hw', cpuLimitMhz: 10, powerOn: true },
        { name: 'limited-ticking', host: 'h1', workload: 'cpu', monitor: 'hw', cpuLimitMhz: 10, workloadParams: { nohz: 0 }, powerOn: true },
        { name: 'tickless', host: 'h1', workload: 'idle', monitor: 'hw', powerOn: true },
        { name: 'ticking', host: 'h1', workload: 'idle', monitor: 'hw', workloadParams: { nohz: 0 }, powerOn: true },
      ],
    }],
  }, 1, factory!);
  h.advance(60_000);
  const lags = (name: string) =>
    h.q('metrics.query', { entityId: vmByName(h, name).id, counters: ['engine.clockLag.latest'], interval: 'realtime' }).values['engine.clockLag.latest'] as number[];
  const limited = lags('limited');
  assert.ok(limited.length >= 2 && limited[0] >= 1000 && limited[1] > limited[0], `held back by its limit, the guest clock falls behind (${limited.join(', ')} ms)`);
  assert.deepEqual(limited, lags('limited-ticking'), 'a busy guest keeps time the same with or without tickless idle');
  assert.equal(total(h, vmByName(h, 'limited').id, 'engine.droppedTicks.summation'), 0, 'within the give-up limit');
  // each lags by the boot before labos started its timer (a constant: ~10 ms on this busy host), never more
  for (const name of ['tickless', 'ticking']) {
    const l = lags(name);
    assert.ok(l.length >= 2 && l.every((x) => x === l[0] && x <= 20), `${name}: ${l.join(', ')} ms`);
  }
  const instr = (name: string) => total(h, vmByName(h, name).id, 'engine.instructions.summation');
  assert.ok(instr('tickless') * 10 < instr('ticking'), `idle guest instructions: ${instr('tickless')} tickless, ${instr('ticking')} ticking`);
});
