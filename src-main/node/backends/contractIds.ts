/**
 * contractIds — finds the entity ids a contract message carries, by the contract's rule for where ids
 * travel (`src-shared/model/ids.ts`): strings under keys named `id`, `…Id` or `…Ids` (arrays of them),
 * and the `value` of a property change whose `path` is such a key.
 *
 * - `isIdKey(key)`.
 * - `forEachId(value, visit)`: calls `visit(id, field)` for every well-formed id, with its dotted path.
 * - `mapIds(value, map)` → a copy of `value` with every well-formed id replaced by `map(id)`.
 *
 * Rules: only well-formed ids are touched (a VM named `vm-1` sits under `name` and is never an id);
 * input is never mutated; recursion stops at MAX_DEPTH (contract messages are shallow; anything deeper
 * is left as it is and the engine's door refuses it).
 */
import { kindOfId } from '@shared/model/ids';

const MAX_DEPTH = 12;

export function isIdKey(key: string): boolean {
  return key === 'id' || key.endsWith('Id') || key.endsWith('Ids');
}

const isId = (v: unknown): v is string => typeof v === 'string' && kindOfId(v) !== undefined;

export function forEachId(value: unknown, visit: (id: string, field: string) => void, path = 'params', depth = 0): void {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((x, i) => forEachId(x, visit, `${path}[${i}]`, depth + 1));
    return;
  }
  const o = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(o)) {
    const field = `${path}.${k}`;
    const idKey = isIdKey(k) || (k === 'value' && typeof o.path === 'string' && isIdKey(o.path));
    if (idKey && isId(v)) visit(v, field);
    else if (idKey && Array.isArray(v) && v.every((x) => typeof x === 'string')) v.forEach((x, i) => { if (isId(x)) visit(x, `${field}[${i}]`); });
    else forEachId(v, visit, field, depth + 1);
  }
}

export function mapIds<T>(value: T, map: (id: string) => string, depth = 0): T {
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((x) => mapIds(x, map, depth + 1)) as T;
  const o = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const idKey = isIdKey(k) || (k === 'value' && typeof o.path === 'string' && isIdKey(o.path));
    if (idKey && isId(v)) out[k] = map(v);
    else if (idKey && Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v.map((x: string) => (isId(x) ? map(x) : x));
    else out[k] = mapIds(v, map, depth + 1);
  }
  return out as T;
}
