/**
 * Field-level validation for the New Virtual Machine wizard and Edit Settings, before and after the
 * engine answers.
 *
 * - `validateSpec(spec, ctx)` / `validateChanges(changes, current?)`: run the contract's own schemas
 *   (`vmSpecSchema`, `vmChangesSchema` from src-shared, built from the one table of VM limits,
 *   @shared/model/vmLimits: a value beyond a limit gets the engine's own message) plus the checks that
 *   need inventory context (unique name, connected host) and the engine's rules across fields: the
 *   monitor/paging pair (`pagingProblem`: nested paging needs hw; at `paging`), and for an edit of an
 *   existing VM, what may change while it runs (`runningChangeProblem`: hot add) and limit ≥
 *   reservation (`cpuAllocationProblem`); returns `{ [field]: message }`.
 * - `fieldOfApiError(error)`: maps an engine `ApiError.field` (`params.spec.vcpus`) to a form field
 *   (`vcpus`), so a refusal shows at the field it names.
 *
 * Rule: the schema check runs field by field so every invalid field gets its message, not only the first.
 */
import { vmSpecSchema, vmChangesSchema } from '@shared/api/commands';
import type { VmSpec, VmChanges } from '@shared/api/commands';
import type { ApiError } from '@shared/api/errors';
import type { HostDto, VmDto } from '@shared/model/inventory';
import { pagingProblem } from '@shared/model/mmuVirtualization';
import type { VmCpuAllocation } from '@shared/model/vmHardware';
import type { RunningVm } from '@shared/model/vmLimits';
import { cpuAllocationProblem, runningChangeProblem } from '@shared/model/vmLimits';

export type FieldErrors = Record<string, string>;

export interface SpecContext {
  vms: readonly Pick<VmDto, 'name' | 'id'>[];
  hosts: readonly Pick<HostDto, 'id' | 'connectionState' | 'inMaintenanceMode'>[];
  /** When editing, the VM whose own name is allowed. */
  selfId?: string;
}

const MESSAGES: Record<string, string> = {
  name: 'Virtual machine name',
  vcpus: 'CPU',
  memoryMiB: 'Memory',
};

function humanize(field: string, message: string): string {
  if (message === 'must not be empty' || message === 'is required') return `${MESSAGES[field] ?? field} is required.`;
  if (message.startsWith('expected an integer')) return 'Enter a whole number.';
  return message.charAt(0).toUpperCase() + message.slice(1) + (message.endsWith('.') ? '' : '.');
}

/**
 * Checks every field of `value` against the schema: each field is probed alone on top of a known-valid
 * baseline, so the closed-object schema (which reports only its first problem) names every bad field.
 */
function perField(
  check: (v: unknown) => { field: string; message: string } | null,
  value: Record<string, unknown>, prefix: string, baseline: Record<string, unknown>,
): FieldErrors {
  const errors: FieldErrors = {};
  const whole = check(value);
  if (!whole) return errors;
  const wholeField = stripPath(whole.field, prefix).split('.')[0];
  errors[wholeField] = humanize(wholeField, whole.message);
  for (const [k, v] of Object.entries(value)) {
    if (k === wholeField) continue;
    const p = check({ ...baseline, [k]: v });
    if (!p) continue;
    const top = stripPath(p.field, prefix).split('.')[0];
    if (top === k) errors[k] = humanize(k, p.message);
  }
  return errors;
}

function dropUndefined(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function stripPath(path: string, prefix: string): string {
  let f = path;
  if (f.startsWith('params.')) f = f.slice('params.'.length);
  if (f.startsWith(`${prefix}.`)) f = f.slice(prefix.length + 1);
  return f;
}

export function validateSpec(spec: VmSpec, ctx: SpecContext): FieldErrors {
  const errors = perField((v) => vmSpecSchema.check(v, 'spec'), dropUndefined(spec), 'spec', { name: 'x', vcpus: 1, memoryMiB: 1 });
  const name = spec.name?.trim() ?? '';
  if (!errors.name && name !== spec.name) errors.name = 'The name must not start or end with spaces.';
  if (!errors.name && ctx.vms.some((vm) => vm.name === spec.name && vm.id !== ctx.selfId)) {
    errors.name = `The name '${spec.name}' already exists.`;
  }
  // Both given (as the wizard sends them); with either left out the engine's defaults decide, and it checks.
  if (!errors.monitor && !errors.paging && spec.monitor && spec.paging) {
    const problem = pagingProblem(spec.monitor, spec.paging);
    if (problem) errors.paging = humanize('paging', problem);
  }
  if (!spec.hostId && !spec.clusterId) errors.hostId = errors.hostId ?? 'Select a compute resource.';
  if (spec.hostId) {
    const host = ctx.hosts.find((h) => h.id === spec.hostId);
    if (!host) errors.hostId = 'The selected host no longer exists.';
    else if (host.connectionState !== 'connected') errors.hostId = 'The selected host is not connected.';
    else if (host.inMaintenanceMode) errors.hostId = 'The selected host is in maintenance mode.';
  }
  return errors;
}

/** `current`: the VM being edited, to check the rules a change must keep with what it already has. */
export function validateChanges(changes: VmChanges, current?: RunningVm & VmCpuAllocation): FieldErrors {
  const errors = perField((v) => vmChangesSchema.check(v, 'changes'), dropUndefined(changes), 'changes', {});
  const monitor = changes.monitor ?? current?.monitor;
  const paging = changes.paging ?? current?.paging;
  if ((changes.monitor || changes.paging) && monitor && paging && !errors.monitor && !errors.paging) {
    const problem = pagingProblem(monitor, paging);
    if (problem) errors.paging = humanize('paging', problem);
  }
  if (!current) return errors;
  const running = runningChangeProblem(current, changes);
  if (running && !errors[running.setting]) errors[running.setting] = running.message;
  const field = changes.cpuLimitMhz !== undefined ? 'cpuLimitMhz' : 'cpuReservationMhz';
  const alloc = cpuAllocationProblem({ cpuReservationMhz: changes.cpuReservationMhz ?? current.cpuReservationMhz, cpuLimitMhz: changes.cpuLimitMhz ?? current.cpuLimitMhz });
  if (alloc && !errors.cpuLimitMhz && !errors.cpuReservationMhz) errors[field] = alloc;
  return errors;
}

/** Form field named by an engine error (`params.spec.memoryMiB` → `memoryMiB`), or undefined. */
export function fieldOfApiError(error: ApiError): string | undefined {
  if (!error.field) return undefined;
  let f = error.field;
  for (const prefix of ['params.', 'spec.', 'changes.']) if (f.startsWith(prefix)) f = f.slice(prefix.length);
  return f.split('.')[0] || undefined;
}
