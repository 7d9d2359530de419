// The task table on its own, with test kinds: a multi-step kind that is stepped at every barrier reports
// progress, can be cancelled (its kind rolls back) and survives save/restore mid-flight, ending exactly
// as an uninterrupted run; a kind can sleep until a time instead; an exception fails only its task; a
// saved task whose kind is unknown, or whose kind refuses to resume, ends in error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TaskManager } from '../../../src-main/engine/tasks/index';
import type { TaskKind, TaskKindTable, TaskManagerState } from '../../../src-main/engine/tasks/index';
import type { TaskDto } from '../../../src-shared/model/task';

/** What the test kinds act on: copied units per key, and a log of what happened. */
interface Store { copied: Map<string, number>; log: string[] }

/** Copies `total` units, `perStep` at every barrier (a stand-in for a migration's rounds). */
interface CopyState { key: string; total: number; done: number; perStep: number }

const COPY: TaskKind<CopyState, Store> = {
  start(ctx, t) {
    ctx.copied.set(t.state.key, 0);
    ctx.log.push(`start ${t.state.key}`);
    return { status: 'running', progress: 0 };
  },
  step(ctx, t) {
    const s = t.state;
    s.done = Math.min(s.total, s.done + s.perStep);
    ctx.copied.set(s.key, s.done);
    if (s.done >= s.total) return { status: 'success', result: { copied: s.done } };
    return { status: 'running', progress: (s.done / s.total) * 100 };
  },
  cancel(ctx, t) {
    ctx.copied.delete(t.state.key);
    ctx.log.push(`rolled back ${t.state.key}`);
  },
  finished(ctx, t, dto) {
    ctx.log.push(`finished ${t.state.key} ${dto.state}`);
  },
  resume(ctx, t) {
    // The kind's state is the truth: whatever the store lost, it is rebuilt from it.
    ctx.copied.set(t.state.key, t.state.done);
    return t.state.key === 'refuse' ? { code: 'E_INVALID_STATE', message: 'cannot resume after a load' } : undefined;
  },
};

/** Sleeps until `atMs`, then succeeds (a stand-in for a plan waiting for its next step). */
const WAKE: TaskKind<{ atMs: number }, Store> = {
  start: (_ctx, t) => ({ status: 'running', wakeAtMs: t.state.atMs }),
  step: (ctx, t, nowMs) => { ctx.log.push(`woke ${nowMs}`); return nowMs >= t.state.atMs ? { status: 'success' } : { status: 'running', wakeAtMs: t.state.atMs }; },
};

const BOOM: TaskKind<Record<string, never>, Store> = {
  start: () => ({ status: 'running' }),
  step: () => { throw new Error('kaboom'); },
  finished: (ctx) => { ctx.log.push('boom cleaned up'); },
};

const KINDS: TaskKindTable<Store> = { copy: COPY, wake: WAKE, boom: BOOM };

function manager(store: Store = { copied: new Map(), log: [] }) {
  const published: TaskDto[] = [];
  const cancelled: string[] = [];
  const m = new TaskManager<Store>(KINDS, () => store, {
    publish: (d) => published.push(d),
    cancelled: (d, by) => cancelled.push(`${d.id} by ${by}`),
  });
  return { m, store, published, cancelled };
}

const copy = (key: string, total = 10, perStep = 2) => ({
  kind: 'copy', operation: 'test.copy', name: 'Copy test data', targetId: 'vm-1' as const, targetName: 'vm1', initiator: 'tester',
  state: { key, total, done: 0, perStep },
});

test('a multi-step kind is stepped at every barrier, reports progress and succeeds with its result', () => {
  const { m, store, published } = manager();
  const id = m.start(0, copy('a'));
  assert.equal(m.get(id)!.state, 'queued');
  assert.equal(m.get(id)!.initiator, 'tester');
  m.settle(0); // leaves the queue
  assert.equal(m.get(id)!.state, 'running');
  assert.equal(m.nextDueMs(), undefined, 'a kind stepped at every barrier asks for no extra barrier');
  for (let t = 10; t <= 40; t += 10) m.atBarrier(t);
  assert.equal(store.copied.get('a'), 8);
  assert.equal(m.get(id)!.progress, 80);
  m.atBarrier(50);
  const done = m.get(id)!;
  assert.equal(done.state, 'success');
  assert.equal(done.progress, 100);
  assert.deepEqual(done.result, { copied: 10 });
  assert.equal(done.startedAtMs, 0);
  assert.equal(done.completedAtMs, 50);
  assert.deepEqual(published.filter((d) => d.id === id).map((d) => d.progress), [0, 0, 20, 40, 60, 80, 100]);
  assert.deepEqual(store.log, ['start a', 'finished a success']);
  m.atBarrier(60);
  assert.equal(store.copied.get('a'), 10, 'a finished task is never stepped again');
});

