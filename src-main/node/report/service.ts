/**
 * The report service a host offers its client (Export report…): validate the request, build the report
 * through the contract, seal it with the instructor's key (HVLAB_REPORT_KEY_FILE), render the format.
 * Shared by the browser-mode server (`POST /api/report`) and Electron main (IPC `hvlab:report`), which
 * differ only in their PDF printer.
 *
 * - `serveReport(api, raw, printer)` → `ReportResponseDto` (never throws: errors come back typed).
 *
 * Rules: the request is untrusted (validated with the contract's schema); names in file names are
 * reduced to [a-z0-9-]; the key never leaves this process.
 */
import type { HvlabApi } from '@shared/api/index';
import { apiError } from '@shared/api/errors';
import { ApiException } from '@shared/api/errors';
import { reportRequestSchema } from '@shared/api/reports';
import type { ReportRequestDto, ReportResponseDto } from '@shared/api/reports';
import { buildReport, loadReportKey, reportFiles } from './index';
import type { Printer } from './pdf';
import { slug } from './reportModel';

export async function serveReport(api: HvlabApi, raw: unknown, printer: () => Promise<{ print: Printer; close: () => Promise<void> }>): Promise<ReportResponseDto> {
  const problem = reportRequestSchema.check(raw, 'report');
  if (problem) return { ok: false, error: apiError('E_INVALID_ARGUMENT', problem.message, problem.field) };
  const req = raw as ReportRequestDto;
  try {
    let exercise;
    if (req.kind === 'lab') {
      const name = req.exercise ?? (await api.query('exercise.progress.get', {}))?.exercise;
      if (!name) return { ok: false, error: apiError('E_INVALID_STATE', 'no exercise was started in this lab: start one, or ask for a datacenter report', 'report.exercise') };
      exercise = await api.query('exercise.get', { name });
    }
    const doc = await buildReport(api, { kind: req.kind, exercise, studentName: req.studentName, fromMs: req.fromMs, toMs: req.toMs, key: loadReportKey() });
    const who = req.kind === 'lab' ? `lab-report-${exercise!.name}${req.studentName ? `-${slug(req.studentName)}` : ''}` : 'datacenter-report';
    const p = req.format === 'pdf' ? await printer() : undefined;
    try {
      const files = await reportFiles(doc, req.format, { base: who, pageSize: req.pageSize ?? 'A4', printer: p?.print });
      return { ok: true, files: files.map((f) => ({ name: f.name, mime: f.mime, base64: Buffer.from(f.bytes).toString('base64') })) };
    } finally {
      await p?.close();
    }
  } catch (e) {
    if (e instanceof ApiException) return { ok: false, error: e.error };
    return { ok: false, error: apiError('E_INTERNAL', e instanceof Error ? e.message : String(e)) };
  }
}
