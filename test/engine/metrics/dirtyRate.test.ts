/**
 * The dirty rate of a lab VM is a live counter counted by its dirty log (vm/guestLifecycle.ts starts
 * it at power-on; metrics/collector.ts reads and clears it once per 20 s sample): memwrite's paced
 * writes show as engine.dirtyRate.average (distinct pages per virtual second) and
 * mem.activewrite.average (those pages × 4 KiB), an idle guest barely dirties anything, the host
 * sums its VMs, and a saved and loaded lab goes on reporting the same values as one that ran on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEngine } from '../../../src-main/engine/index';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { loadScenarioSources } from '../../../src-main/node/resources';
import { harness, latest, type Harness } from '../../helpers/labHarness';
import { API_VERSION } from '../../../src-shared/api/channels';

const { factory } = defaultGuestFactory();

// memwrite: 200 pages/s over 8,192 pages, so a 20 s period sees ~4,000 distinct pages (no saturation).
const SCENARIO = {
  version: 1, name: 'dirty-rate', title: 'Dirty rate', description: 'A memory writer beside an idle VM.',
  datacenters: [{
    name: 'DC', clusters: [{
      name: 'C', hosts: { count: 1, sockets: 1, coresPerSocket: 2, cpuMhz: 100, memoryGiB: 4 },
      vmsPerHost: [
        { count: 1, vcpus: 1, memoryMiB: 64, workload: 'memwrite', workloadParams: { wss_kib: 32768, rate_pps: 200, passes: 0 }, powerOn: true },
        { count: 1, vcpus: 1, memoryMiB: 64, workload: 'idle', powerOn: true },
      ],
    }],
  }],
};

function vmsOf(h: Harness) {
  const vms = h.q('inventory.get', {}).vms;
  return { writer: vms.find((v) => v.workload === 'memwrite')!, idle: vms.find((v) => v.workload === 'idle')! };
}

const series = (h: Harness, id: string, counter: string): number[] =>
  h.q('metrics.query', { entityId: id, counters: [counter], interval: 'realtime' }).values[counter].filter((v): v is number => v !== null);

test('engine.dirtyRate.average and mem.activewrite.average count what memwrite writes; idle stays near zero; the host sums', () => {
  const h = harness(SCENARIO, 1, factory);
  h.advance(80_000);
  const { writer, idle } = vmsOf(h);
  const host = h.q('inventory.get', {}).hosts[0];
  const rates = series(h, writer.id, 'engine.dirtyRate.average');
  assert.equal(rates.length, 4);
  // period 1 includes boot (the kernel builds the address space); then memwrite's pace + a few kernel pages
  for (const r of rates.slice(1)) assert.ok(r > 195 && r < 215, `memwrite dirty rate ${r} pages/s`);
  const kb = latest(h, writer.id, 'mem.activewrite.average')!;
  assert.equal(kb, latest(h, writer.id, 'engine.dirtyRate.average')! * 20 * 4, 'active write = distinct pages of the period × 4 KiB');
  const idleRate = latest(h, idle.id, 'engine.dirtyRate.average')!;
  assert.ok(idleRate >= 0 && idleRate < 2, `idle dirty rate ${idleRate} pages/s`);
  assert.ok(Math.abs(latest(h, host.id, 'engine.dirtyRate.average')! - (latest(h, writer.id, 'engine.dirtyRate.average')! + idleRate)) < 1e-9);
  assert.equal(latest(h, host.id, 'mem.activewrite.average'), kb + latest(h, idle.id, 'mem.activewrite.average')!);
});

test('a VM powered on mid-period gets a rate over the time it ran; a powered-off VM has no sample', () => {
  const h = harness(SCENARIO, 1, factory);
  const { writer } = vmsOf(h);
  h.advance(30_000);
  h.run('vm.powerOff', { vmId: writer.id });
  h.advance(10_000); // sample at 40 s: the VM is off
  h.run('vm.powerOn', { vmId: writer.id });
  h.advance(30_000);
  const values = h.q('metrics.query', { entityId: writer.id, counters: ['engine.dirtyRate.average'], interval: 'realtime' }).values['engine.dirtyRate.average'];
  assert.equal(values.length, 2, 'samples at 20 s and 60 s; none at 40 s, while the VM was off');
  assert.ok((values[1] as number) > 100, `after the power-on: ${values[1]} pages/s`);
});

test('a saved and loaded lab reports the same dirty rates as the lab that ran on', () => {
  const direct = harness(SCENARIO, 3, factory);
  direct.advance(50_000);
  const state = structuredClone(direct.engine.saveState());
  const loaded = createEngine({ scenarios: { ...loadScenarioSources() }, guestFactory: factory }, { scenario: 'lab-small', seed: 1 });
  assert.equal(loaded.loadState(state), undefined);
  direct.advance(50_000);
  loaded.advance(50_000);
  const vmId = vmsOf(direct).writer.id;
  const q = (e: typeof loaded) => e.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'metrics.query', params: { entityId: vmId, counters: ['engine.dirtyRate.average'], interval: 'realtime' } });
  const a = q(direct.engine);
  const b = q(loaded);
  assert.ok(a.ok && b.ok);
  assert.deepEqual(b.result, a.result);
});
