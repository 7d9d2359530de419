/**
 * Query handlers: read-only views of the lab, mapped to DTOs; `lab.scenarios` and `guests.list` read
 * the engine's ports and `inventory.changesSince` its change feed, through the handler context.
 *
 * Rule: queries change nothing clients can see (reading the console copies pending guest output into
 * the VM's console buffer first, which is what a later poll would do anyway).
 */
import { apiError } from '@shared/api/errors';
import { API_VERSION } from '@shared/api/channels';
import { COMMAND_SCHEMAS } from '@shared/api/commands';
import { EVENTS_SINCE_DEFAULT_LIMIT, LIST_DEFAULT_LIMIT } from '@shared/api/queries';
import type { CommandName } from '@shared/api/commands';
import type { EventId, ManagedEntityId } from '@shared/model/ids';
import { idNumber, kindOfId, namespaceOfId } from '@shared/model/ids';
import type { EntityType } from '@shared/model/metrics';
import type { BackendInfo } from '@shared/model/backends';
import { MONITOR_KINDS } from '@shared/model/inventory';
import { isPlainObject } from '@shared/api/schema';
import { pollConsole } from '../../vm/index';
import type { QueryHandlers } from '../dispatcher';
import { listLibrary } from '../labDocument';
import { entityToDto, hostToDto, inventoryOutlineToDto, inventoryToDto, vmToDto } from '../toDto';
import type { Lab } from '../../lab/index';
import type { ApiError } from '@shared/api/errors';
import type { ClusterId, DatacenterId, DatastoreId, HostId, VmId } from '@shared/model/ids';
import { COUNTERS, COUNTER_BY_NAME } from '../../metrics/index';
import { placementModel, placementPlan, placementSolve } from '../../placement/index';
import { clusterAvailability, designProblem, downtimeHours, evaluateDesign, fromMtbf, simulateCluster, simulationSteps, tierOf, UPTIME_TIERS } from '../../services/index';
import { POWER_OP_DURATION_MS } from '../../vm/index';
import { AVAILABILITY_MAX_SIM_STEPS, HA_HOST_FAILURE_DETECTION_MS, PAGE_SIZE_BYTES } from '../../params';
import { hostCompatibility, listMigrations, migrationStats, vmProblem } from '../../migration/index';

export const ENGINE_VERSION = '0.1.0';

/** Commands the engine refuses: adding, removing and reconnecting real hosts, and the SDK endpoint's settings, are the lab application's work. */
const APPLICATION_COMMANDS: readonly string[] = ['host.add', 'host.remove', 'host.reconnect', 'vim25.configure'];

/**
 * The simulated engine as a backend: every command of the contract but the real-host ones (a lab with
 * real-host support lists `host.add` itself), every monitor, virtual time.
 */
export function simulatedBackendInfo(): BackendInfo {
  return {
    namespace: '', kind: 'simulated', name: 'Simulated engine', state: 'connected',
    capabilities: {
      commands: (Object.keys(COMMAND_SCHEMAS) as CommandName[]).filter((c) => !APPLICATION_COMMANDS.includes(c)), snapshotMemory: true, snapshotQuiesce: true,
      consoleInput: true, monitors: [...MONITOR_KINDS], virtualTime: true,
    },
  };
}

/** Whether an object is `scope` or inside it (a datacenter: its objects; a cluster: its hosts and their VMs). */
function within(lab: Lab, scope: string): ((id: ManagedEntityId) => boolean) | { error: ApiError } {
  const r = lab.reg;
  const vmHost = (id: ManagedEntityId) => r.vms.get(id as VmId)?.hostId;
  switch (kindOfId(scope)) {
    case 'datacenter':
      if (!r.datacenters.has(scope as DatacenterId)) break;
      return (id) => (r.vms.get(id as VmId) ?? r.hosts.get(id as HostId) ?? r.datastores.get(id as DatastoreId))?.datacenterId === scope;
    case 'cluster':
      if (!r.clusters.has(scope as ClusterId)) break;
      return (id) => r.hosts.get((vmHost(id) ?? id) as HostId)?.clusterId === scope;
    case 'host': case 'vm': case 'datastore':
      if (!entityToDto(lab, scope)) break;
      return (id) => id === scope;
    default:
      return () => false;
  }
  return { error: apiError('E_NOT_FOUND', `There is no object ${scope} in this lab.`, 'params.entityId') };
}

