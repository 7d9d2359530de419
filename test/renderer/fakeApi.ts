/**
 * A scripted HvlabApi for renderer store/component tests: queries answered from a table, commands
 * recorded, and `emit(event)` to push engine events. Not a mock of the engine's behaviour: each test
 * states the engine answers it relies on.
 */
import type { HvlabApi } from '@shared/api/index';
import type { EngineEvent } from '@shared/api/events';
import { ApiException } from '@shared/api/errors';
import type { ApiError } from '@shared/api/errors';
import type { InventoryDto, VmDto, HostDto } from '@shared/model/inventory';

export interface FakeApi extends HvlabApi {
  emit(e: EngineEvent): void;
  commands: { name: string; params: unknown }[];
  queries: Record<string, (params: never) => unknown>;
  commandResults: Record<string, (params: never) => unknown>;
}

export function fakeApi(queries: Record<string, (params: never) => unknown> = {}): FakeApi {
  const listeners = new Set<(e: EngineEvent) => void>();
  const api: FakeApi = {
    apiVersion: 1,
    commands: [],
    queries: {
      'sim.status': () => ({ virtualTimeMs: 1000, running: false, speed: 1 }),
      'tasks.list': () => [],
      'events.list': () => [],
      'backends.list': () => [],
      ...queries,
    },
    commandResults: {},
    async command(name, params) {
      api.commands.push({ name, params });
      const fn = api.commandResults[name];
      if (!fn) throw new ApiException({ code: 'E_INVALID_STATE', message: `${name} is not available` });
      const r = fn(params as never);
      if (r && typeof r === 'object' && 'code' in r && 'message' in r) throw new ApiException(r as ApiError);
      return r as never;
    },
    async query(name, params) {
      const fn = api.queries[name];
      if (!fn) throw new ApiException({ code: 'E_UNKNOWN_OPERATION', message: `no answer for ${name}` });
      return fn(params as never) as never;
    },
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    emit(e) {
      for (const l of [...listeners]) l(e);
    },
  };
  return api;
}

export function makeVm(id: number, over: Partial<VmDto> = {}): VmDto {
  return {
    id: `vm-${id}`, name: `VM${id}`, datacenterId: 'datacenter-1', hostId: 'host-1', clusterId: 'cluster-1',
    isTemplate: false, guestOs: 'labos', hardwareVersion: 'vmx-19', vcpus: 1, memoryBytes: 64 * 2 ** 20,
    cpuHotAddEnabled: false, memoryHotAddEnabled: false, disks: [], nics: [], monitor: 'hw', paging: 'nested',
    pageTableLevels: 4, workload: 'cpu', workloadParams: {}, powerState: 'poweredOff', guestState: 'notRunning',
    toolsStatus: 'toolsNotRunning', snapshotCount: 0, uptimeMs: 0, cpuShares: 1000, cpuReservationMhz: 0, cpuLimitMhz: -1,
    ...over,
  };
}

export function makeHost(id: number, over: Partial<HostDto> = {}): HostDto {
  return {
    id: `host-${id}`, name: `H${id}`, datacenterId: 'datacenter-1', clusterId: 'cluster-1', kind: 'simulated',
    vendor: 'Lab', model: 'Sim', cpuModel: 'LabCPU', sockets: 1, coresPerSocket: 4, threadsPerCore: 1, cpuMhz: 2400,
    memoryBytes: 8 * 2 ** 30, hypervisorVersion: 'hvlab 0.1', powerState: 'poweredOn', connectionState: 'connected',
    inMaintenanceMode: false, vmIds: [], datastoreIds: [], networkIds: [], uptimeMs: 1000, hardwareAssist: true,
    ...over,
  };
}

export function makeInventory(vmCount = 3, version = 1): InventoryDto {
  const vms = Array.from({ length: vmCount }, (_, i) => makeVm(i + 1, { hostId: i % 2 === 0 ? 'host-1' : 'host-2' }));
  return {
    version,
    datacenters: [{ id: 'datacenter-1', name: 'DC0' }],
    clusters: [{ id: 'cluster-1', name: 'DC0_C0', datacenterId: 'datacenter-1', drsEnabled: true, haEnabled: false }],
    hosts: [
      makeHost(1, { vmIds: vms.filter((v) => v.hostId === 'host-1').map((v) => v.id) }),
      makeHost(2, { vmIds: vms.filter((v) => v.hostId === 'host-2').map((v) => v.id) }),
    ],
    vms,
    datastores: [],
    networks: [],
  };
}

export const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
