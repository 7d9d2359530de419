// @vitest-environment happy-dom
// The New VM wizard and Edit Settings refuse a value beyond a VM limit at its field, with the message the
// contract and the scenario validator give (@shared/model/vmLimits), before anything is sent; their
// inputs take their bounds from the same table.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { nextTick } from 'vue';
import { setApiForTests } from '@renderer/api/client';
import NewVmWizard from '@renderer/components/wizard/NewVmWizard.vue';
import VmSettingsDialog from '@renderer/components/vm/VmSettingsDialog.vue';
import { useInventoryStore } from '@renderer/stores/inventory';
import type { VmDto } from '@shared/model/inventory';
import { VM_LIMITS, runningChangeProblem, vmLimitMessage } from '@shared/model/vmLimits';
import { fakeApi, flush, makeHost, makeInventory, makeVm, type FakeApi } from './fakeApi';
import { byTestId } from './domQueries';

vi.mock('chart.js', () => ({ Chart: class { static register() {} destroy() {} update() {} }, LineController: {}, LineElement: {}, PointElement: {}, LinearScale: {}, Filler: {}, Tooltip: {} }));

let pinia: Pinia;
let api: FakeApi;
let wrapper: VueWrapper | undefined;

async function withVm(vm: VmDto): Promise<void> {
  const inv = { ...makeInventory(0), vms: [vm], hosts: [makeHost(1, { vmIds: [vm.id] })] };
  api = fakeApi({ 'inventory.get': () => inv, 'vm.get': () => vm, 'metrics.catalog': () => [], 'guests.list': () => [] });
  setApiForTests(api);
  pinia = createPinia();
  setActivePinia(pinia);
  await useInventoryStore().load();
}

const $ = byTestId;
async function type(testId: string, value: string): Promise<void> {
  const input = $<HTMLInputElement>(testId);
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await nextTick();
}
async function submit(formId: string): Promise<void> {
  document.querySelector(`#${formId}`)!.dispatchEvent(new Event('submit'));
  await nextTick();
}

afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  document.body.innerHTML = '';
});

describe('New VM wizard: limits at the field', () => {
  it('40 vCPUs are refused at CPU with the limit message; the input allows 1..32', async () => {
    await withVm(makeVm(1));
    wrapper = mount(NewVmWizard, { attachTo: document.body, global: { plugins: [pinia] } });
    await flush();
    await submit('new-vm-form'); // creation type
    await type('wizard-name', 'big-vm');
    await submit('new-vm-form'); // name
    await submit('new-vm-form'); // compute resource
    await submit('new-vm-form'); // guest OS
    expect($('wizard-step-hardware')).toBeTruthy();
    const cpu = $<HTMLInputElement>('wizard-vcpus');
    expect([cpu.min, cpu.max]).toEqual([String(VM_LIMITS.vcpus.min), String(VM_LIMITS.vcpus.max)]);
    expect($<HTMLInputElement>('wizard-disk').max).toBe(String(VM_LIMITS.diskGiB.max));

    await type('wizard-vcpus', '40');
    await submit('new-vm-form');
    expect($('wizard-step-hardware'), 'the wizard stays on the step').toBeTruthy();
    expect($('wizard-error-vcpus').textContent).toBe(vmLimitMessage('vcpus'));
    expect(cpu.getAttribute('aria-invalid')).toBe('true');

    await type('wizard-vcpus', '32');
    await type('wizard-memory', '4097');
    await submit('new-vm-form');
    expect(document.querySelector('[data-testid=wizard-error-vcpus]')).toBeNull();
    expect($('wizard-error-memoryMiB').textContent).toBe(vmLimitMessage('memoryMiB'));
    expect(api.commands, 'nothing was sent').toEqual([]);
  });
});

describe('Edit Settings: limits and hot add at the field', () => {
  async function open(vm: VmDto): Promise<void> {
    await withVm(vm);
    wrapper = mount(VmSettingsDialog, { props: { vmId: vm.id }, attachTo: document.body, global: { plugins: [pinia] } });
    await nextTick();
  }

  it('40 vCPUs are refused at CPU with the limit message, and nothing is sent', async () => {
    await open(makeVm(1));
    expect($<HTMLInputElement>('settings-vcpus').max).toBe(String(VM_LIMITS.vcpus.max));
    await type('settings-vcpus', '40');
    await submit('edit-settings-form');
    expect($('settings-error-vcpus').textContent).toBe(vmLimitMessage('vcpus'));
    expect(api.commands).toEqual([]);
  });

  it('a powered-on VM without CPU hot add: the engine\'s hot-add message at CPU, before sending', async () => {
    const vm = makeVm(1, { name: 'web-1', powerState: 'poweredOn', vcpus: 2 });
    await open(vm);
    await type('settings-vcpus', '4');
    await submit('edit-settings-form');
    expect($('settings-error-vcpus').textContent).toBe(runningChangeProblem(vm, { vcpus: 4 })!.message);
    expect(api.commands).toEqual([]);
  });
});
