import { describe, expect, it } from 'vitest';
import { POWER_ACTIONS, powerActionEnabled } from '@renderer/logic/powerActions';
import type { PowerCommand } from '@shared/model/vmPower';
import { POWER_STATE_LABELS, powerOpProblem } from '@shared/model/vmPower';
import { guestStateLabel, powerStateLabel } from '@renderer/logic/format';
import { makeHost, makeVm } from './fakeApi';

const enabled = (vm: Parameters<typeof powerActionEnabled>[1], host = makeHost(1)) =>
  POWER_ACTIONS.filter((a) => powerActionEnabled(a.command, vm, host).enabled).map((a) => a.command);

describe('power action enablement by state', () => {
  it('powered off: only Power On', () => {
    expect(enabled(makeVm(1, { powerState: 'poweredOff' }))).toEqual(['vm.powerOn']);
  });
  it('powered on with tools: everything but Power On', () => {
    expect(enabled(makeVm(1, { powerState: 'poweredOn', toolsStatus: 'toolsOk' }))).toEqual(
      ['vm.powerOff', 'vm.suspend', 'vm.reset', 'vm.shutdownGuest', 'vm.rebootGuest'] satisfies PowerCommand[]);
  });
  it('powered on without tools: guest operations disabled with a reason', () => {
    const vm = makeVm(1, { powerState: 'poweredOn', toolsStatus: 'toolsNotRunning' });
    expect(enabled(vm)).toEqual(['vm.powerOff', 'vm.suspend', 'vm.reset']);
    expect(powerActionEnabled('vm.shutdownGuest', vm).reason).toMatch(/Tools/);
  });
  it('suspended: Power On (resume) and Power Off', () => {
    expect(enabled(makeVm(1, { powerState: 'suspended' }))).toEqual(['vm.powerOn', 'vm.powerOff']);
  });
  it('templates and hosts in maintenance refuse Power On', () => {
    expect(enabled(makeVm(1, { isTemplate: true }))).toEqual([]);
    expect(enabled(makeVm(1), makeHost(1, { inMaintenanceMode: true }))).toEqual([]);
    expect(enabled(makeVm(1), makeHost(1, { connectionState: 'disconnected' }))).toEqual([]);
  });
  it('uses vSphere labels', () => {
    expect(POWER_ACTIONS.map((a) => a.label)).toEqual(['Power On', 'Power Off', 'Suspend', 'Reset', 'Shut Down Guest OS', 'Restart Guest OS']);
  });
  it('gives the engine\'s own reason (one power-state model, @shared/model/vmPower)', () => {
    const vm = makeVm(1, { powerState: 'poweredOn' });
    expect(powerActionEnabled('vm.powerOn', vm).reason).toBe('The attempted operation cannot be performed in the current state (Powered On).');
    expect(powerActionEnabled('vm.powerOn', vm).reason).toBe(powerOpProblem('powerOn', vm));
  });
});

describe('one vocabulary for VM states', () => {
  it('power and guest states read as vSphere words, never raw values', () => {
    expect(powerStateLabel('poweredOn')).toBe(POWER_STATE_LABELS.poweredOn);
    expect(['notRunning', 'running', 'halted', 'crashed'].map((s) => guestStateLabel(s as never))).toEqual(['Not running', 'Running', 'Running (idle)', 'Crashed']);
  });
});
