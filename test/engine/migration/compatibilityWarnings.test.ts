// Compatibility warnings of live migration: what the Migrate wizard shows in yellow beside the errors
// (memory tight below minFree, an overcommitted destination, a host without the hardware assist the
// current one has, a dirty rate pre-copy cannot keep up with, another cluster) on real labos guests;
// a warning never refuses (`vm.migrate` to that host completes, verified), an error still does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../../src-main/engine/index';
import { Lab } from '../../../src-main/engine/lab/lab';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import { hostWarnings } from '../../../src-main/engine/migration/index';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { hostCodecs, wrap } from './migrationLab';

/**
 * H0 and H1 in cluster C0 (1 GiB each; H1 runs `wide`, configured with 700 of its 768 MiB for VMs);
 * S standalone, without hardware assist, so small that an 80 MiB VM leaves it below its minFree (21 MB).
 */
const scenario = {
  version: 1, name: 'warn', title: 'compatibility warnings',
  datacenters: [{
    name: 'DC0',
    clusters: [{ name: 'C0', hosts: [{ name: 'H0', cpuMhz: 100, memoryGiB: 1, coresPerSocket: 4 }, { name: 'H1', cpuMhz: 100, memoryGiB: 1, coresPerSocket: 4 }] }],
    hosts: [{ name: 'S', cpuMhz: 100, memoryGiB: 0.35, coresPerSocket: 4, hardwareAssist: false }],
    vms: [
      { name: 'a', host: 'H0', vcpus: 1, memoryMiB: 80, workload: 'memwrite', workloadParams: { wss_kib: 1024, rate_pps: 2000, passes: 0 }, powerOn: true },
      { name: 'wide', host: 'H1', vcpus: 1, memoryMiB: 700, workload: 'idle', powerOn: true },
      { name: 'fat', host: 'H0', vcpus: 1, memoryMiB: 200, workload: 'idle', powerOn: true },
    ],
  }],
};

async function warnLab() {
  const g = defaultGuestFactory();
  const engine = createEngine({ scenarios: { warn: { file: 'warn.inline', content: scenario } }, guestFactory: g.factory, pageCodecs: await hostCodecs() }, { scenario: 'warn', seed: 1 });
  return wrap(engine);
}

test('each destination lists its warnings beside its errors; the current host none', async () => {
  const lab = await warnLab();
  lab.advance(300);
  const rows = lab.q('migration.compatibility', { vmId: lab.vm('a').id });
  const row = (name: string) => rows.find((r) => r.hostName === name)!;
  assert.deepEqual(row('H0').warnings, []);
  assert.equal(row('H0').compatible, false);

  assert.equal(row('H1').compatible, true);
  assert.deepEqual(row('H1').messages, ['Compatibility checks succeeded.']);
  assert.equal(row('H1').warnings.length, 1, row('H1').warnings.join('\n'));
  assert.match(row('H1').warnings[0], /^Host H1 would be overcommitted: its running VMs would be configured with 780 MB of memory, 102 % of the 768 MB it has for VMs/);

  const s = row('S');
  assert.equal(s.compatible, true, s.messages.join('\n'));
  assert.equal(s.warnings.length, 3, s.warnings.join('\n'));
  assert.match(s.warnings[0], /^Memory on S would be tight: \d+ MB free after the move, below its minFree of 21 MB/);
  assert.match(s.warnings[1], /^Host S has no hardware virtualization assist \(VT-x\/AMD-V\) and H0 has: a runs under the interp monitor and can move/);
  assert.equal(s.warnings[2], 'Host S is a standalone host, not in cluster C0 with H0: after the move a leaves C0, whose DRS and HA no longer manage it.');

  // An error and a warning together: the 200 MiB VM does not fit on S (error), and S is outside C0 (warning).
  const fat = lab.q('migration.compatibility', { vmId: lab.vm('fat').id }).find((r) => r.hostName === 'S')!;
  assert.equal(fat.compatible, false);
  assert.match(fat.messages[0], /^Host S has \d+ MB of free memory; fat needs \d+ MB/);
  assert.ok(fat.warnings.some((w) => w.startsWith('Host S is a standalone host')), fat.warnings.join('\n'));
});

test('a warning never refuses: the VM moves to the warned host, verified; an error still refuses', async () => {
  const lab = await warnLab();
  lab.advance(300);
  const taskId = lab.migrate('a', 'S', { bandwidthBytesPerS: 64 * 1048576 });
  const t = lab.finish(taskId);
  assert.equal(t.state, 'success', t.error?.message);
  assert.equal(lab.q('migration.get', { taskId }).verified, true);
  assert.equal(lab.vm('a').hostId, lab.host('S').id);
  const r = lab.tryCmd('vm.migrate', { vmId: lab.vm('fat').id, hostId: lab.host('S').id, options: {} });
  assert.ok(!r.ok && r.error.code === 'E_INSUFFICIENT_RESOURCES' && r.error.field === 'params.hostId', JSON.stringify(r));
});

test('a dirty rate pre-copy cannot keep up with at the default link is a warning; a slow one is not', () => {
  const lab = new Lab(scenario as never, 1, () => {}, { guestFactory: defaultGuestFactory().factory, commands: dispatch });
  const vm = [...lab.reg.vms.values()].find((v) => v.name === 'a')!;
  const h1 = [...lab.reg.hosts.values()].find((h) => h.name === 'H1')!;
  const MiB = 1048576;
  const converge = (w: string[]) => w.filter((x) => x.includes('may not converge'));
  // Above the 128 MiB/s default bandwidth it never converges (the published model, estimate.ts).
  const fast = converge(hostWarnings(lab.ops, vm, h1, { dirtyBytesPerS: 200 * MiB, consumedBytes: 80 * MiB }));
  assert.deepEqual(fast, ['a dirties 200 MiB/s of memory, too fast for pre-copy at the default 128 MiB/s link and 300 ms downtime limit: it may not converge. On the Technique page choose auto-converge, post-copy, a Xen stop rule, more bandwidth or a longer downtime limit.']);
  assert.deepEqual(converge(hostWarnings(lab.ops, vm, h1, { dirtyBytesPerS: 8 * MiB, consumedBytes: 80 * MiB })), []);
  // No sample yet: nothing is claimed.
  assert.deepEqual(converge(hostWarnings(lab.ops, vm, h1, {})), []);
});
