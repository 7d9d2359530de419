/**
 * Stepping logic of the lecture's heuristic-packing animation: a `placement.solve` result with its `trace`
 * (the engine's real steps) seen after any number of steps.
 *
 * - `packingFrame(result, k)` → the frame after the first `k` steps (k is clamped to 0..steps): every bin
 *   with the blocks placed so far and its load per dimension, the step just taken (the bins it looked at,
 *   the chosen one, why), the VMs still waiting in the heuristic's order, and those left off.
 * - `nextStep(k, total)` / `previousStep(k)`: the controls' moves, never past either end.
 *
 * Rule: the frame is computed from the trace alone (replaying its steps), never from the final placement,
 * so what the student watches is what the heuristic did; at the last step it equals the result's placement.
 */
import type { PlacementSolveResult, PlacementTraceStepDto } from '@shared/model/placement';

export interface AnimBlock { itemId: string; demand: number[]; justPlaced: boolean }
export interface AnimBin {
  binId: string;
  capacity: number[];
  state: 'on' | 'maintenance' | 'off';
  blocks: AnimBlock[];
  load: number[];
  /** How the step just taken saw this bin: chosen, looked at and fits, ruled out (with the rule), or not looked at. */
  look: 'chosen' | 'fits' | 'ruledOut' | 'none';
  reason?: string;
}
export interface AnimFrame {
  step: number;
  total: number;
  bins: AnimBin[];
  /** The step just taken (undefined before the first). */
  last?: PlacementTraceStepDto;
  /** VMs not yet considered, in the heuristic's order (the decreasing variants sort them first). */
  waiting: string[];
  leftOff: string[];
  done: boolean;
}

export function nextStep(k: number, total: number): number {
  return Math.min(total, Math.max(0, k) + 1);
}

export function previousStep(k: number): number {
  return Math.max(0, k - 1);
}

export function packingFrame(result: PlacementSolveResult, k: number): AnimFrame {
  const trace = result.trace ?? [];
  const total = trace.length;
  const step = Math.min(total, Math.max(0, Math.floor(k)));
  const demand = new Map(result.placement.map((p) => [p.itemId, p.demand]));
  const D = result.dimensions.length;
  const bins: AnimBin[] = result.bins.map((b) => ({ binId: b.binId, capacity: b.capacity, state: b.state, blocks: [], load: new Array<number>(D).fill(0), look: 'none' }));
  const byId = new Map(bins.map((b) => [b.binId, b]));
  const leftOff: string[] = [];
  const seen = new Set<string>();
  for (let s = 0; s < step; s++) {
    const st = trace[s];
    const latest = s === step - 1;
    seen.add(st.itemId);
    for (const id of st.placedIds) seen.add(id);
    const bin = st.binId === null ? undefined : byId.get(st.binId);
    if (!bin) { leftOff.push(st.itemId); continue; }
    for (const id of st.placedIds) {
      const d = demand.get(id) ?? new Array<number>(D).fill(0);
      bin.blocks.push({ itemId: id, demand: d, justPlaced: latest });
      for (let j = 0; j < D; j++) bin.load[j] += d[j];
    }
  }
  const last = step > 0 ? trace[step - 1] : undefined;
  if (last) {
    for (const c of last.considered) {
      const b = byId.get(c.binId);
      if (!b) continue;
      b.look = c.fits ? 'fits' : 'ruledOut';
      if (c.reason) b.reason = c.reason;
    }
    const chosen = last.binId === null ? undefined : byId.get(last.binId);
    if (chosen) chosen.look = 'chosen';
  }
  const waiting = trace.slice(step).map((st) => st.itemId).filter((id) => !seen.has(id));
  return { step, total, bins, ...(last ? { last } : {}), waiting, leftOff, done: step === total };
}
