// @vitest-environment happy-dom
// Monitor › vSphere HA › Heartbeat: the policy in vSphere's words, the heartbeat datastores with their
// accessibility and how each was selected, each host's heartbeat seen (on which datastores) or not, and
// the configuration issue when fewer datastores than HA wants are usable.
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ClusterHeartbeatPanel from '@renderer/components/cluster/ClusterHeartbeatPanel.vue';
import type { HeartbeatDto } from '@shared/model/clusterServices';

const heartbeat: HeartbeatDto = {
  policy: 'allFeasibleDsWithUserPreference',
  datastores: [
    { datastoreId: 'datastore-3', name: 'DC0_datastore3', accessible: true, specified: true },
    { datastoreId: 'datastore-1', name: 'DC0_datastore1', accessible: false, specified: false },
  ],
  hosts: [
    { hostId: 'host-1', hostName: 'hb-H0', seen: true, via: ['datastore-3'] },
    { hostId: 'host-2', hostName: 'hb-H1', seen: false, via: [] },
  ],
  problem: 'The number of vSphere HA heartbeat datastores for this cluster is 1, which is less than required: 2',
};

describe('ClusterHeartbeatPanel', () => {
  it('lists the heartbeat datastores and, per host, whether its heartbeat is seen', () => {
    const w = mount(ClusterHeartbeatPanel, { props: { heartbeat } });
    expect(w.get('[data-testid="ha-heartbeat-policy"]').text()).toBe('Use datastores from the specified list and complement automatically if needed');
    const ds = w.findAll('[data-testid="ha-heartbeat-datastore"]').map((r) => r.findAll('td').map((c) => c.text()));
    expect(ds).toEqual([['DC0_datastore3', 'Accessible', 'Specified'], ['DC0_datastore1', 'Inaccessible', 'Automatically']]);
    const hosts = w.findAll('[data-testid="ha-heartbeat-host"]').map((r) => r.findAll('td').map((c) => c.text()));
    expect(hosts).toEqual([['hb-H0', 'Seen on DC0_datastore3'], ['hb-H1', 'Not seen']]);
    expect(w.get('[data-testid="ha-heartbeat-problem"]').text()).toContain('less than required: 2');
  });

  it('says so when there is no heartbeat datastore, and shows no issue when there are enough', () => {
    const w = mount(ClusterHeartbeatPanel, { props: { heartbeat: { policy: 'allFeasibleDs', datastores: [], hosts: [] } } });
    expect(w.get('[data-testid="ha-heartbeat-datastores"]').text()).toContain('No heartbeat datastore.');
    expect(w.find('[data-testid="ha-heartbeat-problem"]').exists()).toBe(false);
    expect(w.get('[data-testid="ha-heartbeat-policy"]').text()).toBe('Automatically select datastores accessible from the hosts');
  });
});
