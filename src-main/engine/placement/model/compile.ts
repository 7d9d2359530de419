/**
 * Compiler of the modelling language: syntax tree → a flat constraint model for the solver (`search.ts`).
 *
 * - `compileModel(ast)` → `{ model }` or `{ diagnostics }` (`file:line:col`: an unknown name, an index
 *   out of range, a variable where a constant is needed, a condition where a number is needed…).
 * - `CompiledModel`: variables (name, bounds, user-declared or auxiliary), propagators, groups (one per
 *   `constraint` statement or variable definition, with its name and position: conflicts are reported in
 *   these terms), the objective variable and sense, and the user's variables for printing solutions.
 *
 * How expressions become propagators:
 * - constants (`const`, loop variables, arithmetic on them) are evaluated here; arrays are 1-based unless
 *   declared with a range (`const power[0..2] = …`);
 * - a numeric expression becomes a linear form Σ aᵢxᵢ + c; a product of two variables, a constant array
 *   indexed by a variable (element), `abs`, `min`, `max` and `if … then … else` introduce an auxiliary
 *   variable with its own propagator; a condition used as a number is its 0/1 truth value (reification);
 * - a posted condition becomes linear relations directly (`x + y <= 3`), a conjunction posts each part,
 *   a disjunction becomes a clause Σ bᵢ ≥ 1 over reified parts, `a -> c` a half-reification;
 * - `binPacking(bin, size, load)`: `bin[i]` ∈ 0..m with 0 meaning "in no bin" (a VM left off), `load[s]` =
 *   Σ size[i] over the items with bin[i] = s. Encoded with 0/1 variables p[i][s] ⇔ bin[i] = s:
 *   bin[i] = Σ s·p[i][s], Σ_s p[i][s] ≤ 1, load[s] = Σ size[i]·p[i][s].
 */
import type { SourceDiagnostic } from '../diagnostics';
import type { Expr, ModelAst, Pos, Stmt } from './ast';
import { Abs, Element, Linear, MinMax, Product, Reified, type LinearOp, type Propagator } from './propagators';

export interface VarInfo { name: string; lo: number; hi: number; isBool: boolean; user: boolean; defined: boolean }
export interface Group { label: string; at: Pos; kind: 'constraint' | 'definition' }
export interface UserVar { name: string; vars: number[]; isArray: boolean; isBool: boolean; indexFrom: number }

export interface CompiledModel {
  file: string;
  vars: VarInfo[];
  props: Propagator[];
  groups: Group[];
  objective?: { sense: 'maximize' | 'minimize'; var: number; at: Pos };
  userVars: UserVar[];
}

class CompileError extends Error {
  constructor(readonly at: Pos, message: string, readonly hint?: string) { super(message); }
}

type ConstVal = { kind: 'int'; v: number } | { kind: 'array'; v: number[]; from: number };
type Sym =
  | { kind: 'const'; val: ConstVal }
  | { kind: 'var'; v: number; isBool: boolean }
  | { kind: 'vararray'; vs: number[]; from: number; isBool: boolean };

interface Lin { terms: Map<number, number>; c: number }
const linConst = (c: number): Lin => ({ terms: new Map(), c });
const linVar = (v: number, a = 1): Lin => ({ terms: new Map([[v, a]]), c: 0 });
function linAdd(x: Lin, y: Lin, k = 1): Lin {
  const terms = new Map(x.terms);
  for (const [v, a] of y.terms) { const s = (terms.get(v) ?? 0) + k * a; if (s === 0) terms.delete(v); else terms.set(v, s); }
  return { terms, c: x.c + k * y.c };
}
const linScale = (x: Lin, k: number): Lin => (k === 0 ? linConst(0) : { terms: new Map([...x.terms].map(([v, a]) => [v, a * k])), c: x.c * k });
const isConst = (x: Lin) => x.terms.size === 0;

const MAX_DOMAIN = 1e12;

