// Seeded randomness for the fuzzers: one stream per case (seed, case index), so any case can be
// replayed alone from the two numbers a report prints.
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
}

/** mulberry32 over a hash of (seed, index): small, fast, and good enough to pick mutations. */
export function rngFor(seed: number, index: number): Rng {
  let a = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return { next, int, chance: (p) => next() < p, pick: (xs) => xs[int(xs.length)] };
}

/** Values that break careless code: prototype names, extremes of every type, control characters. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'] as const;

export const EXTREME_NUMBERS = [0, -0, -1, 1, 0.5, -0.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, 1e21, 86_400.0001, 4097, 65_537, 1_000_001] as const;

export const NASTY_STRINGS = [
  '', ' ', 'a', '\u0000', 'evil\u202Etxt', '\u200B', '\uD800', '\uFFFF', 'x'.repeat(81), 'x'.repeat(5000), '../../../etc/passwd',
  '<script>alert(1)</script>', 'vm-1', 'vm-0', 'vm-99999999999', 'host-1', 'constructor', '__proto__', 'toString', 'idle', 'cpu',
  '1e400', 'NaN', '-1', '%s%n', '\r\n', 'Übung 数据库 🚀',
] as const;

/** A byte-level or line-level mutation of `text` (insert, delete, duplicate, swap, splice in a nasty token). */
export function mutateText(rng: Rng, text: string, tokens: readonly string[] = []): string {
  const lines = text.split('\n');
  const n = 1 + rng.int(4);
  for (let k = 0; k < n; k++) {
    const i = rng.int(Math.max(1, lines.length));
    const line = lines[i] ?? '';
    switch (rng.int(9)) {
      case 0: lines.splice(i, 1); break; // delete a line
      case 1: lines.splice(i, 0, line); break; // duplicate a line
      case 2: lines.splice(i, 0, lines[rng.int(lines.length)] ?? ''); break; // copy a line elsewhere
      case 3: { const p = rng.int(line.length + 1); lines[i] = line.slice(0, p) + line.slice(p + 1 + rng.int(4)); break; } // delete chars
      case 4: { const p = rng.int(line.length + 1); lines[i] = line.slice(0, p) + String.fromCharCode(rng.int(128)) + line.slice(p); break; } // insert a byte
      case 5: { const p = rng.int(line.length + 1); const t = tokens.length ? rng.pick(tokens) : rng.pick(NASTY_STRINGS); lines[i] = line.slice(0, p) + t + line.slice(p); break; }
      case 6: { const d = line.replace(/\d+/, () => String(rng.pick(EXTREME_NUMBERS))); lines[i] = d; break; } // an extreme number
      case 7: { const j = rng.int(lines.length); [lines[i], lines[j]] = [lines[j], lines[i]]; break; } // swap lines
      default: lines[i] = line.replace(/[^\s]+/, (w) => w.repeat(1 + rng.int(3))); break; // repeat a word
    }
  }
  return lines.join('\n');
}
