/**
 * Generators of the standard instance classes, seeded (the same seed gives the same instance on every
 * machine: the engine's xoshiro128** generator, `sim/rng.ts`).
 *
 * - `uniformInstance(seed, { n, min, max, capacity })`: Falkenauer's uniform class — n weights uniform
 *   in [min, max] (inclusive integers), bins of `capacity`. `u120` = 120 items in [20, 100], capacity 150
 *   (E. Falkenauer, "A hybrid grouping genetic algorithm for bin packing", J. Heuristics 2, 1996).
 * - `tripletInstance(seed, triplets)`: Falkenauer's triplet class — capacity 1000, each bin of the
 *   optimum holds exactly three items: the first uniform in [380, 490], the second uniform in
 *   [250, (1000 − first) / 2], the third fills the bin exactly; all items lie in [250, 500), so no bin
 *   holds four and the optimum is exactly the number of triplets (`t60` = 20 triplets, `t120` = 40).
 *   Items are shuffled (Fisher–Yates with the same generator).
 * - `STANDARD_CLASSES`: the names the CLI and resources use (`u120`, `t60`, `t120`).
 */
import { Rng } from '../../sim/index';
import type { Instance } from './bpplib';

export interface UniformClass { n: number; min: number; max: number; capacity: number }

export const STANDARD_CLASSES = {
  u120: { kind: 'uniform', n: 120, min: 20, max: 100, capacity: 150 },
  u250: { kind: 'uniform', n: 250, min: 20, max: 100, capacity: 150 },
  t60: { kind: 'triplet', triplets: 20 },
  t120: { kind: 'triplet', triplets: 40 },
} as const;
export type StandardClass = keyof typeof STANDARD_CLASSES;

export function uniformInstance(seed: number, c: UniformClass, name = `u${c.n}_s${seed}`): Instance {
  const rng = new Rng(seed).fork('uniform');
  const sizes = Array.from({ length: c.n }, () => c.min + rng.int(c.max - c.min + 1));
  return { name, capacity: c.capacity, sizes };
}

export function tripletInstance(seed: number, triplets: number, name = `t${triplets * 3}_s${seed}`): Instance {
  const rng = new Rng(seed).fork('triplet');
  const sizes: number[] = [];
  for (let t = 0; t < triplets; t++) {
    const a = 380 + rng.int(490 - 380 + 1);
    const rest = 1000 - a;
    const b = 250 + rng.int(Math.floor(rest / 2) - 250 + 1);
    sizes.push(a, b, rest - b);
  }
  for (let i = sizes.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [sizes[i], sizes[j]] = [sizes[j], sizes[i]];
  }
  return { name, capacity: 1000, sizes, bestKnown: triplets };
}

export function standardInstance(cls: StandardClass, seed: number): Instance {
  const c = STANDARD_CLASSES[cls];
  return c.kind === 'uniform' ? uniformInstance(seed, c, `${cls}_s${seed}`) : tripletInstance(seed, c.triplets, `${cls}_s${seed}`);
}
