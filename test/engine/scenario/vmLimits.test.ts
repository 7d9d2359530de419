// Scenario files read the one set of VM limits (@shared/model/vmLimits): a value beyond a limit anywhere a
// VM is described (a vmsPerHost group, a template, an explicit VM, a reconfigure action) is refused at its
// path with the message `vm.create` gives; a VM inheriting a template is checked as it will be built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateScenario } from '../../../src-main/engine/index';
import { VM_LIMITS, cpuAllocationProblem, vmLimitMessage } from '../../../src-shared/model/vmLimits';

const base = () => ({
  version: 1, name: 'limits', title: 'limits',
  datacenters: [{
    name: 'DC',
    clusters: [{ name: 'C', hosts: [{ name: 'esx-1' }], vmsPerHost: [{ count: 1, workload: 'idle' }] }],
    templates: [{ name: 'tmpl', host: 'esx-1', vcpus: 2, memoryMiB: 96 }],
    vms: [{ name: 'explicit', host: 'esx-1', fromTemplate: 'tmpl' }],
  }],
  actions: [{ at: '1s', do: 'reconfigure', vm: 'explicit', changes: { cpuShares: 2000 } }],
} as Record<string, any>);

function problem(content: unknown): { field?: string; message: string } | undefined {
  const v = validateScenario({ file: 'limits.yaml', content });
  return 'error' in v ? { field: v.error.field, message: v.error.message } : undefined;
}

function refusedAt(mutate: (s: Record<string, any>) => void, field: string, message: string): void {
  const s = base();
  mutate(s);
  const p = problem(s);
  assert.ok(p, `expected an error at ${field}`);
  assert.equal(p!.field, field, p!.message);
  assert.equal(p!.message, `limits.yaml: ${field}: ${message}`);
}

test('40 vCPUs (or any value beyond a limit) are refused wherever a VM is described, with vm.create\'s message', () => {
  assert.equal(problem(base()), undefined);
  const dc = 'scenario.datacenters[0]';
  refusedAt((s) => { s.datacenters[0].vms[0].vcpus = 40; }, `${dc}.vms[0].vcpus`, vmLimitMessage('vcpus'));
  refusedAt((s) => { s.datacenters[0].templates[0].vcpus = 40; }, `${dc}.templates[0].vcpus`, vmLimitMessage('vcpus'));
  refusedAt((s) => { s.datacenters[0].clusters[0].vmsPerHost[0].vcpus = 40; }, `${dc}.clusters[0].vmsPerHost[0].vcpus`, vmLimitMessage('vcpus'));
  refusedAt((s) => { s.actions[0].changes = { vcpus: 40 }; }, 'scenario.actions[0].changes.vcpus', vmLimitMessage('vcpus'));
  refusedAt((s) => { s.datacenters[0].vms[0].memoryMiB = VM_LIMITS.memoryMiB.max + 1; }, `${dc}.vms[0].memoryMiB`, vmLimitMessage('memoryMiB'));
  refusedAt((s) => { s.datacenters[0].vms[0].diskGiB = VM_LIMITS.diskGiB.max + 1; }, `${dc}.vms[0].diskGiB`, vmLimitMessage('diskGiB'));
  refusedAt((s) => { s.datacenters[0].vms[0].pageTableLevels = 3; }, `${dc}.vms[0].pageTableLevels`, vmLimitMessage('pageTableLevels'));
  refusedAt((s) => { s.datacenters[0].vms[0].cpuShares = 0; }, `${dc}.vms[0].cpuShares`, vmLimitMessage('cpuShares'));
  refusedAt((s) => { s.datacenters[0].vms[0].workloadParams = { passes: -(2 ** 31) - 1 }; }, `${dc}.vms[0].workloadParams.passes`,
    'Workload parameter passes must be a whole number from -2147483648 to 4294967295: labos reads 32-bit numbers.');
});

test('every maximum is accepted', () => {
  const s = base();
  Object.assign(s.datacenters[0].vms[0], {
    vcpus: VM_LIMITS.vcpus.max, memoryMiB: VM_LIMITS.memoryMiB.max, diskGiB: VM_LIMITS.diskGiB.max, pageTableLevels: 4,
    cpuShares: VM_LIMITS.cpuShares.max, cpuReservationMhz: 0, cpuLimitMhz: VM_LIMITS.cpuLimitMhz.max,
  });
  assert.equal(problem(s), undefined);
});

test('a CPU limit below the reservation is refused on the VM as built (its template\'s reservation counts), and in an action', () => {
  const message = cpuAllocationProblem({ cpuReservationMhz: 50, cpuLimitMhz: 20 })!;
  refusedAt((s) => { Object.assign(s.datacenters[0].vms[0], { cpuReservationMhz: 50, cpuLimitMhz: 20 }); }, 'scenario.datacenters[0].vms[0].cpuLimitMhz', message);
  refusedAt((s) => { s.datacenters[0].templates[0].cpuReservationMhz = 50; s.datacenters[0].vms[0].cpuLimitMhz = 20; }, 'scenario.datacenters[0].vms[0].cpuLimitMhz', message);
  refusedAt((s) => { s.actions[0].changes = { cpuReservationMhz: 50, cpuLimitMhz: 20 }; }, 'scenario.actions[0].changes.cpuLimitMhz', message);
});
