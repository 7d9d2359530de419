/**
 * Command handlers: one entry per contract command (the mapped type makes a missing one a compile error).
 *
 * Rule: handlers check preconditions and either return a typed error having changed nothing, or act
 * (usually by starting a Task through the lab's operation context, `lab.ops`, with the request's
 * initiator) and return its result. `lab.load` replaces the lab through the handler context (the
 * engine facade owns the Lab instance).
 */
import { apiError } from '@shared/api/errors';
import { MEM_RECLAMATION_DEFAULTS, type MemReclamationSettings } from '@shared/model/memoryReclamation';
import type { ManagedEntityId } from '@shared/model/ids';
import type { CommandHandlers } from '../dispatcher';
import { openLab, saveLab } from '../labDocument';
import { startPowerOp } from '../../vm/index';
import { markAsTemplate, markAsVirtualMachine, startClone, startCreate, startReconfigure, startRemove, startEnterMaintenance, startExitMaintenance } from '../../cluster/index';
import { designProblem, injectFault, repairFault } from '../../services/index';
import { startEnterStandby, startExitStandby } from '../../cluster/index';
import { createResourcePool, deleteResourcePool, movePoolToPool, moveVmToPool, updateResourcePool } from '../../cluster/index';
import { applyRequestPlan, startApplyPlan } from '../../placement/index';
import { editSnapshot, startRemove as startRemoveSnapshot, startRemoveAll, startRevert, startTake } from '../../snapshot/index';
import { startMigration } from '../../migration/index';

