// Plans on the running lab: `placement.plan` proposes a packing of the cluster and the moves that reach
// it; `placement.apply` runs them as a Task (cold relocations through vm.power sub-tasks) — every VM
// ends running on its target host; a failed move stops the plan and leaves its VM running at home.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';
import type { HostId, VmId } from '../../../src-shared/model/ids';
import { API_VERSION } from '../../../src-shared/api/channels';

function layout(h: Harness): Map<VmId, string> {
  const inv = h.q('inventory.get', {});
  return new Map(inv.vms.filter((v) => v.powerState === 'poweredOn').map((v) => [v.id, v.hostId ?? '']));
}

test('placement.plan on lab-small: FFD packs the four running VMs on one host; the plan moves two, checked', () => {
  const h = harness('lab-small', 1);
  const before = JSON.stringify(h.q('inventory.get', {}));
  const plan = h.q('placement.plan', { algo: 'ffd' });
  assert.equal(plan.feasible, true, plan.reason);
  assert.equal(plan.hostsBefore, 2);
  assert.equal(plan.hostsAfter, 1);
  assert.equal(plan.moved, 2);
  assert.equal(plan.migrations, 2);
  assert.deepEqual(plan.violations, []);
  assert.equal(plan.emptiedHostIds.length, 1);
  assert.equal(plan.standbySavingW, 80 - 8, 'the emptied host idles at 50 + 30 W and draws 8 W in standby');
  const target = plan.target.placement.find((x) => x.binId !== plan.emptiedHostIds[0])!.binId;
  for (const a of plan.actions) {
    assert.equal(a.kind, 'migrate');
    assert.equal(a.toHostId, target);
    assert.ok(a.endMs > a.startMs);
  }
  assert.equal(plan.actions[0].startMs, 0, 'with two moves per host allowed, both start at once');
  assert.equal(plan.actions[1].startMs, 0);
  assert.match(plan.estimate, /cold relocation/);
  assert.equal(JSON.stringify(h.q('inventory.get', {})), before, 'a plan changes nothing');
});

test('placement.apply runs the plan: every VM running on its target, the emptied host holds none', () => {
  const h = harness('lab-small', 1);
  const plan = h.q('placement.plan', { algo: 'ffd', maxConcurrentPerHost: 1 });
  const target = plan.target.placement.map((x) => ({ vmId: x.itemId as VmId, hostId: x.binId as HostId }));
  const { taskId } = h.cmd('placement.apply', { target, maxConcurrentPerHost: 1 });
  const again = h.tryCmd('placement.apply', { target, maxConcurrentPerHost: 1 });
  assert.equal(again.ok, false, 'one plan at a time on a cluster');
  if (!again.ok) assert.match(again.error.message, /Another placement plan/);
  const t = h.finish(taskId);
  assert.equal(t.state, 'success', JSON.stringify(t.error));
  const now = layout(h);
  assert.equal(now.size, 4, 'all four still running');
  for (const x of target) assert.equal(now.get(x.vmId), x.hostId);
  assert.ok(![...now.values()].includes(plan.emptiedHostIds[0]));
  // One at a time on the shared host: the moves ran one after another, through real power tasks.
  const subs = h.q('tasks.list', { limit: 100 }).filter((x) => x.operation === 'vm.suspend' || x.operation === 'vm.powerOn');
  assert.equal(subs.length, 4, 'a suspend and a resume per move');
  const elapsed = t.completedAtMs! - t.startedAtMs!;
  assert.ok(elapsed >= 0.8 * plan.durationMs && elapsed <= 1.3 * plan.durationMs, `took ${elapsed} ms, estimated ${plan.durationMs} ms`);
  const relocated = h.q('events.list', { limit: 200 }).filter((e) => e.type === 'VmRelocatedEvent');
  assert.equal(relocated.length, 2);
});

test('placement.apply refuses a bad target, naming the field, and changes nothing', () => {
  const h = harness('lab-small', 1);
  const inv = h.q('inventory.get', {});
  const on = inv.vms.filter((v) => v.powerState === 'poweredOn');
  const off = inv.vms.find((v) => v.powerState === 'poweredOff')!;
  const host = inv.hosts[0].id;
  const r1 = h.tryCmd('placement.apply', { target: [{ vmId: on[0].id, hostId: host }, { vmId: off.id, hostId: host }] });
  assert.equal(r1.ok, false);
  if (!r1.ok) assert.equal(r1.error.field, 'params.target[1].vmId');
  const r2 = h.tryCmd('placement.apply', { target: [{ vmId: on[0].id, hostId: 'host-999' }] });
  assert.equal(r2.ok, false);
  if (!r2.ok) assert.equal(r2.error.field, 'params.target[0].hostId');
  assert.equal(h.q('tasks.list', { limit: 10 }).length, 0);
});

