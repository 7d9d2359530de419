// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import type { SnapshotDto, SnapshotTreeDto } from '@shared/model/inventory';
import { setApiForTests } from '@renderer/api/client';
import SnapshotManager from '@renderer/components/snapshots/SnapshotManager.vue';
import { useDialogs } from '@renderer/composables/useDialogs';
import { fakeApi, flush, makeInventory } from './fakeApi';

const snap = (id: number, parent: number | undefined, children: number[]): SnapshotDto => ({
  id: `snapshot-${id}`, vmId: 'vm-1', name: `s${id}`, description: `d${id}`, createdAtMs: id * 1000, memory: id === 1,
  quiesced: false, powerState: 'poweredOn', sizeBytes: 2 ** 20, parentId: parent ? `snapshot-${parent}` : undefined,
  childIds: children.map((c) => `snapshot-${c}` as const),
});

async function mountWith(tree: SnapshotTreeDto) {
  setApiForTests(fakeApi({ 'inventory.get': () => makeInventory(1), 'vm.snapshot.tree': () => ({ ...tree }) }));
  const pinia = createPinia();
  setActivePinia(pinia);
  const w = mount(SnapshotManager, { props: { vmId: 'vm-1' }, global: { plugins: [pinia] } });
  await flush();
  await flush();
  await nextTick();
  return w;
}

describe('Snapshot Manager', () => {
  it('places "You are here" under the current snapshot and shows details', async () => {
    const w = await mountWith({
      vmId: 'vm-1', rootIds: ['snapshot-1'], currentSnapshotId: 'snapshot-1',
      snapshots: [snap(1, undefined, [2]), snap(2, 1, [])],
    });
    const items = w.findAll('[role=treeitem]');
    expect(items.map((i) => [i.attributes('data-name') ?? 'YOU', i.attributes('aria-level')])).toEqual([
      ['s1', '1'], ['s2', '2'], ['YOU', '2'],
    ]);
    expect(w.get('[data-testid=snapshot-revert]').attributes('disabled')).toBeDefined();
    await items[0].trigger('click');
    expect(w.get('[data-testid=snapshot-detail-name]').text()).toBe('s1');
    expect(w.get('[data-testid=snapshot-detail-memory]').text()).toBe('Yes');
    expect(w.get('[data-testid=snapshot-revert]').attributes('disabled')).toBeUndefined();
  });

  it('with no snapshots: only "You are here", Delete All disabled', async () => {
    const w = await mountWith({ vmId: 'vm-1', rootIds: [], snapshots: [] });
    expect(w.findAll('[role=treeitem]')).toHaveLength(1);
    expect(w.find('[data-testid=snapshot-you-are-here]').exists()).toBe(true);
    expect(w.get('[data-testid=snapshot-delete-all]').attributes('disabled')).toBeDefined();
  });

  it('refetches the tree when its Edit dialog closes (a rename is not an inventory change)', async () => {
    const tree: SnapshotTreeDto = { vmId: 'vm-1', rootIds: ['snapshot-1'], currentSnapshotId: 'snapshot-1', snapshots: [snap(1, undefined, [])] };
    const w = await mountWith(tree);
    expect(w.find('[data-name=s1]').exists()).toBe(true);
    const dialogs = useDialogs();
    dialogs.openDialog({ kind: 'editSnapshot', vmId: 'vm-1', snapshotId: 'snapshot-1' });
    await nextTick();
    tree.snapshots = [{ ...snap(1, undefined, []), name: 'renamed' }];
    dialogs.closeDialog();
    await flush();
    await nextTick();
    expect(w.find('[data-name=renamed]').exists()).toBe(true);
  });
});
