// @vitest-environment happy-dom
/**
 * The object view on a large lab's first load, while only the inventory's outline is in: a datacenter's
 * Summary shows from the outline (the same counts the whole inventory gives), tabs that read whole VMs
 * wait, and when the whole inventory cannot be loaded the tab says why with a way to ask again — the
 * navigator keeps what it shows.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { setApiForTests } from '@renderer/api/client';
import { askFirstInventory } from '@renderer/api/firstInventory';
import ObjectView from '@renderer/views/ObjectView.vue';
import { useInventoryStore } from '@renderer/stores/inventory';
import { useSelectionStore } from '@renderer/stores/selection';
import { ApiException } from '@shared/api/errors';
import type { InventoryDto } from '@shared/model/inventory';
import { outlineOf } from '@shared/model/inventoryOutline';
import { fakeApi, flush, makeInventory } from './fakeApi';
import type { FakeApi } from './fakeApi';

// happy-dom has no canvas: component tests never mount Chart.js.
vi.mock('chart.js', () => ({ Chart: class { static register() {} destroy() {} update() {} }, LineController: {}, LineElement: {}, PointElement: {}, LinearScale: {}, Filler: {}, Tooltip: {} }));

/** Four VMs, one of them a template and one powered on, so the counts say something. */
function lab(): InventoryDto {
  const inv = makeInventory(4);
  inv.vms[1] = { ...inv.vms[1], powerState: 'poweredOn' };
  inv.vms[3] = { ...inv.vms[3], isTemplate: true };
  return inv;
}

describe('the object view before the whole inventory is in', () => {
  let api: FakeApi;
  let whole: () => Promise<InventoryDto>;
  beforeEach(() => {
    window.location.hash = '';
    whole = () => new Promise(() => undefined); // not answered unless a test says so
    api = fakeApi({ 'inventory.outline': () => outlineOf(lab()), 'inventory.get': () => whole(), 'metrics.catalog': () => [] });
    setApiForTests(api);
    setActivePinia(createPinia());
  });
  afterEach(() => { document.body.innerHTML = ''; });

  async function open(id: string) {
    const pinia = createPinia();
    setActivePinia(pinia);
    askFirstInventory(api);
    const w = mount(ObjectView, { global: { plugins: [pinia] }, attachTo: document.body });
    await flush();
    useSelectionStore().select(id);
    await flush();
    await nextTick();
    return w;
  }

  it("shows a datacenter's Summary from the outline, with the counts of the whole inventory", async () => {
    const w = await open('datacenter-1');
    expect(useInventoryStore().snapshot).toBeNull();
    expect(w.find('[data-testid=inventory-arriving]').exists()).toBe(false);
    const fromOutline = w.get('[data-testid=datacenter-summary]').text();
    expect(w.get('[data-testid=summary-vm-count]').text()).toBe('3 (1 powered on)');
    expect(w.get('[data-testid=summary-host-count]').text()).toBe('2');
    // The same Summary once the whole inventory is in.
    const inv = lab();
    whole = async () => inv;
    await useInventoryStore().load();
    await nextTick();
    expect(useInventoryStore().snapshot).not.toBeNull();
    expect(w.get('[data-testid=datacenter-summary]').text()).toBe(fromOutline);
    w.unmount();
  });

  it("keeps a host's Summary waiting: it reads whole VMs", async () => {
    const w = await open('host-1');
    expect(w.get('[data-testid=object-name]').text()).toBe('H1');
    expect(w.get('[data-testid=inventory-arriving]').text()).toBe('Loading the lab…');
    w.unmount();
  });

  /** Opens `id` with the whole inventory failing after the outline; returns once the store has the error. */
  async function openWithWholeFailing(id: string) {
    whole = () => Promise.reject(new ApiException({ code: 'E_TRANSPORT', message: 'the connection to the lab was lost' }));
    const w = await open(id);
    await vi.waitFor(() => expect(useInventoryStore().error).not.toBeNull());
    await nextTick();
    return w;
  }
  const FAILED = "The lab's inventory could not be loaded: the connection to the lab was lost";

  it('says why when the whole inventory fails after the outline, keeps the tree, and loads on Try again', async () => {
    const w = await openWithWholeFailing('host-1');
    expect(w.find('[data-testid=inventory-arriving]').exists()).toBe(false);
    expect(w.get('[data-testid=inventory-failed]').text()).toContain(FAILED);
    expect(useInventoryStore().tree('hosts')!.nodes.get('host-1')!.name).toBe('H1');
    const inv = lab();
    whole = async () => inv;
    await w.get('[data-testid=inventory-retry]').trigger('click');
    await flush();
    await nextTick();
    expect(w.find('[data-testid=inventory-failed]').exists()).toBe(false);
    expect(useInventoryStore().snapshot).not.toBeNull();
    expect(w.find('[data-testid=inventory-arriving]').exists()).toBe(false);
    w.unmount();
  });

  it('says why on a VM too, whose header waits for the whole inventory (the outline cuts VMs)', async () => {
    const w = await openWithWholeFailing('vm-2');
    expect(w.get('[data-testid=inventory-failed]').text()).toContain(FAILED);
    expect(w.find('[data-testid=inventory-retry]').exists()).toBe(true);
    w.unmount();
  });
});
