// One set of VM limits (@shared/model/vmLimits) at the contract: `vm.create` and `vm.reconfigure` refuse a
// value beyond any limit at the field that holds it, with the limit's own message, and change nothing;
// what they accept never fails later for a limit — a VM at every maximum powers on and runs the real
// guest machine, and grows to the maximum by hot add and restarts with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, vmByName } from '../helpers/labHarness';
import { defaultGuestFactory } from '../../src-main/node/guestFactories';
import { VM_LIMITS, runningChangeProblem, vmLimitMessage, workloadParamsProblem } from '../../src-shared/model/vmLimits';
import type { VmSpec, VmChanges } from '../../src-shared/api/commands';

const base: VmSpec = { name: 'limits', vcpus: 1, memoryMiB: 64 };
const P = VM_LIMITS.workloadParams;

/** [changes beyond a limit, the field named, its message] — for vm.create (spec) and vm.reconfigure (changes). */
const BEYOND: [Partial<VmSpec> & VmChanges, string, string][] = [
  [{ vcpus: 40 }, 'vcpus', vmLimitMessage('vcpus')],
  [{ vcpus: VM_LIMITS.vcpus.max + 1 }, 'vcpus', vmLimitMessage('vcpus')],
  [{ vcpus: 0 }, 'vcpus', vmLimitMessage('vcpus')],
  [{ memoryMiB: VM_LIMITS.memoryMiB.max + 1 }, 'memoryMiB', vmLimitMessage('memoryMiB')],
  [{ memoryMiB: 1024 * 1024 }, 'memoryMiB', vmLimitMessage('memoryMiB')],
  [{ pageTableLevels: 3 as never }, 'pageTableLevels', vmLimitMessage('pageTableLevels')],
  [{ workload: 'w'.repeat(VM_LIMITS.workload.maxLength + 1) }, 'workload', vmLimitMessage('workload')],
  [{ workloadParams: Object.fromEntries(Array.from({ length: P.maxCount + 1 }, (_, i) => [`k${i}`, 1])) }, 'workloadParams', vmLimitMessage('workloadParams')],
  [{ workloadParams: { sixteen_chars_xy: 1 } }, 'workloadParams.sixteen_chars_xy', workloadParamsProblem({ sixteen_chars_xy: 1 })!.message],
  [{ workloadParams: { wss_kib: 1.5 } }, 'workloadParams.wss_kib', workloadParamsProblem({ wss_kib: 1.5 })!.message],
  [{ workloadParams: { wss_kib: P.valueMax + 1 } }, 'workloadParams.wss_kib', workloadParamsProblem({ wss_kib: P.valueMax + 1 })!.message],
];
const CREATE_ONLY: typeof BEYOND = [
  [{ diskGiB: VM_LIMITS.diskGiB.max + 1 }, 'diskGiB', vmLimitMessage('diskGiB')],
  [{ guestOs: 'g'.repeat(VM_LIMITS.guestOs.maxLength + 1) }, 'guestOs', vmLimitMessage('guestOs')],
];
const RECONFIGURE_ONLY: typeof BEYOND = [
  [{ cpuShares: VM_LIMITS.cpuShares.max + 1 }, 'cpuShares', vmLimitMessage('cpuShares')],
  [{ cpuReservationMhz: -1 }, 'cpuReservationMhz', vmLimitMessage('cpuReservationMhz')],
  [{ cpuLimitMhz: -2 }, 'cpuLimitMhz', vmLimitMessage('cpuLimitMhz')],
];

test('vm.create refuses every value beyond a limit at params.spec.<field> with the limit\'s message, and changes nothing', () => {
  const h = harness('lab-small');
  const before = JSON.stringify(h.q('inventory.get', {}));
  for (const [over, field, message] of [...BEYOND, ...CREATE_ONLY]) {
    const r = h.tryCmd('vm.create', { spec: { ...base, ...over } as VmSpec });
    assert.equal(r.ok, false, `${field} ${JSON.stringify(over)} should be refused`);
    if (r.ok) continue;
    assert.deepEqual([r.error.code, r.error.field, r.error.message], ['E_INVALID_ARGUMENT', `params.spec.${field}`, message]);
  }
  assert.equal(JSON.stringify(h.q('inventory.get', {})), before);
});

