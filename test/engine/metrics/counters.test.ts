// vSphere counters counted from engine events: ready and co-stop under overcommit versus a host with
// spare CPUs, 100 % state accounting, memory and power models, timekeeping lag, powered-off VMs, rollups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, vmByName, hostByName, latest, total } from '../../helpers/labHarness';
import { API_VERSION } from '../../../src-shared/api/channels';

const PERIOD_MS = 20_000;

test('overcommitting a host raises cpu.ready and cpu.costop; a host with spare CPUs shows near-zero ready', () => {
  const over = harness('lab-overcommit');
  over.advance(100_000); // 5 samples, before the scenario's 2-minute power-offs
  const host = hostByName(over, 'esx-oc-01');
  const hostReady = latest(over, host.id, 'cpu.ready.summation')!;
  // 7 vCPUs (6 busy) on 2 pCPUs: each busy vCPU waits about 2/3 of the time.
  const readyPct = (ms: number, vcpus: number) => (ms / (PERIOD_MS * vcpus)) * 100;
  const smp = vmByName(over, 'smp-a');
  const smpReady = latest(over, smp.id, 'cpu.ready.summation')!;
  const smpCostop = latest(over, smp.id, 'cpu.costop.summation')!;
  assert.ok(readyPct(smpReady + smpCostop, 2) > 40, `smp-a ready+costop ${readyPct(smpReady + smpCostop, 2)} %`);
  assert.ok(readyPct(hostReady, 7) > 25, `host ready ${readyPct(hostReady, 7)} % per vCPU`);
  assert.ok(smpCostop > 200, `smp-a co-stop ${smpCostop} ms in 20 s`);
  assert.ok(latest(over, host.id, 'cpu.costop.summation')! >= smpCostop);
  assert.ok(latest(over, host.id, 'cpu.usage.average')! > 99, 'the overcommitted host is saturated');

  const spare = harness('lab-small');
  const busy = vmByName(spare, 'DC0_C0_H0_VM0');
  spare.run('vm.powerOn', { vmId: busy.id });
  spare.advance(100_000);
  const h0 = hostByName(spare, 'DC0_C0_H0');
  const spareReady = latest(spare, h0.id, 'cpu.ready.summation')!;
  assert.ok(readyPct(spareReady, 3) < 0.5, `spare host ready ${readyPct(spareReady, 3)} % per vCPU (${spareReady} ms)`);
  assert.equal(latest(spare, h0.id, 'cpu.costop.summation'), 0);
  assert.ok(latest(spare, busy.id, 'cpu.usage.average')! > 99, 'the busy VM gets its whole vCPU');
  // Contrast, asserted directly: the overcommitted host's ready time is orders of magnitude higher.
  assert.ok(hostReady > 100 * Math.max(1, spareReady));
});

test('per vCPU, run + ready + co-stop + wait = 100 % of the interval', () => {
  const h = harness('lab-overcommit');
  h.advance(60_000);
  for (const name of ['smp-a', 'smp-b', 'up-a', 'quiet']) {
    const vm = vmByName(h, name);
    const sum = ['cpu.run.summation', 'cpu.ready.summation', 'cpu.costop.summation', 'cpu.wait.summation']
      .reduce((a, c) => a + latest(h, vm.id, c)!, 0);
    assert.ok(Math.abs(sum - PERIOD_MS * vm.vcpus) < 1, `${name}: ${sum} ms for ${vm.vcpus} vCPU(s)`);
  }
});

test('after the scenario powers two VMs off, contention and ready time drop', () => {
  const h = harness('lab-overcommit');
  h.advance(120_000);
  const host = hostByName(h, 'esx-oc-01').id;
  const before = latest(h, host, 'cpu.ready.summation')!;
  h.advance(60_000);
  const after = latest(h, host, 'cpu.ready.summation')!;
  assert.ok(after < before * 0.8, `ready ${before} → ${after} ms`);
  assert.equal(vmByName(h, 'up-b').powerState, 'poweredOff');
});

