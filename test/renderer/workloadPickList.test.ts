// @vitest-environment happy-dom
// Edit Settings offers the workload as a pick-list of the guest catalogue (guests.list), with each
// program's description: no free text, so no unknown program reaches the engine from the form. A VM whose
// workload is not in the catalogue keeps it listed, marked.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { setApiForTests } from '@renderer/api/client';
import VmSettingsDialog from '@renderer/components/vm/VmSettingsDialog.vue';
import { useInventoryStore } from '@renderer/stores/inventory';
import { fakeApi, flush, makeHost, makeInventory, makeVm } from './fakeApi';

vi.mock('chart.js', () => ({ Chart: class { static register() {} destroy() {} update() {} }, LineController: {}, LineElement: {}, PointElement: {}, LinearScale: {}, Filler: {}, Tooltip: {} }));

let wrapper: VueWrapper | undefined;
afterEach(() => { wrapper?.unmount(); wrapper = undefined; });

describe('Edit Settings: workload pick-list', () => {
  it('lists the catalogue with descriptions and sends the chosen program', async () => {
    const vm = makeVm(1, { workload: 'legacy-thing' });
    const inv = { ...makeInventory(0), vms: [vm], hosts: [makeHost(1, { vmIds: [vm.id] })] };
    const api = fakeApi({
      'inventory.get': () => inv, 'vm.get': () => vm, 'metrics.catalog': () => [],
      'guests.list': () => [{ name: 'hello', description: 'prints a greeting' }, { name: 'idle', description: 'sleeps' }],
    });
    api.commandResults['vm.reconfigure'] = () => ({ taskId: 'task-1' });
    setApiForTests(api);
    const pinia = createPinia();
    setActivePinia(pinia);
    await useInventoryStore().load();
    wrapper = mount(VmSettingsDialog, { props: { vmId: vm.id }, attachTo: document.body, global: { plugins: [pinia] } });
    await flush();
    (document.querySelector('[data-testid=settings-tab-options]') as HTMLButtonElement).click();
    await nextTick();
    const select = document.querySelector<HTMLSelectElement>('[data-testid=settings-workload]')!;
    expect(select.tagName).toBe('SELECT');
    expect([...select.options].map((o) => o.textContent)).toEqual(['legacy-thing (not in the catalogue)', 'hello', 'idle']);
    select.value = 'idle';
    select.dispatchEvent(new Event('change'));
    await nextTick();
    expect(document.querySelector('[data-testid=settings-workload-hint]')?.textContent).toBe('sleeps');
    (document.querySelector('[data-testid=settings-ok]') as HTMLButtonElement | null)?.click();
    await flush();
    expect(api.commands.find((c) => c.name === 'vm.reconfigure')?.params).toEqual({ vmId: vm.id, changes: { workload: 'idle' } });
  });
});
