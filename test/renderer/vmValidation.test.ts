import { describe, expect, it } from 'vitest';
import { fieldOfApiError, validateChanges, validateSpec } from '@renderer/logic/vmValidation';
import { VM_LIMITS, runningChangeProblem, vmLimitMessage, workloadParamsProblem } from '@shared/model/vmLimits';
import { makeHost, makeVm } from './fakeApi';

const ctx = { vms: [makeVm(1, { name: 'web-1' })], hosts: [makeHost(1), makeHost(2, { inMaintenanceMode: true })] };

describe('wizard validation (the contract schema + inventory context)', () => {
  it('accepts a valid spec', () => {
    expect(validateSpec({ name: 'db-1', hostId: 'host-1', vcpus: 2, memoryMiB: 512 }, ctx)).toEqual({});
  });
  it('reports every bad field, not only the first', () => {
    const e = validateSpec({ name: '', hostId: 'host-1', vcpus: 0, memoryMiB: 1.5 }, ctx);
    expect(Object.keys(e).sort()).toEqual(['memoryMiB', 'name', 'vcpus']);
    expect(e.name).toBe('Virtual machine name is required.');
    expect(e.vcpus).toBe(vmLimitMessage('vcpus'));
    expect(e.memoryMiB).toBe('Enter a whole number.');
  });
  it('refuses a duplicate name and a host in maintenance', () => {
    const e = validateSpec({ name: 'web-1', hostId: 'host-2', vcpus: 1, memoryMiB: 64 }, ctx);
    expect(e.name).toMatch(/already exists/);
    expect(e.hostId).toMatch(/maintenance/);
  });
  it('needs a compute resource', () => {
    expect(validateSpec({ name: 'x', vcpus: 1, memoryMiB: 64 }, ctx).hostId).toBe('Select a compute resource.');
  });
  it('validates Edit Settings changes against the shared limits, with their messages', () => {
    expect(validateChanges({ vcpus: 4 })).toEqual({});
    expect(validateChanges({ vcpus: 33, cpuLimitMhz: -2 })).toEqual({ vcpus: vmLimitMessage('vcpus'), cpuLimitMhz: vmLimitMessage('cpuLimitMhz') });
  });
  it('reports nested paging without the hw monitor at paging, as the engine does', () => {
    const spec = { name: 'db-1', hostId: 'host-1' as const, vcpus: 1, memoryMiB: 64 };
    expect(validateSpec({ ...spec, monitor: 'hw', paging: 'nested' }, ctx)).toEqual({});
    expect(validateSpec({ ...spec, monitor: 'interp', paging: 'shadow' }, ctx)).toEqual({});
    expect(validateSpec({ ...spec, monitor: 'bt', paging: 'nested' }, ctx).paging).toMatch(/^Nested paging is hardware two-dimensional paging: it needs the hw monitor/);
    // Edit Settings: the pair the change would make with the VM's current monitor / paging.
    const hwNested = makeVm(1, { monitor: 'hw', paging: 'nested' });
    expect(validateChanges({ monitor: 'pv' }, hwNested).paging).toMatch(/needs the hw monitor/);
    expect(validateChanges({ monitor: 'pv', paging: 'shadow' }, hwNested)).toEqual({});
    expect(validateChanges({ paging: 'nested' }, makeVm(1, { monitor: 'te', paging: 'shadow' })).paging).toMatch(/needs the hw monitor/);
    expect(validateChanges({ vcpus: 2 }, makeVm(1, { monitor: 'te', paging: 'nested' })), 'an untouched pair is not re-checked').toEqual({});
  });
  it('refuses every value beyond a VM limit at its field, with the message the contract and scenarios give', () => {
    const spec = { name: 'big', hostId: 'host-1' as const, vcpus: 1, memoryMiB: 64 };
    expect(validateSpec({ ...spec, vcpus: 40 }, ctx)).toEqual({ vcpus: vmLimitMessage('vcpus') });
    expect(validateSpec({ ...spec, vcpus: VM_LIMITS.vcpus.max, memoryMiB: VM_LIMITS.memoryMiB.max, diskGiB: VM_LIMITS.diskGiB.max }, ctx)).toEqual({});
    const e = validateSpec({ ...spec, memoryMiB: 4097, diskGiB: 2048, pageTableLevels: 3 as never, workloadParams: { wss_kib: 1.5 } }, ctx);
    expect(e).toEqual({
      memoryMiB: vmLimitMessage('memoryMiB'), diskGiB: vmLimitMessage('diskGiB'), pageTableLevels: vmLimitMessage('pageTableLevels'),
      workloadParams: workloadParamsProblem({ wss_kib: 1.5 })!.message,
    });
    expect(e.vcpus).toBeUndefined();
    expect(e.memoryMiB).toMatch(/4096 MB/);
  });
  it('applies the hot-add rules to a VM that is not powered off, with the engine\'s messages', () => {
    const on = makeVm(1, { name: 'web-1', powerState: 'poweredOn', vcpus: 2, memoryBytes: 256 * 2 ** 20 });
    expect(validateChanges({ vcpus: 4 }, on)).toEqual({ vcpus: runningChangeProblem(on, { vcpus: 4 })!.message });
    expect(validateChanges({ vcpus: 4 }, on).vcpus).toBe('The number of virtual CPUs can change only while web-1 is powered off (hot add is not enabled).');
    const hot = { ...on, cpuHotAddEnabled: true, memoryHotAddEnabled: true };
    expect(validateChanges({ vcpus: 4, memoryMiB: 512 }, hot)).toEqual({});
    expect(validateChanges({ vcpus: 1 }, hot).vcpus).toMatch(/can only be increased/);
    expect(validateChanges({ workload: 'idle' }, on).workload).toBe('The workload can change only while web-1 is powered off (it is powered on).');
    expect(validateChanges({ vcpus: 40 }, hot), 'a limit first, then the rule').toEqual({ vcpus: vmLimitMessage('vcpus') });
    expect(validateChanges({ vcpus: 4 }, makeVm(1, { powerState: 'poweredOff' }))).toEqual({});
  });
  it('a CPU limit below the reservation is refused at the limit', () => {
    expect(validateChanges({ cpuReservationMhz: 50, cpuLimitMhz: 20 }, makeVm(1)).cpuLimitMhz).toMatch(/must be at least the reservation/);
    expect(validateChanges({ cpuReservationMhz: 50 }, makeVm(1, { cpuLimitMhz: 20 })).cpuReservationMhz).toMatch(/must be at least the reservation/);
  });
  it('maps an engine ApiError.field to the form field', () => {
    expect(fieldOfApiError({ code: 'E_INVALID_ARGUMENT', message: 'x', field: 'params.spec.memoryMiB' })).toBe('memoryMiB');
    expect(fieldOfApiError({ code: 'E_DUPLICATE_NAME', message: 'x', field: 'params.name' })).toBe('name');
    expect(fieldOfApiError({ code: 'E_INVALID_STATE', message: 'x' })).toBeUndefined();
  });
});
