/**
 * A report as CSV: one file per table and one per chart (its series side by side on the sample times),
 * plus an index listing them.
 *
 * - `csvFiles(doc)` → `[{ name, text }]` (`index.csv` first); `toCsv(columns, rows)` for one table.
 *
 * Rules: RFC 4180 quoting, CRLF line ends, UTF-8; numbers at full precision; an empty cell is "no value".
 * Text that a spreadsheet would run as a formula (starting with = + - @ or a tab) gets a leading
 * apostrophe — names and answers come from users.
 */
import type { Cell, ReportDoc } from './reportModel';
import { charts, tables } from './reportModel';

function field(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'number') return Number.isFinite(c) ? String(c) : '';
  if (typeof c === 'boolean') return c ? 'pass' : 'fail';
  const safe = /^[=+\-@\t\r]/.test(c) ? `'${c}` : c;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(columns: string[], rows: Cell[][]): string {
  return [columns, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

export function csvFiles(doc: ReportDoc, base = 'report'): { name: string; text: string }[] {
  const files: { name: string; text: string }[] = [];
  const index: Cell[][] = [];
  for (const t of tables(doc)) {
    const name = `${base}.${t.id}.csv`;
    files.push({ name, text: toCsv(t.columns, t.rows) });
    index.push(['table', t.title, name, t.rows.length]);
  }
  for (const c of charts(doc)) {
    const times = [...new Set(c.series.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => a - b);
    const cols = ['time_ms', ...c.series.map((s) => `${s.name} (${s.unit})`)];
    const rows = times.map((t) => [t, ...c.series.map((s) => s.points.find((p) => p.t === t)?.v ?? null)] as Cell[]);
    const name = `${base}.${c.id}.csv`;
    files.push({ name, text: toCsv(cols, rows) });
    index.push(['series', c.title, name, rows.length]);
  }
  return [{ name: `${base}.csv`, text: toCsv(['kind', 'title', 'file', 'rows'], index) }, ...files];
}
