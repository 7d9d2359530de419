// @vitest-environment happy-dom
// Resource pools in the client: the tree (pools under their cluster after its hosts, a pool's VMs under
// it), the pool form's checks and request, Resource Allocation's rows, the ACTIONS entries, the pool dialog
// placing an engine refusal beside its field, Delete showing a refusal in words, Move To… (on a VM and on
// a pool, labelled by path), a pool dragged in the navigator, and a pool's Summary.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import type { InventoryDto } from '@shared/model/inventory';
import type { ResourcePoolDto } from '@shared/model/resourcePool';
import { COMMAND_SCHEMAS } from '@shared/api/commands';
import { setApiForTests } from '@renderer/api/client';
import { buildTree } from '@renderer/logic/inventoryTree';
import { allocationRows, moveTargets, checkPoolForm, poolFieldOf, poolFormOf, poolRequestOf, reservationTotals, vmShareLevelOf } from '@renderer/logic/resourcePools';
import { useObjectActions } from '@renderer/composables/useObjectActions';
import { useDialogs } from '@renderer/composables/useDialogs';
import { useInventoryStore } from '@renderer/stores/inventory';
import ResourcePoolDialog from '@renderer/components/pools/ResourcePoolDialog.vue';
import DeletePoolDialog from '@renderer/components/pools/DeletePoolDialog.vue';
import PoolSummaryTab from '@renderer/components/pools/PoolSummaryTab.vue';
import MoveToPoolDialog from '@renderer/components/pools/MoveToPoolDialog.vue';
import InventoryTree from '@renderer/components/inventory/InventoryTree.vue';
import { useSelectionStore } from '@renderer/stores/selection';
import { useTasksStore } from '@renderer/stores/tasks';
import { fakeApi, flush, makeInventory } from './fakeApi';
import type { FakeApi } from './fakeApi';

const pool = (id: number, name: string, over: Partial<ResourcePoolDto> = {}): ResourcePoolDto => ({
  id: `resgroup-${id}`, name, clusterId: 'cluster-1', cpuShares: 4000, cpuShareLevel: 'normal', cpuReservationMhz: 0, cpuLimitMhz: -1, cpuExpandableReservation: true, vmIds: [], ...over,
});

/** Three VMs in cluster-1: VM1 in pool High, VM2 in pool Low, VM3 in the root pool. */
function withPools(): InventoryDto {
  const inv = makeInventory(3);
  inv.vms[0] = { ...inv.vms[0], resourcePoolId: 'resgroup-1', powerState: 'poweredOn' };
  inv.vms[1] = { ...inv.vms[1], resourcePoolId: 'resgroup-2', powerState: 'poweredOn' };
  inv.resourcePools = [
    pool(1, 'High', { cpuShares: 8000, cpuShareLevel: 'high', vmIds: ['vm-1'] }),
    pool(2, 'Low', { cpuShares: 2000, cpuShareLevel: 'low', cpuLimitMhz: 500, vmIds: ['vm-2'] }),
  ];
  return inv;
}

describe('the Hosts and Clusters tree with resource pools', () => {
  it('puts pools under their cluster after its hosts, and a pool\'s VMs under the pool instead of their host', () => {
    const tree = buildTree(withPools(), 'hosts');
    expect(tree.nodes.get('cluster-1')?.childIds).toEqual(['host-1', 'host-2', 'resgroup-1', 'resgroup-2']);
    expect(tree.nodes.get('resgroup-1')).toMatchObject({ kind: 'resourcePool', name: 'High', parentId: 'cluster-1', childIds: ['vm-1'] });
    expect(tree.nodes.get('resgroup-2')?.childIds).toEqual(['vm-2']);
    expect(tree.nodes.get('host-1')?.childIds).toEqual(['vm-3']);
    expect(tree.nodes.get('host-2')?.childIds).toEqual([]);
  });

  it('puts a standalone host\'s pools under the host, before its VMs', () => {
    const inv = makeInventory(2);
    inv.hosts[0] = { ...inv.hosts[0], clusterId: undefined };
    inv.vms = inv.vms.map((v) => ({ ...v, hostId: 'host-1', clusterId: undefined }));
    inv.vms[1] = { ...inv.vms[1], resourcePoolId: 'resgroup-1' };
    inv.resourcePools = [pool(1, 'Solo', { clusterId: undefined, hostId: 'host-1', vmIds: ['vm-2'] })];
    const tree = buildTree(inv, 'hosts');
    expect(tree.nodes.get('host-1')?.childIds).toEqual(['resgroup-1', 'vm-1']);
    expect(tree.nodes.get('resgroup-1')?.childIds).toEqual(['vm-2']);
  });
});

