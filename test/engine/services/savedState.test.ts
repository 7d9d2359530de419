// What the cluster services save is checked field by field when a lab is loaded: a genuine save taken
// mid-failover loads; tampered HA/DRS state, fault fields and references are refused naming the field,
// with the current lab kept; a lab saved before the services existed loads with their defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { harness } from '../../helpers/labHarness';
import type { Harness } from '../../helpers/labHarness';
import type { LabState } from '../../../src-main/engine/index';

type Services = { clusters: [string, Record<string, unknown> & { ha: Record<string, unknown> & { admissionControl: Record<string, unknown> }; drs: Record<string, unknown>; declared: { hostId: string }[]; restarts: Record<string, unknown>[] }][] };
const cs = (s: LabState) => s.services['cluster.services'] as Services;
const digest = (h: Harness) => createHash('sha256').update(JSON.stringify(h.engine.digestInput())).digest('hex');

/** lab-ha at 76 s: ha-H0 crashed at 60 s, declared failed at 75 s, the restarts under way. */
function midFailover(): LabState {
  const h = harness('lab-ha');
  h.advance(76_000);
  return h.engine.saveState();
}

const TAMPERED: [string, (s: LabState) => void, RegExp][] = [
  ['an unknown restart priority', (s) => { cs(s).clusters[0][1].ha.defaultRestartPriority = 'urgent'; }, /\.ha\.defaultRestartPriority$/],
  ['100 host failures to tolerate', (s) => { cs(s).clusters[0][1].ha.admissionControl.hostFailuresToTolerate = 100; }, /\.admissionControl\.hostFailuresToTolerate$/],
  ['a DRS threshold of 9', (s) => { cs(s).clusters[0][1].drs.migrationThreshold = 9; }, /\.drs\.migrationThreshold$/],
  ['a restart record in an unknown state', (s) => { cs(s).clusters[0][1].restarts[0].state = 'exploded'; }, /\.restarts\[0\]\.state$/],
  ['a NaN downtime', (s) => { cs(s).clusters[0][1].restarts[0].downtimeMs = NaN; }, /\.restarts\[0\]\.downtimeMs$/],
  ['an injected field', (s) => { cs(s).clusters[0][1].extra = 1; }, /\.extra$/],
  ['state for a cluster that does not exist', (s) => { cs(s).clusters[0][0] = 'cluster-77'; }, /^state\.services\['cluster\.services'\]\.clusters\[0\]\[0\]$/],
  ['a declared host that does not exist', (s) => { cs(s).clusters[0][1].declared[0].hostId = 'host-77'; }, /\.declared\[0\]\.hostId$/],
  ['a failover host that does not exist', (s) => { cs(s).clusters[0][1].ha.admissionControl.failoverHostIds = ['host-77']; }, /\.failoverHostIds\[0\]$/],
  ['a fault of an unknown kind', (s) => { (s.registry.hosts[0] as unknown as { fault: { kind: string } }).fault.kind = 'meteor'; }, /^state\.registry\.hosts\[0\]\.fault\.kind$/],
  ['a crashed host that is powered on', (s) => { s.registry.hosts[0].powerState = 'poweredOn'; }, /^state\.registry\.hosts\[0\]\.powerState$/],
  ['a crashed host that is connected', (s) => { s.registry.hosts[0].connectionState = 'connected'; }, /^state\.registry\.hosts\[0\]\.connectionState$/],
  ['a power-off cause with a bidi override', (s) => { s.registry.vms[0].powerOffCause = 'x\u202E'; }, /^state\.registry\.vms\[0\]\.powerOffCause$/],
  ['a datastore inaccessible since NaN', (s) => { s.registry.datastores[0].inaccessibleSinceMs = NaN; }, /^state\.registry\.datastores\[0\]\.inaccessibleSinceMs$/],
];

test('a save taken mid-failover has the cluster services state, and tampered parts of it are refused naming the field', () => {
  const saved = midFailover();
  assert.equal(saved.registry.hosts[0].fault?.kind, 'crash');
  assert.ok(cs(saved).clusters[0][1].restarts.length > 0, 'the restarts are in the save');
  const h = harness('lab-small', 3);
  h.advance(500);
  const before = digest(h);
  for (const [what, tamper, field] of TAMPERED) {
    const s = structuredClone(saved);
    tamper(s);
    const err = h.engine.loadState(s);
    assert.ok(err, `${what}: accepted`);
    assert.equal(err.code, 'E_INVALID_STATE', what);
    assert.match(err.field ?? '', field, `${what}: field ${err.field} (${err.message})`);
    assert.equal(digest(h), before, `${what}: the current lab changed`);
  }
  assert.equal(h.engine.loadState(structuredClone(saved)), undefined, 'the genuine save loads');
});

test('a lab saved before the cluster services existed loads with their defaults', () => {
  const saved = midFailover();
  delete (saved.services as Record<string, unknown>)['cluster.services'];
  const h = harness('lab-small');
  assert.equal(h.engine.loadState(saved), undefined);
  const dto = h.q('cluster.services', { clusterId: saved.registry.clusters[0].id as never });
  assert.equal(dto.haState.restarts.length, 0);
  assert.equal(dto.ha.defaultRestartPriority, 'medium', "vSphere's default");
});

test('a host with memory-reclamation settings saves and loads (the check knows the field)', () => {
  const h = harness({
    version: 1, name: 'reclaim-save', title: 'reclamation settings saved',
    datacenters: [{
      name: 'DC0',
      hosts: [{ name: 'esx', sockets: 1, coresPerSocket: 2, cpuMhz: 1000, memoryGiB: 1, memoryReclamation: { sharing: false, compressionCachePercent: 5 } }],
      vms: [{ name: 'v', host: 'esx', vcpus: 1, memoryMiB: 64, workload: 'idle', powerOn: true }],
    }],
  });
  h.advance(1_000);
  const saved = h.engine.saveState();
  assert.deepEqual(saved.registry.hosts[0].memoryReclamation, { sharing: false, compressionCachePercent: 5 });
  const other = harness('lab-small');
  assert.equal(other.engine.loadState(saved), undefined);
});
