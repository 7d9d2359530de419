// @vitest-environment happy-dom
/**
 * Revealing an object in a collapsed navigator tree when it is opened from a link (a task's target, an
 * event's, a list's row): its ancestors expand, it is selected and active, and the tree scrolls to it —
 * also when it was already selected before the user collapsed its folder.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { setApiForTests } from '@renderer/api/client';
import InventoryTree from '@renderer/components/inventory/InventoryTree.vue';
import { useSelectionStore } from '@renderer/stores/selection';
import { fakeApi, flush, makeInventory } from './fakeApi';

beforeEach(() => {
  window.location.hash = '';
  setApiForTests(fakeApi({ 'inventory.get': () => makeInventory(400) }));
  setActivePinia(createPinia());
});

describe('reveal from a link', () => {
  it('expands the ancestors of a VM in a collapsed host, selects it and scrolls it into view', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const w = mount(InventoryTree, { props: { view: 'hosts' }, global: { plugins: [pinia] }, attachTo: document.body });
    const selection = useSelectionStore();
    await flush();
    await nextTick();
    expect(w.find('[data-testid=tree-node-vm-399]').exists()).toBe(false);
    selection.select('vm-399'); // as a task's Target link does
    await flush();
    await nextTick();
    const node = w.get('[data-testid=tree-node-vm-399]');
    expect(node.attributes('aria-selected')).toBe('true');
    expect([...selection.expanded]).toEqual(expect.arrayContaining(['datacenter-1', 'cluster-1', 'host-1']));
    expect(w.get('[role=tree]').attributes('aria-activedescendant')).toBe('tree-hosts-vm-399');
    expect((w.get('[role=tree]').element as HTMLElement).scrollTop).toBeGreaterThan(0);
    w.unmount();
  });

  it('reveals the selected VM again after the user collapsed its host', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const w = mount(InventoryTree, { props: { view: 'hosts' }, global: { plugins: [pinia] }, attachTo: document.body });
    const selection = useSelectionStore();
    await flush();
    selection.select('vm-1');
    await flush();
    await nextTick();
    expect(w.find('[data-testid=tree-node-vm-1]').exists()).toBe(true);
    await w.get('[data-testid=tree-toggle-host-1]').trigger('click'); // collapse H1
    await nextTick();
    expect(w.find('[data-testid=tree-node-vm-1]').exists()).toBe(false);
    selection.select('vm-1'); // the link of a task on vm-1, which is still selected
    await flush();
    await nextTick();
    expect(w.get('[data-testid=tree-node-vm-1]').attributes('aria-selected')).toBe('true');
    w.unmount();
  });
});
