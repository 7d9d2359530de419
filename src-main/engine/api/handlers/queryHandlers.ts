/**
 * Query handlers: read-only views of the lab, mapped to DTOs.
 *
 * Rule: queries change nothing clients can see (reading the console copies pending guest output into
 * the VM's console buffer first, which is what a later poll would do anyway).
 */
import { apiError } from '@shared/api/errors';
import { API_VERSION } from '@shared/api/channels';
import type { ManagedEntityId } from '@shared/model/ids';
import { kindOfId } from '@shared/model/ids';
import type { EntityType } from '@shared/model/metrics';
import { pollConsole } from '../../vm/index';
import type { QueryHandlers } from '../dispatcher';
import { hostToDto, inventoryToDto, vmToDto } from '../toDto';
import { COUNTERS, COUNTER_BY_NAME } from '../../metrics/index';
import { placementSolve } from '../../placement/index';
import { hostCompatibility, listMigrations, migrationStats, vmProblem } from '../../migration/index';

export const ENGINE_VERSION = '0.1.0';

export const QUERY_HANDLERS: QueryHandlers = {
  'engine.info': (lab) => ({
    apiVersion: API_VERSION, engineVersion: ENGINE_VERSION, scenario: lab.scenario.name, seed: lab.seed, backend: 'simulated',
  }),
  'inventory.get': (lab) => inventoryToDto(lab),
  'vm.get': (lab, p) => {
    const vm = lab.reg.vms.get(p.vmId);
    return vm ? vmToDto(lab, vm) : { error: apiError('E_NOT_FOUND', `no virtual machine ${p.vmId}`, 'params.vmId') };
  },
  'host.get': (lab, p) => {
    const host = lab.reg.hosts.get(p.hostId);
    return host ? hostToDto(lab, host) : { error: apiError('E_NOT_FOUND', `no host ${p.hostId}`, 'params.hostId') };
  },
  'vm.snapshot.tree': (lab, p) => {
    if (!lab.reg.vms.has(p.vmId)) return { error: apiError('E_NOT_FOUND', `no virtual machine ${p.vmId}`, 'params.vmId') };
    return lab.runtime(p.vmId).snapshots.toDto(p.vmId);
  },
  'vm.console.read': (lab, p) => {
    const vm = lab.reg.vms.get(p.vmId);
    if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${p.vmId}`, 'params.vmId') };
    pollConsole(lab.ops, vm);
    return lab.runtime(p.vmId).console.read(p.fromOffset ?? 0);
  },
  'tasks.list': (lab, p) => lab.tasks.list(p.limit, p.entityId),
  'events.list': (lab, p) => lab.events.list(p.limit, p.entityId),
  'metrics.catalog': (_lab, p) => (p.entityType ? COUNTERS.filter((c) => c.entityTypes.includes(p.entityType!)) : COUNTERS),
  'metrics.query': (lab, p) => {
    const entityId = p.entityId as ManagedEntityId;
    if (lab.reg.nameOf(entityId) === entityId) return { error: apiError('E_NOT_FOUND', `no entity ${entityId}`, 'params.entityId') };
    const type = kindOfId(entityId) as EntityType;
    for (let i = 0; i < p.counters.length; i++) {
      const info = COUNTER_BY_NAME.get(p.counters[i]);
      if (!info) return { error: apiError('E_INVALID_ARGUMENT', `unknown counter "${p.counters[i]}"`, `params.counters[${i}]`) };
      if (!info.entityTypes.includes(type)) return { error: apiError('E_INVALID_ARGUMENT', `counter "${info.name}" is not available for a ${type}`, `params.counters[${i}]`) };
    }
    return lab.collector.samples.query(entityId, p.counters, p.interval, p.maxSamples);
  },
  'sim.status': (lab) => lab.clock.status(),
  'migration.get': (lab, p) => migrationStats(lab.ops, p.taskId) ?? { error: apiError('E_NOT_FOUND', `no migration task ${p.taskId}`, 'params.taskId') },
  'migration.list': (lab, p) => listMigrations(lab.ops, p.vmId),
  'migration.compatibility': (lab, p) => {
    const vm = lab.reg.vms.get(p.vmId);
    if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${p.vmId}`, 'params.vmId') };
    const problem = vmProblem(lab.ops, vm);
    const rows = hostCompatibility(lab.ops, vm, (h) => lab.ops.migrations.reservedFrames(h));
    return problem ? rows.map((r) => ({ ...r, compatible: false, messages: [problem.message, ...(r.compatible ? [] : r.messages)] })) : rows;
  },
  // Answered by the engine facade (index.ts), which holds the ports; reaching here means no facade.
  'lab.scenarios': () => [],
  'guests.list': () => [],
  // Without the facade there is no exact solver port: `exact` then returns the best heuristic and says so.
  'placement.solve': (lab, p) => placementSolve(lab, p, undefined),
};
