/**
 * asmDiagnostics — the assembler's error values and their text form.
 *
 * Interface: `Diagnostic` {file, line, col, message, hint?}, `SourceLoc`, `formatDiagnostic(d)`
 * → "file:line:col: error: message" plus an indented "hint: ..." line.
 * Rules: the assembler never throws at the user: every mistake becomes a Diagnostic value.
 * Lines and columns are 1-based.
 */

export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  /** Set when the line comes from a macro expansion: where the macro was invoked. */
  readonly expandedFrom?: string;
}

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
  readonly hint?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  let s = `${d.file}:${d.line}:${d.col}: error: ${d.message}`;
  if (d.hint) s += `\n  hint: ${d.hint}`;
  return s;
}

export function formatDiagnostics(ds: readonly Diagnostic[]): string {
  return ds.map(formatDiagnostic).join('\n');
}
