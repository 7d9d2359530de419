/**
 * A tiny runtime schema language for validating messages that cross a boundary.
 *
 * - `s.string()`, `s.name()`, `s.text()`, `s.int()`, `s.number()`, `s.bool()`, `s.literal()`, `s.oneOf()`,
 *   `s.id(kind)`, `s.array()`, `s.object()`, `s.optional()`, `s.record()` build `Schema<T>` values.
 * - `schema.check(value, path)` returns the first problem as `{ field, message }`, or null.
 * - `hasOwn(o, k)`, `isPrototypeKey(k)`, `nameProblem(text)`: the rules below, for code outside schemas.
 *
 * Rules: objects are closed (unknown keys are rejected, so typos don't pass silently) and only OWN
 * properties count: a key is known only if the shape itself defines it (`__proto__`, `constructor`,
 * `toString` are not fields), and a record's keys may not be names of `Object.prototype`; numbers must
 * be finite; strings are length-bounded. Every name field uses `s.name()`: printable Unicode (vSphere
 * allows almost any), but no control, format (bidirectional overrides, zero-width), separator,
 * private-use or unpaired-surrogate characters, no leading or trailing space — names are
 * shown to other users, and those characters exist to make one name look like another.
 * No dependency: src-shared imports nothing but the language.
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

/** Own-property test: inherited names (`constructor`, `__proto__` as an accessor) never count. */
export function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Names that mean something on every plain object: never accepted as keys from input. */
export function isPrototypeKey(k: string): boolean {
  return k === '__proto__' || k in Object.prototype;
}

/**
 * Characters no name may contain: controls (Cc), formats (Cf: bidirectional overrides and isolates,
 * zero-width joiners, soft hyphen), line/paragraph separators, unpaired surrogates and private use.
 * (Unassigned code points are not refused: which ones are unassigned changes with the Unicode version
 * of the runtime, and validation must give the same answer everywhere.)
 */
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}]/u;
/** Free text (descriptions) may have line breaks and tabs, but no other control or bidirectional formatting. */
const FORBIDDEN_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\p{Cs}]/u;

function describeChar(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why `text` is not an acceptable name (the character rule of `s.name()`), or null. */
export function nameProblem(text: string): string | null {
  const bad = FORBIDDEN_IN_NAME.exec(text);
  if (bad) return `must not contain control or formatting characters (found ${describeChar(bad[0])})`;
  if (text.trim() !== text) return 'must not start or end with a space';
  return null;
}

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
  /** A name users see (VM, host, snapshot…): `s.string` plus the character rule of `nameProblem`. */
  name(opts: { max?: number } = {}): Schema<string> {
    const base = s.string({ min: 1, max: opts.max ?? 80 });
    return make('name', (v, p) => {
      const r = base.check(v, p);
      if (r) return r;
      const bad = nameProblem(v as string);
      return bad ? problem(p, bad) : null;
    });
  },
  /** Free text (descriptions): line breaks allowed; other controls and bidirectional formatting refused. */
  text(opts: { max?: number } = {}): Schema<string> {
    const base = s.string({ max: opts.max ?? 1024 });
    return make('text', (v, p) => {
      const r = base.check(v, p);
      if (r) return r;
      const bad = FORBIDDEN_IN_TEXT.exec(v as string);
      return bad ? problem(p, `must not contain control or bidirectional formatting characters (found ${describeChar(bad[0])})`) : null;
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
      // An array is its items: an own key that is not an index (`toString`, `constructor`…) is a field
      // nobody declared, which JSON never makes but a structured clone can.
      const keys = Object.keys(v);
      if (keys.length !== v.length) {
        const extra = keys.find((k) => !/^(0|[1-9][0-9]*)$/.test(k));
        if (extra !== undefined) return problem(`${p}.${extra.slice(0, 64)}`, 'is not an item of the array');
      }
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
        if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(k) || isPrototypeKey(k)) return problem(`${p}.${k}`, 'is not a valid key');
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
        if (!hasOwn(shape, k)) return problem(`${p}.${k}`, 'is not a known field');
      }
      for (const [k, sch] of Object.entries(shape)) {
        const own = hasOwn(v, k) ? v[k] : undefined;
        const r = sch.check(own, `${p}.${k}`);
        if (r) {
          if (own === undefined && !hasOwn(sch, 'optional')) return problem(`${p}.${k}`, 'is required');
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
