/**
 * stopRules — when pre-copy stops iterating and switches over (stops the VM for the final copy).
 *
 * - QEMU (`migration_iteration_run`): the cheap estimate of what is pending is the dirty pages left in
 *   the bitmap × page size; when it is at most `threshold = bandwidth × downtime-limit` the dirty bitmap
 *   is synced (dirty-sync-count + 1) and, if what is pending then is below the threshold, the VM stops.
 *   QEMU never stops otherwise: a migration whose dirty rate outruns the link runs until it is
 *   cancelled, throttled (auto-converge) or switched to post-copy — `qemuSwitch`, `qemuShouldSync`.
 * - Xen migration v2 (Xen ≥ 4.6, `simple_precopy_policy`): before each iteration, stop and copy when
 *   `0 <= dirty_count < 50` or `iteration >= 5` — `xenV2Stop`.
 * - Classic libxc (`xc_domain_save`, ≤ 4.5): the last iteration comes when `iter >= 29` (30 times round
 *   the loop), fewer than 50 pages were sent in the iteration, or more than 3 × the guest's pages were
 *   sent in all — `xenClassicStop`.
 * Xen iterates whole passes over the bitmap (a pass = every page dirty at its start); QEMU's rounds end
 * when the pending estimate falls under the threshold. Pure functions.
 */
import {
  XEN_CLASSIC_MAX_FACTOR, XEN_CLASSIC_MAX_ITERS, XEN_CLASSIC_MIN_PAGES, XEN_V2_MAX_ITERATIONS, XEN_V2_TARGET_DIRTY_COUNT,
} from '../params';

/** QEMU: sync when the pending estimate (bytes) is at most the threshold (bytes). */
export function qemuShouldSync(pendingEstimateBytes: number, thresholdBytes: number): boolean {
  return pendingEstimateBytes <= thresholdBytes;
}

/** QEMU: after a sync, switch over when what is pending is below the threshold (or nothing is). */
export function qemuSwitch(pendingBytes: number, thresholdBytes: number): boolean {
  return pendingBytes === 0 || pendingBytes < thresholdBytes;
}

/** Xen v2, checked before iteration `iteration` (0 = the bulk pass) with the dirty count of the last sync (−1 before any). */
export function xenV2Stop(iteration: number, dirtyCount: number): boolean {
  return (dirtyCount >= 0 && dirtyCount < XEN_V2_TARGET_DIRTY_COUNT) || iteration >= XEN_V2_MAX_ITERATIONS;
}

/** Classic libxc, after iteration `iter` (0 = bulk) sent `sentThisIter` pages and `totalSent` in all, of `guestPages`. */
export function xenClassicStop(iter: number, sentThisIter: number, totalSent: number, guestPages: number): boolean {
  return iter >= XEN_CLASSIC_MAX_ITERS || sentThisIter < XEN_CLASSIC_MIN_PAGES || totalSent > guestPages * XEN_CLASSIC_MAX_FACTOR;
}