export const COMMAND_HANDLERS: CommandHandlers = {
  'vm.powerOn': (lab, p, who) => {
    // DRS initial placement registers a powered-off VM on its host first; a refused power-on leaves it where it was.
    const placed = lab.clusterServices.placeForPowerOn(p.vmId, p.hostId);
    if ('error' in placed) return placed;
    const r = startPowerOp(lab.ops, p.vmId, 'powerOn', who);
    if ('error' in r) placed.undo();
    else placed.commit(r.taskId);
    return r;
  },
  'vm.powerOff': (lab, p, who) => startPowerOp(lab.ops, p.vmId, 'powerOff', who),
  'vm.suspend': (lab, p, who) => startPowerOp(lab.ops, p.vmId, 'suspend', who),
  'vm.reset': (lab, p, who) => startPowerOp(lab.ops, p.vmId, 'reset', who),
  'vm.shutdownGuest': (lab, p, who) => startPowerOp(lab.ops, p.vmId, 'shutdownGuest', who),
  'vm.rebootGuest': (lab, p, who) => startPowerOp(lab.ops, p.vmId, 'rebootGuest', who),
  'vm.create': (lab, p, who) => startCreate(lab.ops, p.spec, who),
  'vm.clone': (lab, p, who) => startClone(lab.ops, p, who),
  'vm.markAsTemplate': (lab, p, who) => markAsTemplate(lab.ops, p.vmId, who),
  'vm.markAsVirtualMachine': (lab, p, who) => markAsVirtualMachine(lab.ops, p.vmId, p.hostId, who),
  'vm.reconfigure': (lab, p, who) => startReconfigure(lab.ops, p.vmId, p.changes, who),
  'vm.rename': (lab, p) => {
    const vm = lab.reg.vms.get(p.vmId);
    if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${p.vmId}`, 'params.vmId') };
    if (lab.reg.nameTaken(p.name, vm.id) || lab.reg.reservedNames.has(p.name)) return { error: apiError('E_DUPLICATE_NAME', `The name '${p.name}' already exists.`, 'params.name') };
    const old = vm.name;
    vm.name = p.name;
    lab.events.log(lab.clock.nowMs, 'info', 'VmRenamedEvent', `Renamed ${old} to ${p.name} in ${lab.reg.nameOf(vm.datacenterId)}`, { id: vm.id, name: vm.name });
    lab.markChanged(vm.id);
    return { ok: true as const };
  },
  'vm.remove': (lab, p, who) => startRemove(lab.ops, p.vmId, who),
  'vm.moveToPool': (lab, p) => moveVmToPool(lab.ops, p.vmId, p.resourcePoolId),
  'resourcePool.create': (lab, p) => createResourcePool(lab.ops, p),
  'resourcePool.update': (lab, p) => updateResourcePool(lab.ops, p.resourcePoolId, p),
  'resourcePool.delete': (lab, p) => deleteResourcePool(lab.ops, p.resourcePoolId),
  'resourcePool.move': (lab, p) => movePoolToPool(lab.ops, p.resourcePoolId, p.parentPoolId),
  'vm.snapshot.create': (lab, p, who) => startTake(lab.ops, p, who),
  'vm.snapshot.revert': (lab, p, who) => startRevert(lab.ops, p, who),
  'vm.snapshot.remove': (lab, p, who) => startRemoveSnapshot(lab.ops, p, who),
  'vm.snapshot.removeAll': (lab, p, who) => startRemoveAll(lab.ops, p.vmId, who),
  'vm.snapshot.edit': (lab, p) => editSnapshot(lab.ops, p),
  'vm.console.send': (lab, p) => {
    const vm = lab.reg.vms.get(p.vmId);
    if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${p.vmId}`, 'params.vmId') };
    const owner = vm.hostId ? lab.ops.host(vm.hostId) : undefined;
    const typed = vm.powerState === 'poweredOn' && owner ? owner.consoleInput(vm.id, p.text) : undefined;
    if (typed === undefined) {
      return { error: apiError('E_INVALID_STATE', `${vm.name} has no running guest to type into (${vm.powerState}).`, 'params.vmId') };
    }
    if (!typed) {
      return { error: apiError('E_BUSY', `The console input of ${vm.name} is full: the guest has not read what was typed yet. Nothing was sent; try again once it reads.`, 'params.text') };
    }
    return { ok: true as const };
  },
  'vm.migrate': (lab, p, who) => startMigration(lab.ops, { vmId: p.vmId, hostId: p.hostId, options: p.options, gang: p.gang }, who),
  'host.enterMaintenance': (lab, p, who) => startEnterMaintenance(lab.ops, p.hostId, who),
  'host.exitMaintenance': (lab, p, who) => startExitMaintenance(lab.ops, p.hostId, who),
  'fault.inject': (lab, p) => injectFault(lab.ops, p.kind, p.targetId),
  'fault.repair': (lab, p) => repairFault(lab.ops, p.kind, p.targetId),
  'cluster.configure': (lab, p) => lab.clusterServices.configure(p.clusterId, {
    ...(p.haEnabled !== undefined ? { haEnabled: p.haEnabled } : {}),
    ...(p.drsEnabled !== undefined ? { drsEnabled: p.drsEnabled } : {}),
    ...(p.ha ? { ha: p.ha } : {}),
    ...(p.drs ? { drs: p.drs } : {}),
    ...(p.dpm ? { dpm: p.dpm } : {}),
    ...(p.restartPriorityOverrides ? { restartPriorityOverrides: p.restartPriorityOverrides.map((o) => ({ vmId: o.vmId, priority: o.priority === 'clusterDefault' ? null : o.priority })) } : {}),
  }),
  'alarm.updateDefinition': (lab, p, who) => lab.alarms.updateDefinition(p.alarmKey, {
    enabled: p.enabled, warning: p.warning, critical: p.critical, durationS: p.durationS, name: p.name, description: p.description,
  }, who),
  'alarm.createDefinition': (lab, p, who) => lab.alarms.createDefinition(p, who),
  'alarm.removeDefinition': (lab, p, who) => lab.alarms.removeDefinition(p.alarmKey, who),
  'alarm.acknowledge': (lab, p, who) => lab.alarms.acknowledge(p.alarmKey, p.entityId as ManagedEntityId, who),
  'alarm.reset': (lab, p, who) => lab.alarms.reset(p.alarmKey, p.entityId as ManagedEntityId, who),
  'cluster.drs.run': (lab, p) => lab.clusterServices.runDrs(p.clusterId),
  'cluster.drs.apply': (lab, p, who) => lab.clusterServices.applyRecommendation(p.clusterId, p.recommendationId, who),
  'cluster.drs.dismiss': (lab, p, who) => lab.clusterServices.applyRecommendation(p.clusterId, p.recommendationId, who, true),
  'host.enterStandby': (lab, p, who) => startEnterStandby(lab.ops, p.hostId, who),
  'host.exitStandby': (lab, p, who) => startExitStandby(lab.ops, p.hostId, who),
  'host.updateMemoryReclamation': (lab, p) => {
    const host = lab.reg.hosts.get(p.hostId);
    if (!host) return { error: apiError('E_NOT_FOUND', `no host ${p.hostId}`, 'params.hostId') };
    const changed = Object.entries(p.settings).filter(([, v]) => v !== undefined);
    if (changed.length === 0) return { error: apiError('E_INVALID_ARGUMENT', 'No memory reclamation setting was given to change.', 'params.settings') };
    const next: Partial<MemReclamationSettings> = { ...host.memoryReclamation };
    for (const [k, v] of changed) (next as Record<string, unknown>)[k] = v;
    // keep only what differs from the defaults: a saved lab stays small and follows new defaults
    for (const k of Object.keys(next) as (keyof MemReclamationSettings)[]) if (next[k] === MEM_RECLAMATION_DEFAULTS[k]) delete next[k];
    host.memoryReclamation = next;
    const list = changed.map(([k, v]) => `${k} = ${String(v)}`).join(', ');
    lab.events.log(lab.clock.nowMs, 'info', 'HostMemoryReclamationChangedEvent', `Memory reclamation settings of ${host.name} changed: ${list}`, { id: host.id, name: host.name });
    lab.markChanged(host.id);
    return { ok: true as const };
  },
  'placement.apply': (lab, p, who) => {
    const plan = applyRequestPlan(lab, p);
    return 'error' in plan ? plan : startApplyPlan(lab.ops, plan, who);
  },
  // Real hosts are added, removed and reconnected by the host side in front of the engine (the backend
  // seam); a request that reaches the simulated engine has no real host behind it.
  'host.add': () => ({ error: apiError('E_INVALID_ARGUMENT', 'Adding a real host is done by the lab application, not the simulated engine; this lab was started without real-host support.') }),
  'host.remove': (lab, p) => ({ error: lab.reg.hosts.has(p.hostId)
    ? apiError('E_INVALID_ARGUMENT', `${lab.reg.nameOf(p.hostId)} is a simulated host; Remove from Inventory applies to real hosts.`, 'params.hostId')
    : apiError('E_NOT_FOUND', `no host ${p.hostId}`, 'params.hostId') }),
  'host.reconnect': (lab, p) => ({ error: lab.reg.hosts.has(p.hostId)
    ? apiError('E_INVALID_ARGUMENT', `${lab.reg.nameOf(p.hostId)} is a simulated host; it is never disconnected from the lab, so there is nothing to reconnect.`, 'params.hostId')
    : apiError('E_NOT_FOUND', `no host ${p.hostId}`, 'params.hostId') }),
  // The SDK endpoint runs beside the lab in the application (its settings are the application's, not the lab's).
  'vim25.configure': () => ({ error: apiError('E_INVALID_ARGUMENT', 'The SDK endpoint is configured by the lab application, not the simulated engine; this lab was started without it.') }),
  'task.cancel': (lab, p, who) => {
    const err = lab.tasks.cancel(lab.clock.nowMs, p.taskId, who);
    return err ? { error: err } : { ok: true as const };
  },
  'sim.run': (lab, p) => {
    lab.clock.running = true;
    lab.clock.stepToMs = null;
    if (p.speed !== undefined) lab.clock.speed = p.speed;
    return lab.clock.status();
  },
  'sim.pause': (lab) => {
    lab.clock.running = false;
    lab.clock.stepToMs = null; // cancels what is left of a step
    return lab.clock.status();
  },
  'sim.step': (lab, p) => {
    if (lab.clock.running) return { error: apiError('E_INVALID_STATE', 'Pause the simulation before stepping it.', 'params.seconds') };
    if (lab.clock.stepToMs !== null) {
      return { error: apiError('E_BUSY', `A step is in progress (to ${lab.clock.stepToMs / 1000} s); pause to cancel it, or wait for it to end.`, 'params.seconds') };
    }
    // The step is not run here: a long one would hold the engine. The host runs it in slices (see Engine.stepping).
    lab.clock.stepToMs = lab.clock.nowMs + Math.max(1, Math.round(p.seconds * 1000));
    return lab.clock.status();
  },
  'sim.setSpeed': (lab, p) => {
    lab.clock.speed = p.speed;
    return lab.clock.status();
  },
  'exercise.progress.set': (lab, p) => {
    // Plain data, validated by the contract; kept with the lab (saved, restored), never read by the engine.
    lab.exerciseProgress = p.progress ? JSON.parse(JSON.stringify(p.progress)) as typeof p.progress : undefined;
    return { ok: true as const };
  },
  'availability.design.save': (lab, p) => {
    // The student's own design: plain data validated by the contract, kept and saved with the lab; the
    // page and exercises evaluate it with `availability.design`. A design the maths cannot read is refused.
    if (!p.design) { lab.availabilityDesign = undefined; return { ok: true as const }; }
    const problem = designProblem(p.design.groups);
    if (problem) return { error: apiError('E_INVALID_ARGUMENT', problem.message, `params.design.groups[${problem.index}].${problem.field}`) };
    lab.availabilityDesign = { design: JSON.parse(JSON.stringify(p.design)) as typeof p.design, savedAtMs: lab.clock.nowMs };
    return { ok: true as const };
  },
  'lab.load': (lab, p, _who, context) => {
    const err = context.loadLab(p.scenario, p.seed ?? lab.seed);
    return err ? { error: err } : { ok: true as const };
  },
  'lab.recovery.discard': (_lab, _p, _who, context) => {
    context.ports.recovery?.discard();
    return { ok: true as const };
  },
  'lab.recovery.restore': (_lab, _p, _who, context) => {
    const recovery = context.ports.recovery;
    if (!recovery || !recovery.info().autosave) return { error: apiError('E_NOT_FOUND', 'there is no autosaved lab to restore') };
    let state: unknown;
    try {
      state = recovery.restore();
    } catch (e) {
      return { error: apiError('E_INVALID_STATE', `the autosaved lab cannot be read: ${e instanceof Error ? e.message : String(e)}`) };
    }
    const err = context.loadState(state);
    if (err) return { error: err };
    recovery.restored();
    return { ok: true as const };
  },
  // File › Save / Save as and Open: the lab library port and the open lab's document (api/labDocument.ts).
  'lab.save': (lab, p, _who, context) => saveLab(() => lab.save(), p, context),
  'lab.open': (_lab, p, _who, context) => openLab(p, context),
};
