/**
 * asmExpr — parses and evaluates assembler expressions over tokens.
 *
 * Interface: `evalExpr(tokens, env)` → `{ value } | { unknown: name } | { error }`.
 * `env.lookup(name)` returns a symbol's value or undefined; `env.here` is the value of '.'.
 * Grammar (C precedence, lowest first): || && | ^ & (== !=) (< > <= >=) (<< >>) (+ -) (* / %)
 * unary(- ~ ! +) primary; comparisons and logic give 1 or 0;
 * primary = number | 'c' | name | . | ( expr ).
 * Rules: arithmetic is on 32-bit integers (results wrap to int32); division by zero is an error;
 * an undefined name yields `unknown` so pass 1 can defer it. Nesting (parentheses and unary operators)
 * deeper than ASM_MAX_EXPR_DEPTH is an error: the parser recurses once per level, and input must never
 * be able to drive it to a stack overflow.
 */
import { ASM_MAX_EXPR_DEPTH } from '../params';
import type { Token } from './asmLexer';

export interface ExprEnv {
  lookup(name: string): number | undefined;
  readonly here: number;
}
export type ExprResult = { value: number } | { unknown: string; col: number } | { error: string; col: number; hint?: string };

class Unknown { constructor(readonly name: string, readonly col: number) {} }
class ExprError { constructor(readonly message: string, readonly col: number, readonly hint?: string) {} }

export function evalExpr(tokens: readonly Token[], env: ExprEnv): ExprResult {
  if (tokens.length === 0) return { error: 'missing expression', col: 1 };
  let pos = 0;
  let depth = 0;
  const deeper = (t: Token): void => {
    if (++depth > ASM_MAX_EXPR_DEPTH) throw new ExprError(`expression nested deeper than ${ASM_MAX_EXPR_DEPTH} levels`, t.col, 'simplify it, or split it into constants defined with .equ');
  };
  const peek = (): Token | undefined => tokens[pos];
  const isP = (t: Token | undefined, s: string): boolean => !!t && t.kind === 'punct' && t.text === s;

  const binLevels: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
  const apply = (op: string, a: number, b: number, col: number): number => {
    switch (op) {
      case '||': return a !== 0 || b !== 0 ? 1 : 0;
      case '&&': return a !== 0 && b !== 0 ? 1 : 0;
      case '==': return a === b ? 1 : 0;
      case '!=': return a !== b ? 1 : 0;
      case '<': return a < b ? 1 : 0;
      case '>': return a > b ? 1 : 0;
      case '<=': return a <= b ? 1 : 0;
      case '>=': return a >= b ? 1 : 0;
      case '|': return a | b;
      case '^': return a ^ b;
      case '&': return a & b;
      case '<<': return a << (b & 31);
      case '>>': return a >> (b & 31);
      case '+': return (a + b) | 0;
      case '-': return (a - b) | 0;
      case '*': return Math.imul(a, b);
      case '/': if (b === 0) throw new ExprError('division by zero in expression', col); return (a / b) | 0;
      case '%': if (b === 0) throw new ExprError('division by zero in expression', col); return (a % b) | 0;
    }
    throw new ExprError(`unknown operator ${op}`, col);
  };

  const parseLevel = (level: number): number => {
    if (level === binLevels.length) return parseUnary();
    let v = parseLevel(level + 1);
    for (;;) {
      const t = peek();
      if (!t || t.kind !== 'punct' || !binLevels[level].includes(t.text)) return v;
      pos++;
      const rhs = parseLevel(level + 1);
      v = apply(t.text, v, rhs, t.col);
    }
  };
  const parseUnary = (): number => {
    const t = peek();
    if (!t || t.kind !== 'punct' || !['-', '~', '!', '+'].includes(t.text)) return parsePrimary();
    pos++;
    deeper(t);
    const v = parseUnary();
    depth--;
    switch (t.text) {
      case '-': return -v | 0;
      case '~': return ~v;
      case '!': return v === 0 ? 1 : 0;
      default: return v;
    }
  };
  const parsePrimary = (): number => {
    const t = peek();
    if (!t) throw new ExprError('expression ends too early', (tokens[tokens.length - 1]?.col ?? 1) + 1);
    pos++;
    if (t.kind === 'num') return t.value! | 0;
    if (t.kind === 'id') {
      if (t.text === '.') return env.here | 0;
      const v = env.lookup(t.text);
      if (v === undefined) throw new Unknown(t.text, t.col);
      return v | 0;
    }
    if (isP(t, '(')) {
      deeper(t);
      const v = parseLevel(0);
      if (!isP(peek(), ')')) throw new ExprError("missing ')'", peek()?.col ?? t.col, 'parentheses must balance');
      pos++;
      depth--;
      return v;
    }
    if (t.kind === 'str') throw new ExprError('a string is not a number', t.col, "use a character literal like 'a' for one byte");
    throw new ExprError(`unexpected '${t.text}' in expression`, t.col);
  };

  try {
    const value = parseLevel(0);
    if (pos < tokens.length) return { error: `unexpected '${tokens[pos].text}' after expression`, col: tokens[pos].col, hint: 'separate operands with commas' };
    return { value };
  } catch (e) {
    if (e instanceof Unknown) return { unknown: e.name, col: e.col };
    if (e instanceof ExprError) return { error: e.message, col: e.col, hint: e.hint };
    throw e;
  }
}
