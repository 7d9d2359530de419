// @vitest-environment happy-dom
// One vocabulary for a VM's CPU and MMU virtualization, vSphere's where it has one ("software MMU" /
// "hardware MMU"): the Monitor and Paging mode lines never contradict each other (no "Monitor:
// Interpreter" beside "no monitor"), and the wizard's Paging mode shows what will run (for the
// interpreter and paravirtualization the setting is moot: one disabled entry, the label existing VMs show).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { setApiForTests } from '@renderer/api/client';
import NewVmWizard from '@renderer/components/wizard/NewVmWizard.vue';
import InventoryObjectList from '@renderer/components/inventory/InventoryObjectList.vue';
import { useInventoryStore } from '@renderer/stores/inventory';
import { MONITOR_LABELS, PAGING_LABELS, runningPagingLabel } from '@renderer/logic/format';
import { MONITOR_KINDS } from '@shared/model/inventory';
import { fakeApi, flush, makeHost, makeInventory, makeVm } from './fakeApi';

vi.mock('chart.js', () => ({ Chart: class { static register() {} destroy() {} update() {} }, LineController: {}, LineElement: {}, PointElement: {}, LinearScale: {}, Filler: {}, Tooltip: {} }));

let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  document.body.innerHTML = '';
});

describe('CPU and MMU virtualization labels', () => {
  it('the interpreter is no monitor, and its paging says the same', () => {
    expect(MONITOR_LABELS.interp).toBe('None (interpreter)');
    expect(runningPagingLabel('interp', 'shadow')).toBe('None (the guest\'s own page tables)');
    expect(runningPagingLabel('interp', 'nested')).toBe(runningPagingLabel('interp', 'shadow'));
    for (const m of MONITOR_KINDS) {
      for (const p of ['shadow', 'nested'] as const) {
        const monitorSaysNone = MONITOR_LABELS[m].startsWith('None');
        expect(runningPagingLabel(m, p).startsWith('None'), `${m} + ${p}`).toBe(monitorSaysNone);
      }
    }
  });

  it('uses vSphere\'s software / hardware MMU words', () => {
    expect(PAGING_LABELS.shadow).toBe('Software MMU (shadow page tables)');
    expect(PAGING_LABELS.nested).toBe('Hardware MMU (nested paging: EPT / RVI)');
    expect(runningPagingLabel('pv', 'shadow')).toBe('Paravirtual MMU (direct paging)');
    expect(runningPagingLabel('bt', 'shadow')).toBe(PAGING_LABELS.shadow);
  });

  it('New VM: under the interpreter the Paging mode shows what runs, disabled, as existing VMs show it', async () => {
    const inv = { ...makeInventory(0), vms: [makeVm(1)], hosts: [makeHost(1, { vmIds: ['vm-1'] })] };
    setApiForTests(fakeApi({ 'inventory.get': () => inv, 'metrics.catalog': () => [] }));
    const pinia = createPinia();
    setActivePinia(pinia);
    await useInventoryStore().load();
    wrapper = mount(NewVmWizard, { attachTo: document.body, global: { plugins: [pinia] } });
    await flush();
    const next = async () => { document.querySelector('#new-vm-form')!.dispatchEvent(new Event('submit')); await nextTick(); };
    await next();
    const name = document.querySelector<HTMLInputElement>('[data-testid=wizard-name]')!;
    name.value = 'labels-vm';
    name.dispatchEvent(new Event('input'));
    await next();
    await next();
    await next();
    const monitor = document.querySelector<HTMLSelectElement>('[data-testid=wizard-monitor]')!;
    monitor.value = 'interp';
    monitor.dispatchEvent(new Event('change'));
    await nextTick();
    await nextTick();
    const paging = document.querySelector<HTMLSelectElement>('[data-testid=wizard-paging]')!;
    expect(paging.disabled).toBe(true);
    expect([...paging.options].map((o) => o.textContent)).toEqual(['None (the guest\'s own page tables)']);
    expect(document.querySelector('[data-testid=wizard-paging-hint]')?.textContent).toContain('no monitor');
  });

  it('the VM list names its guest-state column as what it shows', async () => {
    const idle = makeVm(1, { powerState: 'poweredOn', guestState: 'halted', toolsStatus: 'toolsOk' });
    setApiForTests(fakeApi({ 'inventory.get': () => ({ ...makeInventory(0), vms: [idle], hosts: [makeHost(1, { vmIds: [idle.id] })] }) }));
    const pinia = createPinia();
    setActivePinia(pinia);
    await useInventoryStore().load();
    wrapper = mount(InventoryObjectList, { props: { ids: [idle.id], type: 'vm' }, global: { plugins: [pinia] } });
    await nextTick();
    expect(wrapper.findAll('th').map((t) => t.text())).toEqual(['Name', 'State', 'Guest State', 'Host', 'CPUs', 'Memory', 'Guest OS']);
    expect(wrapper.get('[data-testid=list-row-vm-1]').findAll('td')[2].text()).toBe('Running (idle)');
  });
});
