/**
 * Which power operations are valid for a VM in its current state (Actions › Power, toolbar shortcuts).
 *
 * - `POWER_ACTIONS`: the six entries in vSphere's order with their command, label, icon and test id.
 * - `powerActionEnabled(command, vm, host?)` → `{ enabled, reason? }`.
 *
 * Rule: the power-state machine and its preconditions are the engine's own data (@shared/model/vmPower),
 * so the menu offers exactly what the engine accepts, with the engine's reason; the engine still has
 * the last word (a task in flight, CPU reservations) and a refusal shows as a failed task.
 */
import type { HostDto, VmDto } from '@shared/model/inventory';
import type { PowerCommand } from '@shared/model/vmPower';
import { powerOpOf, powerOpProblem } from '@shared/model/vmPower';

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

type VmState = Pick<VmDto, 'name' | 'powerState' | 'isTemplate' | 'toolsStatus'>;
type HostState = Pick<HostDto, 'name' | 'connectionState' | 'inMaintenanceMode' | 'powerState'>;

export function powerActionEnabled(command: PowerCommand, vm: VmState, host?: HostState): Enablement {
  const reason = powerOpProblem(powerOpOf(command), vm, host);
  return reason === undefined ? { enabled: true } : { enabled: false, reason };
}
