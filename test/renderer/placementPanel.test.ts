// @vitest-environment happy-dom
// The cluster's Placement page: a feasible plan shows its summary and no explanation; a request the
// engine proves infeasible shows the engine's explanation — its message and the conflicting rules, and
// whether that set is proven minimal — and Apply stays disabled.
import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { setApiForTests } from '@renderer/api/client';
import ClusterPlacementPanel from '@renderer/components/cluster/ClusterPlacementPanel.vue';
import type { PlacementPlanResult } from '@shared/model/placement';
import { fakeApi, flush } from './fakeApi';

function planResult(over: Partial<PlacementPlanResult>, explanation?: PlacementPlanResult['target']['explanation']): PlacementPlanResult {
  return {
    target: {
      algo: 'exact', status: explanation ? 'infeasible' : 'optimal', provenOptimal: !explanation, dimensions: ['cpuMhz', 'memMiB'],
      placement: [{ itemId: 'vm-1', demand: [500, 2048], binId: explanation ? null : 'host-1' }],
      bins: [{ binId: 'host-1', capacity: [4000, 1024], load: [0, 0], state: 'on' }],
      binsUsed: explanation ? 0 : 1, suspended: 0, source: 'cluster', virtualMs: 1, notes: [], violations: [],
      ...(explanation ? { explanation } : {}),
    },
    feasible: !explanation, actions: [], durationMs: 0, moved: 0, migrations: 0, pivots: 0, suspends: 0,
    hostsBefore: 1, hostsAfter: 1, emptiedHostIds: [], standbySavingW: 0, maxConcurrentPerHost: 2,
    estimate: 'cold relocation', violations: [],
    ...over,
  };
}

let plan: PlacementPlanResult;

beforeEach(() => {
  setApiForTests(fakeApi({ 'placement.plan': () => plan }));
  setActivePinia(createPinia());
});

describe('ClusterPlacementPanel', () => {
  it('an infeasible request shows the explanation with its conflicting rules, and Apply stays disabled', async () => {
    plan = planResult({ reason: 'the target placement is infeasible' }, {
      conflicts: ['capacity(memMiB)', 'offline(host-2)'], message: 'the VMs that must run need 2048 memMiB in total; the usable hosts have 1024', minimal: true,
    });
    const w = mount(ClusterPlacementPanel, { props: { clusterId: 'cluster-1' } });
    await w.find('[data-testid=placement-compute]').trigger('click');
    await flush();
    const box = w.find('[data-testid=placement-explanation]');
    expect(box.text()).toContain('need 2048 memMiB in total; the usable hosts have 1024');
    expect(box.text()).toContain('the set is minimal');
    expect(w.findAll('[data-testid=placement-conflicts] li').map((li) => li.text())).toEqual(['capacity(memMiB)', 'offline(host-2)']);
    expect(w.find('[data-testid=placement-infeasible]').text()).toContain('infeasible');
    expect(w.find('[data-testid=placement-apply]').attributes('disabled')).toBeDefined();
  });

  it('says when the conflicting set is not proven minimal', async () => {
    plan = planResult({ reason: 'infeasible' }, { conflicts: ['spread(web)'], message: 'spread(web) needs 3 distinct hosts; 1 are usable', minimal: false });
    const w = mount(ClusterPlacementPanel, { props: { clusterId: 'cluster-1' } });
    await w.find('[data-testid=placement-compute]').trigger('click');
    await flush();
    expect(w.find('[data-testid=placement-explanation]').text()).toContain('not proven minimal');
  });

  it('a feasible plan shows no explanation', async () => {
    plan = planResult({});
    const w = mount(ClusterPlacementPanel, { props: { clusterId: 'cluster-1' } });
    await w.find('[data-testid=placement-compute]').trigger('click');
    await flush();
    expect(w.find('[data-testid=placement-summary]').text()).toContain('1 → 1 host(s)');
    expect(w.find('[data-testid=placement-explanation]').exists()).toBe(false);
  });
});
