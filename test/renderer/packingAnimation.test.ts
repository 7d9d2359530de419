import { describe, expect, it } from 'vitest';
import { nextStep, packingFrame, previousStep } from '@renderer/logic/packingAnimation';
import type { PlacementSolveResult } from '@shared/model/placement';

// First fit of sizes 6, 5, 4, 7 into bins of 10 (a trace of the engine's shape): 6→A, 5→B (A ruled out),
// 4→A, 7 fits nowhere and is left off.
const result = {
  algo: 'ff', status: 'feasible', provenOptimal: false, dimensions: ['size'], binsUsed: 2, suspended: 1, source: 'ff', virtualMs: 0, notes: [], violations: [],
  placement: [{ itemId: 'a', demand: [6], binId: 'A' }, { itemId: 'b', demand: [5], binId: 'B' }, { itemId: 'c', demand: [4], binId: 'A' }, { itemId: 'd', demand: [7], binId: null }],
  bins: [{ binId: 'A', capacity: [10], load: [10], state: 'on' }, { binId: 'B', capacity: [10], load: [5], state: 'on' }],
  trace: [
    { itemId: 'a', placedIds: ['a'], considered: [{ binId: 'A', fits: true }], binId: 'A', why: 'no open bin before it fits: opened it' },
    { itemId: 'b', placedIds: ['b'], considered: [{ binId: 'A', fits: false, reason: 'capacity' }, { binId: 'B', fits: true }], binId: 'B', why: 'no open bin before it fits: opened it' },
    { itemId: 'c', placedIds: ['c'], considered: [{ binId: 'A', fits: true }], binId: 'A', why: 'first bin that fits' },
    { itemId: 'd', placedIds: [], considered: [{ binId: 'A', fits: false, reason: 'capacity' }, { binId: 'B', fits: false, reason: 'capacity' }], binId: null, why: 'no bin fits: left off (may be suspended)' },
  ],
} satisfies PlacementSolveResult;

describe('heuristic packing animation: stepping', () => {
  it('before the first step every bin is empty and every VM waits, in the trace order', () => {
    const f = packingFrame(result, 0);
    expect(f.bins.map((b) => b.blocks.length)).toEqual([0, 0]);
    expect(f.waiting).toEqual(['a', 'b', 'c', 'd']);
    expect(f.last).toBeUndefined();
    expect(f.done).toBe(false);
  });
  it('each step puts one VM in its bin, marks the chosen bin and the ones the rule ruled out', () => {
    const f = packingFrame(result, 2);
    expect(f.bins.map((b) => b.blocks.map((x) => x.itemId))).toEqual([['a'], ['b']]);
    expect(f.bins.map((b) => b.look)).toEqual(['ruledOut', 'chosen']);
    expect(f.bins[0].reason).toBe('capacity');
    expect(f.bins[1].blocks[0].justPlaced).toBe(true);
    expect(f.bins[0].blocks[0].justPlaced).toBe(false);
    expect(f.waiting).toEqual(['c', 'd']);
    expect(f.last?.itemId).toBe('b');
  });
  it('the last frame equals the final placement, with the VM that fitted nowhere left off', () => {
    const f = packingFrame(result, 4);
    expect(f.done).toBe(true);
    expect(f.bins.map((b) => b.load)).toEqual(result.bins.map((b) => b.load));
    for (const p of result.placement) {
      const where = f.bins.find((b) => b.blocks.some((x) => x.itemId === p.itemId))?.binId ?? null;
      expect(where).toBe(p.binId);
    }
    expect(f.leftOff).toEqual(['d']);
    expect(f.bins.every((b) => b.look === 'ruledOut')).toBe(true);
  });
  it('Step and Back stop at the ends; frames clamp out-of-range steps', () => {
    expect(nextStep(3, 4)).toBe(4);
    expect(nextStep(4, 4)).toBe(4);
    expect(previousStep(0)).toBe(0);
    expect(previousStep(2)).toBe(1);
    expect(packingFrame(result, 99).step).toBe(4);
    expect(packingFrame(result, -3).step).toBe(0);
    expect(packingFrame({ ...result, trace: undefined }, 2)).toMatchObject({ step: 0, total: 0, done: true });
  });
});
