// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { setApiForTests } from '@renderer/api/client';
import TasksTable from '@renderer/components/tasks/TasksTable.vue';
import BaseMenu from '@renderer/components/base/BaseMenu.vue';
import ChartLegendTable from '@renderer/components/charts/ChartLegendTable.vue';
import InventoryTree from '@renderer/components/inventory/InventoryTree.vue';
import VmSummaryTab from '@renderer/components/vm/VmSummaryTab.vue';
import { useInventoryStore } from '@renderer/stores/inventory';
import { useSelectionStore } from '@renderer/stores/selection';
import type { TaskRow } from '@renderer/stores/tasks';
import { fakeApi, flush, makeInventory } from './fakeApi';

// happy-dom has no canvas: component tests never mount Chart.js.
vi.mock('chart.js', () => ({ Chart: class { static register() {} destroy() {} update() {} }, LineController: {}, LineElement: {}, PointElement: {}, LinearScale: {}, Filler: {}, Tooltip: {} }));

const row = (over: Partial<TaskRow>): TaskRow => ({
  key: 'task-1', id: 'task-1', local: false, operation: 'vm.powerOn', name: 'Power On virtual machine', targetId: 'vm-1',
  targetName: 'VM1', state: 'running', progress: 40, initiator: 'lab-user', queuedAtMs: 1000, startedAtMs: 1500, cancellable: false, ...over,
});

beforeEach(() => {
  setApiForTests(fakeApi({ 'inventory.get': () => makeInventory(3), 'metrics.catalog': () => [], 'vm.get': () => makeInventory(3).vms[0] }));
  setActivePinia(createPinia());
});

describe('TasksTable', () => {
  it('shows a progress bar while running, Completed, and Failed with the error', () => {
    const w = mount(TasksTable, {
      props: {
        nowMs: 5000,
        rows: [
          row({}),
          row({ key: 'task-2', state: 'success', progress: 100, completedAtMs: 2500 }),
          row({ key: 'task-3', state: 'error', error: { code: 'E_INVALID_STATE', message: 'Snapshots is not available' } }),
        ],
      },
      global: { plugins: [createPinia()] },
    });
    const rows = w.findAll('[data-testid=task-row]');
    expect(rows[0].find('[role=progressbar]').attributes('aria-valuenow')).toBe('40');
    expect(rows[1].find('[data-testid=task-status]').text()).toContain('Completed');
    expect(rows[2].find('[data-testid=task-status]').text()).toContain('Failed');
    expect(rows[2].find('[data-testid=task-error]').text()).toBe('Snapshots is not available');
    expect(rows[1].text()).toContain('500 ms'); // Queued For = start − queued
    expect(w.findAll('th').map((t) => t.text())).toEqual(['Task Name', 'Target', 'Status', 'Details', 'Initiator', 'Queued For', 'Start Time', 'Completion Time']);
  });

  it('says what went wrong in the user\'s words: no contract field paths (the field stays for forms)', () => {
    const w = mount(TasksTable, {
      props: { nowMs: 5000, rows: [row({ state: 'error', error: { code: 'E_INVALID_STATE', message: 'Host esx-01 is in maintenance mode.', field: 'params.hostId' } })] },
      global: { plugins: [createPinia()] },
    });
    const error = w.find('[data-testid=task-error]');
    expect(error.text()).toBe('Host esx-01 is in maintenance mode.');
    expect(w.text()).not.toContain('params.');
    expect(error.attributes('data-field')).toBe('params.hostId');
  });
});

describe('BaseMenu keyboard', () => {
  it('moves with arrows, skips nothing enabled, opens submenus with →, closes with Escape', async () => {
    const w = mount(BaseMenu, {
      attachTo: document.body,
      props: {
        x: 10, y: 10, items: [
          { key: 'power', label: 'Power', children: [{ key: 'on', label: 'Power On' }, { key: 'off', label: 'Power Off', disabled: true }] },
          { key: 'edit', label: 'Edit Settings…' },
        ],
      },
    });
    await flush();
    await nextTick();
    const menu = document.querySelector('[role=menu]') as HTMLElement;
    expect(document.activeElement?.textContent).toContain('Power');
    menu.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    expect(document.activeElement?.textContent).toContain('Edit Settings');
    menu.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    expect(document.activeElement?.textContent).toContain('Power');
    menu.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    await flush();
    await nextTick();
    expect(document.querySelectorAll('[role=menu]')).toHaveLength(2);
    (document.activeElement as HTMLElement).dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(w.emitted('select')?.[0]?.[0]).toMatchObject({ key: 'on' });
    menu.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(w.emitted('close')).toHaveLength(1);
    w.unmount();
  });
});

