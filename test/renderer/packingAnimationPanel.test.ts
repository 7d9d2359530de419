// @vitest-environment happy-dom
// The packing animation on the Placement page: Trace asks `placement.solve` for the heuristic's steps,
// Step puts one VM at a time in its host and says why, Back and Reset go back, and the waiting list shrinks.
import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { setApiForTests } from '@renderer/api/client';
import ClusterPackingAnimation from '@renderer/components/cluster/ClusterPackingAnimation.vue';
import type { PlacementSolveResult } from '@shared/model/placement';
import { fakeApi, flush } from './fakeApi';

const asked: unknown[] = [];
const solved: PlacementSolveResult = {
  algo: 'ffd', status: 'optimal', provenOptimal: true, dimensions: ['cpuMhz', 'memMiB'], binsUsed: 1, suspended: 0, source: 'ffd', virtualMs: 0, notes: [], violations: [],
  placement: [{ itemId: 'vm-1', demand: [100, 1024], binId: 'host-1' }, { itemId: 'vm-2', demand: [200, 512], binId: 'host-1' }],
  bins: [{ binId: 'host-1', capacity: [400, 4096], load: [300, 1536], state: 'on' }, { binId: 'host-2', capacity: [400, 4096], load: [0, 0], state: 'on' }],
  trace: [
    { itemId: 'vm-2', placedIds: ['vm-2'], considered: [{ binId: 'host-1', fits: true }], binId: 'host-1', why: 'no open bin before it fits: opened it' },
    { itemId: 'vm-1', placedIds: ['vm-1'], considered: [{ binId: 'host-1', fits: true }], binId: 'host-1', why: 'first bin that fits' },
  ],
};

beforeEach(() => {
  asked.length = 0;
  setApiForTests(fakeApi({ 'placement.solve': (p: unknown) => { asked.push(p); return solved; } }));
  setActivePinia(createPinia());
});

describe('ClusterPackingAnimation', () => {
  it('steps through the trace one VM at a time', async () => {
    const w = mount(ClusterPackingAnimation, { props: { clusterId: 'cluster-1' } });
    await w.find('[data-testid=packing-trace]').trigger('click');
    await flush();
    expect(asked).toEqual([{ algo: 'ffd', clusterId: 'cluster-1', trace: true }]);
    expect(w.find('[data-testid=packing-progress]').text()).toBe('Step 0 of 2');
    expect(w.find('[data-testid=packing-bin-host-1]').attributes('data-vms')).toBe('0');
    await w.find('[data-testid=packing-step]').trigger('click');
    expect(w.find('[data-testid=packing-bin-host-1]').attributes('data-vms')).toBe('1');
    expect(w.find('[data-testid=packing-bin-host-1]').attributes('data-look')).toBe('chosen');
    expect(w.find('[data-testid=packing-last]').text()).toContain('opened it');
    await w.find('[data-testid=packing-step]').trigger('click');
    expect(w.find('[data-testid=packing-progress]').text()).toBe('Step 2 of 2');
    expect(w.find('[data-testid=packing-step]').attributes('disabled')).toBeDefined();
    expect(w.find('[data-testid=packing-waiting]').text()).toContain('1 host(s) used');
    await w.find('[data-testid=packing-back]').trigger('click');
    expect(w.find('[data-testid=packing-progress]').text()).toBe('Step 1 of 2');
    await w.find('[data-testid=packing-reset]').trigger('click');
    expect(w.find('[data-testid=packing-bin-host-1]').attributes('data-vms')).toBe('0');
  });
});