test('timekeeping: a descheduled guest\'s clock lags, catches up in a burst, and past the give-up limit stays behind', () => {
  const lab = (giveUpTicks: number) => harness({
    version: 1, name: 'clock', title: 'clock',
    datacenters: [{
      hosts: [{ name: 'h1', coresPerSocket: 2, cpuMhz: 100 }],
      vms: [
        // A 10 MHz limit: the VM runs ~10 ms per 100 ms accounting period and waits the rest.
        { name: 'limited', host: 'h1', workload: 'cpu', cpuLimitMhz: 10, workloadParams: { giveUpTicks }, powerOn: true },
        { name: 'free', host: 'h1', workload: 'idle', powerOn: true },
      ],
    }],
  });
  const lags = (h: ReturnType<typeof harness>, name: string) =>
    h.q('metrics.query', { entityId: vmByName(h, name).id, counters: ['engine.clockLag.latest'], interval: 'realtime' }).values['engine.clockLag.latest'] as number[];
  const h = lab(6000);
  h.advance(200_000);
  const limited = lags(h, 'limited');
  assert.ok(Math.min(...limited) >= 50, `held back by its limit, the guest clock lags (${limited.join(', ')} ms)`);
  assert.ok(Math.max(...limited) < 200, 'the backlog is delivered when it runs again: the lag does not grow');
  assert.ok(Math.max(...lags(h, 'free')) <= 10, 'a VM that is never descheduled lags at most one tick');
  assert.equal(total(h, vmByName(h, 'limited').id, 'engine.droppedTicks.summation'), 0);
  // Give-up: a backlog above 2 ticks is dropped, so the clock falls further behind every period.
  const g = lab(2);
  g.advance(200_000);
  const gl = lags(g, 'limited');
  assert.ok(total(g, vmByName(g, 'limited').id, 'engine.droppedTicks.summation') > 0, 'ticks were dropped');
  assert.ok(gl[gl.length - 1] > gl[0] + 1000, `lag keeps growing after giving up (${gl[0]} → ${gl[gl.length - 1]} ms)`);
});

test('memory, overhead, power and uptime counters follow their models', () => {
  const h = harness('lab-small');
  h.advance(40_000);
  const vm = vmByName(h, 'DC0_C0_H0_VM2');
  const host = hostByName(h, 'DC0_C0_H0');
  const consumed = latest(h, vm.id, 'mem.consumed.average')!;
  assert.ok(consumed > 0 && consumed <= vm.memoryBytes / 1024);
  assert.ok(latest(h, vm.id, 'mem.active.average')! <= consumed);
  assert.equal(latest(h, vm.id, 'mem.granted.average'), consumed);
  // overhead: 4096 + 1024 × vCPUs + 4 KB per MiB of 64 MiB; no shadow-table share: an interp VM runs
  // native paging whatever its paging setting (src-shared/model/mmuVirtualization.ts)
  assert.equal(vm.monitor, 'interp');
  assert.equal(latest(h, vm.id, 'mem.overhead.average'), 4096 + 1024 + 4 * 64);
  const watts = latest(h, host.id, 'power.power.average')!;
  assert.ok(watts >= 80 && watts <= 80 + 48, `${watts} W`);
  assert.equal(latest(h, host.id, 'power.energy.summation'), watts * 20);
  assert.equal(latest(h, vm.id, 'sys.uptime.latest'), 40);
  assert.equal(latest(h, host.id, 'sys.uptime.latest'), 40);
  assert.ok(latest(h, host.id, 'mem.consumed.average')! > consumed);
});

test('disk counters appear only where the guest has a disk device that counts; engine counters are separate', () => {
  const h = harness('lab-cluster');
  h.advance(40_000);
  const web = vmByName(h, 'web-01');
  assert.ok(latest(h, web.id, 'virtualDisk.write.average')! > 0);
  assert.ok(latest(h, web.id, 'engine.instructions.summation')! > 0);
  assert.ok(latest(h, web.id, 'engine.interrupts.summation')! > 0);
  const catalog = h.q('metrics.catalog', { entityType: 'vm' });
  assert.ok(catalog.filter((c) => c.group === 'engine').every((c) => c.name.startsWith('engine.')));
  const noDisk = harness('lab-small', 1, null);
  noDisk.advance(20_000);
  assert.equal(latest(noDisk, vmByName(noDisk, 'DC0_C0_H0_VM1').id, 'virtualDisk.write.average'), undefined, 'no guest device, no disk counter');
});

