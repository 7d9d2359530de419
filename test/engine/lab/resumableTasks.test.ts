// Tasks of a whole lab across save/load and cancel: a lab saved with a power-on in flight resumes it
// after loading and ends exactly as the lab that was never saved; a cancelled clone, create or
// maintenance-mode task leaves nothing behind but its cancellation event (the start event it had already
// logged stays: that happened); the initiator of a request is recorded on its task without any state on
// the lab; the barrier services run in their documented order (and a benchmark's core-only lab runs the
// core ones alone).
import { API_VERSION } from '../../../src-shared/api/channels';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { harness, vmByName, hostByName } from '../../helpers/labHarness';
import { createEngine } from '../../../src-main/engine/index';
import { loadScenarioSources } from '../../../src-main/node/resources';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { Lab } from '../../../src-main/engine/lab/lab';
import { dispatch } from '../../../src-main/engine/api/dispatcher';

const hash = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');

function loaded(state: unknown) {
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory }, { scenario: 'lab-small', seed: 1 });
  const err = engine.loadState(structuredClone(state)); // what a save to disk and a load give back
  assert.equal(err, undefined, err?.message);
  return engine;
}

test('a lab saved with a power-on task in flight resumes it after loading, as if never saved', () => {
  const direct = harness('lab-small', 4);
  const saved = harness('lab-small', 4);
  for (const h of [direct, saved]) {
    h.advance(3_000);
    h.cmd('vm.powerOn', { vmId: vmByName(h, 'DC0_C0_H0_VM0').id });
    h.advance(700);
  }
  const task = saved.q('tasks.list', {}).find((t) => t.operation === 'vm.powerOn')!;
  assert.equal(task.state, 'running');
  assert.ok(task.progress > 30 && task.progress < 60, `${task.progress} %`);
  const engine = loaded(saved.engine.saveState());
  const q = (name: string, params: object) => {
    const r = engine.handle({ v: API_VERSION, id: 1, kind: 'query', name, params });
    assert.ok(r.ok);
    return r.result as never;
  };
  const after = (q('tasks.list', {}) as { id: string; state: string; progress: number }[]).find((t) => t.id === task.id)!;
  assert.deepEqual([after.state, after.progress], ['running', task.progress], 'the task is still in flight after loading');
  const busy = engine.handle({ v: API_VERSION, id: 2, kind: 'command', name: 'vm.powerOn', params: { vmId: task.targetId } });
  assert.equal(busy.ok, false, 'the VM is still busy with its task');
  assert.equal(hash(engine.digestInput()), hash(saved.engine.digestInput()), 'identical right after loading');
  engine.advance(60_000);
  direct.advance(60_000);
  const done = (q('tasks.list', {}) as { id: string; state: string }[]).find((t) => t.id === task.id)!;
  assert.equal(done.state, 'success');
  const vm = (q('inventory.get', {}) as { vms: { id: string; powerState: string }[] }).vms.find((v) => v.id === task.targetId)!;
  assert.equal(vm.powerState, 'poweredOn');
  const events = q('events.list', { entityId: task.targetId }) as { type: string; taskId?: string }[];
  assert.ok(events.some((e) => e.type === 'VmPoweredOnEvent' && e.taskId === task.id));
  assert.equal(hash(engine.digestInput()), hash(direct.engine.digestInput()), 'identical to the lab that was never saved');
});

type H = ReturnType<typeof harness>;
/** Everything but the task and event history: inventory (without its change counter), guests, disks, counters. */
function world(h: H): string {
  const d = h.engine.digestInput() as { inventory: { version: number }; tasks: unknown; events: unknown };
  const { tasks: _t, events: _e, ...rest } = d;
  return hash({ ...rest, inventory: { ...d.inventory, version: 0 } });
}
const eventsSince = (h: H, n: number) => h.q('events.list', { limit: 5000 }).slice(0, -n || undefined).reverse();

const CANCEL_LAB = {
  version: 1, name: 'cancel-lab', title: 'Cancelling tasks',
  datacenters: [{
    clusters: [{ hosts: { count: 2, cpuMhz: 100 }, vmsPerHost: { count: 1, vcpus: 1, memoryMiB: 32, workload: 'idle' } }],
    vms: [{ name: 'busy', host: 'DC0_C0_H1', vcpus: 1, memoryMiB: 32, workload: 'memwrite', powerOn: true }],
  }],
};

