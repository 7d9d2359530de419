/**
 * The report document: one plain, JSON-serialisable model from which every format is rendered — HTML
 * (html.ts), PDF (pdf.ts, from the HTML), CSV (csv.ts, one file per table and series) and JSON (the model).
 *
 * - `ReportDoc`: kind (`lab` | `datacenter`), title, facts (key/value lines of the cover), sections of
 *   blocks (Markdown-rendered text, tables, charts), the integrity block (lab digest, seal).
 * - `Table`, `Chart` (series of `{ t, v }` in virtual ms), `Block`, `Section`.
 * - `slug(text)`: ids for sections, tables and charts (file names of the CSV export).
 *
 * Rules: values are numbers or text as measured (never formatted into strings when numeric, so CSV and
 * JSON keep full precision); `null` is "no value" (no sample), never zero.
 */
import type { ChartSeries } from './svgChart';

export type Cell = string | number | boolean | null;

export interface Table {
  id: string;
  title: string;
  columns: string[];
  rows: Cell[][];
  /** Optional per-row status for styling (pass/fail). */
  status?: ('pass' | 'fail' | 'info' | undefined)[];
}

export interface Chart {
  id: string;
  title: string;
  series: ChartSeries[];
}

export type Block =
  | { kind: 'html'; html: string }
  | { kind: 'table'; table: Table }
  | { kind: 'chart'; chart: Chart };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

export interface Integrity {
  /** SHA-256 over the contract-visible lab state (seal.ts, docs/exercises.md "Reports"). */
  labDigest: string;
  /** What the digest covers: 2 adds the saved availability design; absent in reports made before it (version 1). */
  digestVersion?: number;
  virtualTimeMs: number;
  /** HMAC-SHA256 of the document with the instructor's key, or null when no key was configured. */
  seal: { algorithm: 'HMAC-SHA256'; keyId: string; value: string } | null;
}

export interface ReportDoc {
  format: 'hvlab-report';
  version: 1;
  kind: 'lab' | 'datacenter';
  title: string;
  subtitle: string;
  generatedAt: string;
  facts: [string, string][];
  sections: Section[];
  integrity: Integrity;
}

export function slug(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'item';
}

/** Ids unique within a document (`cpu`, `cpu-2`, …). */
export function uniqueIds(): (text: string) => string {
  const seen = new Map<string, number>();
  return (text: string) => {
    const base = slug(text);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  };
}

export function tables(doc: ReportDoc): Table[] {
  return doc.sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === 'table' ? [b.table] : [])));
}

export function charts(doc: ReportDoc): Chart[] {
  return doc.sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === 'chart' ? [b.chart] : [])));
}
