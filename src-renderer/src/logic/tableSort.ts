/**
 * Sorting for the client's tables (click a column header, as in vSphere's data grids).
 *
 * - `SortValue`: what a column sorts by — a number (counts, sizes, times as milliseconds, so dates sort
 *   as dates), a string (names, compared with numeric collation so `vm-10` follows `vm-9`), or nothing.
 * - `compareSortValues(a, b)`: numbers numerically, strings by collation, empty cells last in either
 *   direction (vSphere keeps blanks at the bottom).
 * - `sortBy(rows, value, state)`: a stable sorted copy; `state` null keeps the given order.
 * - `nextSort(state, key)`: a click on a header — a new column sorts ascending, the same column flips.
 *
 * Rule: a column's sort value comes from the data, never from its displayed text (`1.5 GB` < `512 MB`).
 */

export type SortValue = number | string | null | undefined;
export type SortDirection = 'ascending' | 'descending';
export interface SortState {
  key: string;
  direction: SortDirection;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

const isEmpty = (v: SortValue): boolean => v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));

/** Ascending order of two values; empty values are handled by `sortBy` (always last). */
export function compareSortValues(a: SortValue, b: SortValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1; // numbers before text in a mixed column
  if (typeof b === 'number') return 1;
  return collator.compare(String(a), String(b));
}

export function sortBy<T>(rows: readonly T[], value: (row: T, key: string) => SortValue, state: SortState | null): T[] {
  if (!state) return [...rows];
  const sign = state.direction === 'ascending' ? 1 : -1;
  const keyed = rows.map((row, index) => ({ row, index, v: value(row, state.key) }));
  keyed.sort((x, y) => {
    const ex = isEmpty(x.v);
    const ey = isEmpty(y.v);
    if (ex || ey) return ex === ey ? x.index - y.index : ex ? 1 : -1;
    return sign * compareSortValues(x.v, y.v) || x.index - y.index;
  });
  return keyed.map((k) => k.row);
}

export function nextSort(state: SortState | null, key: string): SortState {
  if (state?.key === key) return { key, direction: state.direction === 'ascending' ? 'descending' : 'ascending' };
  return { key, direction: 'ascending' };
}
