/**
 * Diagnostics of the placement inputs written by hand — instance files (`instances/bpplib.ts`) and
 * models (`model/`): where (1-based `file:line:col`), what, and a hint.
 *
 * - `SourceDiagnostic`; `formatSourceDiagnostics(list)` → "file:line:col: error: message" lines, each
 *   followed by "  hint: …" when there is one (the same form as the assembler's).
 *
 * Rule: parsers never throw at the user; every mistake becomes one of these.
 */
export interface SourceDiagnostic {
  file: string;
  line: number;
  col: number;
  message: string;
  hint?: string;
}

export function formatSourceDiagnostic(d: SourceDiagnostic): string {
  return `${d.file}:${d.line}:${d.col}: error: ${d.message}${d.hint ? `\n  hint: ${d.hint}` : ''}`;
}

export function formatSourceDiagnostics(list: readonly SourceDiagnostic[]): string {
  return list.map(formatSourceDiagnostic).join('\n');
}
