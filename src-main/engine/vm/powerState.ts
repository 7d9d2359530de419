/**
 * The VM power-state machine, engine side. Its data — which operation is valid in which state, where it
 * leads, what it needs — is @shared/model/vmPower, which the client reads too, so what the client offers
 * is what the engine accepts.
 *
 * - `PowerOp`, `POWER_TRANSITIONS`: from the shared model.
 * - `checkPowerOp(op, vm, host?)` → a typed E_INVALID_STATE error at `params.vmId` (the shared
 *   `powerOpProblem` in the user's words), or undefined. A host is given for power on; a host with a
 *   maintenance-mode task in flight counts as in maintenance mode.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { PowerOp, PowerSubject } from '@shared/model/vmPower';
import { powerOpProblem } from '@shared/model/vmPower';
import type { Host } from '../cluster/index';

export type { PowerOp } from '@shared/model/vmPower';
export { POWER_TRANSITIONS } from '@shared/model/vmPower';

export function checkPowerOp(op: PowerOp, vm: PowerSubject, host?: Host): ApiError | undefined {
  const hostView = host && { ...host, inMaintenanceMode: host.inMaintenanceMode || host.busyTaskId !== undefined };
  const problem = powerOpProblem(op, vm, hostView);
  return problem ? apiError('E_INVALID_STATE', problem, 'params.vmId') : undefined;
}
