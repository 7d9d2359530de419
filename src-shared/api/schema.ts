/**
 * A tiny runtime schema language for validating messages that cross a boundary.
 *
 * - `s.string()`, `s.int()`, `s.number()`, `s.bool()`, `s.literal()`, `s.oneOf()`, `s.id(kind)`,
 *   `s.array()`, `s.object()`, `s.optional()`, `s.record()` build `Schema<T>` values.
 * - `schema.check(value, path)` returns the first problem as `{ field, message }`, or null.
 *
 * Rules: objects are closed (unknown keys are rejected, so typos don't pass silently); numbers must be
 * finite; strings are length-bounded. No dependency: src-shared imports nothing but the language.
 */
import type { EntityKind, IdOf } from '../model/ids';
import { isIdOf } from '../model/ids';

export interface Problem {
  field: string;
  message: string;
}

export interface Schema<T> {
  readonly describe: string;
  check(value: unknown, path: string): Problem | null;
  /** Phantom: carries T for type inference only. */
  readonly _type?: T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function make<T>(describe: string, check: (value: unknown, path: string) => Problem | null): Schema<T> {
  return { describe, check };
}

const problem = (field: string, message: string): Problem => ({ field, message });

export const s = {
  string(opts: { min?: number; max?: number; pattern?: RegExp } = {}): Schema<string> {
    const min = opts.min ?? 0;
    const max = opts.max ?? 4096;
    return make('string', (v, p) => {
      if (typeof v !== 'string') return problem(p, `expected a string, got ${typeName(v)}`);
      if (v.length < min) return problem(p, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
      if (v.length > max) return problem(p, `must be at most ${max} characters`);
      if (opts.pattern && !opts.pattern.test(v)) return problem(p, `must match ${opts.pattern}`);
      return null;
    });
  },
  int(opts: { min?: number; max?: number } = {}): Schema<number> {
    return make('integer', (v, p) => {
      if (typeof v !== 'number' || !Number.isInteger(v)) return problem(p, `expected an integer, got ${typeName(v)}`);
      if (opts.min !== undefined && v < opts.min) return problem(p, `must be ≥ ${opts.min}`);
      if (opts.max !== undefined && v > opts.max) return problem(p, `must be ≤ ${opts.max}`);
      return null;
    });
  },
  number(opts: { min?: number; max?: number } = {}): Schema<number> {
    return make('number', (v, p) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return problem(p, `expected a finite number, got ${typeName(v)}`);
      if (opts.min !== undefined && v < opts.min) return problem(p, `must be ≥ ${opts.min}`);
      if (opts.max !== undefined && v > opts.max) return problem(p, `must be ≤ ${opts.max}`);
      return null;
    });
  },
  bool(): Schema<boolean> {
    return make('boolean', (v, p) => (typeof v === 'boolean' ? null : problem(p, `expected a boolean, got ${typeName(v)}`)));
  },
  literal<L extends string | number | boolean>(value: L): Schema<L> {
    return make(JSON.stringify(value), (v, p) => (v === value ? null : problem(p, `expected ${JSON.stringify(value)}`)));
  },
  oneOf<L extends string | number>(values: readonly L[]): Schema<L> {
    return make(values.join('|'), (v, p) =>
      (values as readonly unknown[]).includes(v) ? null : problem(p, `expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}`));
  },
  id<K extends EntityKind>(kind: K): Schema<IdOf<K>> {
    return make(`${kind} id`, (v, p) => (isIdOf(kind, v) ? null : problem(p, `expected a ${kind} id like "${kind}-1", got ${preview(v)}`)));
  },
  array<T>(item: Schema<T>, opts: { min?: number; max?: number } = {}): Schema<T[]> {
    const max = opts.max ?? 10_000;
    return make(`${item.describe}[]`, (v, p) => {
      if (!Array.isArray(v)) return problem(p, `expected an array, got ${typeName(v)}`);
      if (opts.min !== undefined && v.length < opts.min) return problem(p, `must have at least ${opts.min} items`);
      if (v.length > max) return problem(p, `must have at most ${max} items`);
      for (let i = 0; i < v.length; i++) {
        const r = item.check(v[i], `${p}[${i}]`);
        if (r) return r;
      }
      return null;
    });
  },
  record<T>(value: Schema<T>, opts: { maxKeys?: number } = {}): Schema<Record<string, T>> {
    const maxKeys = opts.maxKeys ?? 256;
    return make(`record<${value.describe}>`, (v, p) => {
      if (!isPlainObject(v)) return problem(p, `expected an object, got ${typeName(v)}`);
      const keys = Object.keys(v);
      if (keys.length > maxKeys) return problem(p, `must have at most ${maxKeys} keys`);
      for (const k of keys) {
        if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(k)) return problem(`${p}.${k}`, 'is not a valid key');
        const r = value.check(v[k], `${p}.${k}`);
        if (r) return r;
      }
      return null;
    });
  },
  optional<T>(inner: Schema<T>): Schema<T | undefined> & { optional: true } {
    return { ...make<T | undefined>(`${inner.describe}?`, (v, p) => (v === undefined ? null : inner.check(v, p))), optional: true };
  },
  object<Shape extends Record<string, Schema<unknown>>>(shape: Shape): Schema<ObjectOf<Shape>> {
    const describe = `{${Object.entries(shape).map(([k, v]) => `${k}:${v.describe}`).join(',')}}`;
    return make(describe, (v, p) => {
      if (!isPlainObject(v)) return problem(p, `expected an object, got ${typeName(v)}`);
      for (const k of Object.keys(v)) {
        if (!(k in shape)) return problem(`${p}.${k}`, 'is not a known field');
      }
      for (const [k, sch] of Object.entries(shape)) {
        const r = sch.check(v[k], `${p}.${k}`);
        if (r) {
          if (v[k] === undefined && !('optional' in sch)) return problem(`${p}.${k}`, 'is required');
          return r;
        }
      }
      return null;
    });
  },
  union<A, B>(a: Schema<A>, b: Schema<B>): Schema<A | B> {
    return make(`${a.describe}|${b.describe}`, (v, p) => {
      const ra = a.check(v, p);
      if (!ra) return null;
      const rb = b.check(v, p);
      if (!rb) return null;
      return problem(p, `expected ${a.describe} or ${b.describe}`);
    });
  },
};

type OptionalKeys<S> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type RequiredKeys<S> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjectOf<S extends Record<string, Schema<unknown>>> =
  { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined> };

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

function preview(v: unknown): string {
  const text = typeof v === 'string' ? JSON.stringify(v) : typeName(v);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
