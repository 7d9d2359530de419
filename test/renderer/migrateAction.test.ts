// Migrate… on a VM's ACTIONS and right-click menu: offered where the VM's backend carries out vm.migrate
// (opening the Migrate wizard for that VM), disabled with the reason where it does not.
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { BackendInfo } from '@shared/model/backends';
import type { CommandName } from '@shared/api/commands';
import { COMMAND_SCHEMAS } from '@shared/api/commands';
import { setApiForTests } from '@renderer/api/client';
import { useObjectActions } from '@renderer/composables/useObjectActions';
import { useDialogs } from '@renderer/composables/useDialogs';
import { fakeApi, flush, makeInventory } from './fakeApi';

const simulated = (commands: CommandName[]): BackendInfo => ({
  namespace: '', kind: 'simulated', name: 'Simulated engine', state: 'connected',
  capabilities: { commands, snapshotMemory: true, snapshotQuiesce: false, consoleInput: true, monitors: [], virtualTime: true },
});
const all = (Object.keys(COMMAND_SCHEMAS) as CommandName[]).filter((c) => c !== 'host.add' && c !== 'host.remove' && c !== 'host.reconnect');

async function actionsWith(commands: CommandName[]) {
  setApiForTests(fakeApi({ 'inventory.get': () => makeInventory(2), 'backends.list': () => [simulated(commands)] }));
  setActivePinia(createPinia());
  const actions = useObjectActions();
  await flush();
  return actions;
}

describe('Migrate… in a VM\'s ACTIONS (and its right-click menu)', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('is offered where the backend migrates, and opens the Migrate wizard for the VM', async () => {
    const actions = await actionsWith(all);
    const entry = actions.menuFor('vm-1').find((i) => i.key === 'migrate');
    expect(entry).toMatchObject({ label: 'Migrate…', testId: 'action-migrate' });
    expect(entry?.disabled).toBeFalsy();
    actions.run('vm-1', 'migrate');
    expect(useDialogs().dialog.value).toEqual({ kind: 'migrate', vmId: 'vm-1' });
    useDialogs().closeDialog();
  });

  it('is disabled, saying so, where the backend does not migrate', async () => {
    const actions = await actionsWith(all.filter((c) => c !== 'vm.migrate'));
    expect(actions.menuFor('vm-1').find((i) => i.key === 'migrate')).toMatchObject({ disabled: true, title: 'Not supported by Simulated engine' });
  });
});
