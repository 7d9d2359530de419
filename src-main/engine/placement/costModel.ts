/**
 * The cost model of placement work in virtual time. Solving happens on the host, but a lab run must not
 * depend on how fast that host is, so the engine charges virtual time from counts, never from a clock:
 *
 * - a heuristic: item–host checks × PLACEMENT_NS_PER_CHECK;
 * - an exact solve: (simplex iterations + PLACEMENT_NODE_ITERATIONS × branch-and-bound nodes) × model
 *   nonzeros × PLACEMENT_NS_PER_ITERATION_NONZERO — the counts HiGHS reports. With no time limit hit,
 *   HiGHS is deterministic (single-threaded WebAssembly, fixed seed), so the charge is reproducible; a
 *   solve stopped by its time limit stopped at a point that depends on the machine, and so does its
 *   charge (docs/placement.md says so).
 * - the modelling language's search: nodes × CP_NS_PER_NODE + propagator runs × CP_NS_PER_PROPAGATION.
 *
 * The constants live in `params.ts` with their calibration. The wall time a solve took is reported
 * beside the virtual time, labelled as a measurement of this machine.
 */
import {
  CP_NS_PER_NODE, CP_NS_PER_PROPAGATION, PLACEMENT_NODE_ITERATIONS, PLACEMENT_NS_PER_CHECK, PLACEMENT_NS_PER_ITERATION_NONZERO,
} from '../params';

export function heuristicVirtualMs(checks: number): number {
  return (checks * PLACEMENT_NS_PER_CHECK) / 1e6;
}

export function exactVirtualMs(iterations: number, nodes: number, nonzeros: number): number {
  return ((iterations + PLACEMENT_NODE_ITERATIONS * nodes) * nonzeros * PLACEMENT_NS_PER_ITERATION_NONZERO) / 1e6;
}

export function searchVirtualMs(nodes: number, propagations: number): number {
  return (nodes * CP_NS_PER_NODE + propagations * CP_NS_PER_PROPAGATION) / 1e6;
}
