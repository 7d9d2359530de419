// @vitest-environment happy-dom
// One vocabulary for VM states (@shared/model/vmPower): the VM list and Summary show vSphere's words for the
// power and guest states, never the engine's raw values (an idle guest is "Running (idle)", not "halted").
import { describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { setApiForTests } from '@renderer/api/client';
import InventoryObjectList from '@renderer/components/inventory/InventoryObjectList.vue';
import VmSummaryTab from '@renderer/components/vm/VmSummaryTab.vue';
import { useInventoryStore } from '@renderer/stores/inventory';
import { fakeApi, flush, makeHost, makeInventory, makeVm } from './fakeApi';

vi.mock('chart.js', () => ({ Chart: class { static register() {} destroy() {} update() {} }, LineController: {}, LineElement: {}, PointElement: {}, LinearScale: {}, Filler: {}, Tooltip: {} }));

describe('VM state labels', () => {
  it('the VM list and Summary say Running (idle) / Not running, never halted / notRunning', async () => {
    const idle = makeVm(1, { powerState: 'poweredOn', guestState: 'halted', toolsStatus: 'toolsOk' });
    const off = makeVm(2);
    const inv = { ...makeInventory(0), vms: [idle, off], hosts: [makeHost(1, { vmIds: [idle.id, off.id] })] };
    setApiForTests(fakeApi({ 'inventory.get': () => inv, 'vm.get': () => idle, 'metrics.catalog': () => [] }));
    const pinia = createPinia();
    setActivePinia(pinia);
    await useInventoryStore().load();
    const list = mount(InventoryObjectList, { props: { ids: [idle.id, off.id], type: 'vm' }, global: { plugins: [pinia] } });
    await nextTick();
    const cells = (id: string) => list.get(`[data-testid=list-row-${id}]`).findAll('td').map((td) => td.text());
    expect(cells(idle.id).slice(1, 3)).toEqual(['Powered On', 'Running (idle)']);
    expect(cells(off.id).slice(1, 3)).toEqual(['Powered Off', 'Not running']);
    list.unmount();
    const summary = mount(VmSummaryTab, { props: { vmId: idle.id }, global: { plugins: [pinia] } });
    await flush();
    await nextTick();
    expect(summary.get('[data-testid=summary-guest-state]').text()).toBe('Running (idle)');
    summary.unmount();
  });
});
