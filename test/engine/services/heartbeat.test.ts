// vSphere HA's datastore heartbeating: the heartbeat datastores chosen per policy, the master telling an
// isolated host (still heartbeating on its datastores) from a failed one (a crash; or a partition whose
// heartbeat datastores are inaccessible), the validation in cluster.configure and in scenarios, and saves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, vmByName, hostByName } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';
import { loadScenarioSources } from '../../../src-main/node/resources';
import type { ClusterServicesDto } from '../../../src-shared/model/clusterServices';

const services = (h: Harness): ClusterServicesDto => h.q('cluster.services', { clusterId: 'cluster-1' });
const events = (h: Harness, type: string) => h.q('events.list', {}).filter((e) => e.type === type);

/** Three hosts, three shared datastores (VM disks on the first: DC0_datastore1 = datastore-1; then datastore-2, -3). */
function lab(haSettings: Record<string, unknown> = {}, datastores = 3): Record<string, unknown> {
  return {
    version: 1, name: 'hb-lab', title: 'Heartbeat datastores', description: `Three hosts sharing ${datastores} datastores.`,
    datacenters: [{
      name: 'DC0', datastores,
      clusters: [{
        name: 'HB', ha: true, haSettings,
        hosts: [0, 1, 2].map((i) => ({ name: `hb-H${i}`, sockets: 1, coresPerSocket: 2, cpuMhz: 1000, memoryGiB: 4 })),
      }],
      vms: [
        { name: 'a', host: 'hb-H0', vcpus: 1, memoryMiB: 64, workload: 'idle', powerOn: true },
        { name: 'b', host: 'hb-H1', vcpus: 1, memoryMiB: 64, workload: 'idle', powerOn: true },
      ],
    }],
  };
}

test('automatic selection: two datastores every host mounts, accessible ones first; each host\'s heartbeat is seen', () => {
  const h = harness(lab());
  const hb = services(h).haState.heartbeat;
  assert.equal(hb.policy, 'allFeasibleDs');
  assert.deepEqual(hb.datastores.map((d) => d.name), ['DC0_datastore1', 'DC0_datastore2']);
  assert.ok(hb.hosts.every((x) => x.seen && x.via.length === 2));
  assert.equal(hb.problem, undefined);
  assert.ok(!services(h).haState.issues.some((i) => /heartbeat datastores/.test(i)));
  // One becomes inaccessible: vSphere HA selects another.
  h.cmd('fault.inject', { kind: 'datastoreInaccessible', targetId: 'datastore-2' });
  assert.deepEqual(services(h).haState.heartbeat.datastores.map((d) => d.name), ['DC0_datastore1', 'DC0_datastore3']);
  // A cluster with one shared datastore has fewer than HA wants: a configuration issue, as vSphere reports it.
  const one = harness(lab({}, 1));
  assert.match(services(one).haState.heartbeat.problem ?? '', /heartbeat datastores for this cluster is 1, which is less than required: 2/);
  assert.match(services(one).haState.issues.join('\n'), /heartbeat datastores for this cluster is 1, which is less than required: 2/);
  // Both datastores inaccessible: none usable.
  h.cmd('fault.inject', { kind: 'datastoreInaccessible', targetId: 'datastore-1' });
  h.cmd('fault.inject', { kind: 'datastoreInaccessible', targetId: 'datastore-3' });
  assert.match(services(h).haState.issues.join('\n'), /heartbeat datastores for this cluster is 0, which is less than required: 2/);
});

test('no built-in scenario shows the heartbeat datastore issue: every cluster has two shared datastores to heartbeat through', () => {
  const names = Object.keys(loadScenarioSources());
  let clusters = 0;
  for (const name of names) {
    const h = harness(name);
    for (const c of h.q('inventory.get', {}).clusters) {
      clusters++;
      const hb = h.q('cluster.services', { clusterId: c.id }).haState.heartbeat;
      assert.equal(hb.problem, undefined, `${name}: ${c.name}`);
      assert.equal(hb.datastores.filter((d) => d.accessible).length, 2, `${name}: ${c.name}`);
    }
  }
  assert.ok(clusters >= 10, `the built-in scenarios have clusters (${clusters})`);
});