export const QUERY_HANDLERS: QueryHandlers = {
  'alarm.definitions': (lab) => lab.alarms.definitions(),
  'alarm.triggered': (lab, p) => {
    if (p.entityId === undefined) return lab.alarms.triggered();
    const f = within(lab, p.entityId);
    return typeof f === 'function' ? lab.alarms.triggered(f) : f;
  },
  'cluster.services': (lab, p) => lab.clusterServices.dto(p.clusterId),
  'cluster.drs.powerOnRecommendations': (lab, p) => lab.clusterServices.powerOnPlacement(p.vmId),
  'availability.design': (_lab, p) => {
    const problem = designProblem(p.groups);
    if (problem) return { error: apiError('E_INVALID_ARGUMENT', problem.message, `params.groups[${problem.index}].${problem.field}`) };
    return {
      ...evaluateDesign(p.groups, p.combine ?? 'series'),
      tiers: UPTIME_TIERS.map((t) => ({ tier: t.tier, availability: t.availability, downtimeHoursPerYear: downtimeHours(t.availability), description: t.description })),
    };
  },
  'availability.design.saved': (lab) => (lab.availabilityDesign ? JSON.parse(JSON.stringify(lab.availabilityDesign)) as typeof lab.availabilityDesign : null),
  'availability.cluster': (lab, p) => {
    const cluster = lab.reg.clusters.get(p.clusterId);
    if (!cluster) return { error: apiError('E_NOT_FOUND', `no cluster ${p.clusterId}`, 'params.clusterId') };
    const hosts = [...lab.reg.hosts.values()].filter((h) => h.clusterId === cluster.id).length;
    const ha = lab.clusterServices.settingsOf(cluster.id).ha;
    // With HA off (or admission control off) nothing keeps capacity for a failure nor restarts the VMs: N+0.
    const tolerate = Math.min(hosts - 1, !cluster.haEnabled || ha.admissionControl.policy === 'disabled' ? 0 : ha.admissionControl.hostFailuresToTolerate);
    const years = p.years ?? 1;
    const replications = p.replications ?? 200;
    const restartS = HA_HOST_FAILURE_DETECTION_MS / 1000 + POWER_OP_DURATION_MS.powerOn / 1000;
    const steps = simulationSteps({ hosts, mtbfH: p.mtbfH, mttrH: p.mttrH, years, replications });
    if (steps > AVAILABILITY_MAX_SIM_STEPS) {
      return { error: apiError('E_INVALID_ARGUMENT', `This simulation would take about ${Math.round(steps / 1e6)} million steps (at most ${AVAILABILITY_MAX_SIM_STEPS / 1e6} million): use fewer replications or years, or a longer MTBF.`, 'params.replications') };
    }
    const sim = simulateCluster({ hosts, tolerate, mtbfH: p.mtbfH, mttrH: p.mttrH, years, replications, seed: p.seed ?? lab.seed, restartS });
    const formula = clusterAvailability(hosts, tolerate, p.mtbfH, p.mttrH);
    return {
      hosts, tolerate, hostAvailability: fromMtbf(p.mtbfH, p.mttrH), formula, formulaDowntimeHoursPerYear: downtimeHours(formula),
      simulated: sim.availability, halfWidth: sim.halfWidth, years, replications, hostFailures: sim.hostFailures,
      vmRestartDowntimeHoursPerYear: sim.vmRestartDowntimeHoursPerYear, restartS, tier: tierOf(formula),
    };
  },
  'engine.info': (lab) => ({
    apiVersion: API_VERSION, engineVersion: ENGINE_VERSION, scenario: lab.scenario.name, seed: lab.seed, backend: 'simulated',
  }),
  'inventory.get': (lab) => inventoryToDto(lab),
  'inventory.outline': (lab) => inventoryOutlineToDto(lab),
  'inventory.changesSince': (_lab, p, context) => context.changesSince(p.version),
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
  'task.get': (lab, p) => {
    const task = lab.tasks.get(p.taskId);
    return task ? { ...task } : { error: apiError('E_NOT_FOUND', `no task ${p.taskId} (finished tasks are kept while the history has room)`, 'params.taskId') };
  },
  'tasks.list': (lab, p) => lab.tasks.list(p.limit ?? LIST_DEFAULT_LIMIT, p.entityId),
  'events.list': (lab, p) => lab.events.list(p.limit ?? LIST_DEFAULT_LIMIT, p.entityId),
  'events.since': (lab, p) => {
    // This engine's entry of the cursor is the one without a namespace; other backends' entries are theirs.
    let after = 0;
    for (const c of p.cursorIds ?? []) if (namespaceOfId(c) === '') after = Math.max(after, idNumber(c));
    const page = lab.events.since(after, p.limit ?? EVENTS_SINCE_DEFAULT_LIMIT);
    const last = page.events.length ? page.events[page.events.length - 1].id : after > 0 ? (`event-${after}` as EventId) : undefined;
    return { events: page.events, cursorIds: last ? [last] : [], more: page.more, missed: page.missed };
  },
  'metrics.catalog': (_lab, p) => (p.entityType ? COUNTERS.filter((c) => c.entityTypes.includes(p.entityType!)) : COUNTERS),
  'metrics.query': (lab, p) => {
    const entityId = p.entityId as ManagedEntityId;
    if (!lab.reg.has(entityId)) return { error: apiError('E_NOT_FOUND', `no entity ${entityId}`, 'params.entityId') };
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
    // What the VM does now (its latest sample) feeds the convergence warning.
    const sample = lab.collector.samples.latest(vm.id)?.values;
    const dirtyPps = sample?.['engine.dirtyRate.average'];
    const consumedKb = sample?.['mem.consumed.average'];
    const rows = hostCompatibility(lab.ops, vm, (h) => lab.ops.migrations.reservedFrames(h), {
      ...(dirtyPps !== undefined ? { dirtyBytesPerS: dirtyPps * PAGE_SIZE_BYTES } : {}),
      ...(consumedKb !== undefined ? { consumedBytes: consumedKb * 1024 } : {}),
    });
    return problem ? rows.map((r) => ({ ...r, compatible: false, messages: [problem.message, ...(r.compatible ? [] : r.messages)] })) : rows;
  },
  'lab.scenarios': (_lab, _p, context) => Object.entries(context.ports.scenarios).map(([name, src]) => {
    const c = isPlainObject(src.content) ? src.content : {};
    return { name, title: typeof c.title === 'string' ? c.title : name, description: typeof c.description === 'string' ? c.description : '' };
  }),
  'guests.list': (_lab, _p, context) => (context.ports.guestCatalog ?? []).map((g) => ({ name: g.name, description: g.description, params: (g.params ?? []).map((p) => ({ ...p, ...(p.words ? { words: { ...p.words } } : {}) })) })),
  'lab.recovery': (_lab, _p, context) => context.ports.recovery?.info() ?? { autosave: null, offered: false, engineCrash: null },
  // Guided exercises come validated from the node side as a port; served as they are.
  'exercise.list': (_lab, _p, context) => (context.ports.exercises ?? []).map((x) => x.summary),
  'exercise.get': (_lab, p, context) => {
    const found = (context.ports.exercises ?? []).find((x) => x.exercise.name === p.name);
    return found ? found.exercise : { error: apiError('E_NOT_FOUND', `no exercise "${p.name}"`, 'params.name') };
  },
  'exercise.progress.get': (lab) => (lab.exerciseProgress ? JSON.parse(JSON.stringify(lab.exerciseProgress)) as typeof lab.exerciseProgress : null),
  'backends.list': () => [simulatedBackendInfo()],
  // The open lab as a document and the saved labs of the lab library (api/labDocument.ts).
  'lab.document': (_lab, _p, context) => context.document.dto(),
  'lab.library': (_lab, _p, context) => listLibrary(context),
  // A real host's identity is read by the host side in front of the engine (it needs the network).
  'host.identify': () => ({ error: apiError('E_INVALID_ARGUMENT', 'Identifying a real host is done by the lab application, not the simulated engine; this lab was started without real-host support.') }),
  'vim25.settings': () => ({ error: apiError('E_INVALID_ARGUMENT', 'The SDK endpoint is run by the lab application, not the simulated engine; this lab was started without it.') }),
  // The exact solver is a port: without one (tests, a scenario action), `exact` returns the best heuristic and says so.
  'placement.solve': (lab, p, context) => placementSolve(lab, p, context.ports.milpSolver),
  'placement.plan': (lab, p, context) => placementPlan(lab, p, context.ports.milpSolver),
  'placement.model': (lab, p) => placementModel(lab, p),
};
