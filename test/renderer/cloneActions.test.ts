// @vitest-environment happy-dom
/**
 * ACTIONS for cloning and templates: a VM offers Clone (to a VM, to a template) and Template › Convert to
 * Template, disabled with a reason while it runs; a template offers Clone to Template… and Convert to
 * Virtual Machine… and no power entries; Convert to Template sends `vm.markAsTemplate`.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { setApiForTests } from '@renderer/api/client';
import { useObjectActions } from '@renderer/composables/useObjectActions';
import { useInventoryStore } from '@renderer/stores/inventory';
import { useDialogs } from '@renderer/composables/useDialogs';
import { fakeApi, flush, makeInventory, makeVm } from './fakeApi';
import type { FakeApi } from './fakeApi';

let api: FakeApi;
beforeEach(() => {
  const inv = makeInventory(0);
  inv.vms.push(makeVm(1), makeVm(2, { powerState: 'poweredOn', guestState: 'running' }), makeVm(3, { isTemplate: true, name: 'T3' }));
  api = fakeApi({ 'inventory.get': () => inv });
  api.commandResults['vm.markAsTemplate'] = () => ({ ok: true });
  setApiForTests(api);
  setActivePinia(createPinia());
});

describe('clone and template actions', () => {
  it('offers Clone and Convert to Template on a powered-off VM, disabled with a reason on a running one', async () => {
    await useInventoryStore().load();
    const actions = useObjectActions();
    await flush();
    const sub = (id: string, group: string) => actions.menuFor(id).find((i) => i.key === group)?.children ?? [];
    expect(sub('vm-1', 'clone').map((i) => [i.label, !!i.disabled])).toEqual([['Clone to Virtual Machine…', false], ['Clone to Template…', false]]);
    expect(sub('vm-1', 'template').map((i) => i.label)).toEqual(['Convert to Template']);
    expect(sub('vm-2', 'clone').every((i) => i.disabled && i.title === 'Power off the virtual machine first')).toBe(true);
    expect(sub('vm-2', 'template')[0]).toMatchObject({ disabled: true, title: 'Power off the virtual machine first' });

    const template = actions.menuFor('vm-3').map((i) => i.key);
    expect(template).toEqual(['newFromTemplate', 'cloneToTemplate', 'convertToVm', 'sep1', 'remove']);
    expect(template).not.toContain('power');

    actions.run('vm-1', 'cloneToVm');
    expect(useDialogs().dialog.value).toMatchObject({ kind: 'clone', vmId: 'vm-1', target: 'vm' });
    actions.run('vm-3', 'convertToVm');
    expect(useDialogs().dialog.value).toMatchObject({ kind: 'convertToVm', vmId: 'vm-3' });
    actions.run('vm-1', 'convertToTemplate');
    await flush();
    expect(api.commands).toContainEqual({ name: 'vm.markAsTemplate', params: { vmId: 'vm-1' } });
  });
});
