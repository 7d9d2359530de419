// @vitest-environment happy-dom
// Workload parameters as fields from the guest catalogue (Edit Settings and the New VM wizard): one
// number field per declared parameter with its default and range, an out-of-range value refused beside
// its field (nothing sent), a valid one sent as workloadParams, and a changed workload keeping only the
// values it reads; with the real catalogue, the labos kernel's shell switch is a field of every program.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { setApiForTests } from '@renderer/api/client';
import VmSettingsDialog from '@renderer/components/vm/VmSettingsDialog.vue';
import { useInventoryStore } from '@renderer/stores/inventory';
import { paramOfApiError, paramsForWorkload, workloadParamErrors } from '@renderer/logic/workloadParams';
import type { GuestProgramDto } from '@shared/api/queries';
import type { VmDto } from '@shared/model/inventory';
import guestsJson from '../../resources/guests/guests.json';
import { parseGuestCatalogue } from '../../src-main/engine/machine/guestCatalogue';
import { fakeApi, flush, makeHost, makeInventory, makeVm, type FakeApi } from './fakeApi';

vi.mock('chart.js', () => ({ Chart: class { static register() {} destroy() {} update() {} }, LineController: {}, LineElement: {}, PointElement: {}, LinearScale: {}, Filler: {}, Tooltip: {} }));

const MEMWRITE: GuestProgramDto = {
  name: 'memwrite', description: 'writes a working set',
  params: [
    { key: 'wss_kib', default: 256, min: 0, max: 2 ** 32 - 1, description: 'working set, KiB' },
    { key: 'write_bytes', default: 4, min: 4, max: 4096, description: 'bytes written per page visit' },
  ],
};
const IDLE: GuestProgramDto = { name: 'idle', description: 'sleeps', params: [{ key: 'ms', default: 0, min: 0, max: 2 ** 32 - 1, description: 'stop after' }] };

let wrapper: VueWrapper | undefined;
afterEach(() => { wrapper?.unmount(); wrapper = undefined; document.body.innerHTML = ''; });

const $ = <T extends Element = HTMLElement>(id: string) => document.querySelector<T>(`[data-testid=${id}]`);
async function type(id: string, text: string): Promise<void> {
  const input = $<HTMLInputElement>(id)!;
  input.value = text;
  input.dispatchEvent(new Event('input'));
  await nextTick();
}

/** Edit Settings on `vm` at its VM Options tab (the catalogue `programs`), the engine answering `vm.reconfigure` with `reconfigure`. */
async function openOptions(vm: VmDto, reconfigure: () => unknown, programs: GuestProgramDto[] = [MEMWRITE, IDLE]): Promise<FakeApi> {
  const inv = { ...makeInventory(0), vms: [vm], hosts: [makeHost(1, { vmIds: [vm.id] })] };
  const api = fakeApi({ 'inventory.get': () => inv, 'vm.get': () => vm, 'metrics.catalog': () => [], 'guests.list': () => programs });
  api.commandResults['vm.reconfigure'] = reconfigure;
  setApiForTests(api);
  const pinia = createPinia();
  setActivePinia(pinia);
  await useInventoryStore().load();
  wrapper = mount(VmSettingsDialog, { props: { vmId: vm.id }, attachTo: document.body, global: { plugins: [pinia] } });
  await flush();
  $<HTMLButtonElement>('settings-tab-options')!.click();
  await nextTick();
  return api;
}

describe('workload parameters', () => {
  it('checks values against the catalogue\'s ranges and keys', () => {
    expect(workloadParamErrors(MEMWRITE, { write_bytes: 4096, wss_kib: 1 })).toEqual({});
    expect(workloadParamErrors(MEMWRITE, { write_bytes: 8192 })).toEqual({ write_bytes: 'write_bytes must be between 4 and 4096.' });
    expect(workloadParamErrors(MEMWRITE, { wss_kib: 1.5 })).toEqual({ wss_kib: 'wss_kib must be a whole number.' });
    expect(workloadParamErrors(MEMWRITE, { ms: 5 })).toEqual({ ms: 'memwrite has no parameter ms.' });
    expect(paramsForWorkload(IDLE, { ms: 5, wss_kib: 9 })).toEqual({ ms: 5 });
    expect(paramOfApiError({ field: 'params.spec.workloadParams.wss_kib' })).toBe('wss_kib');
    expect(paramOfApiError({ field: 'params.changes.workload' })).toBeUndefined();
  });

  it('Edit Settings: fields with defaults; an out-of-range value is refused at its field, a valid one is sent', async () => {
    const vm = makeVm(1, { workload: 'memwrite', workloadParams: { wss_kib: 512 } });
    const api = await openOptions(vm, () => ({ taskId: 'task-1' }));
    expect($<HTMLInputElement>('settings-param-wss_kib')!.value).toBe('512');
    const bytes = $<HTMLInputElement>('settings-param-write_bytes')!;
    expect([bytes.value, bytes.placeholder, bytes.min, bytes.max]).toEqual(['', '4', '4', '4096']);

    await type('settings-param-write_bytes', '8192');
    $<HTMLButtonElement>('settings-ok')!.click();
    await flush();
    expect($('settings-param-error-write_bytes')?.textContent).toBe('write_bytes must be between 4 and 4096.');
    expect(api.commands.some((c) => c.name === 'vm.reconfigure')).toBe(false);

    await type('settings-param-write_bytes', '4096');
    $<HTMLButtonElement>('settings-ok')!.click();
    await flush();
    expect(api.commands.find((c) => c.name === 'vm.reconfigure')?.params).toEqual({ vmId: vm.id, changes: { workloadParams: { wss_kib: 512, write_bytes: 4096 } } });
  });

  it('the real catalogue: every program offers the labos shell (shell, 0–1) as a field, and shell=1 is sent', async () => {
    const programs = parseGuestCatalogue(guestsJson).guests.map((g) => ({ name: g.name, description: g.description, params: g.params }));
    expect(programs.filter((g) => !g.params.some((p) => p.key === 'shell')).map((g) => g.name)).toEqual([]);
    const vm = makeVm(1, { workload: 'idle', workloadParams: {} });
    const api = await openOptions(vm, () => ({ taskId: 'task-1' }), programs);
    const shell = $<HTMLInputElement>('settings-param-shell')!;
    expect([shell.value, shell.placeholder, shell.min, shell.max]).toEqual(['', '0', '0', '1']);
    await type('settings-param-shell', '2');
    $<HTMLButtonElement>('settings-ok')!.click();
    await flush();
    expect($('settings-param-error-shell')?.textContent).toBe('shell must be between 0 and 1.');
    await type('settings-param-shell', '1');
    $<HTMLButtonElement>('settings-ok')!.click();
    await flush();
    expect(api.commands.find((c) => c.name === 'vm.reconfigure')?.params).toEqual({ vmId: vm.id, changes: { workloadParams: { shell: 1 } } });
  });

  it('an engine refusal naming a parameter shows beside that field (the catalogue the form read may be older)', async () => {
    await openOptions(makeVm(1, { workload: 'memwrite', workloadParams: {} }),
      () => ({ code: 'E_INVALID_ARGUMENT', message: 'memwrite: wss_kib must be between 0 and 4096.', field: 'params.changes.workloadParams.wss_kib' }));
    await type('settings-param-wss_kib', '8192');
    $<HTMLButtonElement>('settings-ok')!.click();
    await flush();
    await nextTick();
    expect($('settings-param-error-wss_kib')?.textContent).toBe('memwrite: wss_kib must be between 0 and 4096.');
  });
});

