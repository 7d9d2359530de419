/**
 * Which power operations are valid for a VM in its current state (Actions › Power, toolbar shortcuts).
 *
 * - `POWER_ACTIONS`: the six entries in vSphere's order with their command and task name.
 * - `powerActionEnabled(action, vm, host?)` → `{ enabled, reason? }`.
 *
 * Rule: mirrors the preconditions documented on each command in src-shared/api/commands.ts (keep in
 * sync); the engine re-checks them and a refusal still shows as a failed task.
 */
import type { HostDto, VmDto } from '@shared/model/inventory';

export type PowerCommand = 'vm.powerOn' | 'vm.powerOff' | 'vm.suspend' | 'vm.reset' | 'vm.shutdownGuest' | 'vm.rebootGuest';

export interface PowerAction {
  command: PowerCommand;
  label: string;
  icon: string;
  testId: string;
}

export const POWER_ACTIONS: readonly PowerAction[] = [
  { command: 'vm.powerOn', label: 'Power On', icon: 'power-on', testId: 'action-power-on' },
  { command: 'vm.powerOff', label: 'Power Off', icon: 'power-off', testId: 'action-power-off' },
  { command: 'vm.suspend', label: 'Suspend', icon: 'suspend', testId: 'action-suspend' },
  { command: 'vm.reset', label: 'Reset', icon: 'reset', testId: 'action-reset' },
  { command: 'vm.shutdownGuest', label: 'Shut Down Guest OS', icon: 'shutdown', testId: 'action-shutdown-guest' },
  { command: 'vm.rebootGuest', label: 'Restart Guest OS', icon: 'restart', testId: 'action-restart-guest' },
];

export interface Enablement {
  enabled: boolean;
  reason?: string;
}

type VmState = Pick<VmDto, 'powerState' | 'isTemplate' | 'toolsStatus'>;
type HostState = Pick<HostDto, 'connectionState' | 'inMaintenanceMode' | 'powerState'>;

export function powerActionEnabled(command: PowerCommand, vm: VmState, host?: HostState): Enablement {
  if (vm.isTemplate) return { enabled: false, reason: 'Templates cannot be powered on' };
  const s = vm.powerState;
  switch (command) {
    case 'vm.powerOn':
      if (s === 'poweredOn') return { enabled: false, reason: 'The virtual machine is already powered on' };
      if (host && host.connectionState !== 'connected') return { enabled: false, reason: 'The host is not connected' };
      if (host && host.inMaintenanceMode) return { enabled: false, reason: 'The host is in maintenance mode' };
      return { enabled: true };
    case 'vm.powerOff':
      return s === 'poweredOff' ? { enabled: false, reason: 'The virtual machine is powered off' } : { enabled: true };
    case 'vm.suspend':
    case 'vm.reset':
      return s === 'poweredOn' ? { enabled: true } : { enabled: false, reason: 'The virtual machine is not powered on' };
    case 'vm.shutdownGuest':
    case 'vm.rebootGuest':
      if (s !== 'poweredOn') return { enabled: false, reason: 'The virtual machine is not powered on' };
      if (vm.toolsStatus !== 'toolsOk') return { enabled: false, reason: 'VMware Tools is not running in the guest' };
      return { enabled: true };
  }
}

/** vSphere task names, used for failures the engine refused before creating a task. Keep in sync with the engine's task names. */
export const OPERATION_NAMES: Record<string, string> = {
  'vm.powerOn': 'Power On virtual machine',
  'vm.powerOff': 'Power Off virtual machine',
  'vm.suspend': 'Suspend virtual machine',
  'vm.reset': 'Reset virtual machine',
  'vm.shutdownGuest': 'Initiate guest OS shutdown',
  'vm.rebootGuest': 'Initiate guest OS reboot',
  'vm.create': 'Create virtual machine',
  'vm.clone': 'Clone virtual machine',
  'vm.reconfigure': 'Reconfigure virtual machine',
  'vm.rename': 'Rename virtual machine',
  'vm.remove': 'Delete virtual machine',
  'vm.snapshot.create': 'Create virtual machine snapshot',
  'vm.snapshot.revert': 'Revert to snapshot',
  'vm.snapshot.remove': 'Remove snapshot',
  'vm.snapshot.removeAll': 'Remove all snapshots',
  'vm.snapshot.edit': 'Rename snapshot',
  'vm.console.send': 'Send keys to console',
  'host.enterMaintenance': 'Enter maintenance mode',
  'host.exitMaintenance': 'Exit maintenance mode',
  'task.cancel': 'Cancel task',
  'lab.load': 'Load lab',
};

export function operationName(command: string): string {
  return OPERATION_NAMES[command] ?? command;
}
