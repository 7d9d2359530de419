/**
 * Parser of the modelling language: tokens → `ModelAst`, recursive descent, one statement at a time.
 *
 * - `parseModel(text, file)` → `{ ast }` or `{ diagnostics }`: every statement with a mistake gives one
 *   `file:line:col` diagnostic with a hint, then parsing resumes after the next `;`.
 *
 * Grammar (docs/placement.md has the full description with examples):
 *   stmt  := 'const' NAME ['[' range ']'] '=' expr ';'
 *          | 'var' ('int' | 'bool') NAME ['[' range | expr ']'] ['in' range] ['=' expr] ';'
 *          | 'constraint' [NAME ':' | STRING ':'] expr ';'
 *          | ('maximize' | 'minimize') expr ';'   |   'solve' 'satisfy' ';'
 *   expr  := iff;  iff := imp ['<->' imp];  imp := or ['->' imp];  or := and {('or'|'\/') and}
 *   and   := not {('and'|'/\') not};  not := ('not'|'!') not | cmp;  cmp := add [relop add]
 *   add   := mul {('+'|'-') mul};  mul := unary {('*'|'/'|'%') unary};  unary := '-' unary | primary
 *   primary := INT | 'true' | 'false' | NAME | NAME '[' expr ']' | '(' expr ')' | '[' expr {',' expr} ']'
 *          | ('sum'|'count'|'min'|'max') '(' gens ['where' expr] ')' mul
 *          | ('forall'|'exists') '(' gens ['where' expr] ')' cmp
 *          | ('sum'|'abs'|'min'|'max') '(' expr {',' expr} ')' | 'binPacking' '(' NAME ',' NAME ',' NAME ')'
 *          | 'if' expr 'then' expr 'else' expr 'endif'
 *   gens  := NAME 'in' range {',' NAME 'in' range};  range := expr '..' expr
 */
import type { SourceDiagnostic } from '../diagnostics';
import type { BinaryOp, Expr, Generator, ModelAst, Pos, Range, Stmt } from './ast';
import { lex, type Token } from './lexer';

class ParseError extends Error {
  constructor(readonly tok: Token, message: string, readonly hint?: string) { super(message); }
}

const AGGREGATES = new Set(['sum', 'forall', 'exists', 'count', 'min', 'max']);

