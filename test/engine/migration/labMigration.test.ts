// Live migration in the lab with real guests: every technique moves a running labos VM with real page
// bytes, the destination is verified page by page and by digest, the guest goes on printing what it
// would have printed, the source's memory is released, and users see the task, events and counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migLab, type MigLab } from './migrationLab';
import type { MigrationMode, MigrationOptions } from '../../../src-shared/model/migration';

/** memwrite that finishes (prints its checksum line and exits): the console proves the run went on unchanged. */
const finite = { wss_kib: 2048, rate_pps: 4000, passes: 4, content: 1 };

function latest(lab: MigLab, entityId: string, counter: string): number | undefined {
  const s = lab.q('metrics.query', { entityId, counters: [counter], interval: 'realtime', maxSamples: 1 });
  const v = s.values[counter][0];
  return v === null ? undefined : v;
}

test('pre-copy moves a running VM: verified, on the destination, events, vMotion count, net traffic, source memory released', async () => {
  const lab = await migLab({ vms: [{ name: 'mw', params: { wss_kib: 4096, rate_pps: 3000, passes: 0 } }] });
  lab.advance(600);
  const before = lab.vm('mw');
  const taskId = lab.migrate('mw', 'H1', { bandwidthBytesPerS: 64 * 1048576 });
  const t = lab.finish(taskId);
  assert.equal(t.state, 'success', t.error?.message);
  assert.equal(t.name, 'Relocate virtual machine');
  const st = lab.q('migration.get', { taskId });
  assert.equal(st.status, 'completed');
  assert.equal(st.verified, true);
  assert.equal(st.mismatchedPages, 0);
  assert.equal(st.sourceDigest, st.destinationDigest);
  assert.equal(st.pagesVerified, 2048);
  assert.ok(st.rounds.length >= 2 && st.rounds[0].pagesSent > 0);
  assert.ok(st.downtime! > 0 && st.downtime! < 300, `downtime ${st.downtime}`);
  // QEMU's byte model: normal × (8 + 4096) + zero × (8 + 1) + device state and markers.
  const model = st.ram.normal * 4104 + st.ram.duplicate * 9;
  assert.ok(st.ram.transferred >= model && st.ram.transferred - model < 64 * 1024, `${st.ram.transferred} vs ${model}`);
  const after = lab.vm('mw');
  assert.equal(after.hostId, lab.host('H1').id);
  assert.equal(after.powerState, 'poweredOn');
  const msgs = lab.q('events.list', { limit: 100 }).map((e) => e.message);
  assert.ok(msgs.includes('Migrating mw from H0 to H1'), msgs.join('\n'));
  assert.ok(msgs.includes('Migration of mw from H0 to H1 completed'));
  // The guest keeps running on the destination.
  lab.advance(20_000 - (lab.engine.simStatus().virtualTimeMs % 20_000) + 10);
  assert.equal(lab.vm('mw').guestState === 'running' || lab.vm('mw').guestState === 'halted', true);
  const inv = lab.q('inventory.get', {});
  const cluster = inv.clusters[0].id;
  assert.equal(latest(lab, cluster, 'vmop.numVMotion.latest'), 1);
  assert.equal(latest(lab, inv.datacenters[0].id, 'vmop.numVMotion.latest'), 1);
  const h0 = lab.host('H0').id;
  const h1 = lab.host('H1').id;
  assert.ok(latest(lab, h0, 'net.transmitted.average')! > 0 && latest(lab, h1, 'net.received.average')! > 0);
  // Host memory is counted from the pools: the source holds the hypervisor's reserve only (256 MiB).
  assert.equal(latest(lab, h0, 'mem.consumed.average'), 256 * 1024);
  assert.ok(latest(lab, h1, 'mem.consumed.average')! > 256 * 1024);
  void before;
});

