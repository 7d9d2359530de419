import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { BackendInfo } from '@shared/model/backends';
import type { CommandName } from '@shared/api/commands';
import { COMMAND_SCHEMAS } from '@shared/api/commands';
import { setApiForTests } from '@renderer/api/client';
import { useObjectActions } from '@renderer/composables/useObjectActions';
import { useBackendsStore } from '@renderer/stores/backends';
import { fakeApi, flush, makeInventory, makeVm } from './fakeApi';

const all = Object.keys(COMMAND_SCHEMAS) as CommandName[];
const backend = (namespace: string, name: string, commands: CommandName[]): BackendInfo => ({
  namespace, kind: namespace ? 'libvirt' : 'simulated', name, state: 'connected',
  capabilities: { commands, snapshotMemory: !namespace, snapshotQuiesce: false, consoleInput: !namespace, monitors: [], virtualTime: !namespace },
});

describe('backend capabilities drive the ACTIONS menu', () => {
  beforeEach(() => {
    const inv = makeInventory(1);
    inv.vms.push(makeVm(1, { id: 'kvm1:vm-1', name: 'remote', hostId: 'host-1' }));
    setApiForTests(fakeApi({
      'inventory.get': () => inv,
      'backends.list': () => [
        backend('', 'Simulated engine', all),
        backend('kvm1', 'KVM host kvm1', all.filter((c) => c !== 'vm.snapshot.create' && c !== 'vm.clone')),
      ],
    }));
    setActivePinia(createPinia());
  });

  it('disables what the entity\'s backend does not carry out, and says which backend', async () => {
    const backends = useBackendsStore();
    const actions = useObjectActions();
    await flush();
    expect(backends.of('kvm1:vm-1')?.name).toBe('KVM host kvm1');
    expect(backends.supports('kvm1:vm-1', 'vm.snapshot.create')).toBe(false);
    expect(backends.supports('vm-1', 'vm.snapshot.create')).toBe(true);
    const take = (id: string) => actions.menuFor(id).find((i) => i.key === 'snapshots')!.children!.find((i) => i.key === 'takeSnapshot')!;
    expect(take('kvm1:vm-1')).toMatchObject({ disabled: true, title: 'Not supported by KVM host kvm1' });
    expect(take('vm-1').disabled).toBeFalsy();
    // What the backend does support stays as the VM's state decides.
    const powerOn = actions.menuFor('kvm1:vm-1').find((i) => i.key === 'power')!.children!.find((i) => i.key === 'vm.powerOn')!;
    expect(powerOn.disabled).toBe(false);
  });
});
