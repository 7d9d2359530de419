/**
 * hostOps — host-level operations as Tasks: enter and exit maintenance mode.
 *
 * - `startEnterMaintenance(lab, hostId)`: refused (E_INVALID_STATE naming params.hostId) while powered-on
 *   VMs remain on the host (there is no vMotion to evacuate them yet: power them off or suspend them
 *   first); while the task runs, power-ons on the host are refused.
 * - `startExitMaintenance(lab, hostId)`: refused unless the host is in maintenance mode.
 *
 * Events: EnteringMaintenanceModeEvent, EnteredMaintenanceModeEvent, ExitMaintenanceModeEvent (vSphere's).
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { HostId, TaskId } from '@shared/model/ids';
import { OPERATION_NAMES } from '@shared/model/taskNames';
import type { Lab } from '../lab/lab';
import type { Host } from './registry';

const ENTER_MS = 3000;
const EXIT_MS = 1500;

function poweredOnVms(lab: Lab, host: Host): string[] {
  return lab.reg.vmsOnHost(host.id).filter((v) => v.powerState === 'poweredOn').map((v) => v.name);
}

function enterProblem(lab: Lab, host: Host): ApiError | undefined {
  if (host.inMaintenanceMode) return apiError('E_INVALID_STATE', `Host ${host.name} is already in maintenance mode.`, 'params.hostId');
  const on = poweredOnVms(lab, host);
  if (on.length) {
    return apiError('E_INVALID_STATE', `Host ${host.name} cannot enter maintenance mode: ${on.length} powered-on virtual machine(s) remain (${on.slice(0, 5).join(', ')}${on.length > 5 ? ', …' : ''}). Power them off or suspend them first.`, 'params.hostId');
  }
  return undefined;
}

export function startEnterMaintenance(lab: Lab, hostId: HostId): { taskId: TaskId } | { error: ApiError } {
  const host = lab.reg.hosts.get(hostId);
  if (!host) return { error: apiError('E_NOT_FOUND', `no host ${hostId}`, 'params.hostId') };
  if (host.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${host.busyTaskId}) is in progress on ${host.name}.`, 'params.hostId') };
  const problem = enterProblem(lab, host);
  if (problem) return { error: problem };
  const entity = { id: host.id, name: host.name };
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: 'host.enterMaintenance', name: OPERATION_NAMES['host.enterMaintenance'], targetId: host.id, targetName: host.name,
    durationMs: lab.jitter(ENTER_MS),
    precheck: () => enterProblem(lab, host),
    onStart: () => lab.events.log(lab.clock.nowMs, 'info', 'EnteringMaintenanceModeEvent', `Host ${host.name} is entering maintenance mode`, entity, taskId),
    complete: () => {
      const p = enterProblem(lab, host);
      if (p) return { error: p };
      host.inMaintenanceMode = true;
      lab.markChanged(host.id);
      lab.events.log(lab.clock.nowMs, 'info', 'EnteredMaintenanceModeEvent', `Host ${host.name} has entered maintenance mode`, entity, taskId);
      return {};
    },
    onFinished: () => { host.busyTaskId = undefined; },
  });
  host.busyTaskId = taskId;
  return { taskId };
}

export function startExitMaintenance(lab: Lab, hostId: HostId): { taskId: TaskId } | { error: ApiError } {
  const host = lab.reg.hosts.get(hostId);
  if (!host) return { error: apiError('E_NOT_FOUND', `no host ${hostId}`, 'params.hostId') };
  if (host.busyTaskId) return { error: apiError('E_INVALID_STATE', `Another task (${host.busyTaskId}) is in progress on ${host.name}.`, 'params.hostId') };
  if (!host.inMaintenanceMode) return { error: apiError('E_INVALID_STATE', `Host ${host.name} is not in maintenance mode.`, 'params.hostId') };
  const entity = { id: host.id, name: host.name };
  const taskId = lab.tasks.start(lab.clock.nowMs, {
    operation: 'host.exitMaintenance', name: OPERATION_NAMES['host.exitMaintenance'], targetId: host.id, targetName: host.name,
    durationMs: lab.jitter(EXIT_MS),
    complete: () => {
      host.inMaintenanceMode = false;
      lab.markChanged(host.id);
      lab.events.log(lab.clock.nowMs, 'info', 'ExitMaintenanceModeEvent', `Host ${host.name} has exited maintenance mode`, entity, taskId);
      return {};
    },
    onFinished: () => { host.busyTaskId = undefined; },
  });
  host.busyTaskId = taskId;
  return { taskId };
}
