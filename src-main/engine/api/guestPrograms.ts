/**
 * Workloads are names from the guest catalogue: `unknownWorkload(catalog, name, field)` refuses a
 * workload the engine could not boot, at the request (New VM, Edit Settings), not at the next power-on.
 *
 * Rule: without a catalogue (a lab run without guest execution) every name is accepted: there is
 * nothing to check it against and nothing will boot it.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';

const SHOWN = 8;

export function unknownWorkload(catalog: readonly { name: string }[] | undefined, name: string | undefined, field: string): ApiError | undefined {
  if (!catalog || name === undefined || catalog.some((g) => g.name === name)) return undefined;
  const names = catalog.map((g) => g.name);
  const some = names.slice(0, SHOWN).join(', ') + (names.length > SHOWN ? ', …' : '');
  return apiError('E_INVALID_ARGUMENT', `There is no guest program "${name}". Choose one of the guest catalogue: ${some}.`, field);
}
