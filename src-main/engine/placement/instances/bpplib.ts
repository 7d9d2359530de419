/**
 * Reading standard one-dimensional bin-packing instances, so results compare with the literature
 * (Falkenauer's u/t classes, Scholl, Hard28 — as distributed by BPPLIB, Delorme, Iori & Martello 2018,
 * and by the OR-Library, Beasley 1990).
 *
 * - `readInstances(text, file)` → `{ ok: true, instances, format }` or `{ ok: false, diagnostics }`
 *   (every mistake with `file:line:col` and a hint). Formats, detected from the first lines:
 *   - BPPLIB: `n` (items), `c` (capacity), then n lines of one weight each; or, when every line after
 *     `c` holds two numbers, `weight count` pairs (n is then the number of item types).
 *   - OR-Library (binpack1…8.txt): `P` (instances in the file), then per instance a name line, a line
 *     `capacity n best-known`, and n lines of one weight.
 * - `Instance { name, capacity, sizes, bestKnown? }`; `instanceProblem(instance)` → a
 *   `PlacementProblem` (one dimension "size", n identical bins).
 *
 * Rules: weights and capacities are positive integers (the instances of both libraries are); a weight
 * larger than the capacity is an error (no packing exists); blank lines are skipped; `#` starts a
 * comment (ours; neither library uses one). Item counts must match.
 */
import type { SourceDiagnostic } from '../diagnostics';
import type { PlacementProblem } from '../problem';
import { oneDimensional } from '../problem';

export interface Instance {
  name: string;
  capacity: number;
  sizes: number[];
  /** Best-known (or proven) number of bins, when the file gives one (OR-Library). */
  bestKnown?: number;
}

export type ReadResult =
  | { ok: true; format: 'bpplib' | 'orlib'; instances: Instance[] }
  | { ok: false; diagnostics: SourceDiagnostic[] };

interface Tok { text: string; line: number; col: number }

/** Non-empty lines as tokens (comments stripped). */
function lines(text: string): Tok[][] {
  const out: Tok[][] = [];
  text.split(/\r?\n/).forEach((raw, li) => {
    const body = raw.replace(/#.*$/, '');
    const toks: Tok[] = [];
    const re = /[^\s,]+/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(body))) toks.push({ text: m[0], line: li + 1, col: m.index + 1 });
    if (toks.length) out.push(toks);
  });
  return out;
}

class Fail extends Error {
  constructor(readonly d: SourceDiagnostic) { super(d.message); }
}

export function readInstances(text: string, file: string): ReadResult {
  const ls = lines(text);
  const endLoc = (): { line: number; col: number } => {
    const all = text.split(/\r?\n/);
    return { line: Math.max(1, all.length), col: 1 };
  };
  const fail = (t: Tok | undefined, message: string, hint?: string): never => {
    const at = t ?? endLoc();
    throw new Fail({ file, line: at.line, col: at.col, message, hint });
  };
  const int = (t: Tok | undefined, what: string, min = 1): number => {
    if (!t) return fail(undefined, `missing ${what}: the file ends early`, 'check the item count against the number of weight lines');
    if (!/^[+]?\d+(\.0+)?$/.test(t.text)) return fail(t, `${what} must be a whole number, got "${t.text}"`);
    const v = Number(t.text);
    if (!Number.isSafeInteger(v) || v < min) return fail(t, `${what} must be ≥ ${min}, got ${t.text}`);
    return v;
  };
  const only = (line: Tok[], n: number, what: string) => { if (line.length > n) fail(line[n], `unexpected "${line[n].text}" after the ${what}`); };
  try {
    if (ls.length === 0) fail(undefined, 'the file is empty', 'a BPPLIB instance starts with the number of items, then the capacity');
    const orlib = ls.length > 1 && ls[0].length === 1 && !/^\d/.test(ls[1][0].text);
    if (orlib) {
      const count = int(ls[0][0], 'number of instances');
      let at = 1;
      const instances: Instance[] = [];
      for (let p = 0; p < count; p++) {
        const nameLine = ls[at++];
        if (!nameLine) fail(undefined, `expected ${count} instances, found ${p}`, 'the first line gives the number of instances in the file');
        if (/^\d/.test(nameLine[0].text)) fail(nameLine[0], `expected the name of instance ${p + 1}, got "${nameLine[0].text}"`, 'each instance starts with a name line, then "capacity items best-known"');
        const name = nameLine.map((t) => t.text).join(' ');
        const head = ls[at++];
        if (!head) fail(undefined, `instance ${name}: missing the "capacity items best-known" line`);
        const capacity = int(head[0], 'capacity');
        const n = int(head[1], 'number of items');
        const best = head[2] ? int(head[2], 'best-known number of bins', 0) : undefined;
        only(head, 3, '"capacity items best-known" line');
        const sizes: number[] = [];
        for (let i = 0; i < n; i++) {
          const l = ls[at++];
          if (!l || (l.length === 1 && !/^\d/.test(l[0].text) && i < n)) fail(l?.[0], `instance ${name}: expected ${n} weights, found ${i}`, 'the header line gives the number of items');
          const w = int(l[0], 'weight');
          if (w > capacity) fail(l[0], `weight ${w} is larger than the capacity ${capacity}`, 'no packing exists: every item must fit in a bin');
          only(l, 1, 'weight');
          sizes.push(w);
        }
        instances.push({ name, capacity, sizes, bestKnown: best });
      }
      if (at < ls.length) fail(ls[at][0], `unexpected "${ls[at][0].text}" after the last instance`, `the first line says the file holds ${count} instance(s)`);
      return { ok: true, format: 'orlib', instances };
    }
    only(ls[0], 1, 'number of items');
    const n = int(ls[0][0], 'number of items');
    if (!ls[1]) fail(undefined, 'missing the capacity line', 'a BPPLIB instance is: items, capacity, then one weight per line');
    only(ls[1], 1, 'capacity');
    const capacity = int(ls[1][0], 'capacity');
    const body = ls.slice(2);
    const pairs = body.length > 0 && body.every((l) => l.length === 2);
    const sizes: number[] = [];
    for (const l of body.slice(0, n)) {
      const w = int(l[0], 'weight');
      if (w > capacity) fail(l[0], `weight ${w} is larger than the capacity ${capacity}`, 'no packing exists: every item must fit in a bin');
      if (pairs) {
        const d = int(l[1], 'count');
        for (let k = 0; k < d; k++) sizes.push(w);
      } else {
        only(l, 1, 'weight');
        sizes.push(w);
      }
    }
    if (body.length !== n) {
      const what = pairs ? 'item types' : 'weights';
      if (body.length < n) fail(undefined, `expected ${n} ${what}, found ${body.length}`, 'the first line gives the number of items (or item types)');
      fail(body[n][0], `expected ${n} ${what}, found more`, 'the first line gives the number of items (or item types)');
    }
    const base = file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
    return { ok: true, format: 'bpplib', instances: [{ name: base, capacity, sizes }] };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, diagnostics: [e.d] };
    throw e;
  }
}

export function instanceProblem(inst: Instance): PlacementProblem {
  return oneDimensional('size', inst.capacity, inst.sizes);
}

/** BPPLIB text of an instance (what `generator.ts` writes to resources/placement/). */
export function writeBpplib(inst: Instance, comment?: string): string {
  const head = comment ? comment.split('\n').map((l) => `# ${l}`).join('\n') + '\n' : '';
  return `${head}${inst.sizes.length}\n${inst.capacity}\n${inst.sizes.join('\n')}\n`;
}
