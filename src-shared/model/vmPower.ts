/**
 * vmPower — the VM power-state machine (vSphere semantics) as data the engine and the client both read,
 * so the operations a client offers are exactly the ones the engine accepts.
 *
 *   poweredOff --powerOn--> poweredOn --suspend--> suspended --powerOn (resume)--> poweredOn
 *   poweredOn --powerOff | shutdownGuest--> poweredOff;  suspended --powerOff--> poweredOff
 *   poweredOn --reset | rebootGuest--> poweredOn
 * shutdownGuest / rebootGuest only ask the guest OS (through its tools); the VM powers off when the guest
 * does, so their `to` state is where the guest ends up, not the task's effect.
 *
 * - `POWER_OPS`, `PowerOp`; `PowerCommand` (`vm.powerOn`…), `powerCommand(op)`, `isPowerCommand(key)`, `powerOpOf(command)`.
 * - `POWER_TRANSITIONS[op]`: the states an operation may start from, the state it ends in, and whether it
 *   needs the guest's tools.
 * - `powerOpProblem(op, vm, host?)` → why the operation cannot run, in the user's words, or undefined.
 *   The engine adds only what a client cannot see (another task in flight, CPU reservations on the host).
 * - `POWER_STATE_LABELS`, `GUEST_STATE_LABELS`: the one vocabulary for VM states (vSphere's words).
 */
import type { GuestRunState, HostConnectionState, HostPowerState, ToolsStatus, VmPowerState } from './inventory';

export const POWER_OPS = ['powerOn', 'powerOff', 'suspend', 'reset', 'shutdownGuest', 'rebootGuest'] as const;
export type PowerOp = (typeof POWER_OPS)[number];
export type PowerCommand = `vm.${PowerOp}`;

export function powerCommand(op: PowerOp): PowerCommand {
  return `vm.${op}`;
}

export function powerOpOf(command: PowerCommand): PowerOp {
  return command.slice(3) as PowerOp;
}

export function isPowerCommand(key: string): key is PowerCommand {
  return key.startsWith('vm.') && (POWER_OPS as readonly string[]).includes(key.slice(3));
}

export interface PowerTransition {
  from: readonly VmPowerState[];
  to: VmPowerState;
  /** Asks the guest OS, so its tools must be running. */
  needsTools: boolean;
}

export const POWER_TRANSITIONS: Readonly<Record<PowerOp, PowerTransition>> = {
  powerOn: { from: ['poweredOff', 'suspended'], to: 'poweredOn', needsTools: false },
  powerOff: { from: ['poweredOn', 'suspended'], to: 'poweredOff', needsTools: false },
  suspend: { from: ['poweredOn'], to: 'suspended', needsTools: false },
  reset: { from: ['poweredOn'], to: 'poweredOn', needsTools: false },
  shutdownGuest: { from: ['poweredOn'], to: 'poweredOff', needsTools: true },
  rebootGuest: { from: ['poweredOn'], to: 'poweredOn', needsTools: true },
};

export const POWER_STATE_LABELS: Readonly<Record<VmPowerState, string>> = {
  poweredOn: 'Powered On', poweredOff: 'Powered Off', suspended: 'Suspended',
};

/**
 * The guest's run state under its power state. vSphere calls a guest whose CPUs wait for interrupts
 * running (its tools answer); the lab says that it idles.
 */
export const GUEST_STATE_LABELS: Readonly<Record<GuestRunState, string>> = {
  running: 'Running', halted: 'Running (idle)', notRunning: 'Not running', crashed: 'Crashed',
};

export interface PowerSubject {
  name: string;
  powerState: VmPowerState;
  isTemplate: boolean;
  toolsStatus: ToolsStatus;
}

export interface PowerHost {
  name: string;
  connectionState: HostConnectionState;
  powerState: HostPowerState;
  /** In maintenance mode, or a maintenance-mode task is in flight. */
  inMaintenanceMode: boolean;
}

/** Why `op` cannot run on `vm` (on `host`, for power on), or undefined; the host is checked only when given. */
export function powerOpProblem(op: PowerOp, vm: PowerSubject, host?: PowerHost): string | undefined {
  if (vm.isTemplate) return `${vm.name} is a template; deploy a virtual machine from it instead.`;
  const t = POWER_TRANSITIONS[op];
  if (!t.from.includes(vm.powerState)) {
    return `The attempted operation cannot be performed in the current state (${POWER_STATE_LABELS[vm.powerState]}).`;
  }
  if (t.needsTools && vm.toolsStatus !== 'toolsOk') {
    return 'Cannot complete operation because VMware Tools is not running in this virtual machine.';
  }
  if (op === 'powerOn' && host) {
    if (host.connectionState !== 'connected' || host.powerState !== 'poweredOn') return `Host ${host.name} is not connected.`;
    if (host.inMaintenanceMode) return `Host ${host.name} is in (or entering) maintenance mode.`;
  }
  return undefined;
}