describe('the inventory store follows pools through the change feed', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('a pool entering, a VM moving into it and the pool leaving update the tree without a refetch', async () => {
    vi.useFakeTimers();
    const inv = makeInventory(2);
    let gets = 0;
    const api = fakeApi({ 'inventory.get': () => { gets++; return inv; } });
    setApiForTests(api);
    setActivePinia(createPinia());
    const store = useInventoryStore();
    await vi.runAllTimersAsync();
    api.emit({ type: 'inventory.changed', version: 2, updates: [{ op: 'enter', id: 'resgroup-1', object: pool(1, 'High', { cpuShares: 8000, cpuShareLevel: 'high' }) }] });
    await vi.runAllTimersAsync();
    expect(store.resourcePool('resgroup-1')?.name).toBe('High');
    expect(store.tree('hosts')!.nodes.get('cluster-1')!.childIds).toContain('resgroup-1');
    api.emit({ type: 'inventory.changed', version: 3, updates: [
      { op: 'modify', id: 'vm-2', changes: [{ path: 'resourcePoolId', value: 'resgroup-1' }] },
      { op: 'modify', id: 'resgroup-1', changes: [{ path: 'vmIds', value: ['vm-2'] }] },
    ] });
    await vi.runAllTimersAsync();
    expect(store.tree('hosts')!.nodes.get('resgroup-1')!.childIds).toEqual(['vm-2']);
    expect(store.entity('resgroup-1')).toMatchObject({ vmIds: ['vm-2'] });
    api.emit({ type: 'inventory.changed', version: 4, updates: [
      { op: 'modify', id: 'vm-2', changes: [{ path: 'resourcePoolId', removed: true }] },
      { op: 'leave', id: 'resgroup-1' },
    ] });
    await vi.runAllTimersAsync();
    expect(store.resourcePool('resgroup-1')).toBeUndefined();
    expect(store.snapshot!.inventory.resourcePools).toBeUndefined();
    expect(store.tree('hosts')!.nodes.get('host-2')!.childIds).toEqual(['vm-2']);
    expect(gets).toBe(1);
  });
});

describe('the pool form', () => {
  it('starts as vSphere\'s New Resource Pool (Normal, no reservation, Unlimited) and becomes a request the contract accepts', () => {
    const form = poolFormOf();
    expect(checkPoolForm(form, [])).toEqual({});
    const req = poolRequestOf(form);
    expect(req).toEqual({ name: 'ResourcePool', cpuShareLevel: 'normal', cpuReservationMhz: 0, cpuExpandableReservation: true, cpuLimitMhz: -1 });
    expect(COMMAND_SCHEMAS['resourcePool.create'].check({ ...req, clusterId: 'cluster-1' }, 'params')).toBeNull();
    const custom = poolRequestOf({ ...form, shareLevel: 'custom', customShares: '6000', unlimited: false, limitMhz: '900', reservationMhz: '100', expandable: false });
    expect(custom).toEqual({ name: 'ResourcePool', cpuShareLevel: 'custom', cpuShares: 6000, cpuReservationMhz: 100, cpuExpandableReservation: false, cpuLimitMhz: 900 });
    expect(COMMAND_SCHEMAS['resourcePool.update'].check({ ...custom, resourcePoolId: 'resgroup-1' }, 'params')).toBeNull();
  });

  it('names each problem by its field, in words', () => {
    const form = poolFormOf();
    expect(checkPoolForm({ ...form, name: ' ' }, []).name).toMatch(/Enter a name/);
    expect(checkPoolForm({ ...form, name: 'High' }, ['High']).name).toMatch(/already exists/);
    expect(checkPoolForm({ ...form, shareLevel: 'custom', customShares: '0' }, []).cpuShares).toMatch(/from 1 to 1,000,000/);
    expect(checkPoolForm({ ...form, reservationMhz: '-5' }, []).cpuReservationMhz).toMatch(/reservation from 0/);
    expect(checkPoolForm({ ...form, unlimited: false, limitMhz: '' }, []).cpuLimitMhz).toMatch(/or choose Unlimited/);
    expect(checkPoolForm({ ...form, unlimited: false, limitMhz: '100', reservationMhz: '200' }, []).cpuLimitMhz).toMatch(/cannot be below the reservation/);
    expect(poolFieldOf('params.cpuReservationMhz')).toBe('cpuReservationMhz');
    expect(poolFieldOf('params.resourcePoolId')).toBeUndefined();
  });

  it('edits a pool from its settings (a limit shown as a number, Unlimited when −1)', () => {
    expect(poolFormOf(pool(2, 'Low', { cpuLimitMhz: 500 }))).toMatchObject({ name: 'Low', unlimited: false, limitMhz: 500 });
    expect(poolFormOf(pool(1, 'High'))).toMatchObject({ unlimited: true, limitMhz: '' });
  });
});

