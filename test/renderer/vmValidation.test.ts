import { describe, expect, it } from 'vitest';
import { fieldOfApiError, validateChanges, validateSpec } from '@renderer/logic/vmValidation';
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
    expect(e.vcpus).toBe('Must be ≥ 1.');
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
  it('validates Edit Settings changes', () => {
    expect(validateChanges({ vcpus: 4 })).toEqual({});
    expect(validateChanges({ vcpus: 65, cpuLimitMhz: -2 })).toEqual({ vcpus: 'Must be ≤ 64.', cpuLimitMhz: 'Must be ≥ -1.' });
  });
  it('reports nested paging without the hw monitor at paging, as the engine does', () => {
    const spec = { name: 'db-1', hostId: 'host-1' as const, vcpus: 1, memoryMiB: 64 };
    expect(validateSpec({ ...spec, monitor: 'hw', paging: 'nested' }, ctx)).toEqual({});
    expect(validateSpec({ ...spec, monitor: 'interp', paging: 'shadow' }, ctx)).toEqual({});
    expect(validateSpec({ ...spec, monitor: 'bt', paging: 'nested' }, ctx).paging).toMatch(/^Nested paging is hardware two-dimensional paging: it needs the hw monitor/);
    // Edit Settings: the pair the change would make with the VM's current monitor / paging.
    const hwNested = { monitor: 'hw' as const, paging: 'nested' as const };
    expect(validateChanges({ monitor: 'pv' }, hwNested).paging).toMatch(/needs the hw monitor/);
    expect(validateChanges({ monitor: 'pv', paging: 'shadow' }, hwNested)).toEqual({});
    expect(validateChanges({ paging: 'nested' }, { monitor: 'te', paging: 'shadow' }).paging).toMatch(/needs the hw monitor/);
    expect(validateChanges({ vcpus: 2 }, { monitor: 'te', paging: 'nested' }), 'an untouched pair is not re-checked').toEqual({});
  });
  it('maps an engine ApiError.field to the form field', () => {
    expect(fieldOfApiError({ code: 'E_INVALID_ARGUMENT', message: 'x', field: 'params.spec.memoryMiB' })).toBe('memoryMiB');
    expect(fieldOfApiError({ code: 'E_DUPLICATE_NAME', message: 'x', field: 'params.name' })).toBe('name');
    expect(fieldOfApiError({ code: 'E_INVALID_STATE', message: 'x' })).toBeUndefined();
  });
});