test('after the switch the guest prints exactly what it prints without migrating (each technique)', async () => {
  const reference = await migLab({ vms: [{ name: 'mw', params: finite }] });
  reference.advance(6000);
  const expected = reference.console('mw');
  assert.match(expected, /memwrite: wrote 2048 pages .*checksum 0x[0-9a-f]{8}/);
  for (const mode of ['precopy', 'postcopy', 'stop-copy', 'hybrid'] as MigrationMode[]) {
    const lab = await migLab({ vms: [{ name: 'mw', params: finite }] });
    lab.advance(400);
    const taskId = lab.migrate('mw', 'H1', { mode, bandwidthBytesPerS: 32 * 1048576 });
    const t = lab.finish(taskId);
    assert.equal(t.state, 'success', `${mode}: ${t.error?.message}`);
    assert.equal(lab.q('migration.get', { taskId }).verified, true, mode);
    lab.advance(6000 - lab.engine.simStatus().virtualTimeMs + 2000);
    assert.equal(lab.console('mw'), expected, mode);
  }
});

test('refusals are typed and name the field; nothing changes', async () => {
  const lab = await migLab({
    hosts: 3, noHardwareAssist: [2],
    vms: [{ name: 'a' }, { name: 'big', memoryMiB: 900 }, { name: 'hwvm', monitor: 'hw' }],
  });
  lab.advance(300);
  const vmId = lab.vm('a').id;
  const tryTo = (vm: string, host: string, options: Partial<MigrationOptions> = {}) => lab.tryCmd('vm.migrate', { vmId: lab.vm(vm).id, hostId: lab.host(host).id, options });
  let r = tryTo('a', 'H0');
  assert.ok(!r.ok && r.error.code === 'E_INVALID_STATE' && r.error.field === 'params.hostId');
  r = tryTo('big', 'H1');
  assert.ok(!r.ok && r.error.code === 'E_INSUFFICIENT_RESOURCES', JSON.stringify(r));
  r = tryTo('hwvm', 'H2');
  assert.ok(!r.ok && r.error.code === 'E_INCOMPATIBLE' && /hardware virtualization assist/.test(r.error.message));
  r = tryTo('a', 'H1', { loss: 0.9 });
  assert.ok(!r.ok && r.error.code === 'E_INVALID_ARGUMENT' && r.error.field === 'params.options.loss', JSON.stringify(r));
  r = tryTo('a', 'H1', { compression: 'zstd', compressionLevel: 30 });
  assert.ok(!r.ok && r.error.field === 'params.options.compressionLevel');
  const compat = lab.q('migration.compatibility', { vmId: lab.vm('hwvm').id });
  assert.deepEqual(compat.map((c) => c.compatible), [false, true, false]);
  // Destination entering maintenance mode (it has no powered-on VM to evacuate): refused.
  const m = lab.cmd('host.enterMaintenance', { hostId: lab.host('H2').id });
  r = tryTo('a', 'H2');
  assert.ok(!r.ok && /busy with "Enter maintenance mode"/.test(r.error.message), JSON.stringify(r));
  lab.finish(m.taskId);
  r = tryTo('a', 'H2');
  assert.ok(!r.ok && /maintenance mode/.test(r.error.message));
  // A VM with a task in flight, and a task on a migrating VM: serialized with a clear error.
  const snap = lab.cmd('vm.snapshot.create', { vmId, name: 's1', memory: true });
  r = tryTo('a', 'H1');
  assert.ok(!r.ok && /Another task/.test(r.error.message));
  lab.finish(snap.taskId);
  const mig = lab.migrate('a', 'H1', { bandwidthBytesPerS: 4 * 1048576 });
  const off = lab.tryCmd('vm.powerOff', { vmId });
  assert.ok(!off.ok && /Another task/.test(off.error.message));
  const rec = lab.tryCmd('vm.reconfigure', { vmId, changes: { cpuShares: 2000 } });
  assert.ok(!rec.ok);
  assert.equal(lab.finish(mig).state, 'success');
  assert.equal(lab.vm('a').hostId, lab.host('H1').id);
});

