// The engine host's pacing policy with a scripted clock (no timing): 'max' is never slower than a fixed
// multiple — with the same lab (the wall cost of each chunk of virtual time) and the same loop, it
// advances at least as much virtual time as any fixed speed, and a fixed speed the lab sustains runs at
// that speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_MS, MAX_CATCH_UP_MS, SLICE_BUDGET_MS, SLICE_MS, runSlice } from '../../src-main/node/slicePacer';

/** Wall ms one `advance(ms)` costs when the lab's clock is at `atMs`: the lab, as the pacer sees it. */
type Lab = (ms: number, atMs: number) => number;

/**
 * The pacing loop over `wallMs` of scripted wall time: a slice every SLICE_MS, or right after the previous
 * one when it ran over (a timer that is late fires at once), each slice calling `runSlice`.
 * Returns the virtual time reached and the longest slice.
 */
function pace(speed: number | 'max', lab: Lab, wallMs: number): { virtualMs: number; longestSliceMs: number } {
  let wall = 0;
  let virtual = 0;
  let previousStart = -SLICE_MS;
  let longest = 0;
  while (wall < wallMs) {
    const start = wall;
    runSlice(speed, start - previousStart, start, () => wall, (ms) => { wall += lab(ms, virtual); virtual += ms; });
    longest = Math.max(longest, wall - start);
    previousStart = start;
    wall = Math.max(wall, start + SLICE_MS);
  }
  return { virtualMs: virtual, longestSliceMs: longest };
}

const LABS: Record<string, Lab> = {
  // 100 virtual ms cost 1 ms: light enough for thousands of times real time.
  idle: (ms) => ms * 0.01,
  // A busy lab near 10× on this loop: 100 virtual ms cost 8 ms.
  busy: (ms) => ms * 0.08,
  // Heavier than 1×: one chunk costs more than a slice's budget.
  overloaded: (ms) => ms * 1.3,
  // A fixed cost per call (the change feed, the barrier services) on top of the guests' work.
  perCallOverhead: (ms) => 3 + ms * 0.02,
  // Work that comes and goes with virtual time (a sample every 20 s, bursts of guest work).
  bursty: (ms, at) => ms * (Math.floor(at / 1000) % 5 === 0 ? 0.3 : 0.03) + (Math.floor((at + ms) / 20_000) > Math.floor(at / 20_000) ? 15 : 0),
};
const SPEEDS = [0.5, 1, 2, 5, 10, 20, 50, 100, 1000, 10_000];
const WALL_MS = 60_000;

test("'max' advances at least as much virtual time as every fixed speed, on every kind of lab", () => {
  for (const [name, lab] of Object.entries(LABS)) {
    const max = pace('max', lab, WALL_MS).virtualMs;
    for (const speed of SPEEDS) {
      const fixed = pace(speed, lab, WALL_MS).virtualMs;
      assert.ok(max >= fixed, `${name}: max ran ${max / WALL_MS}×, slower than ${speed}× (${fixed / WALL_MS}×)`);
    }
  }
});

test('a fixed speed the lab sustains runs at that speed; one it cannot sustain runs as max does', () => {
  // The busy lab: 10× needs 40 of every 50 ms at most — sustained; 100× is not, and then runs like 'max'.
  const ten = pace(10, LABS.busy, WALL_MS).virtualMs / WALL_MS;
  assert.ok(Math.abs(ten - 10) < 0.05, `10× on the busy lab ran ${ten}×`);
  const hundred = pace(100, LABS.busy, WALL_MS).virtualMs;
  const max = pace('max', LABS.busy, WALL_MS).virtualMs;
  assert.equal(hundred, max);
  // 'max' there is the budget's share of the machine: 40 of 50 ms at 8 ms per 100 virtual ms ≈ 10×
  // (a chunk that ends after the deadline makes it a little more).
  assert.ok(max / WALL_MS >= (SLICE_BUDGET_MS / SLICE_MS) * (CHUNK_MS / 8), `max ran ${max / WALL_MS}×`);
});

test('every slice gives the thread back within the budget plus one chunk, at every speed', () => {
  for (const [name, lab] of Object.entries(LABS)) {
    const oneChunk = lab(CHUNK_MS, 0);
    for (const speed of ['max' as const, ...SPEEDS]) {
      const { longestSliceMs } = pace(speed, lab, 10_000);
      assert.ok(longestSliceMs <= SLICE_BUDGET_MS + Math.max(oneChunk, lab(CHUNK_MS, 1000), lab(CHUNK_MS, 19_950)) + 1e-9,
        `${name} at ${speed}: a slice held the thread ${longestSliceMs} ms`);
    }
  }
});

test("a fixed speed never runs more than it owes, and at most MAX_CATCH_UP_MS after a long pause; 'max' runs until the budget", () => {
  const calls: number[] = [];
  let wall = 0;
  const ran = runSlice(2, 60_000, 0, () => wall, (ms) => { calls.push(ms); wall += 0.001; });
  assert.equal(ran, MAX_CATCH_UP_MS, 'a laptop waking after a minute does not run a minute at once');
  assert.deepEqual(calls.slice(0, 2), [CHUNK_MS, CHUNK_MS]);
  wall = 0;
  calls.length = 0;
  assert.equal(runSlice(1.5, 50, 0, () => wall, (ms) => { calls.push(ms); wall += 1; }), 75, '1.5× owes 75 ms for 50 ms of wall time');
  assert.deepEqual(calls, [75]);
  wall = 0;
  calls.length = 0;
  const maxRan = runSlice('max', 50, 0, () => wall, (ms) => { calls.push(ms); wall += 7; });
  assert.equal(calls.length, Math.ceil(SLICE_BUDGET_MS / 7), "'max' looks at the clock after every chunk and stops at the budget");
  assert.ok(calls.every((c) => c === CHUNK_MS) && maxRan === calls.length * CHUNK_MS);
});
