import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { BackendInfo } from '@shared/model/backends';
import type { CommandName } from '@shared/api/commands';
import { COMMAND_SCHEMAS } from '@shared/api/commands';
import { apiError } from '@shared/api/errors';
import { setApiForTests } from '@renderer/api/client';
import { useObjectActions } from '@renderer/composables/useObjectActions';
import { useBackendsStore } from '@renderer/stores/backends';
import type { AddHostForm } from '@renderer/logic/addHostForm';
import { addHostFieldError, addHostRequest, stepOfField, validateAddHostStep } from '@renderer/logic/addHostForm';
import { formatWhen } from '@renderer/logic/format';
import { fakeApi, flush, makeHost, makeInventory, makeVm } from './fakeApi';

const form = (over: Partial<AddHostForm> = {}): AddHostForm => ({
  kind: 'libvirt', address: 'kvm1.example', port: 22, name: '', user: 'lab', authMethod: 'key', keyPath: '/home/lab/.ssh/id_ed25519',
  password: '', libvirtUri: '', ...over,
});
const unknownKey = { status: 'unknown' as const, keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc' };

describe('Add Host form', () => {
  it('checks each step in the contract\'s terms, naming the field', () => {
    expect(validateAddHostStep('name', form())).toEqual({});
    expect(Object.keys(validateAddHostStep('name', form({ address: 'x; reboot', port: 0 })))).toEqual(['address', 'port']);
    expect(validateAddHostStep('connection', form({ keyPath: ' ' }))).toHaveProperty('keyPath');
    expect(validateAddHostStep('connection', form({ authMethod: 'password' }))).toHaveProperty('password');
    expect(validateAddHostStep('connection', form({ kind: 'vim25', authMethod: 'key' }))).toHaveProperty('authMethod');
    expect(validateAddHostStep('connection', form({ user: 'a b' }))).toHaveProperty('user');
    expect(validateAddHostStep('connection', form({ libvirtUri: 'qemu:///system; reboot' }))).toHaveProperty('libvirtUri');
  });

  it('goes past the host\'s identity only once an unknown one is accepted, never past a changed one', () => {
    expect(validateAddHostStep('security', form())).toHaveProperty('acceptedIdentity');
    expect(validateAddHostStep('security', form(), unknownKey)).toHaveProperty('acceptedIdentity');
    expect(validateAddHostStep('security', form(), unknownKey, true)).toEqual({});
    expect(validateAddHostStep('security', form(), { ...unknownKey, status: 'known' })).toEqual({});
    expect(validateAddHostStep('security', form(), { ...unknownKey, status: 'changed', knownIdentities: ['SHA256:old'] }, true)).toHaveProperty('acceptedIdentity');
  });

  it('shows a refusal beside the field it names, on that field\'s step, in the user\'s words', () => {
    const key = addHostFieldError(apiError('E_HOST_DISCONNECTED', 'authentication to lab@kvm1.example failed', 'params.keyPath'));
    expect(key).toEqual({ field: 'keyPath', message: 'The host did not accept this key: authentication to lab@kvm1.example failed' });
    expect(stepOfField(key.field)).toBe('connection');
    const addr = addHostFieldError(apiError('E_HOST_DISCONNECTED', 'cannot reach kvm1.example:22 (ECONNREFUSED)', 'params.address'));
    expect([addr.field, stepOfField(addr.field)]).toEqual(['address', 'name']);
    expect(addr.message).toMatch(/^The lab could not connect to this host: /);
    expect(addHostFieldError(apiError('E_DUPLICATE_NAME', 'kvm1.example:22 is already in the inventory', 'params.address')).message).toBe('kvm1.example:22 is already in the inventory');
    expect(stepOfField(addHostFieldError(apiError('E_HOST_DISCONNECTED', 'presented another key', 'params.acceptedIdentity')).field)).toBe('security');
    expect(addHostFieldError(apiError('E_INTERNAL', 'boom'))).toEqual({ field: 'form', message: 'boom' });
  });

  it('builds a host.add request the contract accepts, with only the chosen credential', () => {
    const byKey = addHostRequest(form({ name: ' Lab KVM ', password: 'left over' }), unknownKey);
    expect(byKey).toEqual({ kind: 'libvirt', address: 'kvm1.example', port: 22, user: 'lab', name: 'Lab KVM', authMethod: 'key', keyPath: '/home/lab/.ssh/id_ed25519', acceptedIdentity: 'SHA256:abc' });
    expect(COMMAND_SCHEMAS['host.add'].check(byKey, 'params')).toBeNull();
    const byPassword = addHostRequest(form({ kind: 'vim25', port: 443, authMethod: 'password', password: 'pw', libvirtUri: 'qemu:///system' }), { status: 'unknown', thumbprint: 'AB:CD' });
    expect(byPassword).toMatchObject({ authMethod: 'password', password: 'pw', acceptedIdentity: 'AB:CD' });
    expect(COMMAND_SCHEMAS['host.add'].check(byPassword, 'params')).toBeNull();
    expect(byPassword).not.toHaveProperty('libvirtUri');
    expect(byPassword).not.toHaveProperty('keyPath');
    // Where the wizard was opened goes along: the target of the lab's Add host task.
    const located = addHostRequest(form(), unknownKey, 'cluster-2');
    expect(located.locationId).toBe('cluster-2');
    expect(COMMAND_SCHEMAS['host.add'].check(located, 'params')).toBeNull();
    expect(COMMAND_SCHEMAS['host.add'].check({ ...located, locationId: 'host-1' }, 'params')).not.toBeNull();
  });
});

const all = Object.keys(COMMAND_SCHEMAS) as CommandName[];
const backend = (namespace: string, commands: CommandName[], virtualTime = !namespace): BackendInfo => ({
  namespace, kind: namespace ? 'libvirt' : 'simulated', name: namespace ? `KVM ${namespace}` : 'Simulated engine', state: 'connected',
  capabilities: { commands, snapshotMemory: true, snapshotQuiesce: false, consoleInput: true, monitors: [], virtualTime },
});
const simulatedCommands = all.filter((c) => c !== 'host.add' && c !== 'host.remove' && c !== 'host.reconnect');

async function menus(list: BackendInfo[]) {
  const inv = makeInventory(1);
  inv.datacenters.push({ id: 'kvm1:datacenter-1', name: 'Lab KVM' });
  inv.hosts.push(makeHost(1, { id: 'kvm1:host-1', name: 'kvm', datacenterId: 'kvm1:datacenter-1', clusterId: undefined, kind: 'libvirt' }));
  setApiForTests(fakeApi({ 'inventory.get': () => inv, 'backends.list': () => list }));
  setActivePinia(createPinia());
  const actions = useObjectActions();
  await flush();
  const keys = (id: string) => actions.menuFor(id).map((i) => i.key);
  return { keys, menuFor: actions.menuFor };
}

describe('the real-host entries follow the backends\' capabilities', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('offers Add Host… on a datacenter and a cluster only where their backend lists host.add', async () => {
    const withDoor = await menus([backend('', [...simulatedCommands, 'host.add']), backend('kvm1', ['vm.powerOn', 'host.remove', 'host.reconnect'], false)]);
    expect(withDoor.keys('datacenter-1')).toContain('addHost');
    expect(withDoor.keys('cluster-1')).toContain('addHost');
    expect(withDoor.keys('kvm1:datacenter-1'), 'a real host\'s datacenter takes no other host').not.toContain('addHost');
    const without = await menus([backend('', simulatedCommands)]);
    expect(without.keys('datacenter-1')).not.toContain('addHost');
    expect(without.keys('datacenter-1')).toContain('newVm');
  });

  it('offers Reconnect and Remove from Inventory on a real host, not on a simulated one (and no dangling separator)', async () => {
    const m = await menus([backend('', [...simulatedCommands, 'host.add']), backend('kvm1', ['vm.powerOn', 'host.remove', 'host.reconnect'], false)]);
    expect(m.keys('kvm1:host-1')).toEqual(expect.arrayContaining(['reconnectHost', 'removeHost']));
    expect(m.keys('host-1')).not.toContain('removeHost');
    expect(m.keys('host-1')).not.toContain('reconnectHost');
    const simulated = m.menuFor('host-1');
    expect(simulated[simulated.length - 1].separator).toBeFalsy();
  });

  it('disables Launch Web Console where the VM\'s backend has no console (ESXi over vim25), saying so', async () => {
    const inv = makeInventory(1);
    inv.datacenters.push({ id: 'esx1:datacenter-1', name: 'ha-datacenter' });
    inv.hosts.push(makeHost(1, { id: 'esx1:host-1', name: 'esx', datacenterId: 'esx1:datacenter-1', clusterId: undefined, kind: 'esxi' }));
    inv.vms.push(makeVm(1, { id: 'esx1:vm-1', name: 'ha-host_VM0', hostId: 'esx1:host-1' }));
    const esx = { ...backend('esx1', ['vm.powerOn', 'host.remove', 'host.reconnect'], false), kind: 'vim25' as const, name: 'Lab ESXi' };
    setApiForTests(fakeApi({ 'inventory.get': () => inv, 'backends.list': () => [backend('', [...simulatedCommands, 'host.add']), esx] }));
    setActivePinia(createPinia());
    const actions = useObjectActions();
    await flush();
    const consoleOf = (id: string) => actions.menuFor(id).find((i) => i.key === 'console');
    expect(consoleOf('esx1:vm-1')).toMatchObject({ disabled: true, title: 'Not supported by Lab ESXi' });
    expect(consoleOf('vm-1')?.disabled).toBeFalsy();
  });
});

