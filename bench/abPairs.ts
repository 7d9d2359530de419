/**
 * bench/abPairs — the arithmetic of an A/B comparison between two engine trees ("base" and "tree", the checkout
 * under test), shared by the A/B benchmarks (busy-mix-ab, monitors-ab, reclaim-barrier-ab), bench/monitors.ts and
 * bench/owner-calls.ts (its median).
 * Interface: `median(xs)`; `pairOrder(i)`: which side runs first in pair i (base first in even pairs, this tree
 * first in odd ones, so a load that drifts during a pair biases neither side); `alternatingPairs(pairs, run)`: runs
 * `run(side, pair)` for both sides of each pair in that order and collects each side's figures (index k = pair k);
 * `pairRatios(sides)`: each pair's tree / base; `ratioSummary(ratios)`: median,
 * range and how many pairs were lower of per-pair ratios (tree / base); `perSecondPairs(base, tree)`: per host
 * second from power-on, each side's median and the per-pair ratios of that second.
 * Rules: pure functions, no clocks. A ratio is always this tree over base, computed within one pair — never
 * median over median — so a pair measured while the machine was busy compares like with like. A pair in which
 * either side has no figure for a second is left out of that second.
 */
export type Side = 'base' | 'tree';

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const pairOrder = (i: number): [Side, Side] => (i % 2 === 0 ? ['base', 'tree'] : ['tree', 'base']);

/** `pairs` pairs of `run(side, pair)`, the sides in `pairOrder`; each side's results, pair k at index k. */
export function alternatingPairs<T>(pairs: number, run: (side: Side, pair: number) => T): Record<Side, T[]> {
  const out: Record<Side, T[]> = { base: [], tree: [] };
  for (let i = 0; i < pairs; i++) for (const side of pairOrder(i)) out[side].push(run(side, i));
  return out;
}

/** Each pair's ratio of this tree's figure over base's (unrounded). */
export const pairRatios = (sides: Readonly<Record<Side, readonly number[]>>): number[] => sides.tree.map((t, k) => t / sides.base[k]);

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export interface RatioSummary { median: number; min: number; max: number; pairs: number; pairsLower: number }

export function ratioSummary(ratios: readonly number[]): RatioSummary {
  return {
    median: r3(median(ratios)), min: r3(Math.min(...ratios)), max: r3(Math.max(...ratios)),
    pairs: ratios.length, pairsLower: ratios.filter((r) => r < 1).length,
  };
}

export interface SecondPairs { second: number; baseMedian: number; treeMedian: number; ratios: number[]; ratio: RatioSummary }

/** `base[k]` and `tree[k]`: pair k's figures per second (higher = faster, e.g. M instructions/s). */
export function perSecondPairs(base: readonly (readonly number[])[], tree: readonly (readonly number[])[]): SecondPairs[] {
  if (base.length !== tree.length) throw new Error(`perSecondPairs: ${base.length} base runs against ${tree.length}`);
  const seconds = Math.max(0, ...base.map((b) => b.length), ...tree.map((t) => t.length));
  const out: SecondPairs[] = [];
  for (let s = 0; s < seconds; s++) {
    const ks = base.map((_, k) => k).filter((k) => base[k][s] !== undefined && tree[k][s] !== undefined && base[k][s] > 0);
    if (ks.length === 0) continue;
    const ratios = ks.map((k) => r3(tree[k][s] / base[k][s]));
    out.push({ second: s + 1, baseMedian: r3(median(ks.map((k) => base[k][s]))), treeMedian: r3(median(ks.map((k) => tree[k][s]))), ratios, ratio: ratioSummary(ratios) });
  }
  return out;
}

/** The process's CPU time so far, ms (user + system, every thread: V8's compiler threads included). */
export const processCpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