describe('Resource Allocation › CPU rows', () => {
  it('lists a cluster\'s pools then its root VMs, with % shares among them and measured usage (a pool\'s = its VMs\')', () => {
    const usage = new Map<string, number | null>([['vm-1', 80], ['vm-2', 20], ['vm-3', 55]]);
    const rows = allocationRows(withPools(), 'cluster-1', usage).filter((r) => r.depth === 0);
    expect(rows.map((r) => [r.name, r.kind, r.shares])).toEqual([['High', 'resourcePool', 8000], ['Low', 'resourcePool', 2000], ['VM3', 'vm', 1000]]);
    expect(rows.map((r) => Math.round(r.sharesPercent))).toEqual([73, 18, 9]);
    expect(rows.map((r) => r.usageMhz)).toEqual([80, 20, null]); // VM3 is powered off: nothing measured
    expect(rows[1].limitMhz).toBe(500);
    const inPool = allocationRows(withPools(), 'resgroup-1', usage);
    expect(inPool).toMatchObject([{ name: 'VM1', kind: 'vm', shareLevel: 'normal', sharesPercent: 100, usageMhz: 80 }]);
    expect(vmShareLevelOf({ cpuShares: 4000, vcpus: 2 })).toBe('high');
    // Two connected 4-core 2400 MHz hosts; pool Low reserves nothing, High 0, VM3 0 → then High reserves 1000.
    const inv = withPools();
    expect(reservationTotals(inv, 'cluster-1')).toEqual({ totalMhz: 19200, usedMhz: 0, availableMhz: 19200 });
    inv.resourcePools![0] = { ...inv.resourcePools![0], cpuReservationMhz: 1000 };
    inv.hosts[1] = { ...inv.hosts[1], inMaintenanceMode: true };
    expect(reservationTotals(inv, 'cluster-1')).toEqual({ totalMhz: 9600, usedMhz: 1000, availableMhz: 8600 });
    // High is expandable: its own 1000 MHz, plus what the cluster has unreserved (8600 MHz).
    expect(reservationTotals(inv, 'resgroup-1')).toEqual({ totalMhz: 1000, usedMhz: 0, availableMhz: 9600 });
  });
});

async function setup(inv: InventoryDto): Promise<FakeApi> {
  const api = fakeApi({ 'inventory.get': () => inv });
  setApiForTests(api);
  setActivePinia(createPinia());
  useInventoryStore();
  await flush();
  return api;
}

describe('ACTIONS for resource pools', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('offers New Resource Pool… on a cluster, Edit Resource Settings… and Delete on a pool, Move To… on a VM', async () => {
    await setup(withPools());
    const actions = useObjectActions();
    const { dialog, closeDialog } = useDialogs();
    expect(actions.menuFor('cluster-1').find((i) => i.key === 'newResourcePool')).toMatchObject({ label: 'New Resource Pool…' });
    actions.run('cluster-1', 'newResourcePool');
    expect(dialog.value).toEqual({ kind: 'newPool', parentId: 'cluster-1' });
    expect(actions.menuFor('host-1').find((i) => i.key === 'newResourcePool')).toMatchObject({ disabled: true });
    const poolMenu = actions.menuFor('resgroup-1').map((i) => i.key);
    expect(poolMenu).toEqual(['newResourcePool', 'editResourceSettings', 'movePool', 'sep1', 'deleteResourcePool']);
    expect(actions.menuFor('resgroup-1').find((i) => i.key === 'newResourcePool')?.disabled).toBeFalsy();
    actions.run('resgroup-1', 'newResourcePool');
    expect(dialog.value).toEqual({ kind: 'newPool', parentId: 'resgroup-1' });
    actions.run('resgroup-1', 'editResourceSettings');
    expect(dialog.value).toEqual({ kind: 'editPool', poolId: 'resgroup-1' });
    actions.run('resgroup-1', 'movePool');
    expect(dialog.value).toEqual({ kind: 'movePool', poolId: 'resgroup-1' });
    actions.run('vm-3', 'moveToPool');
    expect(dialog.value).toEqual({ kind: 'moveToPool', vmId: 'vm-3' });
    closeDialog();
  });
});

