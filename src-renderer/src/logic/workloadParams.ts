/**
 * Workload parameters as form fields, from the guest catalogue's declarations (`GuestProgramDto.params`).
 *
 * - `workloadParamErrors(program, params)` → `{ [key]: message }`: each value a whole number in its
 *   declared range; a key the program does not read is refused (labos would ignore it silently).
 * - `paramsForWorkload(program, params)`: the values that still apply after the workload changed.
 * - `sameParams(a, b)`: whether two parameter sets are equal (to send only a change).
 * - `paramOfApiError(error)`: the parameter an engine refusal names (`…workloadParams.<key>`), so its
 *   message shows beside that field.
 *
 * Rule: a field left empty is the program's default, applied by the program itself: it is not sent.
 */
import type { GuestProgramDto } from '@shared/api/queries';
import { guestParamProblem } from '@shared/model/guestParams';

export type WorkloadParams = Record<string, number>;

export function workloadParamErrors(program: GuestProgramDto | undefined, params: WorkloadParams): Record<string, string> {
  const out: Record<string, string> = {};
  const declared = new Map((program?.params ?? []).map((p) => [p.key, p]));
  for (const [key, value] of Object.entries(params)) {
    const p = declared.get(key);
    if (!p) {
      if (program) out[key] = `${program.name} has no parameter ${key}.`;
      continue;
    }
    const problem = guestParamProblem(p, value);
    if (problem) out[key] = problem;
  }
  return out;
}

export function paramsForWorkload(program: GuestProgramDto | undefined, params: WorkloadParams): WorkloadParams {
  const keys = new Set((program?.params ?? []).map((p) => p.key));
  return Object.fromEntries(Object.entries(params).filter(([k]) => keys.has(k)));
}

export function sameParams(a: WorkloadParams, b: WorkloadParams): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

export function paramOfApiError(error: { field?: string }): string | undefined {
  return /(?:^|\.)workloadParams\.([a-z_][a-z0-9_]*)$/.exec(error.field ?? '')?.[1];
}
