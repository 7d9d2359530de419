/**
 * memState — a host's free-memory state (ESX's high / clear / soft / hard / low) from its free frames and
 * its `minFree`, and the reclamation mechanisms each state lets run.
 *
 * Interface: `minFreeFrames(capacityBytes)`; `freeMemoryState(freeFrames, minFree)`; `stateThresholdFrames`;
 * `MEM_STATES`, `memStateNumber(state)` (the value of `mem.state.latest`); `mechanismsOf(state)`.
 * Rules (published ESX behaviour, docs/memory-overcommit.md "The ladder"):
 *  - minFree is ESXi's sliding scale (Mem.MemMinFreePct = 0, "automatic"): 6 % of the first 4 GiB, 4 % of
 *    the next 8 GiB, 2 % of the next 16 GiB, 1 % of the rest — ≈ 899 MB for the first 28 GB plus 1 % beyond.
 *  - The state is the lowest threshold free memory is below: clear below 100 % of minFree, soft below 64 %,
 *    hard below 32 %, low below 16 %; high otherwise (ESXi 6.x; 5.x had no clear state).
 *  - Mechanisms: sharing runs in every state (ESXi's high/clear difference concerns breaking large pages,
 *    which this lab does not have); ballooning in soft; compression and hypervisor swapping in hard and low
 *    (ESXi stops inflating balloons in hard); in low, a vCPU whose page (one the host took away) cannot get
 *    a frame waits (hostReclaimer.ts) — a first touch of a new page with no frame left still crashes the
 *    guest, as the machine always did (docs/memory-overcommit.md).
 */
import { PAGE_SIZE_BYTES } from '../params';

export const MEM_STATES = ['high', 'clear', 'soft', 'hard', 'low'] as const;
export type MemState = (typeof MEM_STATES)[number];

const GiB = 1024 * 1024 * 1024;

/** ESXi's minFree for a host of `capacityBytes`, in frames (the sliding scale of Mem.MemMinFreePct). */
export function minFreeFrames(capacityBytes: number): number {
  const bands: [number, number][] = [[4 * GiB, 0.06], [8 * GiB, 0.04], [16 * GiB, 0.02], [Infinity, 0.01]];
  let left = Math.max(0, capacityBytes);
  let bytes = 0;
  for (const [size, pct] of bands) {
    const part = Math.min(left, size);
    bytes += part * pct;
    left -= part;
    if (left <= 0) break;
  }
  return Math.max(1, Math.floor(bytes / PAGE_SIZE_BYTES));
}

/** Fractions of minFree below which each state begins (ESXi 6.x). */
export const STATE_FRACTIONS: Readonly<Record<Exclude<MemState, 'high'>, number>> = { clear: 1, soft: 0.64, hard: 0.32, low: 0.16 };

/** Free frames below which `state` begins, for a host whose minFree is `minFree` frames. */
export function stateThresholdFrames(state: Exclude<MemState, 'high'>, minFree: number): number {
  return Math.floor(minFree * STATE_FRACTIONS[state]);
}

/** The state for `freeFrames` given the thresholds of `stateThresholdsOf(minFree)` (a host computes them once per capacity). */
export function freeMemoryStateAt(freeFrames: number, t: StateThresholds): MemState {
  if (freeFrames < t.low) return 'low';
  if (freeFrames < t.hard) return 'hard';
  if (freeFrames < t.soft) return 'soft';
  if (freeFrames < t.clear) return 'clear';
  return 'high';
}

export interface StateThresholds { low: number; hard: number; soft: number; clear: number }

export function stateThresholdsOf(minFree: number): StateThresholds {
  return {
    low: stateThresholdFrames('low', minFree), hard: stateThresholdFrames('hard', minFree),
    soft: stateThresholdFrames('soft', minFree), clear: stateThresholdFrames('clear', minFree),
  };
}

export function freeMemoryState(freeFrames: number, minFree: number): MemState {
  if (freeFrames < stateThresholdFrames('low', minFree)) return 'low';
  if (freeFrames < stateThresholdFrames('hard', minFree)) return 'hard';
  if (freeFrames < stateThresholdFrames('soft', minFree)) return 'soft';
  if (freeFrames < stateThresholdFrames('clear', minFree)) return 'clear';
  return 'high';
}

/** `mem.state.latest`: 0 high, 1 clear, 2 soft, 3 hard, 4 low (esxtop's order). */
export function memStateNumber(state: MemState): number {
  return MEM_STATES.indexOf(state);
}

export interface StateMechanisms {
  sharing: boolean;
  balloon: boolean;
  compression: boolean;
  swap: boolean;
  /** Allocations the host cannot satisfy block the allocating vCPU. */
  block: boolean;
}

export function mechanismsOf(state: MemState): StateMechanisms {
  const hardOrLow = state === 'hard' || state === 'low';
  return { sharing: true, balloon: state === 'soft', compression: hardOrLow, swap: hardOrLow, block: state === 'low' };
}