test('isolation: the host keeps writing datastore heartbeats, so the master declares it isolated (not failed) and its isolation response applies', () => {
  const h = harness(lab({ isolationResponse: 'powerOffAndRestart' }));
  const h1 = hostByName(h, 'hb-H1').id;
  h.cmd('fault.inject', { kind: 'hostIsolation', targetId: h1 });
  h.advance(20_000);
  let st = services(h).haState;
  assert.deepEqual(st.failedHostIds, [], 'heartbeats seen at the failure detection time: not declared failed');
  assert.equal(st.heartbeat.hosts.find((x) => x.hostId === h1)!.seen, true);
  assert.equal(vmByName(h, 'b').hostId, h1);
  h.advance(20_000);
  st = services(h).haState;
  assert.deepEqual(st.isolatedHostIds, [h1]);
  assert.deepEqual(st.failedHostIds, []);
  assert.equal(events(h, 'DasHostFailedEvent').length, 0);
  assert.match(events(h, 'DasHostIsolatedEvent')[0].message, /datastore heartbeats seen on DC0_datastore1, DC0_datastore2/);
  const b = vmByName(h, 'b');
  assert.equal(b.powerState, 'poweredOn');
  assert.notEqual(b.hostId, h1, 'the isolation response powered it off and HA restarted it elsewhere');
});

test('crash: no network and no datastore heartbeats, so the host is declared failed at the detection time', () => {
  const h = harness(lab());
  const h0 = hostByName(h, 'hb-H0').id;
  h.cmd('fault.inject', { kind: 'hostCrash', targetId: h0 });
  h.advance(16_000);
  const st = services(h).haState;
  assert.deepEqual(st.failedHostIds, [h0]);
  assert.equal(st.heartbeat.hosts.find((x) => x.hostId === h0)!.seen, false);
  assert.match(events(h, 'DasHostFailedEvent')[0].message, /no network or datastore heartbeats/);
  h.advance(10_000);
  assert.notEqual(vmByName(h, 'a').hostId, h0);
  assert.equal(vmByName(h, 'a').powerState, 'poweredOn');
});

test('partition with inaccessible heartbeat datastores: declared failed; running VMs stay (locks held) until the isolation response stops them', () => {
  const settings = { policy: 'userSelectedDs', datastores: ['DC0_datastore2', 'DC0_datastore3'] };
  for (const response of ['disabled', 'powerOffAndRestart'] as const) {
    const h = harness(lab({ isolationResponse: response, heartbeatDatastores: settings }));
    const h1 = hostByName(h, 'hb-H1').id;
    h.cmd('fault.inject', { kind: 'datastoreInaccessible', targetId: 'datastore-2' });
    h.cmd('fault.inject', { kind: 'datastoreInaccessible', targetId: 'datastore-3' });
    assert.ok(services(h).haState.heartbeat.hosts.every((x) => !x.seen), 'no heartbeat anywhere once both are gone');
    h.cmd('fault.inject', { kind: 'hostIsolation', targetId: h1 });
    h.advance(16_000);
    let st = services(h).haState;
    assert.deepEqual(st.failedHostIds, [h1], `${response}: declared failed at the detection time`);
    assert.match(events(h, 'DasHostFailedEvent')[0].message, /heartbeat datastores show none/);
    assert.equal(vmByName(h, 'b').hostId, h1, 'still running where it was: its disk (datastore1) is held by the partitioned host');
    assert.equal(vmByName(h, 'b').powerState, 'poweredOn');
    h.advance(30_000);
    st = services(h).haState;
    assert.deepEqual(st.failedHostIds, [h1], 'stays declared failed');
    assert.deepEqual(st.isolatedHostIds, []);
    const b = vmByName(h, 'b');
    if (response === 'disabled') {
      assert.equal(b.hostId, h1);
      assert.equal(st.restarts.length, 0);
    } else {
      assert.notEqual(b.hostId, h1);
      assert.equal(b.powerState, 'poweredOn');
      assert.equal(st.restarts[0].state, 'restarted');
    }
  }
});

