import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { TaskDto } from '@shared/model/task';
import { LAB_USER } from '@shared/model/task';
import { setApiForTests } from '@renderer/api/client';
import { useTasksStore, mergeTask, rowOfTask } from '@renderer/stores/tasks';
import { useConnectionStore } from '@renderer/stores/connection';
import { fakeApi, flush } from './fakeApi';
import type { FakeApi } from './fakeApi';

const task = (over: Partial<TaskDto>): TaskDto => ({
  id: 'task-1', operation: 'vm.powerOn', name: 'Power On virtual machine', targetId: 'vm-1', targetName: 'VM1',
  state: 'queued', progress: 0, initiator: 'lab-user', queuedAtMs: 100, cancellable: false, ...over,
});

describe('tasks store: state transitions from task.updated', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = fakeApi();
    setApiForTests(api);
    setActivePinia(createPinia());
  });

  it('queued → running → success, newest first', async () => {
    const tasks = useTasksStore();
    await flush();
    api.emit({ type: 'task.updated', task: task({}) });
    expect(tasks.rows[0]).toMatchObject({ key: 'task-1', state: 'queued' });
    api.emit({ type: 'task.updated', task: task({ state: 'running', progress: 40, startedAtMs: 110 }) });
    expect(tasks.rows[0]).toMatchObject({ state: 'running', progress: 40 });
    expect(tasks.runningCount).toBe(1);
    api.emit({ type: 'task.updated', task: task({ id: 'task-2', queuedAtMs: 200, targetId: 'vm-2' }) });
    api.emit({ type: 'task.updated', task: task({ state: 'success', progress: 100, completedAtMs: 300 }) });
    expect(tasks.rows.map((r) => [r.key, r.state])).toEqual([['task-2', 'queued'], ['task-1', 'success']]);
  });

  it('never goes backwards (late updates are ignored)', () => {
    const done = rowOfTask(task({ state: 'success', progress: 100 }));
    expect(mergeTask(done, rowOfTask(task({ state: 'running', progress: 50 })))).toBe(done);
    const at60 = rowOfTask(task({ state: 'running', progress: 60 }));
    expect(mergeTask(at60, rowOfTask(task({ state: 'running', progress: 30 })))).toBe(at60);
  });

  it('failed tasks carry the error; filters All / Running / Failed', async () => {
    const tasks = useTasksStore();
    await flush();
    api.emit({ type: 'task.updated', task: task({ state: 'error', error: { code: 'E_INVALID_STATE', message: 'boom' } }) });
    api.emit({ type: 'task.updated', task: task({ id: 'task-2', state: 'running', queuedAtMs: 200 }) });
    tasks.filter = 'failed';
    expect(tasks.filteredRows.map((r) => r.error?.message)).toEqual(['boom']);
    tasks.filter = 'running';
    expect(tasks.filteredRows.map((r) => r.key)).toEqual(['task-2']);
  });

  it('a refused command becomes a Failed row named like vSphere', async () => {
    const tasks = useTasksStore();
    await flush();
    const res = await tasks.run('vm.snapshot.create', { vmId: 'vm-1', name: 's' }, { id: 'vm-1', name: 'VM1' });
    expect(res.error?.code).toBe('E_INVALID_STATE');
    expect(tasks.rows[0]).toMatchObject({ local: true, state: 'error', name: 'Create virtual machine snapshot', targetName: 'VM1' });
  });

  it('a refused command names the same initiator as the tasks the engine runs for this client', async () => {
    const tasks = useTasksStore();
    await flush();
    api.emit({ type: 'task.updated', task: task({ state: 'success', initiator: LAB_USER }) });
    await tasks.run('host.enterMaintenance', { hostId: 'host-1' }, { id: 'host-1', name: 'H1' });
    expect(tasks.rows.map((r) => r.initiator)).toEqual([LAB_USER, LAB_USER]);
  });

  it('waitFor resolves when the task finishes, even if it finished first', async () => {
    const tasks = useTasksStore();
    await flush();
    const p = tasks.waitFor('task-1');
    api.emit({ type: 'task.updated', task: task({ state: 'success', result: { vmId: 'vm-9' } }) });
    expect((await p).result).toEqual({ vmId: 'vm-9' });
    expect((await tasks.waitFor('task-1')).state).toBe('success');
  });

  it('loads tasks.list on connect', async () => {
    api.queries['tasks.list'] = () => [task({ id: 'task-7', state: 'success' })];
    const tasks = useTasksStore();
    await flush();
    expect(tasks.rows.map((r) => r.key)).toEqual(['task-7']);
  });

  it('waitFor looks a task up by id when its events were missed', async () => {
    const asked: unknown[] = [];
    api.queries['task.get'] = (p: { taskId: string }) => { asked.push(p); return task({ id: 'task-4', state: 'success', result: { vmId: 'vm-8' } }); };
    const tasks = useTasksStore();
    await flush();
    const done = await tasks.waitFor('task-4');
    expect(asked).toEqual([{ taskId: 'task-4' }]);
    expect(done.result).toEqual({ vmId: 'vm-8' });
  });

  it('after a reconnect, tasks shown as unfinished are looked up by id', async () => {
    const tasks = useTasksStore();
    await flush();
    api.emit({ type: 'task.updated', task: task({ id: 'task-3', state: 'running', progress: 20 }) });
    api.emit({ type: 'task.updated', task: task({ id: 'task-5', state: 'success', progress: 100 }) });
    const asked: string[] = [];
    api.queries['task.get'] = (p: { taskId: string }) => { asked.push(p.taskId); return task({ id: 'task-3', state: 'success', progress: 100, completedAtMs: 900 }); };
    useConnectionStore().generation++;
    await flush();
    expect(asked).toEqual(['task-3']);
    expect(tasks.byKey.get('task-3')?.state).toBe('success');
  });
});
