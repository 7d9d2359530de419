/**
 * The constraint store of the modelling language's solver and its propagators (bounds consistency):
 * every variable is an integer interval [lo, hi]; each propagator narrows the intervals of its
 * variables until nothing changes (a fixpoint) or some interval is empty (a failure).
 *
 * - `Store`: `lo`, `hi`, `setLo/setHi` (false on an empty domain), `fixed(v)`, `value(v)`.
 * - Propagators (all implement `Propagator { vars, group, propagate(store), holds(values) }`):
 *   `Linear` (Σ aᵢxᵢ + c  ≤ 0 | = 0 | ≠ 0), `Reified` (b ⇔ linear, or b ⇒ linear), `Product` (z = x·y),
 *   `Element` (z = A[x] for a constant array), `Abs` (z = |x|), `MinMax` (z = min/max of xs).
 * - `propagate(store, props, watch, queue)` runs the queue to a fixpoint, counting propagator runs.
 *
 * Rules: a propagator never removes a value that belongs to a solution (soundness); when all its
 * variables are fixed it fails exactly when `holds` is false (so a leaf of the search is a solution).
 * `group` is the source statement the propagator came from (for conflicts).
 */

export class Store {
  lo: number[];
  hi: number[];
  /** Variables whose bounds changed since the last `takeChanged()`. */
  private changed: number[] = [];

  constructor(lo: number[], hi: number[]) {
    this.lo = lo.slice();
    this.hi = hi.slice();
  }

  setLo(v: number, x: number): boolean {
    if (x > this.lo[v]) {
      if (x > this.hi[v]) return false;
      this.lo[v] = x;
      this.changed.push(v);
    }
    return true;
  }

  setHi(v: number, x: number): boolean {
    if (x < this.hi[v]) {
      if (x < this.lo[v]) return false;
      this.hi[v] = x;
      this.changed.push(v);
    }
    return true;
  }

  fix(v: number, x: number): boolean {
    return this.setLo(v, x) && this.setHi(v, x);
  }

  fixed(v: number): boolean { return this.lo[v] === this.hi[v]; }

  takeChanged(): number[] {
    const c = this.changed;
    this.changed = [];
    return c;
  }
}

export interface Propagator {
  readonly vars: number[];
  readonly group: number;
  propagate(s: Store): boolean;
  holds(values: number[]): boolean;
  /** Text for traces and tests. */
  describe(names: string[]): string;
}

export type LinearOp = '<=' | '==' | '!=';

/** Σ coefs·vars + constant  op  0. */
export class Linear implements Propagator {
  constructor(readonly vars: number[], readonly coefs: number[], readonly constant: number, readonly op: LinearOp, readonly group: number) {}

  bounds(s: Store): [number, number] {
    let mn = this.constant, mx = this.constant;
    for (let k = 0; k < this.vars.length; k++) {
      const a = this.coefs[k], v = this.vars[k];
      if (a > 0) { mn += a * s.lo[v]; mx += a * s.hi[v]; } else { mn += a * s.hi[v]; mx += a * s.lo[v]; }
    }
    return [mn, mx];
  }

  private leq(s: Store, sign: 1 | -1): boolean {
    // sign · (Σ a x + c) ≤ 0
    let mn = sign * this.constant;
    for (let k = 0; k < this.vars.length; k++) {
      const a = sign * this.coefs[k], v = this.vars[k];
      mn += a > 0 ? a * s.lo[v] : a * s.hi[v];
    }
    if (mn > 0) return false;
    for (let k = 0; k < this.vars.length; k++) {
      const a = sign * this.coefs[k], v = this.vars[k];
      if (a > 0) {
        const rest = mn - a * s.lo[v];
        if (!s.setHi(v, Math.floor(-rest / a + 1e-9))) return false;
      } else if (a < 0) {
        const rest = mn - a * s.hi[v];
        if (!s.setLo(v, Math.ceil(-rest / a - 1e-9))) return false;
      }
    }
    return true;
  }

  propagate(s: Store): boolean {
    if (this.op === '<=') return this.leq(s, 1);
    if (this.op === '==') return this.leq(s, 1) && this.leq(s, -1);
    // ≠: act only when at most one variable is free.
    let free = -1;
    let sum = this.constant;
    for (let k = 0; k < this.vars.length; k++) {
      const v = this.vars[k];
      if (s.fixed(v)) sum += this.coefs[k] * s.lo[v];
      else if (free >= 0) return true;
      else free = k;
    }
    if (free < 0) return sum !== 0;
    const a = this.coefs[free], v = this.vars[free];
    if (a === 0) return true;
    const bad = -sum / a;
    if (!Number.isInteger(bad)) return true;
    if (s.lo[v] === bad) return s.setLo(v, bad + 1);
    if (s.hi[v] === bad) return s.setHi(v, bad - 1);
    return true;
  }