test('cancel: the kind rolls back, the task ends cancelled exactly once, and only cancellable kinds cancel', () => {
  const { m, store, cancelled } = manager();
  const id = m.start(0, copy('b'));
  assert.equal(m.get(id)!.cancellable, true);
  m.settle(0);
  m.atBarrier(10);
  assert.equal(store.copied.get('b'), 2);
  assert.equal(m.cancel(15, id, 'lab-user'), undefined);
  const t = m.get(id)!;
  assert.equal(t.state, 'cancelled');
  assert.equal(t.error?.code, 'E_CANCELLED');
  assert.equal(t.progress, 20, 'progress stays where it was');
  assert.equal(store.copied.has('b'), false, 'rolled back');
  assert.deepEqual(cancelled, [`${id} by lab-user`]);
  assert.deepEqual(store.log, ['start b', 'rolled back b', 'finished b cancelled']);
  m.atBarrier(20);
  assert.equal(store.copied.has('b'), false, 'a cancelled task is not stepped');
  assert.equal(m.cancel(25, id, 'lab-user')?.code, 'E_INVALID_STATE');
  assert.equal(m.cancel(25, 'task-99', 'lab-user')?.code, 'E_NOT_FOUND');
  const w = m.start(30, { kind: 'wake', operation: 'test.wake', name: 'Wait', targetId: 'vm-1', targetName: 'vm1', initiator: 'tester', state: { atMs: 100 } });
  assert.equal(m.get(w)!.cancellable, false);
  assert.equal(m.cancel(30, w, 'lab-user')?.code, 'E_INVALID_STATE');
  // A queued task can be cancelled before it ever ran: the kind rolls back what it did not do.
  const q = m.start(40, copy('c'));
  assert.equal(m.cancel(40, q, 'scenario'), undefined);
  assert.equal(m.get(q)!.state, 'cancelled');
  assert.equal(store.copied.has('c'), false);
});

test('a kind can sleep until a time: the loop is asked for a barrier there and the task is stepped only then', () => {
  const { m, store } = manager();
  const id = m.start(0, { kind: 'wake', operation: 'test.wake', name: 'Wait', targetId: 'vm-1', targetName: 'vm1', initiator: 'tester', state: { atMs: 1234 } });
  m.settle(0);
  assert.equal(m.nextDueMs(), 1234);
  for (let t = 10; t < 1234; t += 10) m.atBarrier(t);
  assert.deepEqual(store.log, [], 'not stepped before its time');
  m.atBarrier(1234);
  assert.deepEqual(store.log, ['woke 1234']);
  assert.equal(m.get(id)!.state, 'success');
  assert.equal(m.nextDueMs(), undefined);
});

test('save mid-flight, restore into a fresh table, resume: it ends exactly as the uninterrupted run', () => {
  const straight = manager();
  const first = straight.m.start(0, copy('d', 15, 2));
  straight.m.start(5, { kind: 'wake', operation: 'test.wake', name: 'Wait', targetId: 'vm-2', targetName: 'vm2', initiator: 'scenario', state: { atMs: 95 } });
  const run = (m: TaskManager<Store>, from: number, to: number) => { for (let t = from; t <= to; t += 10) m.atBarrier(t); };
  straight.m.settle(0);
  run(straight.m, 10, 100);

  const saved = manager();
  saved.m.start(0, copy('d', 15, 2));
  saved.m.start(5, { kind: 'wake', operation: 'test.wake', name: 'Wait', targetId: 'vm-2', targetName: 'vm2', initiator: 'scenario', state: { atMs: 95 } });
  saved.m.settle(0);
  run(saved.m, 10, 40);
  const state: TaskManagerState = structuredClone(saved.m.save()); // what goes to disk
  run(saved.m, 50, 60); // the saved object does not change with the live table
  assert.equal((state.tasks[0].state as CopyState).done, 8);

  const loaded = manager(); // a fresh store: the kind rebuilds what it needs in `resume`
  loaded.m.restore(state);
  loaded.m.resumeAfterLoad(40);
  assert.equal(loaded.store.copied.get('d'), 8);
  assert.equal(loaded.m.get(first)!.progress, 53);
  assert.equal(loaded.m.nextDueMs(), 95, 'the sleeping task still wakes at its time');
  run(loaded.m, 50, 100);
  assert.deepEqual(loaded.m.list(), straight.m.list(), 'same rows, same times, same results');
  assert.equal(loaded.store.copied.get('d'), straight.store.copied.get('d'));
  const next = loaded.m.start(110, copy('e'));
  assert.equal(next, 'task-3', 'ids continue after a load');
});

test('an exception fails only its task (E_INTERNAL); unknown or refusing kinds end in error after a load', () => {
  const { m, store } = manager();
  const b = m.start(0, { kind: 'boom', operation: 'test.boom', name: 'Boom', targetId: 'vm-1', targetName: 'vm1', initiator: 'tester', state: {} });
  const c = m.start(0, copy('f', 4, 2));
  m.settle(0);
  m.atBarrier(10);
  m.atBarrier(20);
  assert.equal(m.get(b)!.state, 'error');
  assert.equal(m.get(b)!.error?.code, 'E_INTERNAL');
  assert.match(m.get(b)!.error!.message, /kaboom/);
  assert.ok(store.log.includes('boom cleaned up'));
  assert.equal(m.get(c)!.state, 'success', 'the other task went on');
  assert.throws(() => m.start(0, { ...copy('g'), kind: 'nope' }), /no task kind "nope"/);

  const src = manager();
  src.m.start(0, copy('refuse'));
  src.m.start(0, copy('fine'));
  src.m.settle(0);
  const state = src.m.save();
  state.tasks.push({ dto: { ...state.tasks[1].dto, id: 'task-9' }, kind: 'retired-kind', state: {} });
  const dst = manager();
  dst.m.restore(state);
  dst.m.resumeAfterLoad(0);
  const rows = dst.m.list();
  assert.equal(rows.find((r) => r.id === 'task-9')!.state, 'error');
  assert.match(rows.find((r) => r.id === 'task-9')!.error!.message, /does not know its kind "retired-kind"/);
  assert.equal(rows.find((r) => r.id === 'task-1')!.state, 'error');
  assert.match(rows.find((r) => r.id === 'task-1')!.error!.message, /cannot resume/);
  assert.equal(rows.find((r) => r.id === 'task-2')!.state, 'running');
});