test('a move whose destination refuses the resume stops the plan; the VM resumes back on its own host', () => {
  const h = harness('lab-small', 1);
  const before = layout(h);
  const plan = h.q('placement.plan', { algo: 'ffd', maxConcurrentPerHost: 1 });
  const target = plan.target.placement.map((x) => ({ vmId: x.itemId as VmId, hostId: x.binId as HostId }));
  const dest = target[0].hostId;
  const movers = target.filter((x) => before.get(x.vmId) !== x.hostId).map((x) => x.vmId);
  const stayer = target.find((x) => before.get(x.vmId) === x.hostId)!.vmId;
  for (const vmId of movers) h.run('vm.reconfigure', { vmId, changes: { cpuReservationMhz: 100 } });
  const { taskId } = h.cmd('placement.apply', { target });
  h.advance(500);
  // Meanwhile someone reserves all of the destination's CPU: the first resume there must fail.
  h.run('vm.reconfigure', { vmId: stayer, changes: { cpuReservationMhz: 400 } });
  const t = h.finish(taskId);
  assert.equal(t.state, 'error');
  assert.equal(t.error?.code, 'E_INSUFFICIENT_RESOURCES');
  assert.match(t.error?.message ?? '', /Resuming on/);
  const after = layout(h);
  assert.equal(after.size, 4, 'every VM is running');
  for (const vmId of movers) assert.equal(after.get(vmId), before.get(vmId), 'back on (or never left) its own host');
  assert.notEqual(after.get(movers[0]), dest);
  const vm = h.q('vm.get', { vmId: movers[0] });
  assert.equal(vm.powerState, 'poweredOn');
});

test('consolidate with standby: the emptied host enters standby and the cluster power falls', () => {
  const h = harness('lab-small', 1);
  const inv = h.q('inventory.get', {});
  const clusterId = inv.clusters[0].id;
  const power = () => {
    const s = h.q('metrics.query', { entityId: clusterId, counters: ['power.power.average', 'power.energy.summation'], interval: 'realtime', maxSamples: 1 });
    return { w: s.values['power.power.average'].at(-1)!, j: s.values['power.energy.summation'].at(-1)! };
  };
  h.advance(60_000);
  const before = power();
  const hostWatts = inv.hosts.map((x) => h.q('metrics.query', { entityId: x.id, counters: ['power.power.average'], interval: 'realtime', maxSamples: 1 }).values['power.power.average'].at(-1)!);
  assert.ok(Math.abs(before.w - hostWatts[0] - hostWatts[1]) < 1e-6, 'the cluster sums its hosts');
  assert.ok(Math.abs(before.j - before.w * 20) < 1e-6, 'energy over a 20 s sample = average W × 20 s');
  const plan = h.q('placement.plan', { algo: 'ffd' });
  const target = plan.target.placement.map((x) => ({ vmId: x.itemId as VmId, hostId: x.binId as HostId }));
  const t = h.finish(h.cmd('placement.apply', { target, standbyEmptied: true }).taskId);
  assert.equal(t.state, 'success', JSON.stringify(t.error));
  const emptied = h.q('host.get', { hostId: plan.emptiedHostIds[0] });
  assert.equal(emptied.powerState, 'standBy');
  h.advance(60_000);
  const after = power();
  assert.ok(after.w < before.w - 60, `cluster power ${before.w.toFixed(1)} W → ${after.w.toFixed(1)} W`);
  // A host in standby takes no VM; waking it brings it back.
  const r = h.tryCmd('host.enterStandby', { hostId: plan.emptiedHostIds[0] });
  assert.equal(r.ok, false);
  h.run('host.exitStandby', { hostId: plan.emptiedHostIds[0] });
  assert.equal(h.q('host.get', { hostId: plan.emptiedHostIds[0] }).powerState, 'poweredOn');
});

test('a host with powered-on VMs refuses standby, naming the host', () => {
  const h = harness('lab-small', 1);
  const host = h.q('inventory.get', {}).hosts[0];
  const r = h.tryCmd('host.enterStandby', { hostId: host.id });
  assert.equal(r.ok, false);
  if (!r.ok) { assert.equal(r.error.field, 'params.hostId'); assert.match(r.error.message, /powered-on virtual machine/); }
});

test('a lab saved in the middle of a plan resumes it after loading and ends as the lab never saved', async () => {
  const { createEngine } = await import('../../../src-main/engine/index');
  const { loadScenarioSources } = await import('../../../src-main/node/resources');
  const { fakeGuestFactory } = await import('../../helpers/fakeGuest');
  const { createHash } = await import('node:crypto');
  const hash = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');
  const direct = harness('lab-small', 2);
  const saved = harness('lab-small', 2);
  let taskId = '';
  for (const h of [direct, saved]) {
    const plan = h.q('placement.plan', { algo: 'ffd', maxConcurrentPerHost: 1 });
    taskId = h.cmd('placement.apply', { target: plan.target.placement.map((x) => ({ vmId: x.itemId as VmId, hostId: x.binId as HostId })), maxConcurrentPerHost: 1 }).taskId;
    h.advance(2_300); // the first VM is suspended, its memory image being copied
  }
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory }, { scenario: 'lab-small', seed: 2 });
  assert.equal(engine.loadState(structuredClone(saved.engine.saveState())), undefined);
  const q = (name: string, params: object) => { const r = engine.handle({ v: API_VERSION, id: 1, kind: 'query', name, params }); assert.ok(r.ok); return r.result as never; };
  assert.equal((q('tasks.list', {}) as { id: string; state: string }[]).find((t) => t.id === taskId)!.state, 'running');
  engine.advance(30_000);
  direct.advance(30_000);
  assert.equal((q('tasks.list', {}) as { id: string; state: string }[]).find((t) => t.id === taskId)!.state, 'success');
  assert.equal(hash(engine.digestInput()), hash(direct.engine.digestInput()), 'identical to the lab that was never saved');
});