describe('the pool dialogs', () => {
  it('New Resource Pool sends the form and shows the engine\'s refusal beside the field it names', async () => {
    const api = await setup(withPools());
    api.commandResults['resourcePool.create'] = () => ({ code: 'E_INVALID_ARGUMENT', message: 'The CPU reservation (900 MHz) cannot exceed the limit (500 MHz).', field: 'params.cpuReservationMhz' });
    const w = mount(ResourcePoolDialog, { props: { parentId: 'cluster-1' }, global: { stubs: { teleport: true } } });
    await w.get('[data-testid="pool-name"]').setValue('Production');
    await w.get('[data-testid="pool-shares"]').setValue('high');
    await w.get('form').trigger('submit');
    await flush();
    await nextTick();
    expect(api.commands).toEqual([{ name: 'resourcePool.create', params: { name: 'Production', cpuShareLevel: 'high', cpuReservationMhz: 0, cpuExpandableReservation: true, cpuLimitMhz: -1, clusterId: 'cluster-1' } }]);
    expect(w.get('[data-testid="pool-reservation-error"]').text()).toMatch(/cannot exceed the limit/);
    expect(w.emitted('close')).toBeUndefined();
  });

  it('New Resource Pool refuses a name taken in the cluster before asking the engine', async () => {
    const api = await setup(withPools());
    const w = mount(ResourcePoolDialog, { props: { parentId: 'cluster-1' }, global: { stubs: { teleport: true } } });
    await w.get('[data-testid="pool-name"]').setValue('High');
    await w.get('form').trigger('submit');
    await nextTick();
    expect(api.commands).toEqual([]);
    expect(w.get('[data-testid="pool-name-error"]').text()).toMatch(/'High' already exists/);
  });

  it('Delete shows the engine\'s refusal in words and stays open', async () => {
    const api = await setup(withPools());
    api.commandResults['resourcePool.delete'] = () => ({ code: 'E_INVALID_STATE', message: 'Resource pool High still holds 1 virtual machine (VM1): move them out first.', field: 'params.resourcePoolId' });
    const w = mount(DeletePoolDialog, { props: { poolId: 'resgroup-1' }, global: { stubs: { teleport: true } } });
    await w.get('[data-testid="confirm-ok"]').trigger('click');
    await flush();
    await nextTick();
    expect(w.get('[data-testid="delete-pool-error"]').text()).toBe('Resource pool High still holds 1 virtual machine (VM1): move them out first.');
    expect(w.emitted('close')).toBeUndefined();
  });

  it('Move To… lists the VM\'s cluster\'s pools and moves it', async () => {
    const api = await setup(withPools());
    api.commandResults['vm.moveToPool'] = () => ({ ok: true });
    const w = mount(MoveToPoolDialog, { props: { vmId: 'vm-3' }, global: { stubs: { teleport: true } } });
    expect(w.find('[data-testid="move-pool-resgroup-1"]').exists()).toBe(true);
    await w.get('[data-testid="move-pool-resgroup-2"]').setValue(true);
    await w.get('form').trigger('submit');
    await flush();
    expect(api.commands).toEqual([{ name: 'vm.moveToPool', params: { vmId: 'vm-3', resourcePoolId: 'resgroup-2' } }]);
    expect(w.emitted('close')).toHaveLength(1);
  });

  it('a VM dragged onto a pool in the navigator moves into it', async () => {
    window.location.hash = '';
    const api = await setup(withPools());
    api.commandResults['vm.moveToPool'] = () => ({ ok: true });
    const pinia = createPinia();
    setActivePinia(pinia);
    const w = mount(InventoryTree, { props: { view: 'hosts' }, global: { plugins: [pinia] }, attachTo: document.body });
    await flush();
    useSelectionStore().select('vm-3');
    await flush();
    await nextTick();
    const data = new Map<string, string>();
    const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), getData: (k: string) => data.get(k) ?? '', effectAllowed: '', dropEffect: '' };
    await w.get('[data-testid=tree-node-vm-3]').trigger('dragstart', { dataTransfer });
    await w.get('[data-testid=tree-node-resgroup-2]').trigger('dragover', { dataTransfer });
    await w.get('[data-testid=tree-node-resgroup-2]').trigger('drop', { dataTransfer });
    await flush();
    expect(api.commands).toEqual([{ name: 'vm.moveToPool', params: { vmId: 'vm-3', resourcePoolId: 'resgroup-2' } }]);
    expect(useDialogs().dialog.value).toBeNull();
    w.unmount();
  });
});