export function parseModel(text: string, file: string): { ast: ModelAst } | { diagnostics: SourceDiagnostic[] } {
  const lx = lex(text, file);
  if ('diagnostic' in lx) return { diagnostics: [lx.diagnostic] };
  const toks = lx.tokens;
  let p = 0;
  const peek = (o = 0) => toks[Math.min(p + o, toks.length - 1)];
  const at = (t: Token): Pos => ({ line: t.line, col: t.col });
  const is = (text: string, o = 0) => { const t = peek(o); return (t.kind === 'op' || t.kind === 'kw') && t.text === text; };
  const describe = (t: Token) => (t.kind === 'eof' ? 'the end of the file' : `"${t.text}"`);
  const expect = (text: string, hint?: string): Token => {
    const t = peek();
    if (!is(text)) throw new ParseError(t, `expected "${text}", got ${describe(t)}`, hint);
    p++;
    return t;
  };
  const name = (what: string): Token => {
    const t = peek();
    if (t.kind !== 'ident') {
      throw new ParseError(t, `expected ${what}, got ${describe(t)}`, t.kind === 'kw' ? `"${t.text}" is a keyword of the language` : undefined);
    }
    p++;
    return t;
  };

  const range = (): Range => {
    const from = expr();
    expect('..', 'a range is written FROM..TO, e.g. 1..n');
    return { from, to: expr() };
  };
  const gens = (): Generator[] => {
    const out: Generator[] = [];
    do {
      const n = name('a loop variable');
      expect('in', 'write "i in 1..n"');
      const r = range();
      out.push({ name: n.text, from: r.from, to: r.to, at: at(n) });
    } while (is(',') && (p++, true));
    return out;
  };

  function primary(): Expr {
    const t = peek();
    if (t.kind === 'int') { p++; return { k: 'int', value: t.value!, at: at(t) }; }
    if (is('true') || is('false')) { p++; return { k: 'bool', value: t.text === 'true', at: at(t) }; }
    if (is('(')) { p++; const e = expr(); expect(')'); return e; }
    if (is('[')) {
      p++;
      const items: Expr[] = [];
      if (!is(']')) do items.push(expr()); while (is(',') && (p++, true));
      expect(']', 'array literals are written [a, b, c]');
      return { k: 'array', items, at: at(t) };
    }
    if (is('if')) {
      p++;
      const cond = expr();
      expect('then');
      const th = expr();
      expect('else', 'an if needs an else branch');
      const el = expr();
      if (is('endif')) p++;
      return { k: 'ite', cond, then: th, else: el, at: at(t) };
    }
    if (is('binPacking')) {
      p++;
      expect('(');
      const args: Expr[] = [];
      for (let k = 0; k < 3; k++) {
        if (k) expect(',', 'binPacking(bins, sizes, loads) takes three arrays');
        const n = name('an array name');
        args.push({ k: 'name', name: n.text, at: at(n) });
      }
      expect(')', 'binPacking(bins, sizes, loads) takes three arrays');
      return { k: 'call', fn: 'binPacking', args, at: at(t) };
    }
    if (t.kind === 'kw' && (AGGREGATES.has(t.text) || t.text === 'abs')) {
      p++;
      expect('(');
      // An aggregate over generators: NAME 'in' …; otherwise a function call.
      if (t.text !== 'abs' && peek().kind === 'ident' && is('in', 1)) {
        const g = gens();
        let where: Expr | undefined;
        if (is('where')) { p++; where = expr(); }
        expect(')');
        // The body reaches as far as a product (sum, count, min, max) or a comparison (forall, exists):
        // sum(i in 1..n) cost[i] * on[i]   and   forall(i in 1..n) x[i] <= 3  read as one expects.
        const body = t.text === 'forall' || t.text === 'exists' ? cmp() : mul();
        return { k: 'agg', op: t.text as 'sum', gens: g, where, body, at: at(t) };
      }
      if (t.text === 'forall' || t.text === 'exists' || t.text === 'count') throw new ParseError(peek(), `${t.text} needs generators: ${t.text}(i in 1..n) …`);
      const args = [expr()];
      while (is(',')) { p++; args.push(expr()); }
      expect(')');
      return { k: 'call', fn: t.text as 'sum', args, at: at(t) };
    }
    if (t.kind === 'ident') {
      p++;
      if (is('[')) { p++; const index = expr(); expect(']'); return { k: 'index', name: t.text, index, at: at(t) }; }
      return { k: 'name', name: t.text, at: at(t) };
    }
    throw new ParseError(t, `expected an expression, got ${describe(t)}`);
  }
  function unary(): Expr {
    const t = peek();
    if (is('-')) { p++; return { k: 'unary', op: '-', arg: unary(), at: at(t) }; }
    return primary();
  }
  const binary = (next: () => Expr, ops: string[], map: (s: string) => BinaryOp = (s) => s as BinaryOp) => (): Expr => {
    let left = next();
    while (ops.some((o) => is(o))) {
      const t = peek();
      p++;
      left = { k: 'binary', op: map(t.text), left, right: next(), at: at(t) };
    }
    return left;
  };
  function mul(): Expr { return mulOps(); }
  const mulOps = binary(unary, ['*', '/', '%']);
  const add = binary(mul, ['+', '-']);
  function cmp(): Expr {
    const left = add();
    const t = peek();
    for (const o of ['==', '!=', '<=', '>=', '<', '>', '=']) {
      if (is(o)) {
        p++;
        const e: Expr = { k: 'binary', op: (o === '=' ? '==' : o) as BinaryOp, left, right: add(), at: at(t) };
        if (['==', '!=', '<=', '>=', '<', '>', '='].some((x) => is(x))) throw new ParseError(peek(), 'comparisons do not chain', 'write a <= b and b <= c');
        return e;
      }
    }
    return left;
  }
  function not(): Expr {
    const t = peek();
    if (is('not') || is('!')) { p++; return { k: 'unary', op: 'not', arg: not(), at: at(t) }; }
    return cmp();
  }
  const and = binary(not, ['and', '/\\'], () => 'and');
  const or = binary(and, ['or', '\\/'], () => 'or');
  function imp(): Expr {
    const left = or();
    if (is('->')) { const t = peek(); p++; return { k: 'binary', op: '->', left, right: imp(), at: at(t) }; }
    return left;
  }
  function expr(): Expr {
    const left = imp();
    if (is('<->')) { const t = peek(); p++; return { k: 'binary', op: '<->', left, right: imp(), at: at(t) }; }
    return left;
  }

  function statement(): Stmt | null {
    const t = peek();
    if (is(';')) { p++; return null; }
    if (is('const')) {
      p++;
      const n = name('a constant name');
      let r: Range | undefined;
      if (is('[')) { p++; r = range(); expect(']'); }
      expect('=', 'a constant needs a value: const n = 5;');
      const value = expr();
      expect(';', 'statements end with ";"');
      return { k: 'const', name: n.text, range: r, value, at: at(n) };
    }
    if (is('var')) {
      p++;
      const ty = peek();
      if (!is('int') && !is('bool')) throw new ParseError(ty, `expected "int" or "bool", got ${describe(ty)}`, 'var int x in 0..10;  or  var bool b;');
      p++;
      const n = name('a variable name');
      let r: Range | undefined;
      if (is('[')) {
        p++;
        const first = expr();
        if (is('..')) { p++; r = { from: first, to: expr() }; } else r = { from: { k: 'int', value: 1, at: first.at }, to: first };
        expect(']');
      }
      let domain: Range | undefined;
      if (is('in')) { p++; domain = range(); }
      let def: Expr | undefined;
      if (is('=')) { p++; def = expr(); }
      expect(';', 'statements end with ";"');
      return { k: 'var', type: ty.text as 'int', name: n.text, range: r, domain, def, at: at(n) };
    }
    if (is('constraint')) {
      p++;
      let cname: string | undefined;
      if ((peek().kind === 'ident' || peek().kind === 'string') && is(':', 1)) { cname = peek().text; p += 2; }
      const body = expr();
      expect(';', 'statements end with ";"');
      return { k: 'constraint', name: cname, body, at: at(t) };
    }
    if (is('maximize') || is('minimize')) {
      p++;
      const e = expr();
      expect(';', 'statements end with ";"');
      return { k: 'objective', sense: t.text as 'maximize', expr: e, at: at(t) };
    }
    if (is('solve')) { p++; expect('satisfy'); expect(';'); return null; }
    throw new ParseError(t, `expected a statement (const, var, constraint, maximize, minimize), got ${describe(t)}`);
  }

  const stmts: Stmt[] = [];
  const diagnostics: SourceDiagnostic[] = [];
  while (peek().kind !== 'eof') {
    try {
      const s = statement();
      if (s) stmts.push(s);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      diagnostics.push({ file, line: e.tok.line, col: e.tok.col, message: e.message, hint: e.hint });
      while (peek().kind !== 'eof' && !is(';')) p++;
      if (is(';')) p++;
    }
  }
  return diagnostics.length ? { diagnostics } : { ast: { file, stmts } };
}