  value(values: number[]): number {
    let sum = this.constant;
    for (let k = 0; k < this.vars.length; k++) sum += this.coefs[k] * values[this.vars[k]];
    return sum;
  }

  holds(values: number[]): boolean {
    const x = this.value(values);
    return this.op === '<=' ? x <= 0 : this.op === '==' ? x === 0 : x !== 0;
  }

  /** The negated relation (integers: ¬(e ≤ 0) is −e + 1 ≤ 0). */
  negate(): Linear {
    if (this.op === '<=') return new Linear(this.vars, this.coefs.map((a) => -a), -this.constant + 1, '<=', this.group);
    return new Linear(this.vars, this.coefs, this.constant, this.op === '==' ? '!=' : '==', this.group);
  }

  describe(names: string[]): string {
    const terms = this.vars.map((v, k) => `${this.coefs[k] === 1 ? '' : this.coefs[k] === -1 ? '-' : `${this.coefs[k]}·`}${names[v]}`).join(' + ');
    return `${terms || '0'}${this.constant ? ` + ${this.constant}` : ''} ${this.op} 0`;
  }
}

/** b ⇔ C (mode `iff`) or b ⇒ C (mode `imp`), b a 0/1 variable, C a linear relation. */
export class Reified implements Propagator {
  readonly vars: number[];
  private readonly neg: Linear;

  constructor(readonly b: number, readonly c: Linear, readonly mode: 'iff' | 'imp', readonly group: number) {
    this.vars = [b, ...c.vars];
    this.neg = c.negate();
  }

  private entailed(s: Store, c: Linear): boolean {
    const [mn, mx] = c.bounds(s);
    if (c.op === '<=') return mx <= 0;
    if (c.op === '==') return mn === 0 && mx === 0;
    return mn > 0 || mx < 0;
  }

  propagate(s: Store): boolean {
    if (s.lo[this.b] === 1) return this.c.propagate(s);
    if (s.hi[this.b] === 0) return this.mode === 'iff' ? this.neg.propagate(s) : true;
    if (this.entailed(s, this.neg)) return s.setHi(this.b, 0);
    if (this.mode === 'iff' && this.entailed(s, this.c)) return s.setLo(this.b, 1);
    return true;
  }

  holds(values: number[]): boolean {
    const c = this.c.holds(values);
    return this.mode === 'iff' ? (values[this.b] === 1) === c : values[this.b] === 0 || c;
  }

  describe(names: string[]): string {
    return `${names[this.b]} ${this.mode === 'iff' ? '<->' : '->'} (${this.c.describe(names)})`;
  }
}

const divFloor = (a: number, b: number) => Math.floor(a / b);
const divCeil = (a: number, b: number) => Math.ceil(a / b);

/** z = x · y. */
export class Product implements Propagator {
  readonly vars: number[];
  constructor(readonly z: number, readonly x: number, readonly y: number, readonly group: number) { this.vars = [z, x, y]; }

  propagate(s: Store): boolean {
    const { z, x, y } = this;
    const ps = [s.lo[x] * s.lo[y], s.lo[x] * s.hi[y], s.hi[x] * s.lo[y], s.hi[x] * s.hi[y]];
    if (!s.setLo(z, Math.min(...ps)) || !s.setHi(z, Math.max(...ps))) return false;
    // x from z / y when y's sign is known and y cannot be 0 (and the other way round).
    for (const [a, b] of [[x, y], [y, x]] as const) {
      if (s.lo[b] > 0 || s.hi[b] < 0) {
        const qs = [s.lo[z] / s.lo[b], s.lo[z] / s.hi[b], s.hi[z] / s.lo[b], s.hi[z] / s.hi[b]];
        if (!s.setLo(a, Math.ceil(Math.min(...qs) - 1e-9)) || !s.setHi(a, Math.floor(Math.max(...qs) + 1e-9))) return false;
      }
    }
    if (s.fixed(x) && s.fixed(y)) return s.fix(z, s.lo[x] * s.lo[y]);
    return true;
  }

  holds(v: number[]): boolean { return v[this.z] === v[this.x] * v[this.y]; }
  describe(n: string[]): string { return `${n[this.z]} = ${n[this.x]} * ${n[this.y]}`; }
}

