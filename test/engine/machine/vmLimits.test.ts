/**
 * The machine reads the VM limits every layer reads (@shared/model/vmLimits): a VM at every maximum the
 * lab accepts builds and runs labos, and one step beyond is refused by the machine's own check with the
 * same message — so nothing the contract accepts fails later for a limit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BOOT_CMDLINE_MAX, MachineConfigError, commandLine, createMachineFactory, machineConfigOfVm, resolveMachineConfig, runMachine, type Machine,
} from '../../../src-main/engine/machine/index';
import type { GuestConfig } from '../../../src-main/engine/vm/guestFactory';
import { DiskChain } from '../../../src-main/engine/snapshot/index';
import { loadGuestCatalogue, loadGuestSources } from '../../../src-main/node/resources';
import { MAX_VM_DISK_BYTES, MAX_VM_MEMORY_BYTES, VM_LIMITS, vmLimitMessage, workloadParamsProblem } from '../../../src-shared/model/vmLimits';

const P = VM_LIMITS.workloadParams;

/** The most parameters, each with the longest name and the widest value the limits allow. */
function widestParams(): Record<string, number> {
  const params: Record<string, number> = {};
  for (let i = 0; i < P.maxCount; i++) params[`k${String(i).padStart(P.keyMaxLength - 1, '0')}`] = i % 2 ? P.valueMin : P.valueMax;
  return params;
}

const maxVm = (over: Partial<GuestConfig> = {}): GuestConfig => ({
  vmId: 'vm-1', name: 'max', vcpus: VM_LIMITS.vcpus.max, memoryBytes: MAX_VM_MEMORY_BYTES, guestOs: 'labos',
  monitor: 'hw', paging: 'nested', pageTableLevels: 4, workload: 'idle', workloadParams: widestParams(), nowNs: 0, ...over,
});

test('the widest workload parameters are within the limits, and any catalogue guest\'s command line with them fits the boot block', () => {
  assert.equal(workloadParamsProblem(widestParams()), undefined);
  const longestName = 'w'.repeat(VM_LIMITS.workload.maxLength);
  for (const base of [longestName, ...loadGuestCatalogue().guests.map((g) => g.cmdline)]) {
    const line = commandLine(base, widestParams());
    assert.ok(line.length <= BOOT_CMDLINE_MAX, `${line.length} > ${BOOT_CMDLINE_MAX}`);
  }
});

test('a VM at every maximum (32 vCPUs, 4 GB, 4-level nested paging, the largest disk, the widest parameters) boots labos', () => {
  const factory = createMachineFactory({ sources: loadGuestSources(), catalogue: loadGuestCatalogue() });
  const disk = new DiskChain(MAX_VM_DISK_BYTES);
  const m = factory(maxVm({ disk }), 1e9, 1) as Machine;
  assert.equal(m.vcpuCount, VM_LIMITS.vcpus.max);
  assert.equal(m.config.memoryBytes, MAX_VM_MEMORY_BYTES);
  runMachine(m, { untilNs: 200_000_000 });
  assert.notEqual(m.state, 'crashed', m.crash?.reason);
  assert.notEqual(m.state, 'off', 'the idle guest keeps running');
  // The disk register counts sectors in 32 bits: the largest disk still reads back its full size.
  assert.equal(m.devices.disk.capacitySectors >>> 0, MAX_VM_DISK_BYTES / 512);
  assert.ok(MAX_VM_DISK_BYTES / 512 <= 0xffff_ffff && (MAX_VM_DISK_BYTES + 2 ** 30) / 512 > 0xffff_ffff, 'one GB more would not fit');
});

test('one step beyond a limit is refused by the machine with the limit\'s own message', () => {
  const at = { clockHz: 1e9, bootNs: 0, cmdline: 'idle' };
  assert.doesNotThrow(() => resolveMachineConfig(machineConfigOfVm(maxVm(), at)));
  const refused = (over: Partial<GuestConfig>, field: string, message: string) => assert.throws(
    () => resolveMachineConfig(machineConfigOfVm(maxVm(over), at)),
    (e: unknown) => e instanceof MachineConfigError && e.field === field && e.message.includes(message),
  );
  refused({ vcpus: VM_LIMITS.vcpus.max + 1 }, 'vcpus', vmLimitMessage('vcpus'));
  refused({ memoryBytes: MAX_VM_MEMORY_BYTES + 4096 }, 'memoryBytes', '4 GiB');
  refused({ pageTableLevels: 3 as never }, 'levels', vmLimitMessage('pageTableLevels'));
  assert.throws(() => resolveMachineConfig({ diskBytes: MAX_VM_DISK_BYTES + 512 }), /diskBytes/);
});
