// @vitest-environment happy-dom
/**
 * Sortable tables and CSV export: numbers sort as numbers, times as times, blanks last; a header click
 * sorts ascending then descending with its arrow and aria-sort; the CSV follows RFC 4180.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { setApiForTests } from '@renderer/api/client';
import TasksTable from '@renderer/components/tasks/TasksTable.vue';
import InventoryObjectList from '@renderer/components/inventory/InventoryObjectList.vue';
import { useInventoryStore } from '@renderer/stores/inventory';
import type { TaskRow } from '@renderer/stores/tasks';
import { nextSort, sortBy } from '@renderer/logic/tableSort';
import { csvField, toCsv } from '@renderer/logic/csv';
import { eventsCsv, sortEventRows } from '@renderer/logic/eventColumns';
import { sortTaskRows, tasksCsv } from '@renderer/logic/taskColumns';
import type { EventDto } from '@shared/model/eventLog';
import { fakeApi, flush, makeHost, makeInventory, makeVm } from './fakeApi';

const row = (over: Partial<TaskRow>): TaskRow => ({
  key: 'task-1', id: 'task-1', local: false, operation: 'vm.powerOn', name: 'Power On virtual machine', targetId: 'vm-1',
  targetName: 'VM1', state: 'success', progress: 100, initiator: 'lab-user', queuedAtMs: 1000, startedAtMs: 1500, completedAtMs: 2000,
  cancellable: false, ...over,
});
const ev = (id: number, over: Partial<EventDto>): EventDto => ({
  id: `event-${id}` as EventDto['id'], timeMs: id * 1000, severity: 'info', type: 'VmPoweredOnEvent', message: `m${id}`, ...over,
});
const ctx = { nowMs: 10_000, realTime: () => false };

beforeEach(() => {
  setApiForTests(fakeApi({ 'inventory.get': () => makeInventory(3) }));
  setActivePinia(createPinia());
});

describe('sortBy', () => {
  it('sorts numbers as numbers, text with numeric collation, blanks last in both directions', () => {
    const rows = [{ v: 9 }, { v: 10 }, { v: undefined }, { v: 100 }, { v: 2 }];
    expect(sortBy(rows, (r) => r.v, { key: 'v', direction: 'ascending' }).map((r) => r.v)).toEqual([2, 9, 10, 100, undefined]);
    expect(sortBy(rows, (r) => r.v, { key: 'v', direction: 'descending' }).map((r) => r.v)).toEqual([100, 10, 9, 2, undefined]);
    const names = ['vm-10', 'vm-9', 'VM-1', 'vm-2'];
    expect(sortBy(names, (n) => n, { key: 'n', direction: 'ascending' })).toEqual(['VM-1', 'vm-2', 'vm-9', 'vm-10']);
    expect(sortBy(names, (n) => n, null)).toEqual(names);
  });
  it('a click on a new column sorts ascending; the same column flips', () => {
    const a = nextSort(null, 'name');
    expect(a).toEqual({ key: 'name', direction: 'ascending' });
    expect(nextSort(a, 'name').direction).toBe('descending');
    expect(nextSort(nextSort(a, 'name'), 'name').direction).toBe('ascending');
    expect(nextSort(a, 'start')).toEqual({ key: 'start', direction: 'ascending' });
  });
});

describe('task and event columns', () => {
  it('sorts times as times and durations as durations, not as their text', () => {
    // 00:01:40 (100 s) vs 00:00:09 (9 s) vs 1d 00:00:00: text order would differ.
    const rows = [row({ key: 'a', startedAtMs: 100_000 }), row({ key: 'b', startedAtMs: 9_000 }), row({ key: 'c', startedAtMs: 86_400_000 })];
    expect(sortTaskRows(rows, { key: 'start', direction: 'ascending' }, ctx).map((r) => r.key)).toEqual(['b', 'a', 'c']);
    // Queued For: 900 ms vs 2.4 s vs 15 s.
    const q = [row({ key: 'x', queuedAtMs: 0, startedAtMs: 15_000 }), row({ key: 'y', queuedAtMs: 0, startedAtMs: 900 }), row({ key: 'z', queuedAtMs: 0, startedAtMs: 2_400 })];
    expect(sortTaskRows(q, { key: 'queuedFor', direction: 'descending' }, ctx).map((r) => r.key)).toEqual(['x', 'z', 'y']);
    const events = [ev(1, { severity: 'error' }), ev(2, {}), ev(3, { severity: 'warning' })];
    expect(sortEventRows(events, { key: 'type', direction: 'descending' }).map((e) => e.severity)).toEqual(['error', 'warning', 'info']);
    expect(sortEventRows(events, { key: 'time', direction: 'ascending' }).map((e) => e.id)).toEqual(['event-1', 'event-2', 'event-3']);
  });

  it('exports the columns shown as RFC 4180 CSV (quotes doubled, CRLF)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(toCsv(['A', 'B'], [['1', '2']])).toBe('A,B\r\n1,2\r\n');
    const tasks = tasksCsv([row({ state: 'error', error: { code: 'E_INVALID_STATE', message: 'Host "esx-01" is busy, try later' } })], ctx);
    expect(tasks).toBe('Task Name,Target,Status,Details,Initiator,Queued For,Start Time,Completion Time\r\n'
      + 'Power On virtual machine,VM1,Failed,"Host ""esx-01"" is busy, try later",lab-user,500 ms,00:00:01,00:00:02\r\n');
    const events = eventsCsv([ev(61, { message: 'VM1 on H1, powered on', entityName: 'VM1', severity: 'warning' })], { realTime: () => false });
    expect(events).toBe('Description,Type,Date Time,Target,Event Type ID\r\n"VM1 on H1, powered on",Warning,00:01:01,VM1,VmPoweredOnEvent\r\n');
  });
});

describe('header clicks', () => {
  it('TasksTable: a header click sorts ascending with ▲ and aria-sort, a second click descending', async () => {
    const w = mount(TasksTable, {
      props: { nowMs: 10_000, rows: [row({ key: 'a', targetName: 'vm-10' }), row({ key: 'b', targetName: 'vm-9' }), row({ key: 'c', targetName: 'vm-100' })] },
      global: { plugins: [createPinia()] },
    });
    const targets = () => w.findAll('[data-testid=task-row]').map((r) => r.findAll('td')[1].text());
    expect(targets()).toEqual(['vm-10', 'vm-9', 'vm-100']);
    await w.find('[data-testid=sort-target]').trigger('click');
    expect(targets()).toEqual(['vm-9', 'vm-10', 'vm-100']);
    const th = w.find('th[data-sort-key=target]');
    expect(th.attributes('aria-sort')).toBe('ascending');
    expect(th.find('[data-testid=sort-arrow]').classes()).toContain('ascending');
    await w.find('[data-testid=sort-target]').trigger('click');
    expect(targets()).toEqual(['vm-100', 'vm-10', 'vm-9']);
    expect(th.attributes('aria-sort')).toBe('descending');
    expect(w.find('th[data-sort-key=name]').attributes('aria-sort')).toBe('none');
  });

  it('InventoryObjectList: Memory sorts by bytes (512 MB before 1.5 GB), not by its text', async () => {
    const vms = [
      makeVm(1, { memoryBytes: 1.5 * 2 ** 30 }), makeVm(2, { memoryBytes: 512 * 2 ** 20 }), makeVm(3, { memoryBytes: 4 * 2 ** 30 }),
    ];
    setApiForTests(fakeApi({ 'inventory.get': () => ({ ...makeInventory(0), hosts: [makeHost(1, { vmIds: vms.map((v) => v.id) })], vms }) }));
    const pinia = createPinia();
    setActivePinia(pinia);
    await useInventoryStore().load();
    await flush();
    const w = mount(InventoryObjectList, { props: { ids: vms.map((v) => v.id), type: 'vm' }, global: { plugins: [pinia] } });
    const order = () => w.findAll('tr[data-testid^=list-row-]').map((r) => r.attributes('data-testid'));
    await w.find('[data-testid=sort-memory]').trigger('click');
    expect(order()).toEqual(['list-row-vm-2', 'list-row-vm-1', 'list-row-vm-3']);
    await w.find('[data-testid=sort-memory]').trigger('click');
    expect(order()).toEqual(['list-row-vm-3', 'list-row-vm-1', 'list-row-vm-2']);
  });
});
