/**
 * Command handlers: one entry per contract command (the mapped type makes a missing one a compile error).
 *
 * Rule: handlers check preconditions and either return a typed error having changed nothing, or act
 * (usually by starting a Task) and return its result.
 */
import { apiError } from '@shared/api/errors';
import type { CommandHandlers } from '../dispatcher';
import { startPowerOp } from '../../vm/powerOps';

/** Refusal for operations this engine build does not provide yet: a typed error, never a fake success. */
const notAvailable = (what: string) => () => ({ error: apiError('E_INVALID_STATE', `${what} is not available in this engine build yet`) });

export const COMMAND_HANDLERS: CommandHandlers = {
  'vm.powerOn': (lab, p) => startPowerOp(lab, p.vmId, 'powerOn'),
  'vm.powerOff': (lab, p) => startPowerOp(lab, p.vmId, 'powerOff'),
  'vm.suspend': (lab, p) => startPowerOp(lab, p.vmId, 'suspend'),
  'vm.reset': (lab, p) => startPowerOp(lab, p.vmId, 'reset'),
  'vm.shutdownGuest': (lab, p) => startPowerOp(lab, p.vmId, 'shutdownGuest'),
  'vm.rebootGuest': (lab, p) => startPowerOp(lab, p.vmId, 'rebootGuest'),
  'vm.create': notAvailable('Creating virtual machines'),
  'vm.clone': notAvailable('Cloning'),
  'vm.reconfigure': notAvailable('Edit Settings'),
  'vm.rename': (lab, p) => {
    const vm = lab.reg.vms.get(p.vmId);
    if (!vm) return { error: apiError('E_NOT_FOUND', `no virtual machine ${p.vmId}`, 'params.vmId') };
    if (lab.reg.nameTaken(p.name, vm.id)) return { error: apiError('E_DUPLICATE_NAME', `The name '${p.name}' already exists.`, 'params.name') };
    const old = vm.name;
    vm.name = p.name;
    lab.events.log(lab.clock.nowMs, 'info', 'VmRenamedEvent', `Renamed ${old} to ${p.name}`, { id: vm.id, name: vm.name });
    lab.markChanged(vm.id);
    return { ok: true as const };
  },
  'vm.remove': notAvailable('Removing virtual machines'),
  'vm.snapshot.create': notAvailable('Snapshots'),
  'vm.snapshot.revert': notAvailable('Snapshots'),
  'vm.snapshot.remove': notAvailable('Snapshots'),
  'vm.snapshot.removeAll': notAvailable('Snapshots'),
  'vm.snapshot.edit': notAvailable('Snapshots'),
  'vm.console.send': notAvailable('The guest console'),
  'host.enterMaintenance': notAvailable('Maintenance mode'),
  'host.exitMaintenance': notAvailable('Maintenance mode'),
  'task.cancel': (lab, p) => {
    const err = lab.tasks.cancel(lab.clock.nowMs, p.taskId);
    return err ? { error: err } : { ok: true as const };
  },
  'sim.run': (lab, p) => {
    lab.clock.running = true;
    if (p.speed !== undefined) lab.clock.speed = p.speed;
    return lab.clock.status();
  },
  'sim.pause': (lab) => {
    lab.clock.running = false;
    return lab.clock.status();
  },
  'sim.step': (lab, p) => {
    if (lab.clock.running) return { error: apiError('E_INVALID_STATE', 'Pause the simulation before stepping it.', 'params.seconds') };
    lab.advance(Math.round(p.seconds * 1000));
    return lab.clock.status();
  },
  'sim.setSpeed': (lab, p) => {
    lab.clock.speed = p.speed;
    return lab.clock.status();
  },
  // Replacing the lab is done by the engine facade (index.ts), which owns the Lab instance.
  'lab.load': notAvailable('Loading a scenario'),
};
