/**
 * taskNames — vSphere's display name of every operation, as Recent Tasks shows it. The engine names its
 * tasks from this table and the client names the rows of requests the engine refused before a task
 * existed, so both say the same thing.
 *
 * - `OPERATION_NAMES[command]`: one name per command of the contract (typed by `CommandName`: a command
 *   without a name does not compile).
 * - `CLONE_TASK_NAMES`: the clone task's name by what it makes (vSphere names each differently).
 * - `operationName(command)`: the name, or the command itself for an operation the table does not know.
 */
import type { CommandName } from '../api/commands';

export const OPERATION_NAMES: Readonly<Record<CommandName, string>> = {
  'vm.powerOn': 'Power On virtual machine',
  'vm.powerOff': 'Power Off virtual machine',
  'vm.suspend': 'Suspend virtual machine',
  'vm.reset': 'Reset virtual machine',
  'vm.shutdownGuest': 'Initiate guest OS shutdown',
  'vm.rebootGuest': 'Initiate guest OS reboot',
  'vm.create': 'Create virtual machine',
  'vm.clone': 'Clone virtual machine',
  'vm.markAsTemplate': 'Mark as template',
  'vm.markAsVirtualMachine': 'Mark as virtual machine',
  'vm.reconfigure': 'Reconfigure virtual machine',
  'vm.rename': 'Rename virtual machine',
  'vm.remove': 'Delete virtual machine',
  'vm.moveToPool': 'Move entities into resource pool',
  'resourcePool.create': 'Create resource pool',
  'resourcePool.update': 'Update resource pool configuration',
  'resourcePool.delete': 'Delete resource pool',
  'resourcePool.move': 'Move entities into resource pool',
  'vm.snapshot.create': 'Create virtual machine snapshot',
  'vm.snapshot.revert': 'Revert to snapshot',
  'vm.snapshot.remove': 'Remove snapshot',
  'vm.snapshot.removeAll': 'Remove all snapshots',
  'vm.snapshot.edit': 'Rename snapshot',
  'vm.console.send': 'Send keys to console',
  'vm.migrate': 'Relocate virtual machine',
  'host.enterMaintenance': 'Enter maintenance mode',
  'host.exitMaintenance': 'Exit maintenance mode',
  'fault.inject': 'Simulate failure (lab)',
  'fault.repair': 'Repair simulated failure (lab)',
  'cluster.configure': 'Reconfigure cluster',
  'alarm.updateDefinition': 'Reconfigure alarm',
  'alarm.createDefinition': 'Create alarm',
  'alarm.removeDefinition': 'Remove alarm',
  'alarm.acknowledge': 'Acknowledge alarm',
  'alarm.reset': 'Reset alarm to green',
  'cluster.drs.run': 'Run DRS',
  'cluster.drs.apply': 'Apply DRS recommendation',
  'cluster.drs.dismiss': 'Dismiss DRS recommendation',
  'host.enterStandby': 'Enter standby mode',
  'host.exitStandby': 'Exit standby mode',
  'host.updateMemoryReclamation': 'Update memory reclamation settings',
  'host.add': 'Add host',
  'host.remove': 'Remove host',
  'host.reconnect': 'Reconnect host',
  'vim25.configure': 'Configure SDK endpoint',
  'task.cancel': 'Cancel task',
  'sim.run': 'Run simulation',
  'sim.pause': 'Pause simulation',
  'sim.step': 'Step simulation',
  'sim.setSpeed': 'Set simulation speed',
  'placement.apply': 'Apply placement plan',
  'lab.load': 'Load lab',
  'lab.save': 'Save lab',
  'lab.open': 'Open lab',
  'exercise.progress.set': 'Record exercise progress',
  'availability.design.save': 'Save availability design',
  'lab.recovery.restore': 'Restore autosaved lab',
  'lab.recovery.discard': 'Discard autosaved lab',
};

export const CLONE_TASK_NAMES = {
  vm: OPERATION_NAMES['vm.clone'],
  template: 'Clone virtual machine to template',
  deploy: 'Deploy virtual machine from template',
} as const;

export function operationName(command: string): string {
  return Object.prototype.hasOwnProperty.call(OPERATION_NAMES, command) ? OPERATION_NAMES[command as CommandName] : command;
}
