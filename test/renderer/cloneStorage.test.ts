// @vitest-environment happy-dom
// Clone wizard › Select storage offers every datastore the chosen host reaches (type, capacity,
// provisioned, free); one without room for the source's disks is shown but cannot be chosen; Finish
// sends the chosen `datastoreId` with `vm.clone`, and an engine refusal naming it returns to this step.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { nextTick } from 'vue';
import { setApiForTests } from '@renderer/api/client';
import CloneVmWizard from '@renderer/components/wizard/CloneVmWizard.vue';
import { useInventoryStore } from '@renderer/stores/inventory';
import type { DatastoreDto } from '@shared/model/inventory';
import { fakeApi, flush, makeHost, makeInventory, makeVm, type FakeApi } from './fakeApi';

const GiB = 2 ** 30;
const ds = (n: number, freeGiB: number): DatastoreDto => ({
  id: `datastore-${n}`, name: `DS${n}`, datacenterId: 'datacenter-1', type: 'VMFS', capacityBytes: 100 * GiB,
  provisionedBytes: (100 - freeGiB) * GiB, freeBytes: freeGiB * GiB, hostIds: ['host-1'],
});

let pinia: Pinia;
let api: FakeApi;
let wrapper: VueWrapper | undefined;
beforeEach(async () => {
  const src = makeVm(1, { disks: [{ label: 'Hard disk 1', capacityBytes: 16 * GiB, datastoreId: 'datastore-1' }] });
  const inv = {
    ...makeInventory(0), vms: [src],
    hosts: [makeHost(1, { vmIds: ['vm-1'], datastoreIds: ['datastore-1', 'datastore-2', 'datastore-3'] }), makeHost(2, { datastoreIds: ['datastore-1'] })],
    datastores: [ds(1, 10), ds(2, 60), ds(3, 90)],
  };
  api = fakeApi({ 'inventory.get': () => inv });
  api.commandResults['vm.clone'] = () => ({ taskId: 'task-7' });
  setApiForTests(api);
  pinia = createPinia();
  setActivePinia(pinia);
  await useInventoryStore().load();
  await flush();
});
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  document.body.innerHTML = '';
});
const $ = <T extends Element>(testId: string): T | null => document.querySelector<T>(`[data-testid=${testId}]`);
async function submit(): Promise<void> {
  document.querySelector('#clone-form')!.dispatchEvent(new Event('submit'));
  await flush();
  await nextTick();
}

describe('Clone wizard: Select storage', () => {
  it('lists the host\'s datastores, refuses the full one, sends the chosen datastoreId', async () => {
    wrapper = mount(CloneVmWizard, { attachTo: document.body, props: { vmId: 'vm-1', target: 'vm' }, global: { plugins: [pinia] } });
    await flush();
    const name = $<HTMLInputElement>('clone-name')!;
    name.value = 'copy-1';
    name.dispatchEvent(new Event('input'));
    await submit(); // name
    await submit(); // compute resource: host-1 (the source's)
    expect($('clone-step-storage')).toBeTruthy();
    const rows = [...document.querySelectorAll('[data-testid=clone-storage] tbody tr')].map((r) => [...r.querySelectorAll('td')].slice(1).map((c) => c.textContent));
    expect(rows).toEqual([
      ['DS1', 'VMFS', '100 GB', '90 GB', '10 GB'], ['DS2', 'VMFS', '100 GB', '40 GB', '60 GB'], ['DS3', 'VMFS', '100 GB', '10 GB', '90 GB'],
    ]);
    expect($<HTMLInputElement>('clone-datastore-datastore-1')!.disabled, '10 GB free cannot take a 16 GB disk').toBe(true);
    expect($<HTMLInputElement>('clone-datastore-datastore-2')!.checked, 'the first with room is preselected').toBe(true);
    $<HTMLInputElement>('clone-datastore-datastore-3')!.click();
    await nextTick();
    await submit(); // storage
    await submit(); // options
    expect($('clone-summary')!.textContent).toContain('DS3');
    await submit(); // finish
    expect(api.commands.find((c) => c.name === 'vm.clone')?.params).toEqual({ vmId: 'vm-1', name: 'copy-1', hostId: 'host-1', datastoreId: 'datastore-3' });
  });

  it('an engine refusal naming the datastore returns to the storage step with the message beside it', async () => {
    api.commandResults['vm.clone'] = () => ({ code: 'E_INSUFFICIENT_RESOURCES', message: 'Datastore DS2 has 1 GB free.', field: 'params.datastoreId' });
    wrapper = mount(CloneVmWizard, { attachTo: document.body, props: { vmId: 'vm-1', target: 'template' }, global: { plugins: [pinia] } });
    await flush();
    const name = $<HTMLInputElement>('clone-name')!;
    name.value = 'gold';
    name.dispatchEvent(new Event('input'));
    for (let i = 0; i < 4; i++) await submit(); // name, compute, storage, finish (no options step for a template)
    expect($('clone-step-storage')).toBeTruthy();
    expect($('clone-error-datastoreId')!.textContent).toBe('Datastore DS2 has 1 GB free.');
  });
});
