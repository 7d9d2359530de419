/**
 * estimate — the duration of a pre-copy live migration predicted before it runs, for plans that must
 * order and time many moves (placement plans, DPM's evacuations) without running them.
 *
 * - `precopyEstimate({ memoryBytes, dirtyBytesPerS, bandwidthBytesPerS?, downtimeLimitMs?, latencyMs? })`
 *   → `{ totalMs, rounds, bytes, converges }`.
 *
 * The model is the standard one of migration-prediction papers (Akoush et al., MASCOTS 2010; Liu et al.,
 * HPDC 2011): round 0 sends the VM's memory V0 at bandwidth B; round i + 1 sends what was dirtied meanwhile,
 * V(i+1) = min(V0, D × V(i) / B); QEMU stops the VM once what is left fits in the downtime limit
 * (V ≤ B × limit) and sends it. It converges only if D < B; otherwise the estimate stops after
 * MIGRATION_ESTIMATE_MAX_ROUNDS rounds (the migration itself would not converge without auto-converge,
 * and the result says so). Setup (one round trip + MIGRATION_SETUP_MS) and the resume on the destination
 * (MIGRATION_RESUME_MS) are added. It is an estimate: the real migration sends zero pages as 9 bytes,
 * measures the dirty rate as it goes, and its rounds are shorter than the series' (docs/migration.md).
 */
import { MIGRATION_DEFAULTS } from '@shared/model/migration';
import { MIGRATION_ESTIMATE_MAX_ROUNDS, MIGRATION_RESUME_MS, MIGRATION_SETUP_MS } from '../params';

export interface PrecopyEstimateInput {
  /** What round 0 sends: the VM's memory that is not zero (its consumed memory), bytes. */
  memoryBytes: number;
  /** Unique bytes the guest dirties per second (the measured dirty page rate × 4 KiB). */
  dirtyBytesPerS: number;
  bandwidthBytesPerS?: number;
  downtimeLimitMs?: number;
  latencyMs?: number;
}

export interface PrecopyEstimate { totalMs: number; rounds: number; bytes: number; converges: boolean }

export function precopyEstimate(x: PrecopyEstimateInput): PrecopyEstimate {
  const B = x.bandwidthBytesPerS ?? MIGRATION_DEFAULTS.bandwidthBytesPerS;
  const limitS = (x.downtimeLimitMs ?? MIGRATION_DEFAULTS.downtimeLimitMs) / 1000;
  const D = Math.max(0, x.dirtyBytesPerS);
  const v0 = Math.max(0, x.memoryBytes);
  let v = v0;
  let bytes = 0;
  let seconds = 0;
  let rounds = 0;
  while (v > B * limitS && rounds < MIGRATION_ESTIMATE_MAX_ROUNDS) {
    const t = v / B;
    bytes += v;
    seconds += t;
    rounds++;
    v = Math.min(v0, D * t);
  }
  const converges = v <= B * limitS;
  bytes += v;
  seconds += v / B; // the stop-and-copy of what is left
  const setupMs = 2 * (x.latencyMs ?? MIGRATION_DEFAULTS.latencyMs) + MIGRATION_SETUP_MS;
  return { totalMs: Math.ceil(setupMs + seconds * 1000 + MIGRATION_RESUME_MS), rounds: rounds + 1, bytes: Math.round(bytes), converges };
}
