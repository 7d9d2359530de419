// Placement plans run with live migrations on real labos guests (the HV32 machine, real page bytes):
// each move is a "Relocate virtual machine" task whose migration is verified page by page at the
// switch-over; the VMs end on their target hosts and keep running; a migration that fails mid-plan
// stops the plan with the reason and leaves its VM running where it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migLab, type MigLab } from '../migration/migrationLab';
import type { HostId, VmId } from '../../../src-shared/model/ids';

/** Three hosts, one small running VM on each: FFD packs them on one host. */
async function spread(): Promise<MigLab> {
  return migLab({
    hosts: 3,
    vms: [{ name: 'a', host: 'H0' }, { name: 'b', host: 'H1' }, { name: 'c', host: 'H2' }].map((v) => ({ ...v, memoryMiB: 8, params: { wss_kib: 512, rate_pps: 500, passes: 0 } })),
  });
}

function targetOf(lab: MigLab, maxConcurrentPerHost: number) {
  const plan = lab.q('placement.plan', { algo: 'ffd', maxConcurrentPerHost, demand: 'configured' });
  assert.equal(plan.feasible, true, plan.reason);
  return { plan, target: plan.target.placement.map((x) => ({ vmId: x.itemId as VmId, hostId: x.binId as HostId })) };
}

test('a plan over running real-guest VMs: every move a verified live migration, the VMs on their targets and running', async () => {
  const lab = await spread();
  lab.advance(20_500); // a real-time sample: the estimate reads consumed memory and the dirty rate
  const { plan, target } = targetOf(lab, 2);
  assert.equal(plan.hostsAfter, 1);
  assert.equal(plan.migrations, 2);
  const { taskId } = lab.cmd('placement.apply', { target, maxConcurrentPerHost: 2 });
  const t = lab.finish(taskId);
  assert.equal(t.state, 'success', t.error?.message);
  const moves = lab.q('tasks.list', { limit: 50 }).filter((x) => x.operation === 'vm.migrate');
  assert.equal(moves.length, 2);
  for (const m of moves) {
    assert.equal(m.name, 'Relocate virtual machine');
    assert.equal(m.state, 'success');
    const st = lab.q('migration.get', { taskId: m.id });
    assert.equal(st.status, 'completed');
    assert.equal(st.verified, true, 'the destination matched the source page by page');
    assert.equal(st.mismatchedPages, 0);
  }
  for (const x of target) {
    const vm = lab.q('vm.get', { vmId: x.vmId });
    assert.equal(vm.hostId, x.hostId);
    assert.equal(vm.powerState, 'poweredOn');
  }
  lab.advance(500);
  for (const n of ['a', 'b', 'c']) assert.ok(['running', 'halted'].includes(lab.vm(n).guestState), `${n} runs on`);
  const elapsed = t.completedAtMs! - t.startedAtMs!;
  assert.ok(elapsed > 0 && elapsed <= 3 * plan.durationMs + 50, `took ${elapsed} ms, estimated ${plan.durationMs} ms`);
});

test('a migration failing mid-plan (its destination loses power) stops the plan; every VM runs, the failed one on its source', async () => {
  const lab = await spread();
  lab.advance(20_500);
  const { target } = targetOf(lab, 1);
  const before = new Map(['a', 'b', 'c'].map((n) => [lab.vm(n).id, lab.vm(n).hostId]));
  const { taskId } = lab.cmd('placement.apply', { target, maxConcurrentPerHost: 1 });
  const migration = () => lab.q('tasks.list', { limit: 10 }).find((x) => x.operation === 'vm.migrate' && x.state === 'running');
  for (let i = 0; i < 200 && !migration(); i++) lab.advance(1);
  const first = migration();
  assert.ok(first, 'the first migration runs');
  const mover = first.targetId as VmId;
  const destHost = target.find((x) => x.vmId === mover)!.hostId;
  lab.cmd('fault.inject', { kind: 'hostCrash', targetId: destHost });
  const t = lab.finish(taskId);
  assert.equal(t.state, 'error');
  assert.match(t.error?.message ?? '', /failed \(power loss\) during the migration/);
  const vm = lab.q('vm.get', { vmId: mover });
  assert.equal(vm.powerState, 'poweredOn', 'the failed move leaves its VM running');
  assert.equal(vm.hostId, before.get(mover), 'on its source');
  assert.equal(lab.q('tasks.list', { limit: 20 }).filter((x) => x.operation === 'vm.migrate').length, 1, 'no further move started');
  lab.advance(300);
  assert.ok(['running', 'halted'].includes(lab.q('vm.get', { vmId: mover }).guestState));
});