/** withPools() plus pool Inner (custom 1000, reservation 300, expandable) inside High, holding VM1 (reserving 500 MHz). */
function nested(): InventoryDto {
  const inv = withPools();
  inv.resourcePools = [
    { ...inv.resourcePools![0], cpuReservationMhz: 200, vmIds: [] },
    inv.resourcePools![1],
    pool(3, 'Inner', { parentPoolId: 'resgroup-1', cpuShares: 1000, cpuShareLevel: 'custom', cpuReservationMhz: 300, vmIds: ['vm-1'] }),
  ];
  inv.vms[0] = { ...inv.vms[0], resourcePoolId: 'resgroup-3', cpuReservationMhz: 500 };
  return inv;
}

describe('pools inside pools in the client', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('the navigator puts a child pool under its pool (whatever the order of the list) and the pool\'s VMs under it', () => {
    const inv = nested();
    inv.resourcePools = [inv.resourcePools![2], inv.resourcePools![0], inv.resourcePools![1]];
    const tree = buildTree(inv, 'hosts');
    expect(tree.nodes.get('cluster-1')?.childIds).toEqual(['host-1', 'host-2', 'resgroup-1', 'resgroup-2']);
    expect(tree.nodes.get('resgroup-1')?.childIds).toEqual(['resgroup-3']);
    expect(tree.nodes.get('resgroup-3')).toMatchObject({ parentId: 'resgroup-1', childIds: ['vm-1'] });
  });

  it('Resource Allocation shows the tree with each pool\'s reserved, unreserved and borrowed CPU', () => {
    const usage = new Map<string, number | null>([['vm-1', 80], ['vm-2', 20]]);
    const rows = allocationRows(nested(), 'cluster-1', usage);
    expect(rows.map((r) => [r.name, r.depth])).toEqual([['High', 0], ['Inner', 1], ['VM1', 2], ['Low', 0], ['VM2', 1], ['VM3', 0]]);
    const byName = new Map(rows.map((r) => [r.name, r]));
    // Inner: VM1 reserves 500 of its 300 → borrows 200 from High; High: 500 reserved of its 200 → borrows 300.
    expect(byName.get('Inner')!.pool).toEqual({ reservedMhz: 500, unreservedMhz: 0, borrowedMhz: 200, expandable: true });
    expect(byName.get('High')!.pool).toEqual({ reservedMhz: 500, unreservedMhz: 0, borrowedMhz: 300, expandable: true });
    expect(byName.get('High')!.usageMhz).toBe(80);
    expect(byName.get('Inner')!.sharesPercent).toBe(100);
    expect(reservationTotals(nested(), 'cluster-1')).toEqual({ totalMhz: 19200, usedMhz: 500, availableMhz: 18700 });
    expect(reservationTotals(nested(), 'resgroup-3')).toEqual({ totalMhz: 300, usedMhz: 500, availableMhz: 18700 });
    const fixed = nested();
    fixed.resourcePools![0] = { ...fixed.resourcePools![0], cpuExpandableReservation: false, cpuReservationMhz: 600 };
    expect(reservationTotals(fixed, 'resgroup-3').availableMhz).toBe(100);
  });

  it('New Resource Pool opened on a pool creates a child pool (parentPoolId), expandable unticked, names checked among its siblings', async () => {
    const api = await setup(nested());
    const w = mount(ResourcePoolDialog, { props: { parentId: 'resgroup-1' }, global: { stubs: { teleport: true } } });
    expect(w.text()).toContain('New Resource Pool — High');
    await w.get('[data-testid="pool-name"]').setValue('Inner');
    await w.get('form').trigger('submit');
    await nextTick();
    expect(w.get('[data-testid="pool-name-error"]').text()).toMatch(/already exists/);
    expect(api.commands).toEqual([]);
    await w.get('[data-testid="pool-name"]').setValue('Low');
    await w.get('[data-testid="pool-expandable"]').setValue(false);
    api.commandResults['resourcePool.create'] = () => ({ code: 'E_INSUFFICIENT_RESOURCES', message: 'Insufficient CPU resources: a new resource pool reserving 0 MHz needs 0 MHz more of reservation.', field: 'params.cpuExpandableReservation' });
    await w.get('form').trigger('submit');
    await flush();
    await nextTick();
    expect(api.commands).toEqual([{ name: 'resourcePool.create', params: { name: 'Low', cpuShareLevel: 'normal', cpuReservationMhz: 0, cpuExpandableReservation: false, cpuLimitMhz: -1, parentPoolId: 'resgroup-1' } }]);
    expect(w.get('[data-testid="pool-expandable-error"]').text()).toMatch(/Insufficient CPU resources/);
  });
});

