// @vitest-environment happy-dom
// Paging mode in the New VM wizard and Edit Settings offers only what the monitor can run (nested needs hw:
// the option is disabled with a hint; leaving hw while nested is selected switches to shadow), and the
// Summary / Configure tabs show the paging that actually runs (@shared/model/mmuVirtualization).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { nextTick } from 'vue';
import { setApiForTests } from '@renderer/api/client';
import NewVmWizard from '@renderer/components/wizard/NewVmWizard.vue';
import VmSettingsDialog from '@renderer/components/vm/VmSettingsDialog.vue';
import VmSummaryTab from '@renderer/components/vm/VmSummaryTab.vue';
import VmConfigureTab from '@renderer/components/vm/VmConfigureTab.vue';
import { useInventoryStore } from '@renderer/stores/inventory';
import { runningPagingLabel } from '@renderer/logic/format';
import type { MonitorKind, PagingMode, VmDto } from '@shared/model/inventory';
import { fakeApi, flush, makeHost, makeInventory, makeVm } from './fakeApi';
import { byTestId } from './domQueries';

vi.mock('chart.js', () => ({ Chart: class { static register() {} destroy() {} update() {} }, LineController: {}, LineElement: {}, PointElement: {}, LinearScale: {}, Filler: {}, Tooltip: {} }));

let pinia: Pinia;
let wrapper: VueWrapper | undefined;

async function withVm(vm: VmDto): Promise<void> {
  const inv = { ...makeInventory(0), vms: [vm], hosts: [makeHost(1, { vmIds: [vm.id] }), makeHost(2)] };
  setApiForTests(fakeApi({ 'inventory.get': () => inv, 'vm.get': () => vm, 'metrics.catalog': () => [] }));
  pinia = createPinia();
  setActivePinia(pinia);
  await useInventoryStore().load();
}

const $ = byTestId;
async function choose(testId: string, value: string): Promise<void> {
  const select = $<HTMLSelectElement>(testId);
  select.value = value;
  select.dispatchEvent(new Event('change'));
  await nextTick();
  await nextTick();
}
const nestedOption = (testId: string) => $<HTMLSelectElement>(testId).querySelector<HTMLOptionElement>('option[value=nested]')!;

beforeEach(async () => { await withVm(makeVm(1)); });
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  document.body.innerHTML = '';
});

describe('New VM wizard: Paging mode', () => {
  async function toHardwareStep(): Promise<void> {
    wrapper = mount(NewVmWizard, { attachTo: document.body, global: { plugins: [pinia] } });
    await flush();
    const next = async () => { document.querySelector('#new-vm-form')!.dispatchEvent(new Event('submit')); await nextTick(); };
    await next(); // creation type
    const name = $<HTMLInputElement>('wizard-name');
    name.value = 'paging-vm';
    name.dispatchEvent(new Event('input'));
    await next(); // name
    await next(); // compute resource (the first connected host)
    await next(); // guest OS
    expect($('wizard-step-hardware')).toBeTruthy();
  }

  it('offers nested under hw (the default), with no hint', async () => {
    await toHardwareStep();
    expect($<HTMLSelectElement>('wizard-monitor').value).toBe('hw');
    expect($<HTMLSelectElement>('wizard-paging').value).toBe('nested');
    expect(nestedOption('wizard-paging').disabled).toBe(false);
    expect(document.querySelector('[data-testid=wizard-paging-hint]')).toBeNull();
  });

  it('leaving hw while nested is selected switches to shadow, disables nested and says why', async () => {
    await toHardwareStep();
    await choose('wizard-monitor', 'bt');
    expect($<HTMLSelectElement>('wizard-paging').value).toBe('shadow');
    expect(nestedOption('wizard-paging').disabled).toBe(true);
    expect($('wizard-paging-hint').textContent).toBe('Nested paging needs hardware assist (hw)');
    expect($('wizard-paging').getAttribute('aria-describedby')).toBe('wiz-paging-hint');
    // Back to hw: nested is offered again, shadow stays chosen.
    await choose('wizard-monitor', 'hw');
    expect(nestedOption('wizard-paging').disabled).toBe(false);
    expect($<HTMLSelectElement>('wizard-paging').value).toBe('shadow');
    expect(document.querySelector('[data-testid=wizard-paging-hint]')).toBeNull();
  });
});

describe('Edit Settings: Paging mode', () => {
  async function openOptions(): Promise<void> {
    wrapper = mount(VmSettingsDialog, { props: { vmId: 'vm-1' }, attachTo: document.body, global: { plugins: [pinia] } });
    await nextTick();
    $<HTMLButtonElement>('settings-tab-options').click();
    await nextTick();
  }

  it('an hw + nested VM switched to te gets shadow paging; nested is disabled with the hint', async () => {
    await openOptions();
    expect($<HTMLSelectElement>('settings-paging').value).toBe('nested');
    expect(nestedOption('settings-paging').disabled).toBe(false);
    await choose('settings-monitor', 'te');
    expect($<HTMLSelectElement>('settings-paging').value).toBe('shadow');
    expect(nestedOption('settings-paging').disabled).toBe(true);
    expect($('settings-paging-hint').textContent).toBe('Nested paging needs hardware assist (hw)');
  });

  it('a shadow VM under bt shows nested disabled from the start', async () => {
    await withVm(makeVm(1, { monitor: 'bt', paging: 'shadow' }));
    await openOptions();
    expect(nestedOption('settings-paging').disabled).toBe(true);
    expect($('settings-paging-hint')).toBeTruthy();
  });
});

describe('Summary and Configure show the paging that runs', () => {
  const cases: [MonitorKind, PagingMode, string][] = [
    ['interp', 'shadow', 'None (the guest\'s own page tables)'],
    ['pv', 'shadow', 'Paravirtual MMU (direct paging)'],
    ['bt', 'shadow', 'Software MMU (shadow page tables)'],
    ['hw', 'shadow', 'Software MMU (shadow page tables)'],
    ['hw', 'nested', 'Hardware MMU (nested paging: EPT / RVI)'],
  ];
  it('runningPagingLabel maps monitor + setting to what runs', () => {
    for (const [m, p, label] of cases) expect(runningPagingLabel(m, p), `${m} + ${p}`).toBe(label);
    expect(runningPagingLabel('te', 'nested'), 'an old invalid pair shows what te runs').toBe('Software MMU (shadow page tables)');
  });

  it('VmSummaryTab (summary-paging) and VmConfigureTab use it', async () => {
    await withVm(makeVm(1, { monitor: 'interp', paging: 'shadow', pageTableLevels: 2 }));
    const summary = mount(VmSummaryTab, { props: { vmId: 'vm-1' }, global: { plugins: [pinia] } });
    await flush();
    await nextTick();
    expect(summary.get('[data-testid=summary-paging]').text()).toBe('None (the guest\'s own page tables), 2-level page tables');
    summary.unmount();
    const configure = mount(VmConfigureTab, { props: { vmId: 'vm-1' }, global: { plugins: [pinia] } });
    expect(configure.text()).toContain('None (the guest\'s own page tables), 2-level page tables');
    configure.unmount();
  });
});
