import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { setApiForTests } from '@renderer/api/client';
import { useInventoryStore } from '@renderer/stores/inventory';
import { useConnectionStore } from '@renderer/stores/connection';
import { askFirstInventory, takeFirstInventory } from '@renderer/api/firstInventory';
import type { InventoryChanges } from '@shared/model/inventoryChanges';
import { ApiException } from '@shared/api/errors';
import type { InventoryOutlineDto } from '@shared/model/inventoryOutline';
import { outlineOf } from '@shared/model/inventoryOutline';
import { fakeApi, flush, makeInventory, makeVm } from './fakeApi';
import type { FakeApi } from './fakeApi';

describe('inventory store', () => {
  let api: FakeApi;
  let inv = makeInventory(3, 1);
  let getInv = vi.fn(() => inv);
  let changesSince = vi.fn((_p: { version: number }): InventoryChanges => ({ version: inv.version, resync: true, updates: [] }));
  beforeEach(() => {
    inv = makeInventory(3, 1);
    getInv = vi.fn(() => inv);
    changesSince = vi.fn((): InventoryChanges => ({ version: inv.version, resync: true, updates: [] }));
    api = fakeApi({ 'inventory.get': getInv, 'inventory.changesSince': changesSince });
    setApiForTests(api);
    setActivePinia(createPinia());
  });
  afterEach(() => { vi.useRealTimers(); });

  it('loads, indexes and builds both navigator trees', async () => {
    const store = useInventoryStore();
    await flush();
    expect(store.vm('vm-2')?.name).toBe('VM2');
    expect(store.nameOf('host-1')).toBe('H1');
    expect(store.tree('hosts')!.nodes.get('host-2')!.childIds).toEqual(['vm-2']);
    expect(store.tree('vms')!.nodes.get('datacenter-1')!.childIds).toHaveLength(3);
  });

  it('applies property changes from the feed without fetching anything', async () => {
    vi.useFakeTimers();
    const store = useInventoryStore();
    await vi.runAllTimersAsync();
    expect(getInv).toHaveBeenCalledTimes(1);
    api.emit({ type: 'inventory.changed', version: 2, updates: [{ op: 'modify', id: 'vm-1', changes: [{ path: 'powerState', value: 'poweredOn' }, { path: 'uptimeMs', value: 5000 }] }] });
    await vi.runAllTimersAsync();
    expect(store.vm('vm-1')?.powerState).toBe('poweredOn');
    expect(store.vm('vm-1')?.uptimeMs).toBe(5000);
    expect(store.tree('hosts')!.nodes.get('vm-1')!.powerState).toBe('poweredOn');
    expect(store.snapshot!.version).toBe(2);

    // A VM enters (and its host's vmIds change), another leaves, an optional property is removed.
    api.emit({
      type: 'inventory.changed', version: 3, updates: [
        { op: 'enter', id: 'vm-4', object: makeVm(4, { hostId: 'host-2' }) },
        { op: 'modify', id: 'host-2', changes: [{ path: 'vmIds', value: ['vm-2', 'vm-4'] }] },
      ],
    });
    api.emit({ type: 'inventory.changed', version: 4, updates: [{ op: 'leave', id: 'vm-3' }, { op: 'modify', id: 'vm-2', changes: [{ path: 'hostId', removed: true }] }] });
    await vi.runAllTimersAsync();
    expect(store.vm('vm-4')?.hostId).toBe('host-2');
    expect(store.tree('hosts')!.nodes.get('host-2')!.childIds).toEqual(['vm-4']);
    expect(store.vm('vm-3')).toBeUndefined();
    expect(store.vm('vm-2') && 'hostId' in store.vm('vm-2')!).toBe(false);
    expect(store.snapshot!.version).toBe(4);

    // Stale versions are skipped; nothing was ever refetched.
    api.emit({ type: 'inventory.changed', version: 2, updates: [{ op: 'modify', id: 'vm-1', changes: [{ path: 'powerState', value: 'poweredOff' }] }] });
    await vi.runAllTimersAsync();
    expect(store.vm('vm-1')?.powerState).toBe('poweredOn');
    expect(getInv).toHaveBeenCalledTimes(1);
    expect(changesSince).not.toHaveBeenCalled();
  });

  it('asks changesSince when it missed versions, and loads everything only on resync', async () => {
    vi.useFakeTimers();
    const store = useInventoryStore();
    await vi.runAllTimersAsync();
    changesSince.mockImplementationOnce(() => ({
      version: 3, resync: false, updates: [{ op: 'modify', id: 'vm-2', changes: [{ path: 'name', value: 'renamed' }] }],
    }));
    // Version 2 never arrived: the store must not apply 3 on top of 1.
    api.emit({ type: 'inventory.changed', version: 3, updates: [{ op: 'modify', id: 'vm-1', changes: [{ path: 'name', value: 'three' }] }] });
    await vi.runAllTimersAsync();
    expect(changesSince).toHaveBeenCalledWith({ version: 1 });
    expect(store.vm('vm-2')?.name).toBe('renamed');
    expect(store.snapshot!.version).toBe(3);
    expect(getInv).toHaveBeenCalledTimes(1);

    inv = { ...makeInventory(2, 9) };
    api.emit({ type: 'inventory.changed', version: 7, updates: [] });
    await vi.runAllTimersAsync();
    expect(changesSince).toHaveBeenLastCalledWith({ version: 3 });
    expect(getInv).toHaveBeenCalledTimes(2); // resync → whole inventory
    expect(store.snapshot!.version).toBe(9);
    expect(store.vm('vm-3')).toBeUndefined();
  });

  it('applies events that arrive while the inventory is being fetched, after it', async () => {
    vi.useFakeTimers();
    let answer: (v: typeof inv) => void = () => undefined;
    api.queries['inventory.get'] = () => new Promise<typeof inv>((r) => { answer = r; });
    const store = useInventoryStore();
    api.emit({ type: 'inventory.changed', version: 1, updates: [{ op: 'modify', id: 'vm-1', changes: [{ path: 'name', value: 'old news' }] }] });
    api.emit({ type: 'inventory.changed', version: 2, updates: [{ op: 'modify', id: 'vm-1', changes: [{ path: 'name', value: 'fresh' }] }] });
    await vi.runAllTimersAsync();
    expect(store.snapshot).toBeNull();
    answer(inv); // as of version 1: the first event is already in it, the second is not
    await vi.runAllTimersAsync();
    expect(store.vm('vm-1')?.name).toBe('fresh');
    expect(store.snapshot!.version).toBe(2);
  });

  it('after a reconnect asks what it missed instead of fetching everything', async () => {
    vi.useFakeTimers();
    const store = useInventoryStore();
    await vi.runAllTimersAsync();
    changesSince.mockImplementationOnce(() => ({ version: 5, resync: false, updates: [{ op: 'leave', id: 'vm-1' }] }));
    useConnectionStore().generation++;
    await vi.runAllTimersAsync();
    expect(changesSince).toHaveBeenCalledWith({ version: 1 });
    expect(store.vm('vm-1')).toBeUndefined();
    expect(getInv).toHaveBeenCalledTimes(1);
  });

  it('reloads on lab.loaded', async () => {
    vi.useFakeTimers();
    const store = useInventoryStore();
    await vi.runAllTimersAsync();
    inv = makeInventory(5, 40);
    api.emit({ type: 'lab.loaded', scenario: 'other' });
    await vi.runAllTimersAsync();
    expect(getInv).toHaveBeenCalledTimes(2);
    expect(store.vm('vm-5')).toBeDefined();
  });

  it('takes the outline the entry asked for before the store existed, with the changes heard since', async () => {
    vi.useFakeTimers();
    // The entry asks at once (api/firstInventory.ts); the answer is in flight while the app loads.
    let answerOutline!: (o: InventoryOutlineDto) => void;
    api.queries['inventory.outline'] = () => new Promise<InventoryOutlineDto>((r) => { answerOutline = r; });
    askFirstInventory(api);
    // A change published before the store subscribes: the store must not lose it.
    api.emit({ type: 'inventory.changed', version: 2, updates: [{ op: 'modify', id: 'vm-1', changes: [{ path: 'name', value: 'renamed early' }] }] });
    const store = useInventoryStore();
    answerOutline(outlineOf(inv)); // as of version 1
    await vi.runAllTimersAsync();
    expect(getInv).toHaveBeenCalledTimes(1);
    expect(store.vm('vm-1')?.name).toBe('renamed early');
    expect(store.snapshot!.version).toBe(2);
    expect(takeFirstInventory()).toBeNull();
  });

  it('asks the whole inventory only once the outline is shown, not with it', async () => {
    vi.useFakeTimers();
    let answerOutline!: (o: InventoryOutlineDto) => void;
    const getOutline = vi.fn(() => new Promise<InventoryOutlineDto>((r) => { answerOutline = r; }));
    api.queries['inventory.outline'] = getOutline;
    askFirstInventory(api);
    const store = useInventoryStore();
    await vi.runAllTimersAsync();
    // Only the outline is on its way: the whole answer would compete with the first paint.
    expect(getOutline).toHaveBeenCalledTimes(1);
    expect(getInv).not.toHaveBeenCalled();
    answerOutline(outlineOf(inv));
    await vi.advanceTimersByTimeAsync(0);
    expect(store.outline).not.toBeNull();
    expect(store.listing?.vms).toHaveLength(3);
    await vi.runAllTimersAsync();
    expect(getInv).toHaveBeenCalledTimes(1);
    expect(store.snapshot).not.toBeNull();
  });

  it('shows the outline the entry asked for until the whole inventory arrives, then only the inventory', async () => {
    vi.useFakeTimers();
    let answer!: (i: typeof inv) => void;
    let answerOutline!: (o: InventoryOutlineDto) => void;
    getInv.mockImplementationOnce(() => new Promise((r) => { answer = r; }) as never);
    const getOutline = vi.fn(() => new Promise<InventoryOutlineDto>((r) => { answerOutline = r; }));
    api.queries['inventory.outline'] = getOutline;
    askFirstInventory(api);
    const store = useInventoryStore();
    answerOutline(outlineOf(inv));
    await vi.runAllTimersAsync();
    // The navigator and the lookups of hosts, clusters, datacenters read the outline; no view sees a cut VM.
    expect(store.snapshot).toBeNull();
    expect(store.tree('hosts')!.nodes.get('host-2')!.childIds).toEqual(['vm-2']);
    expect(store.tree('hosts')!.nodes.get('vm-2')!.name).toBe('VM2');
    expect(store.host('host-1')?.name).toBe('H1');
    expect(store.vm('vm-2')).toBeUndefined();
    expect(store.entity('vm-2')).toBeUndefined();
    // A change heard meanwhile waits for the whole inventory and is applied on it.
    api.emit({ type: 'inventory.changed', version: 2, updates: [{ op: 'modify', id: 'vm-1', changes: [{ path: 'name', value: 'renamed meanwhile' }] }] });
    await vi.runAllTimersAsync();
    answer(inv);
    await vi.runAllTimersAsync();
    expect(store.outline).toBeNull();
    expect(store.vm('vm-2')?.disks).toBeDefined();
    expect(store.vm('vm-1')?.name).toBe('renamed meanwhile');
    expect(store.tree('hosts')!.nodes.get('vm-1')!.name).toBe('renamed meanwhile');
    expect(store.snapshot!.version).toBe(2);
    expect(getOutline).toHaveBeenCalledTimes(1);
    expect(getInv).toHaveBeenCalledTimes(1);
  });

  it('asks the whole inventory at once when the outline fails', async () => {
    vi.useFakeTimers();
    api.queries['inventory.outline'] = () => Promise.reject(new Error('no outline here'));
    askFirstInventory(api);
    const store = useInventoryStore();
    await vi.runAllTimersAsync();
    expect(getInv).toHaveBeenCalledTimes(1);
    expect(store.vm('vm-2')?.name).toBe('VM2');
    expect(store.error).toBeNull();
  });

  it('keeps the outline and says why when the whole inventory fails after it; asking again loads it', async () => {
    vi.useFakeTimers();
    api.queries['inventory.outline'] = () => outlineOf(inv);
    getInv.mockImplementationOnce(() => { throw new ApiException({ code: 'E_TRANSPORT', message: 'the connection to the lab was lost' }); });
    askFirstInventory(api);
    const store = useInventoryStore();
    await vi.runAllTimersAsync();
    expect(store.error).toBe('the connection to the lab was lost');
    expect(store.loading).toBe(false);
    expect(store.tree('hosts')!.nodes.get('host-2')!.childIds).toEqual(['vm-2']);
    expect(store.snapshot).toBeNull();
    await store.load();
    expect(store.error).toBeNull();
    expect(store.vm('vm-2')?.name).toBe('VM2');
    expect(store.outline).toBeNull();
  });

  it('asks again when another lab was loaded before the store took the early answer', async () => {
    vi.useFakeTimers();
    const oldOutline = vi.fn(() => outlineOf(inv));
    api.queries['inventory.outline'] = oldOutline;
    askFirstInventory(api); // answers the old lab
    inv = makeInventory(5, 40);
    api.emit({ type: 'lab.loaded', scenario: 'other' });
    const store = useInventoryStore();
    await vi.runAllTimersAsync();
    expect(oldOutline).toHaveBeenCalledTimes(1);
    expect(getInv).toHaveBeenCalledTimes(1); // the new lab's, without waiting on the stale outline
    expect(store.vm('vm-5')).toBeDefined();
    expect(store.snapshot!.version).toBe(40);
  });
});
