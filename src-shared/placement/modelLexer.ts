/**
 * Lexer of the placement modelling language (`docs/placement.md`, "The modelling language"). It lives in
 * the shared layer so the engine's parser and the renderer's workbench highlighting read the source with
 * the very same rules (one keyword list, one notion of a number or a comment).
 *
 * - `lex(text, file)` → `{ tokens }` or `{ diagnostic }` (the first character it cannot read, with
 *   `file:line:col`). Tokens: integers, identifiers and keywords, operators (`..`, `==`, `!=`, `<=`, `>=`,
 *   `->`, `<->`, `/\`, `\/`, and single characters), strings in double quotes (constraint names), and an
 *   end token. Comments: `//` or `#` to the end of the line, `/* … *\/` blocks.
 *
 * Rule: positions are 1-based lines and columns of the token's first character.
 */
/** A mistake in the source at `file:line:col` (the engine's `SourceDiagnostic` has this shape). */
export interface LexDiagnostic { file: string; line: number; col: number; message: string; hint?: string }

export type TokKind = 'int' | 'ident' | 'kw' | 'op' | 'string' | 'eof';

export interface Token { kind: TokKind; text: string; line: number; col: number; value?: number }

export const KEYWORDS = new Set([
  'const', 'var', 'int', 'bool', 'in', 'constraint', 'maximize', 'minimize', 'satisfy', 'solve', 'sum', 'forall', 'exists',
  'and', 'or', 'not', 'true', 'false', 'where', 'binPacking', 'count', 'min', 'max', 'abs', 'if', 'then', 'else', 'endif',
]);

const OPS = ['<->', '..', '==', '!=', '<=', '>=', '->', '/\\', '\\/', '+', '-', '*', '/', '%', '<', '>', '=', '(', ')', '[', ']', ',', ';', ':', '!'];

export function lex(text: string, file: string): { tokens: Token[] } | { diagnostic: LexDiagnostic } {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const adv = (n: number) => {
    for (let k = 0; k < n; k++) {
      if (text[i] === '\n') { line++; col = 1; } else col++;
      i++;
    }
  };
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') { adv(1); continue; }
    if (c === '#' || text.startsWith('//', i)) { while (i < text.length && text[i] !== '\n') adv(1); continue; }
    if (text.startsWith('/*', i)) {
      const l0 = line, c0 = col;
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return { diagnostic: { file, line: l0, col: c0, message: 'unterminated comment', hint: 'close it with */' } };
      adv(end + 2 - i);
      continue;
    }
    const start = { line, col };
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < text.length && /[0-9]/.test(text[j])) j++;
      if (j < text.length && /[A-Za-z_]/.test(text[j])) return { diagnostic: { file, ...start, message: `"${text.slice(i, j + 1)}" is neither a number nor a name`, hint: 'names start with a letter' } };
      const s = text.slice(i, j);
      const v = Number(s);
      if (!Number.isSafeInteger(v)) return { diagnostic: { file, ...start, message: `the number ${s} is too large` } };
      tokens.push({ kind: 'int', text: s, value: v, ...start });
      adv(j - i);
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j])) j++;
      const s = text.slice(i, j);
      tokens.push({ kind: KEYWORDS.has(s) ? 'kw' : 'ident', text: s, ...start });
      adv(j - i);
      continue;
    }
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      const nl = text.indexOf('\n', i + 1);
      if (end < 0 || (nl >= 0 && nl < end)) return { diagnostic: { file, ...start, message: 'unterminated string', hint: 'a constraint name in quotes must end on the same line' } };
      tokens.push({ kind: 'string', text: text.slice(i + 1, end), ...start });
      adv(end + 1 - i);
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) return { diagnostic: { file, ...start, message: `unexpected character "${c}"` } };
    tokens.push({ kind: 'op', text: op, ...start });
    adv(op.length);
  }
  tokens.push({ kind: 'eof', text: 'end of file', line, col });
  return { tokens };
}
