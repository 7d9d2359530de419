/**
 * Reports (docs/exercises.md, "Reports"): the lab report of a student's exercise and the datacenter
 * report, built through the contract, sealed, and written as HTML, PDF, CSV or JSON. One door for the
 * CLI (`hvlab report`), the browser-mode server and Electron main (Export report… in the client).
 *
 * - `buildReport(api, request)` → sealed `ReportDoc`.
 * - `reportFiles(doc, format, options)` → `[{ name, bytes, mime }]` (CSV: one file per table/series plus
 *   an index; the others: one file). `options.printer` prints PDF (Chromium here, Electron in the app).
 */
import type { HvlabApi } from '@shared/api/index';
import type { Exercise } from '@shared/exercise/index';
import type { ReportDoc } from './reportModel';
import { buildLabReport } from './labReport';
import { buildDatacenterReport } from './datacenterReport';
import { sealDoc } from './seal';
import { renderHtml } from './html';
import { csvFiles } from './csv';
import type { PageSize, Printer } from './pdf';
import { renderPdf } from './pdf';

export type { ReportDoc } from './reportModel';
export type { PageSize, Printer } from './pdf';
export { chromiumPrinter, countPdfPages, PAGE_FORMAT } from './pdf';
export { loadReportKey, verifySeal, labDigest, checkLabDigest, keyId, LAB_DIGEST_VERSION } from './seal';
export { extractDoc, renderHtml } from './html';
export { defaultPeriod, DEFAULT_PERIOD_MS } from './datacenterReport';

export const REPORT_FORMATS = ['html', 'pdf', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportRequest {
  kind: 'lab' | 'datacenter';
  /** The exercise of a lab report. */
  exercise?: Exercise;
  studentName?: string;
  fromMs?: number;
  toMs?: number;
  /** The instructor's key: the report is sealed when given. */
  key?: Buffer;
  /** Wall-clock time of the report (ISO); default now. */
  generatedAt?: string;
}

export async function buildReport(api: HvlabApi, req: ReportRequest): Promise<ReportDoc> {
  const generatedAt = req.generatedAt ?? new Date().toISOString();
  let doc: ReportDoc;
  if (req.kind === 'lab') {
    if (!req.exercise) throw new Error('a lab report needs an exercise (--exercise NAME, or a lab whose progress names one)');
    doc = await buildLabReport(api, req.exercise, { studentName: req.studentName, generatedAt });
  } else {
    doc = await buildDatacenterReport(api, { fromMs: req.fromMs, toMs: req.toMs, generatedAt });
  }
  return sealDoc(doc, req.key);
}

export async function reportFiles(doc: ReportDoc, format: ReportFormat, options: { base?: string; pageSize?: PageSize; printer?: Printer } = {}): Promise<{ name: string; bytes: Uint8Array; mime: string }[]> {
  const base = options.base ?? 'report';
  switch (format) {
    case 'html': return [{ name: `${base}.html`, bytes: Buffer.from(renderHtml(doc), 'utf8'), mime: 'text/html' }];
    case 'json': return [{ name: `${base}.json`, bytes: Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, 'utf8'), mime: 'application/json' }];
    case 'csv': return csvFiles(doc, base).map((f) => ({ name: f.name, bytes: Buffer.from(f.text, 'utf8'), mime: 'text/csv' }));
    case 'pdf': {
      if (!options.printer) throw new Error('PDF output needs a printer (Chromium or Electron)');
      const { pdf } = await renderPdf(doc, options.pageSize ?? 'A4', options.printer);
      return [{ name: `${base}.pdf`, bytes: pdf, mime: 'application/pdf' }];
    }
  }
}
