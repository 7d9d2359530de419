// The engine runs on the same power-state data and task names the client reads (@shared/model/vmPower,
// @shared/model/taskNames): for every operation and state the engine accepts exactly what
// POWER_TRANSITIONS allows, refuses with the shared reason the client shows, and names its task as the
// client names a refused one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, vmByName } from '../../helpers/labHarness';
import { POWER_OPS, POWER_TRANSITIONS, powerCommand, powerOpProblem } from '../../../src-shared/model/vmPower';
import { OPERATION_NAMES } from '../../../src-shared/model/taskNames';
import type { VmPowerState } from '../../../src-shared/model/inventory';

test('every power operation in every state: accepted as the shared transitions say, refused with the shared reason', () => {
  const states: VmPowerState[] = ['poweredOff', 'poweredOn', 'suspended'];
  for (const state of states) {
    for (const op of POWER_OPS) {
      const h = harness('lab-small');
      const vm = vmByName(h, 'DC0_C0_H0_VM1'); // powered on, tools running
      if (state === 'poweredOff') h.run('vm.powerOff', { vmId: vm.id });
      if (state === 'suspended') h.run('vm.suspend', { vmId: vm.id });
      const dto = h.q('vm.get', { vmId: vm.id });
      assert.equal(dto.powerState, state);
      const host = h.q('host.get', { hostId: dto.hostId! });
      const expected = powerOpProblem(op, dto, host);
      const r = h.tryCmd(powerCommand(op), { vmId: vm.id });
      assert.equal(r.ok, expected === undefined, `${op} from ${state}`);
      assert.equal(POWER_TRANSITIONS[op].from.includes(state), expected === undefined || /Tools/.test(expected), `${op} from ${state}`);
      if (!r.ok) assert.deepEqual([r.error.code, r.error.message], ['E_INVALID_STATE', expected], `${op} from ${state}`);
      else assert.equal(h.q('tasks.list', { limit: 1 })[0].name, OPERATION_NAMES[powerCommand(op)]);
    }
  }
});

test('inventory, snapshot and host tasks carry the shared task names', () => {
  const h = harness('lab-small');
  const vm = vmByName(h, 'DC0_C0_H0_VM0');
  const names = [
    h.run('vm.snapshot.create', { vmId: vm.id, name: 's1' }).name,
    h.run('vm.reconfigure', { vmId: vm.id, changes: { cpuShares: 1500 } }).name,
    h.run('vm.create', { spec: { name: 'n1', vcpus: 1, memoryMiB: 64 } }).name,
  ];
  assert.deepEqual(names, [OPERATION_NAMES['vm.snapshot.create'], OPERATION_NAMES['vm.reconfigure'], OPERATION_NAMES['vm.create']]);
});
