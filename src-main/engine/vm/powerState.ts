/**
 * The VM power-state machine (vSphere semantics): which operation is valid in which state, and where it leads.
 *
 *   poweredOff --powerOn--> poweredOn --suspend--> suspended --powerOn (resume)--> poweredOn
 *   poweredOn --powerOff | shutdownGuest--> poweredOff;  suspended --powerOff--> poweredOff
 *   poweredOn --reset | rebootGuest--> poweredOn
 * shutdownGuest / rebootGuest only ask the guest OS (through its tools); the VM powers off when the guest
 * does (see vm/powerOps.ts), so their `to` state is where the guest ends up, not the task's effect.
 *
 * - `POWER_TRANSITIONS[op]` lists the states an operation may start from, and the state it ends in.
 * - `checkPowerOp(op, state)` → a typed E_INVALID_STATE error naming the state, or undefined.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { VmPowerState } from '@shared/model/inventory';

export type PowerOp = 'powerOn' | 'powerOff' | 'suspend' | 'reset' | 'shutdownGuest' | 'rebootGuest';

export const POWER_TRANSITIONS: Record<PowerOp, { from: VmPowerState[]; to: VmPowerState }> = {
  powerOn: { from: ['poweredOff', 'suspended'], to: 'poweredOn' },
  powerOff: { from: ['poweredOn', 'suspended'], to: 'poweredOff' },
  suspend: { from: ['poweredOn'], to: 'suspended' },
  reset: { from: ['poweredOn'], to: 'poweredOn' },
  shutdownGuest: { from: ['poweredOn'], to: 'poweredOff' },
  rebootGuest: { from: ['poweredOn'], to: 'poweredOn' },
};

const STATE_LABEL: Record<VmPowerState, string> = {
  poweredOff: 'Powered off', poweredOn: 'Powered on', suspended: 'Suspended',
};

export function checkPowerOp(op: PowerOp, state: VmPowerState): ApiError | undefined {
  if (POWER_TRANSITIONS[op].from.includes(state)) return undefined;
  return apiError('E_INVALID_STATE', `The attempted operation cannot be performed in the current state (${STATE_LABEL[state]}).`, 'params.vmId');
}