describe('the backends list follows real hosts joining and leaving', () => {
  it('is read again when the feed brings a host of an unlisted backend or takes a real host away', async () => {
    let list = [backend('', [...simulatedCommands, 'host.add'])];
    const api = fakeApi({ 'inventory.get': () => makeInventory(1), 'backends.list': () => list });
    setApiForTests(api);
    setActivePinia(createPinia());
    const backends = useBackendsStore();
    await flush();
    // Only the default backend keeps virtual time: a namespaced id lives in real time, listed or not yet
    // (the log of adding and removing hosts, `hosts:task-1`, lists no backend of its own).
    expect(backends.realTime('vm-1')).toBe(false);
    expect(backends.realTime('task-3')).toBe(false);
    expect(backends.realTime('kvm1:vm-1')).toBe(true);
    expect(backends.realTime('hosts:task-1')).toBe(true);
    expect(backends.realTime('not an id')).toBe(false);
    list = [...list, backend('kvm1', ['vm.powerOn', 'host.remove'], false)];
    api.emit({ type: 'inventory.changed', version: 2, updates: [{ op: 'enter', id: 'kvm1:host-1', object: makeHost(1, { id: 'kvm1:host-1', kind: 'libvirt' }) }] });
    await flush();
    expect(backends.of('kvm1:vm-1')?.name).toBe('KVM kvm1');
    expect(backends.realTime('kvm1:vm-1')).toBe(true);
    list = list.slice(0, 1);
    api.emit({ type: 'inventory.changed', version: 3, updates: [{ op: 'leave', id: 'kvm1:host-1' }] });
    await flush();
    expect(backends.of('kvm1:vm-1')).toBeUndefined();
  });
});

describe('times of a real host', () => {
  it('are the host\'s date and time, not a virtual clock', () => {
    expect(formatWhen(3_723_000, false)).toBe('01:02:03');
    const ms = new Date(2026, 11, 4, 21, 3, 7).getTime();
    expect(formatWhen(ms, true)).toBe('2026-12-04 21:03:07');
    expect(formatWhen(undefined, true)).toBe('');
  });
});