describe('ChartLegendTable', () => {
  it('shows Latest / Maximum / Minimum / Average from the samples', () => {
    const w = mount(ChartLegendTable, {
      props: {
        objectName: 'VM1',
        series: { entityId: 'vm-1', interval: 'realtime', timestampsMs: [1, 2, 3], values: { 'cpu.usage.average': [10, null, 20] } },
        lines: [{ counter: 'cpu.usage.average', label: 'Usage', unit: 'percent', rollup: 'average', color: '#000' }],
      },
    });
    const cells = w.find('[data-testid=legend-row]').findAll('td').map((c) => c.text());
    expect(cells.slice(1)).toEqual(['VM1', 'Usage', 'average', '%', '20', '20', '10', '15']);
  });
});

describe('InventoryTree', () => {
  it('renders the tree with ARIA roles and navigates with the keyboard', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const w = mount(InventoryTree, { props: { view: 'hosts' }, global: { plugins: [pinia] }, attachTo: document.body });
    const inventory = useInventoryStore();
    const selection = useSelectionStore();
    await flush();
    await nextTick();
    expect(inventory.snapshot).not.toBeNull();
    const tree = w.get('[role=tree]');
    // First load expands the datacenter and clusters and selects the datacenter.
    expect(w.findAll('[role=treeitem]').map((r) => r.attributes('data-name'))).toEqual(['DC0', 'DC0_C0', 'H1', 'H2']);
    expect(selection.selectedId).toBe('datacenter-1');
    await tree.trigger('keydown', { key: 'ArrowDown' });
    await tree.trigger('keydown', { key: 'ArrowDown' });
    await tree.trigger('keydown', { key: 'ArrowRight' });
    await nextTick();
    expect(w.get('[data-testid=tree-node-host-1]').attributes('aria-expanded')).toBe('true');
    expect(w.findAll('[role=treeitem]')).toHaveLength(6);
    await tree.trigger('keydown', { key: 'ArrowDown' });
    await tree.trigger('keydown', { key: 'Enter' });
    expect(selection.selectedId).toBe('vm-1');
    expect(tree.attributes('aria-activedescendant')).toBe('tree-hosts-vm-1');
    await tree.trigger('keydown', { key: 'ArrowLeft' });
    expect(tree.attributes('aria-activedescendant')).toBe('tree-hosts-host-1');
    w.unmount();
  });
});

describe('VmSummaryTab', () => {
  it('shows compatibility from hardwareVersion and "Not available" when the engine offers no CPU counter', async () => {
    const w = mount(VmSummaryTab, { props: { vmId: 'vm-1' }, global: { plugins: [createPinia()] } });
    await flush();
    await nextTick();
    expect(w.get('[data-testid=summary-compatibility]').text()).toBe('ESXi 7.0 U2 and later (VM version 19)');
    expect(w.get('[data-testid=meter-cpu] [data-testid=meter-value]').text()).toBe('Not available');
    expect(w.get('[data-testid=summary-power-state]').text()).toBe('Powered Off');
  });

  it('a VM that is not running shows no current usage and no uptime, whatever its last samples said', async () => {
    const counter = (name: string, unit: string) => ({ key: 1, name, group: name.split('.')[0], label: name, description: '', unit, rollup: 'average', stats: 'rate', level: 1, entityTypes: ['vm'] });
    for (const powerState of ['poweredOff', 'suspended'] as const) {
      const vm = { ...makeInventory(3).vms[0], powerState, uptimeMs: 0 };
      setApiForTests(fakeApi({
        'inventory.get': () => ({ ...makeInventory(3), vms: [vm, ...makeInventory(3).vms.slice(1)] }),
        'vm.get': () => vm,
        'metrics.catalog': () => [counter('cpu.usage.average', 'percent'), counter('cpu.usagemhz.average', 'megaHertz'), counter('mem.usage.average', 'percent')],
        // The last real-time sample is from when the VM still ran.
        'metrics.query': () => ({ entityId: 'vm-1', interval: 'realtime', timestampsMs: [1000], values: { 'cpu.usage.average': [39.64], 'cpu.usagemhz.average': [79.28], 'mem.usage.average': [12] } }),
      }));
      setActivePinia(createPinia());
      const w = mount(VmSummaryTab, { props: { vmId: 'vm-1' }, global: { plugins: [createPinia()] } });
      for (let i = 0; i < 4; i++) { await flush(); await nextTick(); }
      const cpu = w.get('[data-testid=meter-cpu] [data-testid=meter-value]').text();
      expect(cpu, powerState).not.toMatch(/39\.64|79\.28/);
      expect(w.get('[data-testid=meter-memory] [data-testid=meter-value]').text(), powerState).not.toMatch(/12/);
      expect(w.get('[data-testid=summary-uptime]').text(), powerState).toBe('—');
      w.unmount();
    }
  });
});
