// Resource pools through vim25 (pyvmomi on the lab-pools scenario): the lab's pools are children of the
// cluster's root pool with their CPU allocation in `config`; CreateResourcePool, UpdateConfig,
// MoveIntoResourcePool and Destroy_Task are the lab's own commands; a pool inside a pool with an expandable
// reservation is created and moved; what the lab does not model (pool memory settings) is refused, as are
// a reservation a non-expandable pool cannot satisfy and deleting a pool that holds a VM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { InventoryDto } from '../../src-shared/model/inventory';
import type { LabPeer } from './helpers/peers';
import { ROOT, pyvmomiAvailable, runPython, startLab } from './helpers/peers';

const HAVE_PYVMOMI = pyvmomiAvailable();
let lab: LabPeer | undefined;

before(async () => {
  if (!HAVE_PYVMOMI) return;
  lab = await startLab({ scenario: 'lab-pools', paused: true });
});
after(async () => { await lab?.close(); });

test('pyvmomi creates, reads, updates, fills and deletes the lab\'s resource pools', { skip: !HAVE_PYVMOMI && 'pyvmomi (python3-pyvmomi) is not installed' }, async () => {
  const r = await runPython(join(ROOT, 'test', 'vim25', 'scripts', 'pools.py'), ['127.0.0.1', 'root', lab!.endpoint.password!, '--port', String(lab!.endpoint.port), '--json']);
  assert.equal(r.code, 0, r.stderr);
  const seen = JSON.parse(r.stdout);
  const inv = await lab!.link.request<InventoryDto>('inventory.get', {});
  const high = inv.resourcePools!.find((p) => p.name === 'High')!;
  const web = inv.vms.find((v) => v.name === 'web-01')!;
  assert.equal(seen.root, `resgroup-c${inv.clusters[0].id.split('-')[1]}`);
  assert.deepEqual(seen.children, ['High', 'Low']);
  assert.deepEqual(seen.high, { id: high.id, parent: seen.root, owner: inv.clusters[0].id, level: 'high', shares: 8000 });
  assert.deepEqual(seen.low, { shares: 3000, reservation: 10, limit: 50 });
  assert.equal(seen.duplicate, 'DuplicateName');
  assert.equal(seen.memory, 'NotSupported');
  assert.equal(seen.low_expandable, false);
  assert.equal(seen.insufficient, 'InsufficientResourcesFault');
  assert.deepEqual(seen.inner, { parent: high.id, expandable: true, high_children: ['Inner'] });
  assert.equal(seen.inner_moved, seen.root);
  assert.equal(seen.web_pool, high.id);
  assert.deepEqual(seen.high_vms, ['web-01']);
  assert.equal(web.resourcePoolId, high.id, 'the lab moved the VM');
  assert.equal(seen.low_after, 2000);
  assert.equal(seen.destroy_busy, 'InvalidState');
  assert.equal(seen.destroy_low, 'success');
  assert.deepEqual(seen.children_after, ['High', 'Inner']);
  assert.deepEqual(inv.resourcePools!.map((p) => [p.name, p.parentPoolId]), [['High', undefined], ['Inner', undefined]]);
});
