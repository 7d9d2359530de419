/**
 * Statistics for the performance chart legend (Latest / Maximum / Minimum / Average) and CSV export.
 *
 * - `seriesStats(values)`: over non-null samples; all null when the series has none.
 * - `toCsv(series, columns, formatTime)`: one row per timestamp; empty cells where the engine had no
 *   sample; RFC 4180 quoting; values rounded to their counter's precision (`csvValue`).
 *
 * Rule: statistics are computed from engine samples only; nulls (no sample, e.g. powered off) are
 * skipped, never counted as zero.
 */
import type { CounterUnit, MetricSeriesDto } from '@shared/model/metrics';

/**
 * Decimals a value of each unit is written with. vSphere keeps percentages in hundredths of a percent;
 * other units are written with at most three decimals (no float noise such as 100.30760000000001).
 */
export const CSV_DECIMALS: Partial<Record<CounterUnit, number>> = { percent: 2 };
const CSV_DEFAULT_DECIMALS = 3;

/** A sample as a CSV cell: rounded to the unit's precision, without trailing zeros. */
export function csvValue(value: number, unit?: CounterUnit): string {
  const decimals = (unit && CSV_DECIMALS[unit]) ?? CSV_DEFAULT_DECIMALS;
  const rounded = Number(value.toFixed(decimals));
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

export interface SeriesStats {
  latest: number | null;
  maximum: number | null;
  minimum: number | null;
  average: number | null;
  count: number;
}

export function seriesStats(values: readonly (number | null)[]): SeriesStats {
  let latest: number | null = null;
  let max = -Infinity;
  let min = Infinity;
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    latest = v;
    if (v > max) max = v;
    if (v < min) min = v;
    sum += v;
    count++;
  }
  if (count === 0) return { latest: null, maximum: null, minimum: null, average: null, count: 0 };
  return { latest, maximum: max, minimum: min, average: sum / count, count };
}

export interface CsvColumn {
  /** Counter name in the series. */
  counter: string;
  /** The counter's unit: sets the precision its values are written with. */
  unit?: CounterUnit;
  /** Column heading, e.g. `vm-web-1 · cpu.usage.average (%)`. */
  heading: string;
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(series: MetricSeriesDto, columns: readonly CsvColumn[], formatTime: (ms: number) => string): string {
  const lines: string[] = [];
  lines.push(['Time', 'Timestamp (ms)', ...columns.map((c) => c.heading)].map(csvField).join(','));
  series.timestampsMs.forEach((t, i) => {
    const cells = columns.map((c) => {
      const v = series.values[c.counter]?.[i];
      return v === null || v === undefined || !Number.isFinite(v) ? '' : csvValue(v, c.unit);
    });
    lines.push([csvField(formatTime(t)), String(t), ...cells].join(','));
  });
  return lines.join('\r\n') + '\r\n';
}
