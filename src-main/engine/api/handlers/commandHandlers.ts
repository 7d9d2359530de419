/**
 * Command handlers: one entry per contract command (the mapped type makes a missing one a compile error).
 *
 * Rule: handlers check preconditions and either return a typed error having changed nothing, or act
 * (usually by starting a Task) and return its result.
 */
import { apiError } from '@shared/api/errors';
import type { CommandHandlers } from '../dispatcher';
import { startPowerOp } from '../../vm/powerOps';
import { startClone, startCreate, startReconfigure, startRemove } from '../../cluster/inventoryOps';
import { startEnterMaintenance, startExitMaintenance } from '../../cluster/hostOps';
import { editSnapshot, startRemove as startRemoveSnapshot, startRemoveAll, startRevert, startTake } from '../../snapshot/snapshotOps';

export const COMMAND_HANDLERS: CommandHandlers = {
  'vm.powerOn': (lab, p) => startPowerOp(lab, p.vmId, 'powerOn'),
  'vm.powerOff': (lab, p) => startPowerOp(lab, p.vmId, 'powerOff'),
  'vm.suspend': (lab, p) => startPowerOp(lab, p.vmId, 'suspend'),
  'vm.reset': (lab, p) => startPowerOp(lab, p.vmId, 'reset'),
  'vm.shutdownGuest': (lab, p) => startPowerOp(lab, p.vmId, 'shutdownGuest'),
  'vm.rebootGuest': (lab, p) => startPowerOp(lab, p.vmId, 'rebootGuest'),
  'vm.create': (lab, p) => startCreate(lab, p.spec),
  'vm.clone': (lab, p) => startClone(lab, p),
  'vm.reconfigure': (lab, p) => startReconfigure(lab, p.vmId, p.changes),
  'vm.rename': (lab, p) => {
    const vm = lab.reg.vms.get(p.vmId);
    if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${p.vmId}`, 'params.vmId') };
    if (lab.reg.nameTaken(p.name, vm.id) || lab.pendingNames.has(p.name)) return { error: apiError('E_DUPLICATE_NAME', `The name '${p.name}' already exists.`, 'params.name') };
    const old = vm.name;
    vm.name = p.name;
    lab.events.log(lab.clock.nowMs, 'info', 'VmRenamedEvent', `Renamed ${old} to ${p.name} in ${lab.reg.nameOf(vm.datacenterId)}`, { id: vm.id, name: vm.name });
    lab.markChanged(vm.id);
    return { ok: true as const };
  },
  'vm.remove': (lab, p) => startRemove(lab, p.vmId),
  'vm.snapshot.create': (lab, p) => startTake(lab, p),
  'vm.snapshot.revert': (lab, p) => startRevert(lab, p),
  'vm.snapshot.remove': (lab, p) => startRemoveSnapshot(lab, p),
  'vm.snapshot.removeAll': (lab, p) => startRemoveAll(lab, p.vmId),
  'vm.snapshot.edit': (lab, p) => editSnapshot(lab, p),
  'vm.console.send': (lab, p) => {
    const vm = lab.reg.vms.get(p.vmId);
    if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${p.vmId}`, 'params.vmId') };
    const guest = lab.runtimes.get(vm.id)?.guest;
    if (vm.powerState !== 'poweredOn' || !guest) {
      return { error: apiError('E_INVALID_STATE', `${vm.name} has no running guest to type into (${vm.powerState}).`, 'params.vmId') };
    }
    if (guest.consoleInput(p.text) === false) {
      return { error: apiError('E_BUSY', `The console input of ${vm.name} is full: the guest has not read what was typed yet. Nothing was sent; try again once it reads.`, 'params.text') };
    }
    return { ok: true as const };
  },
  'host.enterMaintenance': (lab, p) => startEnterMaintenance(lab, p.hostId),
  'host.exitMaintenance': (lab, p) => startExitMaintenance(lab, p.hostId),
  'task.cancel': (lab, p) => {
    const err = lab.tasks.cancel(lab.clock.nowMs, p.taskId);
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
  // Replacing the lab is done by the engine facade (index.ts), which owns the Lab instance.
  'lab.load': () => ({ error: apiError('E_INVALID_STATE', 'lab.load is handled by the engine facade') }),
  'lab.recovery.restore': () => ({ error: apiError('E_INVALID_STATE', 'lab.recovery.restore is handled by the engine facade') }),
  'lab.recovery.discard': () => ({ error: apiError('E_INVALID_STATE', 'lab.recovery.discard is handled by the engine facade') }),
};
