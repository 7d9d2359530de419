import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { setApiForTests } from '@renderer/api/client';
import { useInventoryStore } from '@renderer/stores/inventory';
import { fakeApi, flush, makeInventory, makeVm } from './fakeApi';
import type { FakeApi } from './fakeApi';

describe('inventory store', () => {
  let api: FakeApi;
  let inv = makeInventory(3, 1);
  beforeEach(() => {
    inv = makeInventory(3, 1);
    api = fakeApi({ 'inventory.get': () => inv, 'vm.get': (p: { vmId: string }) => inv.vms.find((v) => v.id === p.vmId) });
    setApiForTests(api);
    setActivePinia(createPinia());
  });

  it('loads, indexes and builds both navigator trees', async () => {
    const store = useInventoryStore();
    await flush();
    expect(store.vm('vm-2')?.name).toBe('VM2');
    expect(store.nameOf('host-1')).toBe('H1');
    expect(store.tree('hosts')!.nodes.get('host-2')!.childIds).toEqual(['vm-2']);
    expect(store.tree('vms')!.nodes.get('datacenter-1')!.childIds).toHaveLength(3);
  });

  it('patches a few changed VMs with vm.get, and refetches everything for new objects', async () => {
    vi.useFakeTimers();
    try {
      const store = useInventoryStore();
      await vi.runAllTimersAsync();
      const getInv = vi.fn(() => inv);
      api.queries['inventory.get'] = getInv;
      inv = { ...inv, version: 2, vms: inv.vms.map((v) => (v.id === 'vm-1' ? { ...v, powerState: 'poweredOn' as const } : v)) };
      api.emit({ type: 'inventory.changed', version: 2, entityIds: ['vm-1'] });
      await vi.runAllTimersAsync();
      expect(store.vm('vm-1')?.powerState).toBe('poweredOn');
      expect(getInv).not.toHaveBeenCalled();
      expect(store.tree('hosts')!.nodes.get('vm-1')!.powerState).toBe('poweredOn');

      inv = { ...inv, version: 3, vms: [...inv.vms, makeVm(4)] };
      api.emit({ type: 'inventory.changed', version: 3, entityIds: ['vm-4'] });
      await vi.runAllTimersAsync();
      expect(getInv).toHaveBeenCalledTimes(1);
      expect(store.vm('vm-4')).toBeDefined();

      // Stale versions are skipped.
      api.emit({ type: 'inventory.changed', version: 2, entityIds: [] });
      await vi.runAllTimersAsync();
      expect(getInv).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