/** Prod (with Web and Db inside, Web holding Cache) and Test (with its own Web), all in cluster-1. */
function twoWebs(): InventoryDto {
  const inv = makeInventory(3);
  inv.resourcePools = [
    pool(1, 'Prod'), pool(2, 'Web', { parentPoolId: 'resgroup-1' }), pool(3, 'Db', { parentPoolId: 'resgroup-1' }),
    pool(4, 'Cache', { parentPoolId: 'resgroup-2', cpuExpandableReservation: false }), pool(5, 'Test'), pool(6, 'Web', { parentPoolId: 'resgroup-5' }),
  ];
  return inv;
}

describe('moving a pool', () => {
  it('Move To… offers the tree labelled by path, without the pool being moved and its subtree', () => {
    const all = moveTargets(twoWebs(), 'cluster-1');
    expect(all.map((t) => [t.id, t.path, t.depth])).toEqual([
      ['resgroup-1', 'Prod', 0], ['resgroup-3', 'Prod / Db', 1], ['resgroup-2', 'Prod / Web', 1], ['resgroup-4', 'Prod / Web / Cache', 2],
      ['resgroup-5', 'Test', 0], ['resgroup-6', 'Test / Web', 1],
    ]);
    expect(moveTargets(twoWebs(), 'cluster-1', 'resgroup-2').map((t) => t.path)).toEqual(['Prod', 'Prod / Db', 'Test', 'Test / Web']);
    expect(moveTargets(twoWebs(), 'cluster-1', 'resgroup-1').map((t) => t.path)).toEqual(['Test', 'Test / Web']);
  });

  it('the pool\'s Move To… labels same-named pools by path, moves to the root, and shows a refusal in words', async () => {
    const api = await setup(twoWebs());
    api.commandResults['resourcePool.move'] = () => ({ ok: true });
    const w = mount(MoveToPoolDialog, { props: { poolId: 'resgroup-4' }, global: { stubs: { teleport: true } } });
    expect(w.get('[data-testid="move-pool-resgroup-2"]').attributes('aria-label')).toBe('Prod / Web');
    expect(w.get('[data-testid="move-pool-resgroup-6"]').attributes('aria-label')).toBe('Test / Web');
    expect(w.find('[data-testid="move-pool-resgroup-4"]').exists()).toBe(false);
    expect((w.get('[data-testid="move-pool-resgroup-2"]').element as HTMLInputElement).checked).toBe(true);
    await w.get('[data-testid="move-pool-root"]').setValue(true);
    await w.get('form').trigger('submit');
    await flush();
    expect(api.commands).toEqual([{ name: 'resourcePool.move', params: { resourcePoolId: 'resgroup-4' } }]);
    expect(w.emitted('close')).toHaveLength(1);

    api.commands.length = 0;
    api.commandResults['resourcePool.move'] = () => ({ code: 'E_INSUFFICIENT_RESOURCES', message: 'Test cannot take Cache: it would reserve 900 MHz, 400 MHz more than it has.', field: 'params.parentPoolId' });
    const v = mount(MoveToPoolDialog, { props: { poolId: 'resgroup-4' }, global: { stubs: { teleport: true } } });
    await v.get('[data-testid="move-pool-resgroup-5"]').setValue(true);
    await v.get('form').trigger('submit');
    await flush();
    await nextTick();
    expect(api.commands).toEqual([{ name: 'resourcePool.move', params: { resourcePoolId: 'resgroup-4', parentPoolId: 'resgroup-5' } }]);
    expect(v.get('[data-testid="move-pool-error"]').text()).toMatch(/Test cannot take Cache/);
    expect(v.emitted('close')).toBeUndefined();
  });

  it('a pool dragged onto a pool moves into it, onto its cluster to the root, and onto itself not at all', async () => {
    window.location.hash = '';
    const api = await setup(twoWebs());
    api.commandResults['resourcePool.move'] = () => ({ ok: true });
    const pinia = createPinia();
    setActivePinia(pinia);
    const w = mount(InventoryTree, { props: { view: 'hosts' }, global: { plugins: [pinia] }, attachTo: document.body });
    await flush();
    useSelectionStore().select('resgroup-4');
    await flush();
    await nextTick();
    const drag = async (from: string, to: string) => {
      const data = new Map<string, string>();
      const dataTransfer = { setData: (k: string, v: string) => data.set(k, v), getData: (k: string) => data.get(k) ?? '', effectAllowed: '', dropEffect: '' };
      await w.get(`[data-testid=tree-node-${from}]`).trigger('dragstart', { dataTransfer });
      await w.get(`[data-testid=tree-node-${to}]`).trigger('dragover', { dataTransfer });
      await w.get(`[data-testid=tree-node-${to}]`).trigger('drop', { dataTransfer });
      await flush();
    };
    expect(w.get('[data-testid=tree-node-resgroup-4]').attributes('draggable')).toBe('true');
    await drag('resgroup-4', 'resgroup-5');
    await drag('resgroup-4', 'cluster-1');
    await drag('resgroup-4', 'resgroup-4');
    await drag('resgroup-4', 'host-1');
    expect(api.commands).toEqual([
      { name: 'resourcePool.move', params: { resourcePoolId: 'resgroup-4', parentPoolId: 'resgroup-5' } },
      { name: 'resourcePool.move', params: { resourcePoolId: 'resgroup-4' } },
    ]);
    expect(useDialogs().dialog.value).toBeNull();
    // Prod dropped on a pool inside it: the engine refuses, and the refusal is a Failed task in its words.
    api.commandResults['resourcePool.move'] = () => ({ code: 'E_INVALID_ARGUMENT', message: 'Resource pool Prod cannot move into Cache, a pool inside it.', field: 'params.parentPoolId' });
    await drag('resgroup-1', 'resgroup-4');
    expect(api.commands.at(-1)).toEqual({ name: 'resourcePool.move', params: { resourcePoolId: 'resgroup-1', parentPoolId: 'resgroup-4' } });
    expect(useTasksStore().rows[0]).toMatchObject({ operation: 'resourcePool.move', targetId: 'resgroup-1', state: 'error', error: { message: 'Resource pool Prod cannot move into Cache, a pool inside it.' } });
    w.unmount();
  });
});

