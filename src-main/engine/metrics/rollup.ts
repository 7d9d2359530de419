/**
 * rollup — how a counter's finer samples become one coarser sample (vSphere's historical intervals:
 * real-time 20 s → day 5 min → week 30 min → month 2 h → year 1 day), by the counter's rollup type.
 *
 * - `rollupSamples(samples)` → one value per counter present in any sample:
 *   average → mean of the samples that have it; summation → sum; latest → the last one;
 *   minimum → min; maximum → max; none → the last one (real-time-only counters).
 *
 * Rule: a counter absent from every sample stays absent (a powered-off VM has no value, not zero).
 */
import { rollupOf } from './catalog';

export interface Sample { timeMs: number; values: Record<string, number> }

export function rollupSamples(samples: readonly Sample[]): Record<string, number> {
  const sum: Record<string, number> = {};
  const n: Record<string, number> = {};
  const out: Record<string, number> = {};
  for (const s of samples) {
    for (const [k, v] of Object.entries(s.values)) {
      const type = rollupOf(k);
      if (!(k in n)) { n[k] = 0; sum[k] = 0; }
      n[k]++;
      switch (type) {
        case 'average': case 'summation': sum[k] += v; break;
        case 'minimum': out[k] = k in out ? Math.min(out[k], v) : v; break;
        case 'maximum': out[k] = k in out ? Math.max(out[k], v) : v; break;
        default: out[k] = v; break;
      }
    }
  }
  for (const k of Object.keys(n)) {
    const type = rollupOf(k);
    if (type === 'average') out[k] = sum[k] / n[k];
    else if (type === 'summation') out[k] = sum[k];
  }
  return out;
}