test('cancel and timeout leave the VM running on the source; non-convergence is detected and said', async () => {
  const lab = await migLab({ vms: [{ name: 'mw', params: { wss_kib: 4096, rate_pps: 20000, passes: 0 } }] });
  lab.advance(500);
  const h0 = lab.host('H0').id;
  let taskId = lab.migrate('mw', 'H1', { bandwidthBytesPerS: 8 * 1048576 });
  lab.advance(300);
  lab.cmd('task.cancel', { taskId });
  assert.equal(lab.task(taskId).state, 'cancelled');
  assert.equal(lab.vm('mw').hostId, h0);
  let st = lab.q('migration.get', { taskId });
  assert.equal(st.status, 'cancelled');
  assert.equal(st.verified, true, 'the source is whole');
  taskId = lab.migrate('mw', 'H1', { bandwidthBytesPerS: 8 * 1048576, timeoutMs: 6000 });
  const t = lab.finish(taskId);
  assert.equal(t.state, 'error');
  st = lab.q('migration.get', { taskId });
  assert.equal(st.status, 'cancelled');
  assert.match(st['error-desc']!, /timeout: it does not converge/);
  assert.equal(lab.vm('mw').hostId, h0);
  assert.equal(lab.vm('mw').powerState, 'poweredOn');
  assert.ok(lab.q('events.list', { limit: 50 }).some((e) => /is not converging/.test(e.message)));
  // And it still runs there.
  const c0 = lab.console('mw');
  lab.advance(500);
  assert.equal(lab.vm('mw').guestState === 'running' || lab.vm('mw').guestState === 'halted', true);
  void c0;
});

test('a link cut in pre-copy fails the migration with the VM on the source; in post-copy the VM is lost, and the lab says so', async () => {
  const lab = await migLab({ vms: [{ name: 'a' }, { name: 'b' }] });
  lab.advance(400);
  const t1 = lab.migrate('a', 'H1', { bandwidthBytesPerS: 4 * 1048576, cutAtMs: 200 });
  assert.equal(lab.finish(t1).state, 'error');
  const s1 = lab.q('migration.get', { taskId: t1 });
  assert.equal(s1.status, 'failed');
  assert.equal(lab.vm('a').hostId, lab.host('H0').id);
  assert.equal(lab.vm('a').powerState, 'poweredOn');
  assert.equal(s1.verified, true);
  const t2 = lab.migrate('b', 'H1', { mode: 'postcopy', bandwidthBytesPerS: 2 * 1048576, cutAtMs: 300 });
  assert.equal(lab.finish(t2).state, 'error');
  const s2 = lab.q('migration.get', { taskId: t2 });
  assert.equal(s2.status, 'failed');
  assert.equal(s2.vmLost, true);
  assert.match(s2['error-desc']!, /the VM is lost/);
  assert.equal(lab.vm('b').powerState, 'poweredOff');
  assert.ok(lab.q('events.list', { limit: 50 }).some((e) => e.severity === 'error' && /Cannot migrate b/.test(e.message)));
});

test('data reduction on real bytes: compression (text), XBZRLE (sparse writes), dedup across a gang, all verified', async () => {
  const lab = await migLab({
    hostMemoryGiB: 2,
    vms: [
      { name: 'text', params: { wss_kib: 2048, rate_pps: 2000, passes: 0, content: 1, write_bytes: 4096, fill_kib: 2048 } },
      { name: 'sparse', params: { wss_kib: 2048, rate_pps: 4000, passes: 0 } },
      { name: 'g1', params: { wss_kib: 1024, rate_pps: 500, passes: 0, content: 2, write_bytes: 4, fill_kib: 2048 } },
      { name: 'g2', params: { wss_kib: 1024, rate_pps: 500, passes: 0, content: 2, write_bytes: 4, fill_kib: 2048 } },
    ],
  });
  lab.advance(1500);
  let id = lab.migrate('text', 'H1', { compression: 'zlib', compressionLevel: 6, bandwidthBytesPerS: 16 * 1048576 });
  assert.equal(lab.finish(id).state, 'success');
  let st = lab.q('migration.get', { taskId: id });
  assert.equal(st.verified, true);
  assert.ok(st.compression.pages > 500 && st.compression['compression-rate'] > 2, JSON.stringify(st.compression));
  assert.ok(st.compression['cpu-ms'] > 0);
  id = lab.migrate('sparse', 'H1', { xbzrle: true, bandwidthBytesPerS: 2 * 1048576, downtimeLimitMs: 50 });
  assert.equal(lab.finish(id).state, 'success');
  st = lab.q('migration.get', { taskId: id });
  assert.equal(st.verified, true);
  assert.ok(st['xbzrle-cache'].pages > 100, JSON.stringify(st['xbzrle-cache']));
  assert.ok(st['xbzrle-cache'].bytes < st['xbzrle-cache'].pages * 64);
  id = lab.migrate('g1', 'H1', { dedup: true, bandwidthBytesPerS: 32 * 1048576 }, ['g2']);
  assert.equal(lab.finish(id).state, 'success');
  st = lab.q('migration.get', { taskId: id });
  assert.equal(st.verified, true);
  // g2 holds what g1 holds (the same seed): its random fill goes as references to g1's pages.
  assert.ok(st.dedup['across-vms'] > 400 && st.dedup['across-vms'] + st.dedup['on-destination'] > 500, JSON.stringify(st.dedup));
  assert.equal(lab.vm('g2').hostId, lab.host('H1').id);
});

