/**
 * CSV text as RFC 4180 defines it, for the Export buttons of Tasks and Events.
 *
 * - `csvField(text)`: a field quoted when it holds a comma, a double quote, CR or LF; quotes doubled.
 * - `toCsv(header, rows)`: header line then one record per row, CRLF line breaks (RFC 4180 §2.1),
 *   ending with a CRLF.
 * - `csvFileName(what, objectName)`: `Tasks_web-01.csv`.
 *
 * Rule: the exported columns and cell texts are the ones the table shows, in its order.
 */
import { fileSlug } from './download';

export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function csvFileName(what: string, objectName: string): string {
  return `${fileSlug(`${what} ${objectName}`)}.csv`;
}