test('vm.reconfigure refuses every value beyond a limit at params.changes.<field> with the same message', () => {
  const h = harness('lab-small');
  const vm = vmByName(h, 'DC0_C0_H0_VM0'); // powered off
  const before = JSON.stringify(h.q('vm.get', { vmId: vm.id }));
  for (const [changes, field, message] of [...BEYOND, ...RECONFIGURE_ONLY]) {
    const r = h.tryCmd('vm.reconfigure', { vmId: vm.id, changes: changes as VmChanges });
    assert.equal(r.ok, false, `${field} ${JSON.stringify(changes)} should be refused`);
    if (r.ok) continue;
    assert.deepEqual([r.error.code, r.error.field, r.error.message], ['E_INVALID_ARGUMENT', `params.changes.${field}`, message]);
  }
  assert.equal(JSON.stringify(h.q('vm.get', { vmId: vm.id })), before);
});

test('hot-add rules: the engine refuses with the shared rule\'s message at the field', () => {
  const h = harness('lab-small');
  const vm = vmByName(h, 'DC0_C0_H0_VM1'); // powered on, hot add off
  const r = h.tryCmd('vm.reconfigure', { vmId: vm.id, changes: { vcpus: 2 } });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.deepEqual([r.error.code, r.error.field], ['E_INVALID_STATE', 'params.changes.vcpus']);
    assert.equal(r.error.message, runningChangeProblem(h.q('vm.get', { vmId: vm.id }), { vcpus: 2 })!.message);
  }
});

test('a VM created at every maximum powers on and runs; hot add to the maximum, then a reset restarts it with that hardware', () => {
  const h = harness('lab-small', 1, defaultGuestFactory().factory!);
  const widest = Object.fromEntries(Array.from({ length: P.maxCount }, (_, i) => [`p${String(i).padStart(P.keyMaxLength - 1, '0')}`, P.valueMax]));
  const made = h.run('vm.create', {
    spec: {
      name: 'max', hostId: 'host-1', vcpus: VM_LIMITS.vcpus.max, memoryMiB: VM_LIMITS.memoryMiB.max, diskGiB: VM_LIMITS.diskGiB.max,
      pageTableLevels: 4, monitor: 'hw', paging: 'nested', workload: 'idle', workloadParams: widest,
    },
  });
  const vmId = (made.result as { vmId: `vm-${number}` }).vmId;
  h.run('vm.powerOn', { vmId });
  h.advance(200);
  let vm = h.q('vm.get', { vmId });
  assert.deepEqual([vm.powerState, vm.vcpus, vm.memoryBytes], ['poweredOn', VM_LIMITS.vcpus.max, VM_LIMITS.memoryMiB.max * 2 ** 20]);
  assert.ok(vm.guestState === 'running' || vm.guestState === 'halted', `${vm.guestState} ${vm.crashReason ?? ''}`);

  // A small VM with hot add grows to the maximum while running; its next start uses the new hardware.
  const small = (h.run('vm.create', { spec: { name: 'grow', hostId: 'host-2', vcpus: 1, memoryMiB: 64, workload: 'idle', cpuHotAddEnabled: true, memoryHotAddEnabled: true } }).result as { vmId: `vm-${number}` }).vmId;
  h.run('vm.powerOn', { vmId: small });
  h.run('vm.reconfigure', { vmId: small, changes: { vcpus: VM_LIMITS.vcpus.max, memoryMiB: VM_LIMITS.memoryMiB.max } });
  h.run('vm.reset', { vmId: small });
  h.advance(200);
  vm = h.q('vm.get', { vmId: small });
  assert.deepEqual([vm.powerState, vm.vcpus], ['poweredOn', VM_LIMITS.vcpus.max]);
  assert.ok(vm.guestState === 'running' || vm.guestState === 'halted', `${vm.guestState} ${vm.crashReason ?? ''}`);
  assert.ok(!h.q('tasks.list', { limit: 100 }).some((t) => t.state === 'error'), 'no task failed');
});