test('a cancelled task leaves no trace but its cancellation event (queued or running; clone, create, maintenance)', () => {
  const control = harness(CANCEL_LAB, 2);
  const h = harness(CANCEL_LAB, 2);
  const src = vmByName(h, 'DC0_C0_H0_VM0');
  const host = hostByName(h, 'DC0_C0_H1');
  for (const x of [control, h]) x.advance(2_000);
  const base = h.q('events.list', { limit: 5000 }).length;

  // Cancelled while queued: it never ran, so its cancellation is its only event.
  const queued = h.cmd('vm.clone', { vmId: src.id, name: 'copy-1' }).taskId;
  h.cmd('task.cancel', { taskId: queued });
  const q = h.q('tasks.list', {}).find((t) => t.id === queued)!;
  assert.deepEqual([q.state, q.cancellable, q.error?.code], ['cancelled', true, 'E_CANCELLED']);
  assert.deepEqual(eventsSince(h, base).map((e) => [e.type, e.taskId]), [['TaskEvent', queued]]);
  assert.match(eventsSince(h, base)[0].message, /Clone virtual machine .*cancelled by lab-user/);

  // Cancelled while running: the start event it logged stays, then only the cancellation.
  const n1 = h.q('events.list', { limit: 5000 }).length;
  const running = h.cmd('vm.clone', { vmId: src.id, name: 'copy-1' }).taskId; // the name is free again
  const created = h.cmd('vm.create', { spec: { name: 'fresh-1', vcpus: 1, memoryMiB: 32, hostId: host.id } }).taskId;
  const maint = h.cmd('host.enterMaintenance', { hostId: hostByName(h, 'DC0_C0_H0').id }).taskId;
  for (const x of [control, h]) x.advance(20); // all three are running now
  h.cmd('task.cancel', { taskId: running });
  h.cmd('task.cancel', { taskId: created });
  h.cmd('task.cancel', { taskId: maint });
  const types = eventsSince(h, n1).map((e) => e.type);
  assert.deepEqual(types, ['VmBeingClonedEvent', 'VmBeingCreatedEvent', 'EnteringMaintenanceModeEvent', 'TaskEvent', 'TaskEvent', 'TaskEvent']);
  for (const x of [control, h]) x.advance(30_000); // well past when they would have completed
  assert.equal(eventsSince(h, n1).length, types.length, 'nothing more was logged for them');
  assert.equal(world(h), world(control), 'no VM, name, busy flag, mode or counter changed: the world is the one without the tasks');
  // Nothing is held: the names, the source VM and the host take new work.
  assert.equal(h.tryCmd('vm.clone', { vmId: src.id, name: 'fresh-1' }).ok, true);
  assert.equal(h.tryCmd('vm.powerOn', { vmId: vmByName(h, 'DC0_C0_H0_VM0').id }).ok, false, 'busy with the new clone: refused by the clone, not by a stale flag');
  assert.equal(h.tryCmd('vm.powerOn', { vmId: vmByName(h, 'DC0_C0_H1_VM0').id }).ok, true);
  // Power operations are not cancellable.
  const p = h.q('tasks.list', {}).find((t) => t.operation === 'vm.powerOn')!;
  assert.equal(p.cancellable, false);
  const refused = h.tryCmd('task.cancel', { taskId: p.id });
  assert.equal(refused.ok, false);
});

test('the initiator is passed with the request, recorded on its task, and leaves nothing on the lab', () => {
  const scenarios = loadScenarioSources();
  const source = scenarios['lab-small'];
  const lab = new Lab(source.content as never, 1, () => {}, { guestFactory: fakeGuestFactory, commands: dispatch });
  const vm = lab.reg.vmByName('DC0_C0_H0_VM0')!;
  const r = dispatch(lab, { v: API_VERSION, id: 1, kind: 'command', name: 'vm.powerOn', params: { vmId: vm.id } }, 'alice');
  assert.ok(r.ok);
  const r2 = dispatch(lab, { v: API_VERSION, id: 2, kind: 'command', name: 'vm.powerOn', params: { vmId: lab.reg.vmByName('DC0_C0_H1_VM0')!.id } });
  assert.ok(r2.ok);
  assert.deepEqual(lab.tasks.list().map((t) => t.initiator), ['lab-user', 'alice']);
  // A create that powers its VM on starts the power-on as the create's initiator.
  dispatch(lab, { v: API_VERSION, id: 3, kind: 'command', name: 'vm.create', params: { spec: { name: 'bob-1', vcpus: 1, memoryMiB: 32, powerOn: true } } }, 'bob');
  lab.advance(5_000);
  const bob = lab.tasks.list().filter((t) => t.initiator === 'bob').map((t) => t.operation);
  assert.deepEqual(bob.sort(), ['vm.create', 'vm.powerOn']);
});

test('barrier services run in their documented order and each saves its own state', () => {
  const h = harness('lab-small');
  h.advance(25_000);
  const state = h.engine.saveState();
  assert.deepEqual(Object.keys(state.services), ['guests.stopped', 'collector.quantum', 'timeline', 'tasks', 'migrations', 'memory.reclaim', 'cluster.services', 'collector.sample', 'alarms']);
  assert.equal(state.version, 2);
  const sample = state.services['collector.sample'] as { nextSampleMs: number };
  assert.equal(sample.nextSampleMs, 40_000);
});

test('a core-services-only lab (benchmarks) registers and saves the core services alone', () => {
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory }, { scenario: 'lab-small', seed: 1, coreServicesOnly: true });
  engine.advance(25_000);
  assert.deepEqual(Object.keys(engine.saveState().services), ['guests.stopped', 'collector.quantum', 'timeline', 'tasks', 'collector.sample']);
});