test('powered-off VMs produce no real-time samples', () => {
  const h = harness('lab-small');
  h.advance(60_000);
  const off = vmByName(h, 'DC0_C0_H1_VM0');
  assert.equal(off.powerState, 'poweredOff');
  assert.equal(h.q('metrics.query', { entityId: off.id, counters: ['cpu.usage.average'], interval: 'realtime' }).timestampsMs.length, 0);
  const on = vmByName(h, 'DC0_C0_H1_VM1');
  assert.equal(h.q('metrics.query', { entityId: on.id, counters: ['cpu.usage.average'], interval: 'realtime' }).timestampsMs.length, 3);
});

test('vmop counters count operations for the cluster and datacenter', () => {
  const h = harness('lab-small');
  const vm = vmByName(h, 'DC0_C0_H0_VM0');
  h.run('vm.powerOn', { vmId: vm.id });
  h.run('vm.reset', { vmId: vm.id });
  h.run('vm.powerOff', { vmId: vm.id });
  h.advance(20_000);
  for (const id of ['cluster-1', 'datacenter-1']) {
    assert.equal(latest(h, id, 'vmop.numPoweron.latest'), 1);
    assert.equal(latest(h, id, 'vmop.numReset.latest'), 1);
    assert.equal(latest(h, id, 'vmop.numPoweroff.latest'), 1);
  }
});

test('metrics.query refuses counters that do not apply to the entity type, naming the field', () => {
  const h = harness('lab-small');
  const r = h.engine.handle({ v: API_VERSION, id: 5, kind: 'query', name: 'metrics.query', params: { entityId: 'vm-2', counters: ['cpu.usage.average', 'power.power.average'], interval: 'day' } });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.field, 'params.counters[1]');
});

test('day and week rollups are derived by each counter\'s rollup type', () => {
  const h = harness('lab-overcommit');
  h.advance(1_800_000); // 30 virtual minutes: 90 real-time samples, 6 day samples, 1 week sample
  const host = hostByName(h, 'esx-oc-01').id;
  const counters = ['cpu.ready.summation', 'cpu.usage.average', 'cpu.usage.minimum', 'cpu.usage.maximum', 'sys.uptime.latest', 'power.energy.summation'];
  const rt = h.q('metrics.query', { entityId: host, counters, interval: 'realtime' });
  const day = h.q('metrics.query', { entityId: host, counters, interval: 'day' });
  const week = h.q('metrics.query', { entityId: host, counters, interval: 'week' });
  assert.equal(day.timestampsMs.length, 6);
  assert.equal(week.timestampsMs.length, 1);
  assert.deepEqual(day.timestampsMs, [300_000, 600_000, 900_000, 1_200_000, 1_500_000, 1_800_000]);
  const within = (t: number) => rt.timestampsMs.map((x, i) => [x, i] as const).filter(([x]) => x > t - 300_000 && x <= t).map(([, i]) => i);
  const last = day.timestampsMs.length - 1;
  const idx = within(day.timestampsMs[last]);
  assert.equal(idx.length, 15);
  const col = (c: string) => idx.map((i) => rt.values[c][i]!);
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(b));
  assert.ok(near(day.values['cpu.ready.summation'][last]!, col('cpu.ready.summation').reduce((a, b) => a + b)), 'summation sums');
  assert.ok(near(day.values['cpu.usage.average'][last]!, col('cpu.usage.average').reduce((a, b) => a + b) / 15), 'average averages');
  assert.ok(near(day.values['cpu.usage.minimum'][last]!, Math.min(...col('cpu.usage.minimum'))), 'minimum takes the min');
  assert.ok(near(day.values['cpu.usage.maximum'][last]!, Math.max(...col('cpu.usage.maximum'))), 'maximum takes the max');
  assert.equal(day.values['sys.uptime.latest'][last], 1800, 'latest takes the last');
  const weekReady = week.values['cpu.ready.summation'][0]!;
  assert.ok(near(weekReady, day.values['cpu.ready.summation'].reduce<number>((a, b) => a + (b ?? 0), 0)), 'week sums the day samples');
  assert.equal(h.q('metrics.query', { entityId: host, counters, interval: 'month' }).timestampsMs.length, 0, 'no month sample before 2 h');
});