test('a forced hash collision on every page never corrupts a page: dedup falls back to sending it', async () => {
  const { hostCodecs } = await import('./migrationLab');
  const real = await hostCodecs();
  const colliding = { ...real, hashName: 'constant', hash64: () => 7 };
  const lab = await migLab({
    vms: [{ name: 'g1', params: { wss_kib: 1024, rate_pps: 500, passes: 0, content: 1 } }, { name: 'g2', params: { wss_kib: 1024, rate_pps: 700, passes: 0 } }],
  }, { pageCodecs: colliding });
  lab.advance(1200);
  const id = lab.migrate('g1', 'H1', { dedup: true, bandwidthBytesPerS: 32 * 1048576 }, ['g2']);
  assert.equal(lab.finish(id).state, 'success');
  const st = lab.q('migration.get', { taskId: id });
  assert.equal(st.verified, true);
  assert.equal(st.mismatchedPages, 0);
  assert.ok(st.dedup.collisions > 100, JSON.stringify(st.dedup));
});

test('saving the lab mid-migration: pre-copy rolls back on load, post-copy completes on load', async () => {
  const lab = await migLab({ vms: [{ name: 'a', params: { wss_kib: 2048, rate_pps: 3000, passes: 0 } }, { name: 'b' }] });
  lab.advance(400);
  const pre = lab.migrate('a', 'H1', { bandwidthBytesPerS: 2 * 1048576 });
  const post = lab.migrate('b', 'H1', { mode: 'postcopy', bandwidthBytesPerS: 1048576 });
  lab.advance(300);
  assert.equal(lab.q('migration.get', { taskId: post }).status, 'postcopy-active');
  const saved = lab.engine.saveState();
  const fresh = await migLab({ vms: [] });
  assert.equal(fresh.engine.loadState(structuredClone(saved)), undefined);
  const t1 = fresh.task(pre);
  assert.equal(t1.state, 'error');
  assert.match(t1.error!.message, /rolled back/);
  assert.equal(fresh.vm('a').hostId, fresh.host('H0').id);
  fresh.advance(50);
  assert.equal(fresh.task(post).state, 'success');
  assert.equal(fresh.vm('b').hostId, fresh.host('H1').id);
  assert.equal(fresh.q('migration.get', { taskId: post }).status, 'completed');
  fresh.advance(1000);
  for (const n of ['a', 'b']) assert.ok(['running', 'halted'].includes(fresh.vm(n).guestState), `${n}: ${fresh.vm(n).guestState}`);
});

test('maintenance mode evacuates powered-on VMs by live migration; a scenario migrates at a time', async () => {
  const lab = await migLab({
    hosts: 3, vms: [{ name: 'a' }, { name: 'b', host: 'H0' }, { name: 'c', host: 'H1' }],
    actions: [{ at: '300ms', do: 'migrate', vm: 'c', to: 'H2', options: { mode: 'postcopy' } }],
  });
  lab.advance(200);
  const { taskId } = lab.cmd('host.enterMaintenance', { hostId: lab.host('H0').id });
  const t = lab.finish(taskId);
  assert.equal(t.state, 'success', t.error?.message);
  assert.equal(lab.host('H0').inMaintenanceMode, true);
  for (const n of ['a', 'b']) assert.notEqual(lab.vm(n).hostId, lab.host('H0').id);
  const relocations = lab.q('tasks.list', { limit: 50 }).filter((x) => x.name === 'Relocate virtual machine');
  assert.equal(relocations.length, 3);
  assert.ok(relocations.every((x) => x.state === 'success'));
  assert.equal(lab.vm('c').hostId, lab.host('H2').id);
  assert.ok(relocations.some((x) => x.initiator === 'scenario'));
});
