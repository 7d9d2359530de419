/**
 * Report export across the trust boundary (Export report… in the client): the request the renderer may
 * send to its host (Electron main over IPC `hvlab:report`, or the browser-mode server at `POST
 * /api/report`) and the reply. Reports are built by the host, not by the engine: it holds the instructor's
 * key and the PDF printer (docs/exercises.md, "Reports").
 *
 * - `reportRequestSchema` (validated by both hosts), `ReportRequestDto`, `ReportResponseDto`.
 * - `REPORT_CHANNEL` (IPC), `REPORT_PATH` (HTTP).
 */
import type { Infer } from './schema';
import { s } from './schema';
import type { ApiError } from './errors';

export const REPORT_CHANNEL = 'hvlab:report';
export const REPORT_PATH = '/api/report';

export const reportRequestSchema = s.object({
  kind: s.oneOf(['lab', 'datacenter'] as const),
  format: s.oneOf(['html', 'pdf', 'csv', 'json'] as const),
  pageSize: s.optional(s.oneOf(['A4', 'Letter'] as const)),
  /** Lab report: the exercise (default: the one the lab's progress names). */
  exercise: s.optional(s.string({ min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9_-]*$/ })),
  studentName: s.optional(s.string({ max: 120 })),
  /** Datacenter report: the period in virtual ms (default: the last hour). */
  fromMs: s.optional(s.number({ min: 0, max: 1e13 })),
  toMs: s.optional(s.number({ min: 0, max: 1e13 })),
});
export type ReportRequestDto = Infer<typeof reportRequestSchema>;

export interface ReportFileDto {
  name: string;
  mime: string;
  /** File contents, base64 (binary-safe over IPC and JSON). */
  base64: string;
}

export type ReportResponseDto = { ok: true; files: ReportFileDto[] } | { ok: false; error: ApiError };
