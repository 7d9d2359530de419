// Plans on the running lab: `placement.plan` proposes a packing of the cluster and the moves that reach
// it; `placement.apply` runs them as a Task (live migrations: one "Relocate virtual machine" sub-task per
// move; powered-off VMs relocated cold) — every VM ends running on its target host; a failed move stops
// the plan and leaves its VM running where it was.
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
  assert.match(plan.estimate, /live migration/);
  assert.equal(JSON.stringify(h.q('inventory.get', {})), before, 'a plan changes nothing');
});

test('placement.apply runs the plan: every VM running on its target, the emptied host holds none', () => {
  const h = harness('lab-small', 1);
  h.advance(40_000); // two real-time samples: the estimate reads each VM's consumed memory and dirty rate
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
  // One at a time on the shared host: the moves ran one after another, each a live migration task.
  const subs = h.q('tasks.list', { limit: 100 }).filter((x) => x.operation === 'vm.migrate');
  assert.equal(subs.length, 2, 'one Relocate virtual machine per move');
  for (const s of subs) { assert.equal(s.name, 'Relocate virtual machine'); assert.equal(s.state, 'success'); }
  assert.equal(h.q('tasks.list', { limit: 100 }).filter((x) => x.operation === 'vm.suspend').length, 0, 'no VM stopped');
  const [second, first] = subs;
  assert.ok(second.startedAtMs! >= first.completedAtMs!, 'the second move starts once the first has ended');
  const elapsed = t.completedAtMs! - t.startedAtMs!;
  // The engine steps tasks at 10 ms barriers here: each move may end up to one barrier after its estimate.
  assert.ok(elapsed >= 0.8 * plan.durationMs && elapsed <= 1.3 * plan.durationMs + 10 * plan.actions.length, `took ${elapsed} ms, estimated ${plan.durationMs} ms`);
  const migrated = h.q('events.list', { limit: 200 }).filter((e) => e.type === 'VmMigratedEvent');
  assert.equal(migrated.length, 2);
});

test('a powered-off VM in the target is relocated cold: registered on its host at once, no task of its own', () => {
  const h = harness('lab-small', 1);
  const inv = h.q('inventory.get', {});
  const off = inv.vms.find((v) => v.powerState === 'poweredOff')!;
  const other = inv.hosts.find((x) => x.id !== off.hostId)!.id;
  const t = h.finish(h.cmd('placement.apply', { target: [{ vmId: off.id as VmId, hostId: other }] }).taskId);
  assert.equal(t.state, 'success', JSON.stringify(t.error));
  const vm = h.q('vm.get', { vmId: off.id });
  assert.equal(vm.hostId, other);
  assert.equal(vm.powerState, 'poweredOff');
  assert.ok(h.q('events.list', { limit: 50 }).some((e) => e.type === 'VmRelocatedEvent'));
  const bad = h.tryCmd('placement.apply', { target: [{ vmId: off.id as VmId, hostId: 'host-999' as HostId }] });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.error.field, 'params.target[0].hostId');
});

test('placement.apply refuses a bad target, naming the field, and changes nothing', () => {
  const h = harness('lab-small', 1);
  const inv = h.q('inventory.get', {});
  const on = inv.vms.filter((v) => v.powerState === 'poweredOn');
  const host = inv.hosts[0].id;
  const r1 = h.tryCmd('placement.apply', { target: [{ vmId: on[0].id, hostId: host }, { vmId: 'vm-999' as VmId, hostId: host }] });
  assert.equal(r1.ok, false);
  if (!r1.ok) assert.equal(r1.error.field, 'params.target[1].vmId');
  const r2 = h.tryCmd('placement.apply', { target: [{ vmId: on[0].id, hostId: 'host-999' }] });
  assert.equal(r2.ok, false);
  if (!r2.ok) assert.equal(r2.error.field, 'params.target[0].hostId');
  assert.equal(h.q('tasks.list', { limit: 10 }).length, 0);
});

test('a migration that fails mid-plan stops the plan: its VM runs where it was, no further move starts', () => {
  const h = harness('lab-small', 1);
  h.advance(40_000);
  const before = layout(h);
  const plan = h.q('placement.plan', { algo: 'ffd', maxConcurrentPerHost: 1 });
  const target = plan.target.placement.map((x) => ({ vmId: x.itemId as VmId, hostId: x.binId as HostId }));
  const { taskId } = h.cmd('placement.apply', { target, maxConcurrentPerHost: 1 });
  // The first move's migration is under way; someone cancels it (the task list's Cancel).
  const running = () => h.q('tasks.list', { limit: 10 }).find((x) => x.operation === 'vm.migrate' && x.state === 'running');
  for (let i = 0; i < 10 && !running(); i++) h.advance(1);
  const first = running()!;
  assert.ok(first, 'the first migration runs');
  h.cmd('task.cancel', { taskId: first.id });
  const t = h.finish(taskId);
  assert.equal(t.state, 'error');
  assert.match(t.error?.message ?? '', /^Migrating \S+ to \S+: /);
  assert.match(t.error?.message ?? '', /cancelled/);
  const after = layout(h);
  assert.equal(after.size, 4, 'every VM is running');
  assert.deepEqual([...after], [...before], 'nothing moved: the cancelled VM runs on its source, the second move never started');
  assert.equal(h.q('tasks.list', { limit: 20 }).filter((x) => x.operation === 'vm.migrate').length, 1);
  assert.ok(h.q('events.list', { limit: 200 }).some((e) => e.type === 'TaskFailedEvent' && /Apply placement plan/.test(e.message)));
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

test('a lab saved in the middle of a plan: the migration in flight rolls back at load, the plan starts it again and ends as planned', async () => {
  const { createEngine } = await import('../../../src-main/engine/index');
  const { loadScenarioSources } = await import('../../../src-main/node/resources');
  const { fakeGuestFactory } = await import('../../helpers/fakeGuest');
  const saved = harness('lab-small', 2);
  const plan = saved.q('placement.plan', { algo: 'ffd', maxConcurrentPerHost: 1 });
  const target = plan.target.placement.map((x) => ({ vmId: x.itemId as VmId, hostId: x.binId as HostId }));
  const taskId = saved.cmd('placement.apply', { target, maxConcurrentPerHost: 1 }).taskId;
  saved.advance(5); // the first VM's migration is under way
  assert.ok(saved.q('tasks.list', { limit: 10 }).some((x) => x.operation === 'vm.migrate' && x.state === 'running'));
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory }, { scenario: 'lab-small', seed: 2 });
  assert.equal(engine.loadState(structuredClone(saved.engine.saveState())), undefined);
  const q = (name: string, params: object) => { const r = engine.handle({ v: API_VERSION, id: 1, kind: 'query', name, params }); assert.ok(r.ok); return r.result as never; };
  const tasks = () => q('tasks.list', { limit: 100 }) as { id: string; state: string; operation: string; error?: { message: string } }[];
  assert.equal(tasks().find((t) => t.id === taskId)!.state, 'running');
  assert.match(tasks().find((t) => t.operation === 'vm.migrate')!.error?.message ?? '', /rolled back/);
  engine.advance(5_000);
  assert.equal(tasks().find((t) => t.id === taskId)!.state, 'success');
  const vms = (q('inventory.get', {}) as { vms: { id: string; hostId: string }[] }).vms;
  for (const x of target) assert.equal(vms.find((v) => v.id === x.vmId)!.hostId, x.hostId);
});
