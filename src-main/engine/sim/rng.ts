/**
 * Seeded pseudo-random numbers for the engine (never Math.random: a run is defined by scenario + seed).
 *
 * - `new Rng(seed)`; `next()` → uint32; `float()` → [0,1); `int(n)` → [0,n); `fork(label)` → an
 *   independent stream derived from this one's seed and a label, so adding a consumer in one place does
 *   not shift the numbers another place sees.
 * - `save()` / `Rng.restore(state)`.
 *
 * Algorithm: xoshiro128** (Blackman & Vigna), seeded through splitmix32.
 */

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export interface RngState {
  s: [number, number, number, number];
  seed: number;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    const sm = splitmix32(this.seed);
    this.s0 = sm();
    this.s1 = sm();
    this.s2 = sm();
    this.s3 = sm();
  }

  next(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0; this.s1 >>>= 0; this.s2 >>>= 0; this.s3 >>>= 0;
    return result;
  }

  float(): number {
    return this.next() / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  fork(label: string): Rng {
    return new Rng((this.seed ^ hashLabel(label)) >>> 0);
  }

  save(): RngState {
    return { s: [this.s0, this.s1, this.s2, this.s3], seed: this.seed };
  }

  static restore(state: RngState): Rng {
    const r = new Rng(state.seed);
    [r.s0, r.s1, r.s2, r.s3] = state.s;
    return r;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
