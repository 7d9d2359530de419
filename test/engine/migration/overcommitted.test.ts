// Live migration from an overcommitted host: memory reclamation has taken part of the migrating VMs'
// pages (compressed into the host's cache, swapped, shared within the VM) when the migration starts and
// keeps taking them while it runs. The page stream reads those pages through the host's copies, so both
// pre-copy and post-copy verify at the switch (every page and the digests), the guests' own checks of
// their memory keep finding nothing corrupted on the destination, the VMs leave the source's
// reclamation and join the destination's, and the source host gets its frames back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API_VERSION } from '../../../src-shared/api/channels';
import type { CommandName } from '../../../src-shared/api/commands';
import type { TaskId } from '../../../src-shared/model/ids';
import type { MigrationStats } from '../../../src-shared/model/migration';
import { Lab } from '../../../src-main/engine/lab/lab';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { AWAY_SWAP, AWAY_ZIP } from '../../../src-main/engine/overcommit/vmReclaim';
import { guestOf, hostPool } from '../../helpers/hostSides';

const factory = defaultGuestFactory().factory!;
// Text pages (content 1): they compress into the cache, and one in 16 has the bytes of another (page
// sharing's default scan rate finds some of them: faster, it would share so much that nothing is left to
// compress or swap).
const WORKLOAD = { wss_kib: 8192, rate_pps: 1000, passes: 0, content: 1, verify: 1 };

test('migrating VMs whose pages are partly compressed, swapped and shared: pre-copy and post-copy verify, and the guests find nothing corrupted', () => {
  let id = 0;
  const lab = new Lab({
    version: 1, name: 'overcommitted-migration', title: 'Migrating off an overcommitted host',
    datacenters: [{
      clusters: [{
        name: 'C0',
        hosts: [
          { name: 'snug', memoryGiB: 0.28, cpuMhz: 100, memoryReclamation: { shareScanVmPagesPerSec: 500 } },
          { name: 'roomy', memoryGiB: 1, cpuMhz: 100 },
        ],
      }],
      vms: [
        { name: 'pre', host: 'snug', vcpus: 1, memoryMiB: 64, workload: 'memwrite', workloadParams: { ...WORKLOAD, seed: 1 }, powerOn: true },
        { name: 'post', host: 'snug', vcpus: 1, memoryMiB: 64, workload: 'memwrite', workloadParams: { ...WORKLOAD, seed: 2 }, powerOn: true },
      ],
    }],
  } as never, 5, () => {}, { guestFactory: factory, commands: dispatch });
  const call = (kind: 'command' | 'query', name: string, params: unknown): unknown => {
    const r = dispatch(lab, { v: API_VERSION, id: ++id, kind, name: name as CommandName, params } as never);
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    return r.result;
  };
  const snug = lab.reg.hostByName('snug')!;
  const roomy = lab.reg.hostByName('roomy')!;
  const vms = [lab.reg.vmByName('pre')!, lab.reg.vmByName('post')!];
  const reclaimer = lab.owners.get(snug.id)!.reclaimer()!;

  // Run until reclamation holds pages of both VMs in every way at once.
  const away = () => vms.map((vm) => {
    const r = reclaimer.vm(vm.id);
    let shared = 0;
    guestOf(lab, vm.id)!.scanPages((_g, hfn, refs) => { if (hfn >= 0 && refs > 1) shared++; });
    return { zip: r?.countKind(AWAY_ZIP) ?? 0, swap: r?.countKind(AWAY_SWAP) ?? 0, shared };
  });
  let before = away();
  const enough = () => before.every((a) => a.zip + a.swap > 0 && a.shared > 0) && before.some((a) => a.zip > 0) && before.some((a) => a.swap > 0);
  for (let t = 0; t < 120 && !enough(); t++) {
    lab.advance(500);
    before = away();
  }
  assert.ok(enough(), `compressed, swapped and shared pages: ${JSON.stringify(before)}`);
  const snugPool = hostPool(lab, snug.id)!;
  const heldBefore = snugPool.stats().framesAllocated;

  const migrate = (vmId: string, options: Record<string, unknown>) =>
    (call('command', 'vm.migrate', { vmId, hostId: roomy.id, options: { bandwidthBytesPerS: 32 * 1048576, ...options } }) as { taskId: TaskId }).taskId;
  const tasks = [migrate(vms[0].id, {}), migrate(vms[1].id, { mode: 'postcopy' })];
  const done = () => tasks.every((t) => ['success', 'error', 'cancelled'].includes(lab.tasks.get(t)!.state));
  for (let t = 0; t < 400 && !done(); t++) lab.advance(100);
  for (const t of tasks) {
    const task = lab.tasks.get(t)!;
    assert.equal(task.state, 'success', task.error?.message);
    const st = call('query', 'migration.get', { taskId: t }) as MigrationStats;
    assert.equal(st.verified, true, `${task.name}: verified at the switch`);
    assert.equal(st.mismatchedPages, 0);
    assert.ok(st.pagesVerified >= 16384, `every page compared: ${st.pagesVerified}`);
    assert.equal(st.destinationDigest, st.sourceDigest);
  }
  for (const vm of vms) {
    assert.equal(vm.hostId, roomy.id);
    assert.ok(!reclaimer.vm(vm.id), `${vm.name} left the source's reclamation`);
    assert.ok(lab.owners.get(roomy.id)!.reclaimer()!.vm(vm.id), `${vm.name} joined the destination's`);
  }
  assert.ok(snugPool.stats().framesAllocated < heldBefore / 4, 'the source got its frames back');

  // The guests go on checking their memory on the destination: never a corrupted page.
  const passesBefore = vms.map((vm) => (lab.runtimes.get(vm.id)!.console.read(0).text.match(/verified \d+ pages/g) ?? []).length);
  lab.advance(6000);
  vms.forEach((vm, i) => {
    const text = lab.runtimes.get(vm.id)!.console.read(0).text;
    assert.ok(['running', 'halted'].includes(vm.guestState), `${vm.name}: ${vm.guestState} ${vm.crashReason ?? ''} ${text.slice(-600)}`);
    const checks = [...text.matchAll(/memwrite: verified (\d+) pages, (\d+) corrupted/g)];
    assert.ok(checks.length >= passesBefore[i] + 2, `${vm.name} checked its memory after the move: ${text.slice(-300)}`);
    for (const m of checks) assert.deepEqual([m[1], m[2]], ['2048', '0'], `${vm.name}: no page corrupted`);
  });
});
