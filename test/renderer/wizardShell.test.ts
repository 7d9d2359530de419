// @vitest-environment happy-dom
// The wizard frame is written once (WizardShell) and every wizard of the client uses it: the steps list
// marks the current step (aria-current) and the done ones, Back is disabled on the first step, a disabled
// Next or Finish says why in its tooltip and submitting then does nothing, Enter submits Next on a step and
// Finish on the last one.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { h, nextTick } from 'vue';
import { setApiForTests } from '@renderer/api/client';
import WizardShell from '@renderer/components/wizard/WizardShell.vue';
import AddHostWizard from '@renderer/components/wizard/AddHostWizard.vue';
import NewVmWizard from '@renderer/components/wizard/NewVmWizard.vue';
import CloneVmWizard from '@renderer/components/wizard/CloneVmWizard.vue';
import MigrateVmWizard from '@renderer/components/wizard/MigrateVmWizard.vue';
import { useInventoryStore } from '@renderer/stores/inventory';
import { fakeApi, flush, makeHost, makeInventory, makeVm } from './fakeApi';

vi.mock('chart.js', () => ({ Chart: class { static register() {} destroy() {} update() {} }, LineController: {}, LineElement: {}, PointElement: {}, LinearScale: {}, Filler: {}, Tooltip: {} }));

const STEPS = [{ key: 'a', label: 'First page' }, { key: 'b', label: 'Second page' }, { key: 'ready', label: 'Ready to complete' }];
let wrapper: VueWrapper | undefined;
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  document.body.innerHTML = '';
});
const $ = <T extends Element>(sel: string): T | null => document.querySelector<T>(sel);

function mountShell(props: Record<string, unknown>): VueWrapper {
  return mount(WizardShell, {
    attachTo: document.body,
    props: { title: 'Test wizard', testId: 'test-wizard', steps: STEPS, stepIndex: 0, formId: 'test-form', pageTestId: 'test-page', ...props },
    slots: { default: () => h('p', { 'data-testid': 'page-body' }, 'the page') },
  });
}
async function submit(): Promise<void> {
  $('#test-form')!.dispatchEvent(new Event('submit'));
  await nextTick();
}

describe('WizardShell', () => {
  it('lists the steps, marks the current and the done ones, and shows the page under its title', async () => {
    wrapper = mountShell({ stepIndex: 1 });
    const items = [...document.querySelectorAll('ol.steps li')];
    expect(items.map((li) => li.textContent?.replace(/\s+/g, ' ').trim())).toEqual(['1 First page', '2 Second page', '3 Ready to complete']);
    expect(items.map((li) => li.getAttribute('aria-current'))).toEqual([null, 'step', null]);
    expect(items.map((li) => li.classList.contains('done'))).toEqual([true, false, false]);
    expect($('[data-testid=test-page] h3')?.textContent).toBe('Second page');
    expect($('[data-testid=page-body]')?.textContent).toBe('the page');
    expect($('[data-testid=test-wizard]')).toBeTruthy();
  });

  it('Back is disabled on the first step; Next submits the form on a step, Finish on the last', async () => {
    wrapper = mountShell({});
    expect($<HTMLButtonElement>('[data-testid=wizard-back]')!.disabled).toBe(true);
    expect($('[data-testid=wizard-finish]')).toBeNull();
    expect($<HTMLButtonElement>('[data-testid=wizard-next]')!.getAttribute('form')).toBe('test-form');
    await submit();
    expect(wrapper.emitted('next')).toHaveLength(1);
    await wrapper.setProps({ stepIndex: 2 });
    expect($('[data-testid=wizard-next]')).toBeNull();
    expect($<HTMLButtonElement>('[data-testid=wizard-back]')!.disabled).toBe(false);
    await submit();
    expect(wrapper.emitted('finish')).toHaveLength(1);
    $<HTMLButtonElement>('[data-testid=wizard-back]')!.click();
    $<HTMLButtonElement>('[data-testid=wizard-cancel]')!.click();
    expect(wrapper.emitted('back')).toHaveLength(1);
    expect(wrapper.emitted('close')).toHaveLength(1);
  });

  it('a disabled Next or Finish carries its reason as a tooltip and a submit then does nothing', async () => {
    wrapper = mountShell({ nextDisabledReason: 'Power it on first.', buttonTestId: 'x' });
    const next = $<HTMLButtonElement>('[data-testid=x-next]')!;
    expect(next.disabled).toBe(true);
    expect(next.title).toBe('Power it on first.');
    await submit();
    expect(wrapper.emitted('next')).toBeUndefined();
    await wrapper.setProps({ stepIndex: 2, finishDisabledReason: 'Working…' });
    const finish = $<HTMLButtonElement>('[data-testid=x-finish]')!;
    expect([finish.disabled, finish.title]).toEqual([true, 'Working…']);
    await submit();
    expect(wrapper.emitted('finish')).toBeUndefined();
    await wrapper.setProps({ finishDisabledReason: '' });
    expect($<HTMLButtonElement>('[data-testid=x-finish]')!.title).toBe('');
  });
});

describe('the four wizards use the one frame', () => {
  it('Add Host, New VM, Clone and Migrate each render WizardShell', async () => {
    const inv = { ...makeInventory(0), vms: [makeVm(1, { powerState: 'poweredOn' })], hosts: [makeHost(1, { vmIds: ['vm-1'] }), makeHost(2)] };
    setApiForTests(fakeApi({ 'inventory.get': () => inv, 'guests.list': () => [], 'migration.compatibility': () => [] }));
    const pinia = createPinia();
    setActivePinia(pinia);
    await useInventoryStore().load();
    const cases: [unknown, Record<string, unknown>][] = [
      [AddHostWizard, { targetId: 'datacenter-1' }], [NewVmWizard, {}], [CloneVmWizard, { vmId: 'vm-1', target: 'vm' }], [MigrateVmWizard, { vmId: 'vm-1' }],
    ];
    for (const [component, props] of cases) {
      const w = mount(component as never, { attachTo: document.body, props: props as never, global: { plugins: [pinia] } });
      await flush();
      expect(w.findComponent(WizardShell).exists()).toBe(true);
      expect(document.querySelectorAll('ol.steps li[aria-current=step]')).toHaveLength(1);
      w.unmount();
      document.body.innerHTML = '';
    }
  });
});