/** z = table[x − offset] for a constant table (the element constraint). */
export class Element implements Propagator {
  readonly vars: number[];
  constructor(readonly z: number, readonly x: number, readonly table: number[], readonly offset: number, readonly group: number) { this.vars = [z, x]; }

  propagate(s: Store): boolean {
    const { z, x, table, offset } = this;
    if (!s.setLo(x, offset) || !s.setHi(x, offset + table.length - 1)) return false;
    const inZ = (i: number) => table[i - offset] >= s.lo[z] && table[i - offset] <= s.hi[z];
    let lo = s.lo[x];
    while (lo <= s.hi[x] && !inZ(lo)) lo++;
    let hi = s.hi[x];
    while (hi >= lo && !inZ(hi)) hi--;
    if (!s.setLo(x, lo) || !s.setHi(x, hi)) return false;
    let mn = Infinity, mx = -Infinity;
    for (let i = s.lo[x]; i <= s.hi[x]; i++) { mn = Math.min(mn, table[i - offset]); mx = Math.max(mx, table[i - offset]); }
    return s.setLo(z, mn) && s.setHi(z, mx);
  }

  holds(v: number[]): boolean {
    const i = v[this.x] - this.offset;
    return i >= 0 && i < this.table.length && v[this.z] === this.table[i];
  }

  describe(n: string[]): string { return `${n[this.z]} = [${this.table.join(',')}][${n[this.x]}]`; }
}

/** z = |x|. */
export class Abs implements Propagator {
  readonly vars: number[];
  constructor(readonly z: number, readonly x: number, readonly group: number) { this.vars = [z, x]; }

  propagate(s: Store): boolean {
    const { z, x } = this;
    const lo = s.lo[x] >= 0 ? s.lo[x] : s.hi[x] <= 0 ? -s.hi[x] : 0;
    const hi = Math.max(Math.abs(s.lo[x]), Math.abs(s.hi[x]));
    if (!s.setLo(z, lo) || !s.setHi(z, hi)) return false;
    return s.setLo(x, -s.hi[z]) && s.setHi(x, s.hi[z]);
  }

  holds(v: number[]): boolean { return v[this.z] === Math.abs(v[this.x]); }
  describe(n: string[]): string { return `${n[this.z]} = |${n[this.x]}|`; }
}

/** z = min(xs) or z = max(xs). */
export class MinMax implements Propagator {
  readonly vars: number[];
  constructor(readonly z: number, readonly xs: number[], readonly kind: 'min' | 'max', readonly group: number) { this.vars = [z, ...xs]; }

  propagate(s: Store): boolean {
    const { z, xs } = this;
    if (this.kind === 'min') {
      if (!s.setLo(z, Math.min(...xs.map((x) => s.lo[x]))) || !s.setHi(z, Math.min(...xs.map((x) => s.hi[x])))) return false;
      for (const x of xs) if (!s.setLo(x, s.lo[z])) return false;
    } else {
      if (!s.setLo(z, Math.max(...xs.map((x) => s.lo[x]))) || !s.setHi(z, Math.max(...xs.map((x) => s.hi[x])))) return false;
      for (const x of xs) if (!s.setHi(x, s.hi[z])) return false;
    }
    if (xs.every((x) => s.fixed(x))) return s.fix(z, (this.kind === 'min' ? Math.min : Math.max)(...xs.map((x) => s.lo[x])));
    return true;
  }

  holds(v: number[]): boolean { return v[this.z] === (this.kind === 'min' ? Math.min : Math.max)(...this.xs.map((x) => v[x])); }
  describe(n: string[]): string { return `${n[this.z]} = ${this.kind}(${this.xs.map((x) => n[x]).join(', ')})`; }
}

/** Runs propagators to a fixpoint. `watch[v]` lists the propagators on variable v. Returns false on failure. */
export function propagate(s: Store, props: Propagator[], watch: number[][], queue: number[], counter: { runs: number }): boolean {
  const inQueue = new Uint8Array(props.length);
  for (const q of queue) inQueue[q] = 1;
  let head = 0;
  while (head < queue.length) {
    const pi = queue[head++];
    inQueue[pi] = 0;
    counter.runs++;
    if (!props[pi].propagate(s)) return false;
    for (const v of s.takeChanged()) {
      for (const q of watch[v]) if (!inQueue[q]) { inQueue[q] = 1; queue.push(q); }
    }
    if (head > 4096 && head * 2 > queue.length) { queue.splice(0, head); head = 0; }
  }
  return true;
}