describe('a pool\'s Summary and settings', () => {
  it('shows Expandable reservation Yes/No and the parent pool, and Edit… opens the pool\'s settings', async () => {
    await setup(twoWebs());
    const cache = mount(PoolSummaryTab, { props: { poolId: 'resgroup-4' } });
    expect(cache.get('[data-testid="pool-summary-expandable"]').text()).toBe('No');
    expect(cache.get('[data-testid="pool-summary-parent"]').text()).toBe('Web');
    expect(mount(PoolSummaryTab, { props: { poolId: 'resgroup-1' } }).get('[data-testid="pool-summary-expandable"]').text()).toBe('Yes');
    await cache.get('[data-testid="pool-summary-edit"]').trigger('click');
    expect(useDialogs().dialog.value).toEqual({ kind: 'editPool', poolId: 'resgroup-4' });
    useDialogs().closeDialog();
  });

  it('Edit Resource Settings… turns Expandable reservation on and off', async () => {
    const api = await setup(twoWebs());
    api.commandResults['resourcePool.update'] = () => ({ ok: true });
    const w = mount(ResourcePoolDialog, { props: { poolId: 'resgroup-4' }, global: { stubs: { teleport: true } } });
    const box = w.get('[data-testid="pool-expandable"]');
    expect((box.element as HTMLInputElement).checked).toBe(false);
    await box.setValue(true);
    await w.get('form').trigger('submit');
    await flush();
    expect(api.commands).toHaveLength(1);
    expect(api.commands[0]).toMatchObject({ name: 'resourcePool.update', params: { resourcePoolId: 'resgroup-4', cpuExpandableReservation: true } });
  });
});
