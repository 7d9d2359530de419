// @vitest-environment happy-dom
// Configure › vSphere Availability: the heartbeat datastore policy and its specified list are shown in
// vSphere's words, and an edit sends the chosen policy and datastores to `cluster.configure`; the engine's
// refusal (naming the list) is shown and the edit stays open.
import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { setApiForTests } from '@renderer/api/client';
import { useInventoryStore } from '@renderer/stores/inventory';
import ClusterConfigureTab from '@renderer/components/cluster/ClusterConfigureTab.vue';
import { defaultDrsSettings, defaultHaSettings } from '@shared/model/clusterServices';
import type { ClusterServicesDto, HaSettings } from '@shared/model/clusterServices';
import type { DatastoreDto } from '@shared/model/inventory';
import { fakeApi, flush, makeInventory } from './fakeApi';
import type { FakeApi } from './fakeApi';

const datastore = (n: number): DatastoreDto => ({
  id: `datastore-${n}`, name: `DC0_datastore${n}`, datacenterId: 'datacenter-1', type: 'VMFS', capacityBytes: 2 ** 40,
  provisionedBytes: 0, freeBytes: 2 ** 40, hostIds: ['host-1', 'host-2'],
});

let ha: HaSettings;
let api: FakeApi;

// Only the settings the page reads; the state halves are the Monitor page's.
const services = () => ({ clusterId: 'cluster-1', ha, drs: defaultDrsSettings(), dpm: { automationLevel: 'off', threshold: 3 } }) as unknown as ClusterServicesDto;

beforeEach(async () => {
  ha = { ...defaultHaSettings(), heartbeatDatastores: { policy: 'userSelectedDs', datastoreIds: ['datastore-2'] } };
  const inv = { ...makeInventory(1), datastores: [datastore(1), datastore(2)] };
  api = fakeApi({ 'inventory.get': () => inv, 'cluster.services': () => services() });
  setApiForTests(api);
  setActivePinia(createPinia());
  await useInventoryStore().load();
});

const stubs = { ClusterDpmSettings: true, ClusterRulesPanel: true, ClusterPlacementPanel: true, ClusterWorkbench: true };

describe('ClusterConfigureTab › heartbeat datastores', () => {
  it('shows the policy and the specified datastores', async () => {
    const w = mount(ClusterConfigureTab, { props: { clusterId: 'cluster-1' }, global: { stubs } });
    await flush();
    expect(w.get('[data-testid="ha-heartbeat-setting"]').text()).toBe('Use datastores only from the specified list; specified: DC0_datastore2');
  });

  it('an edit sends the policy and the checked datastores; a refusal is shown and the edit stays open', async () => {
    const w = mount(ClusterConfigureTab, { props: { clusterId: 'cluster-1' }, global: { stubs } });
    await flush();
    await w.get('[data-testid="ha-edit"]').trigger('click');
    await w.get('[data-testid="ha-heartbeat-policy-select"]').setValue('allFeasibleDsWithUserPreference');
    const boxes = w.findAll('[data-testid="ha-heartbeat-list"] input[type="checkbox"]');
    expect(boxes.map((b) => (b.element as HTMLInputElement).checked)).toEqual([false, true]);
    await boxes[0].setValue(true);
    api.commandResults['cluster.configure'] = () => ({ code: 'E_INVALID_ARGUMENT', message: 'Datastore DC0_datastore1 is not mounted on every host of the cluster, so it cannot be a heartbeat datastore.', field: 'params.ha.heartbeatDatastores.datastoreIds[1]' });
    await w.get('[data-testid="ha-save"]').trigger('click');
    await flush();
    const sent = api.commands.at(-1)!.params as { ha: Pick<HaSettings, 'heartbeatDatastores'> };
    expect(sent.ha.heartbeatDatastores).toEqual({ policy: 'allFeasibleDsWithUserPreference', datastoreIds: ['datastore-2', 'datastore-1'] });
    expect(w.get('[data-testid="ha-error"]').text()).toContain('not mounted on every host');
    expect(w.find('[data-testid="ha-heartbeat-policy-select"]').exists()).toBe(true);
  });
});
