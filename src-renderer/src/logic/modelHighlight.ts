/**
 * Syntax highlighting of the placement modelling language for the workbench editor, from the language's
 * own lexer (shared with the engine's parser, so the colours never disagree with what the solver reads).
 *
 * - `highlightModel(text, error?)` → spans `{ text, cls }` that concatenate back to `text` exactly. Classes:
 *   `kw` (keywords), `num` (integers), `ident` (names), `str` (constraint names in quotes), `op`,
 *   `comment`, `plain` (white space), `bad` (from where the lexer gave up to the end of that line), and
 *   `error` set on the span holding the diagnostic's `line:col` (the solver's first mistake) — an empty
 *   span when that is a line's end, so the spans still join back to the text.
 *
 * Rules: the lexer stops at its first unreadable character, so the text before it is lexed alone (it ends
 * before a token, so it lexes cleanly) and the rest of that line is `bad`; what follows is lexed again from
 * the next line. Anything the lexer skipped that is not white space is a comment (it skips nothing else).
 */
import { lex, type Token } from '@shared/placement/modelLexer';

export type HighlightClass = 'kw' | 'num' | 'ident' | 'str' | 'op' | 'comment' | 'plain' | 'bad';
export interface HighlightSpan { text: string; cls: HighlightClass; error?: boolean }

const TOKEN_CLASS: Record<Exclude<Token['kind'], 'eof'>, HighlightClass> = { kw: 'kw', int: 'num', ident: 'ident', string: 'str', op: 'op' };

/** Offset of 1-based line/col in `text`. */
function offsetOf(lineStarts: number[], line: number, col: number): number {
  return (lineStarts[line - 1] ?? 0) + col - 1;
}

function lineStartsOf(text: string): number[] {
  const out = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') out.push(i + 1);
  return out;
}

/** Token spans of a text the lexer reads cleanly, with skipped stretches as white space or comments. */
function spansOfClean(text: string, tokens: Token[], out: HighlightSpan[]): void {
  const starts = lineStartsOf(text);
  let at = 0;
  const gap = (to: number) => {
    // The lexer skips white space and comments only, so a gap is made of those.
    const g = text.slice(at, to);
    let k = 0;
    while (k < g.length) {
      const ws = /^\s+/.exec(g.slice(k));
      if (ws) { push(out, ws[0], 'plain'); k += ws[0].length; continue; }
      let end: number;
      if (g.startsWith('/*', k)) { const e = g.indexOf('*/', k + 2); end = e < 0 ? g.length : e + 2; }
      else { const e = g.indexOf('\n', k); end = e < 0 ? g.length : e; }
      push(out, g.slice(k, end), 'comment');
      k = end;
    }
    at = to;
  };
  for (const t of tokens) {
    if (t.kind === 'eof') break;
    const start = offsetOf(starts, t.line, t.col);
    gap(start);
    const len = t.kind === 'string' ? t.text.length + 2 : t.text.length;
    push(out, text.slice(start, start + len), TOKEN_CLASS[t.kind]);
    at = start + len;
  }
  gap(text.length);
}

function push(out: HighlightSpan[], text: string, cls: HighlightClass): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last && last.cls === cls && (cls === 'plain' || cls === 'comment' || cls === 'bad')) last.text += text;
  else out.push({ text, cls });
}

export function highlightModel(text: string, error?: { line: number; col: number }): HighlightSpan[] {
  const out: HighlightSpan[] = [];
  let rest = text;
  while (rest.length) {
    const r = lex(rest, 'model');
    if ('tokens' in r) { spansOfClean(rest, r.tokens, out); break; }
    const starts = lineStartsOf(rest);
    const stop = offsetOf(starts, r.diagnostic.line, r.diagnostic.col);
    const before = rest.slice(0, stop);
    const ok = lex(before, 'model');
    if ('tokens' in ok) spansOfClean(before, ok.tokens, out);
    else push(out, before, 'bad'); // cannot happen (the prefix ends before the bad token); stay total anyway
    const nl = rest.indexOf('\n', stop);
    const end = nl < 0 ? rest.length : nl;
    push(out, rest.slice(stop, Math.max(end, stop + 1)), 'bad');
    rest = rest.slice(Math.max(end, stop + 1));
  }
  return error ? markError(text, out, error) : out;
}

/** Splits out the character at `line:col` (or the line's end) and flags it as the error. */
function markError(text: string, spans: HighlightSpan[], error: { line: number; col: number }): HighlightSpan[] {
  const starts = lineStartsOf(text);
  if (error.line < 1 || error.line > starts.length) return spans;
  let pos = Math.min(offsetOf(starts, error.line, Math.max(1, error.col)), text.length);
  const lineEnd = error.line < starts.length ? starts[error.line] - 1 : text.length;
  if (pos > lineEnd) pos = lineEnd;
  const out: HighlightSpan[] = [];
  let at = 0;
  for (const s of spans) {
    const end = at + s.text.length;
    if (pos >= at && pos < end) {
      const k = pos - at;
      if (k > 0) out.push({ text: s.text.slice(0, k), cls: s.cls });
      // Mark the whole token when the error is at its start; a newline or end is marked by a space.
      const tokenLike = s.cls !== 'plain' && s.cls !== 'comment' && k === 0;
      const len = tokenLike ? s.text.length : 1;
      const mark = s.text.slice(k, k + len);
      if (mark === '\n') out.push({ text: '', cls: 'plain', error: true }, { text: mark, cls: s.cls });
      else out.push({ text: mark, cls: s.cls, error: true });
      if (k + len < s.text.length) out.push({ text: s.text.slice(k + len), cls: s.cls });
    } else out.push(s);
    at = end;
  }
  if (pos >= text.length) out.push({ text: '', cls: 'plain', error: true });
  return out;
}