test('cluster.configure validates the heartbeat datastores and names the field; nothing changes', () => {
  const h = harness(lab());
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ policy: 'userSelectedDs', datastoreIds: [] }, 'params.ha.heartbeatDatastores.datastoreIds', /at least one/],
    [{ policy: 'userSelectedDs', datastoreIds: ['datastore-99'] }, 'params.ha.heartbeatDatastores.datastoreIds[0]', /no datastore/],
    [{ datastoreIds: ['datastore-2', 'datastore-2'] }, 'params.ha.heartbeatDatastores.datastoreIds[1]', /twice/],
  ];
  for (const [hb, field, message] of cases) {
    const r = h.tryCmd('cluster.configure', { clusterId: 'cluster-1', ha: { heartbeatDatastores: hb } } as never);
    assert.equal(r.ok, false);
    if (!r.ok) { assert.equal(r.error.field, field); assert.match(r.error.message, message); }
  }
  const badPolicy = h.tryCmd('cluster.configure', { clusterId: 'cluster-1', ha: { heartbeatDatastores: { policy: 'any' } } } as never);
  assert.equal(badPolicy.ok, false);
  if (!badPolicy.ok) assert.equal(badPolicy.error.field, 'params.ha.heartbeatDatastores.policy');
  assert.deepEqual(services(h).ha.heartbeatDatastores, { policy: 'allFeasibleDs', datastoreIds: [] });
  h.cmd('cluster.configure', { clusterId: 'cluster-1', ha: { heartbeatDatastores: { policy: 'allFeasibleDsWithUserPreference', datastoreIds: ['datastore-3'] } } });
  const hb = services(h).haState.heartbeat;
  assert.deepEqual(hb.datastores.map((d) => [d.name, d.specified]), [['DC0_datastore3', true], ['DC0_datastore1', false]]);
});

test('scenarios name heartbeat datastores; an unknown one is a problem at its path', () => {
  const h = harness(lab({ heartbeatDatastores: { policy: 'userSelectedDs', datastores: ['DC0_datastore3'] } }));
  assert.deepEqual(services(h).ha.heartbeatDatastores, { policy: 'userSelectedDs', datastoreIds: ['datastore-3'] });
  assert.throws(() => harness(lab({ heartbeatDatastores: { datastores: ['nowhere'] } })), /no datastore named "nowhere"/);
});

test('saved and loaded: the settings come back; a lab saved before heartbeat datastores loads with automatic selection; a bad reference is refused', () => {
  const a = harness(lab({ heartbeatDatastores: { policy: 'userSelectedDs', datastores: ['DC0_datastore2'] } }));
  const saved = a.engine.saveState();
  const b = harness(lab());
  assert.equal(b.engine.loadState(structuredClone(saved)), undefined);
  assert.deepEqual(services(b).ha.heartbeatDatastores, { policy: 'userSelectedDs', datastoreIds: ['datastore-2'] });
  type Cs = { clusters: [string, { ha: Record<string, unknown> }][] };
  const old = structuredClone(saved);
  delete (old.services['cluster.services'] as Cs).clusters[0][1].ha.heartbeatDatastores;
  assert.equal(b.engine.loadState(old), undefined);
  assert.deepEqual(services(b).ha.heartbeatDatastores, { policy: 'allFeasibleDs', datastoreIds: [] });
  const bad = structuredClone(saved);
  ((bad.services['cluster.services'] as Cs).clusters[0][1].ha.heartbeatDatastores as { datastoreIds: string[] }).datastoreIds = ['datastore-77'];
  const err = b.engine.loadState(bad);
  assert.match(err?.field ?? '', /\.ha\.heartbeatDatastores\.datastoreIds\[0\]$/);
});

test('an isolated host whose heartbeat datastores then become inaccessible is declared failed; VMs already restarted are not restarted again', () => {
  const h = harness(lab({ isolationResponse: 'powerOffAndRestart', heartbeatDatastores: { policy: 'userSelectedDs', datastores: ['DC0_datastore2'] } }));
  const h1 = hostByName(h, 'hb-H1').id;
  h.cmd('fault.inject', { kind: 'hostIsolation', targetId: h1 });
  h.advance(40_000);
  assert.deepEqual(services(h).haState.isolatedHostIds, [h1]);
  assert.equal(services(h).haState.restarts.length, 1);
  h.cmd('fault.inject', { kind: 'datastoreInaccessible', targetId: 'datastore-2' });
  h.advance(2_000);
  const st = services(h).haState;
  assert.deepEqual(st.failedHostIds, [h1]);
  assert.deepEqual(st.isolatedHostIds, []);
  assert.equal(st.restarts.length, 1);
  assert.equal(st.restarts[0].state, 'restarted');
  assert.equal(events(h, 'DasHostFailedEvent').length, 1);
});