export function compileModel(ast: ModelAst): { model: CompiledModel } | { diagnostics: SourceDiagnostic[] } {
  const vars: VarInfo[] = [];
  const props: Propagator[] = [];
  const groups: Group[] = [];
  const userVars: UserVar[] = [];
  const scope = new Map<string, Sym>();
  let objective: CompiledModel['objective'];
  let group = -1;
  const diagnostics: SourceDiagnostic[] = [];
  const locals: Map<string, number>[] = [];

  const newVar = (name: string, lo: number, hi: number, isBool: boolean, user = false): number => {
    vars.push({ name, lo, hi, isBool, user, defined: false });
    return vars.length - 1;
  };
  let auxCount = 0;
  const aux = (lo: number, hi: number, isBool = false) => newVar(`_t${++auxCount}`, lo, hi, isBool);
  const constVar = (value: number) => aux(value, value, value === 0 || value === 1);
  const post = (p: Propagator) => { props.push(p); };

  const lookupLocal = (name: string): number | undefined => {
    for (let k = locals.length - 1; k >= 0; k--) if (locals[k].has(name)) return locals[k].get(name);
    return undefined;
  };
  const sym = (name: string, at: Pos): Sym => {
    const l = lookupLocal(name);
    if (l !== undefined) return { kind: 'const', val: { kind: 'int', v: l } };
    const s = scope.get(name);
    if (!s) throw new CompileError(at, `unknown name "${name}"`, 'declare it first with const or var');
    return s;
  };

  // ---- constants ----
  function evalConst(e: Expr): ConstVal {
    switch (e.k) {
      case 'int': return { kind: 'int', v: e.value };
      case 'bool': return { kind: 'int', v: e.value ? 1 : 0 };
      case 'name': {
        const s = sym(e.name, e.at);
        if (s.kind !== 'const') throw new CompileError(e.at, `"${e.name}" is a variable; a constant is needed here`);
        return s.val;
      }
      case 'index': {
        const s = sym(e.name, e.at);
        if (s.kind !== 'const' || s.val.kind !== 'array') throw new CompileError(e.at, `"${e.name}" is not a constant array`);
        const i = constInt(e.index);
        const a = s.val;
        if (i < a.from || i >= a.from + a.v.length) throw new CompileError(e.index.at, `index ${i} is out of ${e.name}'s range ${a.from}..${a.from + a.v.length - 1}`);
        return { kind: 'int', v: a.v[i - a.from] };
      }
      case 'array': return { kind: 'array', v: e.items.map(constInt), from: 1 };
      case 'unary': return { kind: 'int', v: e.op === '-' ? -constInt(e.arg) : constInt(e.arg) ? 0 : 1 };
      case 'binary': {
        const a = constInt(e.left), b = constInt(e.right);
        switch (e.op) {
          case '+': return { kind: 'int', v: a + b };
          case '-': return { kind: 'int', v: a - b };
          case '*': return { kind: 'int', v: a * b };
          case '/': case '%':
            if (b === 0) throw new CompileError(e.right.at, 'division by zero');
            return { kind: 'int', v: e.op === '/' ? Math.trunc(a / b) : a % b };
          case '==': return { kind: 'int', v: +(a === b) };
          case '!=': return { kind: 'int', v: +(a !== b) };
          case '<': return { kind: 'int', v: +(a < b) };
          case '<=': return { kind: 'int', v: +(a <= b) };
          case '>': return { kind: 'int', v: +(a > b) };
          case '>=': return { kind: 'int', v: +(a >= b) };
          case 'and': return { kind: 'int', v: +(!!a && !!b) };
          case 'or': return { kind: 'int', v: +(!!a || !!b) };
          case '->': return { kind: 'int', v: +(!a || !!b) };
          case '<->': return { kind: 'int', v: +(!!a === !!b) };
        }
        break;
      }
      case 'agg': {
        const vals: number[] = [];
        forGens(e.gens, e.where, () => vals.push(constInt(e.body)));
        switch (e.op) {
          case 'sum': return { kind: 'int', v: vals.reduce((x, y) => x + y, 0) };
          case 'count': return { kind: 'int', v: vals.filter((x) => x !== 0).length };
          case 'forall': return { kind: 'int', v: +vals.every((x) => x !== 0) };
          case 'exists': return { kind: 'int', v: +vals.some((x) => x !== 0) };
          case 'min': case 'max':
            if (!vals.length) throw new CompileError(e.at, `${e.op} over nothing`);
            return { kind: 'int', v: (e.op === 'min' ? Math.min : Math.max)(...vals) };
        }
        break;
      }
      case 'call': {
        if (e.fn === 'sum' && e.args.length === 1) {
          const a = evalConst(e.args[0]);
          return { kind: 'int', v: a.kind === 'array' ? a.v.reduce((x, y) => x + y, 0) : a.v };
        }
        if (e.fn === 'abs') return { kind: 'int', v: Math.abs(constInt(e.args[0])) };
        if (e.fn === 'min' || e.fn === 'max') {
          const xs = e.args.flatMap((a) => { const c = evalConst(a); return c.kind === 'array' ? c.v : [c.v]; });
          return { kind: 'int', v: (e.fn === 'min' ? Math.min : Math.max)(...xs) };
        }
        break;
      }
      case 'ite': return constInt(e.cond) ? evalConst(e.then) : evalConst(e.else);
    }
    throw new CompileError(e.at, 'a constant is needed here');
  }
  function constInt(e: Expr): number {
    const v = evalConst(e);
    if (v.kind !== 'int') throw new CompileError(e.at, 'a number is needed here, not an array');
    return v.v;
  }
  function tryConst(e: Expr): number | undefined {
    try { return constInt(e); } catch (err) { if (err instanceof CompileError) return undefined; throw err; }
  }
  function forGens(gens: { name: string; from: Expr; to: Expr }[], where: Expr | undefined, body: () => void, k = 0): void {
    if (k === gens.length) {
      if (!where || constInt(where)) body();
      return;
    }
    const g = gens[k];
    const from = constInt(g.from), to = constInt(g.to);
    if (to - from > 1_000_000) throw new CompileError(g.from.at, 'a loop over more than a million values');
    for (let i = from; i <= to; i++) {
      locals.push(new Map([[g.name, i]]));
      try { forGens(gens, where, body, k + 1); } finally { locals.pop(); }
    }
  }

  // ---- numeric expressions ----
  const boundsOf = (x: Lin): [number, number] => {
    let lo = x.c, hi = x.c;
    for (const [v, a] of x.terms) { if (a > 0) { lo += a * vars[v].lo; hi += a * vars[v].hi; } else { lo += a * vars[v].hi; hi += a * vars[v].lo; } }
    return [lo, hi];
  };
  /** A variable equal to a linear form (the form's own variable when it is just one). */
  const asVar = (x: Lin): number => {
    if (x.terms.size === 1 && x.c === 0) { const [[v, a]] = [...x.terms]; if (a === 1) return v; }
    if (isConst(x)) return constVar(x.c);
    const [lo, hi] = boundsOf(x);
    const z = aux(lo, hi, lo >= 0 && hi <= 1);
    post(lin(linAdd(x, linVar(z), -1), '=='));
    return z;
  };
  const lin = (x: Lin, op: LinearOp): Linear => new Linear([...x.terms.keys()], [...x.terms.values()], x.c, op, group);

  function numeric(e: Expr): Lin {
    const c = tryConst(e);
    if (c !== undefined) return linConst(c);
    switch (e.k) {
      case 'name': {
        const s = sym(e.name, e.at);
        if (s.kind === 'var') return linVar(s.v);
        if (s.kind === 'vararray') throw new CompileError(e.at, `"${e.name}" is an array; index it, or sum(${e.name})`);
        throw new CompileError(e.at, `"${e.name}" is an array constant; index it`);
      }
      case 'index': {
        const s = sym(e.name, e.at);
        const idxLin = numeric(e.index);
        const i = isConst(idxLin) ? idxLin.c : undefined;
        if (s.kind === 'vararray') {
          if (i === undefined) throw new CompileError(e.index.at, `indexing the variable array "${e.name}" by a variable is not supported`, 'index constant arrays by variables (element), or use a loop');
          if (i < s.from || i >= s.from + s.vs.length) throw new CompileError(e.index.at, `index ${i} is out of ${e.name}'s range ${s.from}..${s.from + s.vs.length - 1}`);
          return linVar(s.vs[i - s.from]);
        }
        if (s.kind === 'const' && s.val.kind === 'array') {
          const idx = asVar(idxLin);
          const table = s.val.v;
          const z = aux(Math.min(...table), Math.max(...table));
          post(new Element(z, idx, table, s.val.from, group));
          return linVar(z);
        }
        throw new CompileError(e.at, `"${e.name}" is not an array`);
      }
      case 'unary':
        if (e.op === '-') return linScale(numeric(e.arg), -1);
        return linVar(condition(e));
      case 'binary': {
        if (e.op === '+' || e.op === '-') return linAdd(numeric(e.left), numeric(e.right), e.op === '+' ? 1 : -1);
        if (e.op === '*') {
          const a = numeric(e.left), b = numeric(e.right);
          if (isConst(a)) return linScale(b, a.c);
          if (isConst(b)) return linScale(a, b.c);
          const x = asVar(a), y = asVar(b);
          const ps = [vars[x].lo * vars[y].lo, vars[x].lo * vars[y].hi, vars[x].hi * vars[y].lo, vars[x].hi * vars[y].hi];
          const z = aux(Math.min(...ps), Math.max(...ps));
          post(new Product(z, x, y, group));
          return linVar(z);
        }
        if (e.op === '/' || e.op === '%') throw new CompileError(e.at, `"${e.op}" needs constants on both sides`, 'multiply instead: write 10 * profit - power rather than profit - power / 10');
        return linVar(condition(e));
      }
      case 'agg': {
        if (e.op === 'sum' || e.op === 'count') {
          let acc = linConst(0);
          forGens(e.gens, e.where, () => { acc = linAdd(acc, e.op === 'sum' ? numeric(e.body) : linVar(condition(e.body))); });
          return acc;
        }
        if (e.op === 'min' || e.op === 'max') {
          const xs: number[] = [];
          forGens(e.gens, e.where, () => xs.push(asVar(numeric(e.body))));
          return linVar(minMax(xs, e.op, e.at));
        }
        return linVar(condition(e));
      }
      case 'call': {
        if (e.fn === 'sum') {
          if (e.args.length !== 1) throw new CompileError(e.at, 'sum(ARRAY) takes one array', 'or sum(i in 1..n) expr');
          const a = e.args[0];
          if (a.k === 'name') {
            const s = sym(a.name, a.at);
            if (s.kind === 'vararray') return s.vs.reduce((acc, v) => linAdd(acc, linVar(v)), linConst(0));
          }
          return numeric(a);
        }
        if (e.fn === 'abs') {
          const x = asVar(numeric(e.args[0]));
          const z = aux(0, Math.max(Math.abs(vars[x].lo), Math.abs(vars[x].hi)));
          post(new Abs(z, x, group));
          return linVar(z);
        }
        if (e.fn === 'min' || e.fn === 'max') return linVar(minMax(e.args.map((a) => asVar(numeric(a))), e.fn, e.at));
        throw new CompileError(e.at, 'binPacking is a constraint, not a number');
      }
      case 'ite': {
        const b = condition(e.cond);
        const t = numeric(e.then), f = numeric(e.else);
        const [tl, th] = boundsOf(t), [fl, fh] = boundsOf(f);
        const z = aux(Math.min(tl, fl), Math.max(th, fh));
        const nb = negLit(b);
        post(new Reified(b, lin(linAdd(linVar(z), t, -1), '=='), 'imp', group));
        post(new Reified(nb, lin(linAdd(linVar(z), f, -1), '=='), 'imp', group));
        return linVar(z);
      }
      case 'array': throw new CompileError(e.at, 'an array literal is only allowed as a constant\'s value');
      default: throw new CompileError(e.at, 'a number is needed here');
    }
  }
  function minMax(xs: number[], kind: 'min' | 'max', at: Pos): number {
    if (!xs.length) throw new CompileError(at, `${kind} over nothing`);
    const f = kind === 'min' ? Math.min : Math.max;
    const z = aux(f(...xs.map((x) => vars[x].lo)), f(...xs.map((x) => vars[x].hi)));
    post(new MinMax(z, xs, kind, group));
    return z;
  }

  // ---- conditions ----
  const negLit = (b: number): number => {
    const nb = aux(0, 1, true);
    post(new Linear([b, nb], [1, 1], -1, '==', group));
    return nb;
  };
  /** A relation as a linear constraint (left − right op 0). */
  function relation(e0: Expr): Linear {
    const e = e0 as Bin;
    const d = linAdd(numeric(e.left), numeric(e.right), -1);
    switch (e.op) {
      case '==': return lin(d, '==');
      case '!=': return lin(d, '!=');
      case '<=': return lin(d, '<=');
      case '<': return lin(linAdd(d, linConst(1)), '<=');
      case '>=': return lin(linScale(d, -1), '<=');
      case '>': return lin(linAdd(linScale(d, -1), linConst(1)), '<=');
      default: throw new CompileError(e.at, 'not a relation');
    }
  }
  const isRelation = (e: Expr): boolean => e.k === 'binary' && ['==', '!=', '<', '<=', '>', '>='].includes(e.op);
  type Bin = Expr & { k: 'binary' };
  /** A 0/1 variable equal to the truth of a condition. */
  function condition(e: Expr): number {
    const c = tryConst(e);
    if (c !== undefined) return constVar(c ? 1 : 0);
    if (e.k === 'name' || e.k === 'index') {
      const x = numeric(e);
      const v = asVar(x);
      if (!(vars[v].lo >= 0 && vars[v].hi <= 1)) throw new CompileError(e.at, `"${e.k === 'name' ? e.name : e.name + '[…]'}" is a number, not a condition`, 'compare it: x > 0');
      return v;
    }
    if (isRelation(e)) {
      const b = aux(0, 1, true);
      post(new Reified(b, relation(e), 'iff', group));
      return b;
    }
    if (e.k === 'unary' && e.op === 'not') return negLit(condition(e.arg));
    if (e.k === 'binary' && (e.op === 'and' || e.op === 'or' || e.op === '->' || e.op === '<->')) {
      const a = condition(e.left), b = condition(e.right);
      const z = aux(0, 1, true);
      if (e.op === 'and') { post(new Linear([z, a], [1, -1], 0, '<=', group)); post(new Linear([z, b], [1, -1], 0, '<=', group)); post(new Linear([a, b, z], [1, 1, -1], -1, '<=', group)); }
      if (e.op === 'or') { post(new Linear([a, z], [1, -1], 0, '<=', group)); post(new Linear([b, z], [1, -1], 0, '<=', group)); post(new Linear([z, a, b], [1, -1, -1], 0, '<=', group)); }
      if (e.op === '->') { const na = negLit(a); post(new Linear([na, z], [1, -1], 0, '<=', group)); post(new Linear([b, z], [1, -1], 0, '<=', group)); post(new Linear([z, na, b], [1, -1, -1], 0, '<=', group)); }
      if (e.op === '<->') post(new Reified(z, new Linear([a, b], [1, -1], 0, '==', group), 'iff', group));
      return z;
    }
    if (e.k === 'agg' && (e.op === 'forall' || e.op === 'exists')) {
      const bs: number[] = [];
      forGens(e.gens, e.where, () => bs.push(condition(e.body)));
      const z = aux(0, 1, true);
      const n = bs.length;
      const sum = new Linear(bs, bs.map(() => 1), e.op === 'forall' ? -n : -1, e.op === 'forall' ? '==' : '<=', group);
      // forall: z ⇔ Σb = n;  exists: z ⇔ Σb ≥ 1, i.e. z ⇔ ¬(Σb ≤ 0).
      if (e.op === 'forall') post(new Reified(z, sum, 'iff', group));
      else post(new Reified(z, new Linear(bs, bs.map(() => -1), 1, '<=', group), 'iff', group));
      return z;
    }
    if (e.k === 'ite') return asVar(numeric(e));
    throw new CompileError(e.at, 'a condition is needed here', 'e.g. x >= 3, b, not b, a and b');
  }

  // ---- posting ----
  function postCondition(e: Expr): void {
    const c = tryConst(e);
    if (c !== undefined) {
      if (!c) post(new Linear([], [], 1, '<=', group)); // constant false: the statement can never hold
      return;
    }
    if (isRelation(e)) { post(relation(e)); return; }
    if (e.k === 'binary' && e.op === 'and') { postCondition(e.left); postCondition(e.right); return; }
    if (e.k === 'agg' && e.op === 'forall') { forGens(e.gens, e.where, () => postCondition(e.body)); return; }
    if (e.k === 'unary' && e.op === 'not' && isRelation(e.arg)) { post(relation(e.arg).negate()); return; }
    if (e.k === 'binary' && e.op === '->' && isRelation(e.right)) { post(new Reified(condition(e.left), relation(e.right), 'imp', group)); return; }
    if (e.k === 'binary' && e.op === '<->' && (isRelation(e.right) || isRelation(e.left))) {
      const [b, r] = isRelation(e.right) ? [e.left, e.right] : [e.right, e.left];
      post(new Reified(condition(b), relation(r), 'iff', group));
      return;
    }
    if (e.k === 'binary' && e.op === 'or') {
      const lits: number[] = [];
      const collect = (x: Expr) => { if (x.k === 'binary' && x.op === 'or') { collect(x.left); collect(x.right); } else lits.push(condition(x)); };
      collect(e);
      post(new Linear(lits, lits.map(() => -1), 1, '<=', group));
      return;
    }
    if (e.k === 'agg' && e.op === 'exists') {
      const lits: number[] = [];
      forGens(e.gens, e.where, () => lits.push(condition(e.body)));
      post(new Linear(lits, lits.map(() => -1), 1, '<=', group));
      return;
    }
    if (e.k === 'call' && e.fn === 'binPacking') { binPacking(e); return; }
    const b = condition(e);
    post(new Linear([b], [1], -1, '==', group));
  }

  function binPacking(e: Expr & { k: 'call' }): void {
    const [binA, sizeA, loadA] = e.args.map((a) => a as Expr & { k: 'name' });
    const bins = sym(binA.name, binA.at);
    const loads = sym(loadA.name, loadA.at);
    const sizes = sym(sizeA.name, sizeA.at);
    if (bins.kind !== 'vararray') throw new CompileError(binA.at, `"${binA.name}" must be an array of int variables (the bin of each item)`);
    if (loads.kind !== 'vararray') throw new CompileError(loadA.at, `"${loadA.name}" must be an array of int variables (the load of each bin)`);
    if (sizes.kind !== 'const' || sizes.val.kind !== 'array') throw new CompileError(sizeA.at, `"${sizeA.name}" must be a constant array (the size of each item)`);
    const size = sizes.val.v;
    if (size.length !== bins.vs.length) throw new CompileError(sizeA.at, `${sizeA.name} has ${size.length} sizes for ${bins.vs.length} items in ${binA.name}`);
    if (loads.from !== 1) throw new CompileError(loadA.at, `${loadA.name} must be indexed from 1 (bin 0 means "in no bin")`);
    const m = loads.vs.length;
    const perBin: [number, number][][] = loads.vs.map(() => []);
    bins.vs.forEach((bv, i) => {
      post(new Linear([bv], [-1], 0, '<=', group)); // bin[i] ≥ 0
      post(new Linear([bv], [1], -m, '<=', group)); // bin[i] ≤ m
      const ps: number[] = [];
      for (let s = 1; s <= m; s++) {
        const p = aux(0, 1, true);
        vars[p].name = `_${binA.name}${i + 1}_in_${s}`;
        ps.push(p);
        perBin[s - 1].push([p, size[i]]);
      }
      post(new Linear([bv, ...ps], [1, ...ps.map((_, k) => -(k + 1))], 0, '==', group)); // bin[i] = Σ s·p
      post(new Linear(ps, ps.map(() => 1), -1, '<=', group)); // at most one bin
    });
    loads.vs.forEach((lv, s) => {
      const t = perBin[s];
      post(new Linear([lv, ...t.map((x) => x[0])], [1, ...t.map((x) => -x[1])], 0, '==', group));
    });
  }

  // ---- statements ----
  const declare = (s: Stmt & { k: 'var' }) => {
    if (scope.has(s.name)) throw new CompileError(s.at, `"${s.name}" is already declared`);
    let lo = 0, hi = 1;
    if (s.type === 'int') {
      if (s.domain) { lo = constInt(s.domain.from); hi = constInt(s.domain.to); }
      else if (s.def) {
        if (s.range) throw new CompileError(s.at, `the array "${s.name}" needs a domain: var int ${s.name}[…] in LO..HI`);
        [lo, hi] = boundsOf(numeric(s.def));
      } else throw new CompileError(s.at, `"${s.name}" needs a domain`, `var int ${s.name} in 0..10;`);
      if (lo > hi) throw new CompileError(s.domain?.from.at ?? s.at, `empty domain ${lo}..${hi}`);
      if (Math.abs(lo) > MAX_DOMAIN || Math.abs(hi) > MAX_DOMAIN) throw new CompileError(s.at, 'domain too large (beyond ±10¹²)');
    } else if (s.domain) throw new CompileError(s.domain.from.at, 'a bool variable has no domain (it is 0..1)');
    if (s.range) {
      const from = constInt(s.range.from), to = constInt(s.range.to);
      if (to < from) throw new CompileError(s.range.from.at, `empty index range ${from}..${to}`);
      if (to - from >= 100_000) throw new CompileError(s.range.from.at, 'an array of more than 100,000 variables');
      const vs: number[] = [];
      for (let i = from; i <= to; i++) vs.push(newVar(`${s.name}[${i}]`, lo, hi, s.type === 'bool', true));
      scope.set(s.name, { kind: 'vararray', vs, from, isBool: s.type === 'bool' });
      userVars.push({ name: s.name, vars: vs, isArray: true, isBool: s.type === 'bool', indexFrom: from });
      if (s.def) throw new CompileError(s.def.at, 'an array variable cannot have a definition', 'use a constraint with forall');
      return;
    }
    const v = newVar(s.name, lo, hi, s.type === 'bool', true);
    if (s.def) {
      groups.push({ label: `definition of ${s.name}`, at: s.at, kind: 'definition' });
      group = groups.length - 1;
      vars[v].defined = true;
      const rhs = s.type === 'bool' ? linVar(condition(s.def)) : numeric(s.def);
      post(lin(linAdd(linVar(v), rhs, -1), '=='));
    }
    scope.set(s.name, { kind: 'var', v, isBool: s.type === 'bool' });
    userVars.push({ name: s.name, vars: [v], isArray: false, isBool: s.type === 'bool', indexFrom: 0 });
  };

  for (const s of ast.stmts) {
    try {
      if (s.k === 'const') {
        if (scope.has(s.name)) throw new CompileError(s.at, `"${s.name}" is already declared`);
        let val = evalConst(s.value);
        if (s.range) {
          if (val.kind !== 'array') throw new CompileError(s.value.at, 'an array value is needed: [a, b, …]');
          const from = constInt(s.range.from), to = constInt(s.range.to);
          if (to - from + 1 !== val.v.length) throw new CompileError(s.value.at, `${s.name}[${from}..${to}] needs ${to - from + 1} values, got ${val.v.length}`);
          val = { kind: 'array', v: val.v, from };
        }
        scope.set(s.name, { kind: 'const', val });
      } else if (s.k === 'var') {
        declare(s);
      } else if (s.k === 'constraint') {
        groups.push({ label: s.name ?? `constraint at line ${s.at.line}`, at: s.at, kind: 'constraint' });
        group = groups.length - 1;
        postCondition(s.body);
      } else {
        if (objective) throw new CompileError(s.at, 'a model has at most one objective');
        groups.push({ label: `${s.sense} objective`, at: s.at, kind: 'definition' });
        group = groups.length - 1;
        const x = numeric(s.expr);
        const [lo, hi] = boundsOf(x);
        const v = newVar('objective', lo, hi, false);
        post(lin(linAdd(linVar(v), x, -1), '=='));
        objective = { sense: s.sense, var: v, at: s.at };
      }
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      diagnostics.push({ file: ast.file, line: e.at.line, col: e.at.col, message: e.message, hint: e.hint });
    }
  }
  if (diagnostics.length) return { diagnostics };
  return { model: { file: ast.file, vars, props, groups, objective, userVars } };
}
