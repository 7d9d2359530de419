/**
 * asmLexer — splits one assembler source line into tokens.
 *
 * Interface: `lexLine(text)` → `{ tokens } | { error: {col, message, hint} }`.
 * Tokens: id (names, directives, registers; may start with '.', '_' or '$'), num (0x.., 0b..,
 * 0o.., decimal, 'c' character literals), str ("..." with \n \t \r \0 \\ \" \' \xHH escapes), and
 * punctuation (, ( ) : = + - * / % & | ^ ~ ! << >> == != < > <= >= && ||).
 * Rules: comments start with ';', '#' or '//' and run to the end of the line. Columns are 1-based.
 */

export type TokenKind = 'id' | 'num' | 'str' | 'punct';
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Numeric value (num) or decoded string (str as text of char codes in `bytes`). */
  readonly value?: number;
  readonly bytes?: number[];
  readonly col: number;
}
export type LexResult = { tokens: Token[] } | { error: { col: number; message: string; hint?: string } };

const PUNCT2 = ['<<', '>>', '==', '!=', '<=', '>=', '&&', '||'];
const PUNCT1 = ',():=+-*/%&|^~<>!';

function isIdStart(c: string): boolean {
  return /[A-Za-z_.$]/.test(c);
}
function isIdChar(c: string): boolean {
  return /[A-Za-z0-9_.$]/.test(c);
}

function readEscape(text: string, i: number): { code: number; next: number } | undefined {
  const c = text[i];
  switch (c) {
    case 'n': return { code: 10, next: i + 1 };
    case 't': return { code: 9, next: i + 1 };
    case 'r': return { code: 13, next: i + 1 };
    case '0': return { code: 0, next: i + 1 };
    case '\\': return { code: 92, next: i + 1 };
    case '"': return { code: 34, next: i + 1 };
    case "'": return { code: 39, next: i + 1 };
    case 'x': {
      const h = /^[0-9A-Fa-f]{1,2}/.exec(text.slice(i + 1));
      if (!h) return undefined;
      return { code: parseInt(h[0], 16), next: i + 1 + h[0].length };
    }
    default:
      return undefined;
  }
}

export function lexLine(text: string): LexResult {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === ';' || c === '#' || (c === '/' && text[i + 1] === '/')) break;
    const col = i + 1;
    if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9A-Fa-f_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*)/.exec(text.slice(i));
      const raw = m ? m[0] : c;
      const after = text[i + raw.length];
      if (after !== undefined && isIdChar(after)) {
        return { error: { col, message: `malformed number '${text.slice(i).split(/[\s,()]/)[0]}'`, hint: 'numbers are decimal, 0x hex, 0b binary or 0o octal' } };
      }
      const clean = raw.replace(/_/g, '');
      let value: number;
      if (/^0[xX]/.test(clean)) value = parseInt(clean.slice(2), 16);
      else if (/^0[bB]/.test(clean)) value = parseInt(clean.slice(2), 2);
      else if (/^0[oO]/.test(clean)) value = parseInt(clean.slice(2), 8);
      else value = parseInt(clean, 10);
      if (!Number.isFinite(value) || value > 0xffffffff) return { error: { col, message: `number '${raw}' does not fit in 32 bits` } };
      tokens.push({ kind: 'num', text: raw, value, col });
      i += raw.length;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let code: number;
      if (text[j] === '\\') {
        const e = readEscape(text, j + 1);
        if (!e) return { error: { col, message: 'bad escape in character literal', hint: 'known escapes: \\n \\t \\r \\0 \\\\ \\\' \\" \\xHH' } };
        code = e.code;
        j = e.next;
      } else if (j < text.length) {
        code = text.charCodeAt(j);
        j++;
      } else return { error: { col, message: 'unterminated character literal' } };
      if (text[j] !== "'") return { error: { col, message: 'unterminated character literal', hint: "write a character as 'a'" } };
      tokens.push({ kind: 'num', text: text.slice(i, j + 1), value: code, col });
      i = j + 1;
      continue;
    }
    if (c === '"') {
      const bytes: number[] = [];
      let j = i + 1;
      let closed = false;
      while (j < text.length) {
        const ch = text[j];
        if (ch === '"') { closed = true; j++; break; }
        if (ch === '\\') {
          const e = readEscape(text, j + 1);
          if (!e) return { error: { col: j + 1, message: 'bad escape in string', hint: 'known escapes: \\n \\t \\r \\0 \\\\ \\" \\xHH' } };
          bytes.push(e.code);
          j = e.next;
          continue;
        }
        const code = ch.charCodeAt(0);
        if (code > 255) return { error: { col: j + 1, message: 'non-Latin-1 character in string', hint: 'use \\xHH escapes for bytes' } };
        bytes.push(code);
        j++;
      }
      if (!closed) return { error: { col, message: 'unterminated string', hint: 'close the string with "' } };
      tokens.push({ kind: 'str', text: text.slice(i, j), bytes, col });
      i = j;
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdChar(text[j])) j++;
      tokens.push({ kind: 'id', text: text.slice(i, j), col });
      i = j;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (PUNCT2.includes(two)) { tokens.push({ kind: 'punct', text: two, col }); i += 2; continue; }
    if (PUNCT1.includes(c)) { tokens.push({ kind: 'punct', text: c, col }); i++; continue; }
    return { error: { col, message: `unexpected character '${c}'` } };
  }
  return { tokens };
}
