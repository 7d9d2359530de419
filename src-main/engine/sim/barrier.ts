/**
 * barrier — the lab's barrier services: deterministic steps the simulation loop (`lab/simLoop.ts`) runs,
 * in a fixed order, at every barrier (the end of a lockstep segment, when every host has reached the same
 * virtual time), each persisting its own plain state.
 *
 * Interface `BarrierService<S>` (a `Persist<S>`):
 *  - `name`: unique; the key of the service's state in a saved lab;
 *  - `nextDueMs(nowMs)`: the next virtual time (> nowMs) at which the service needs a barrier — a task
 *    completing, a scenario action, a sampling boundary — or undefined (the quantum grid, every
 *    `SIM_QUANTUM_NS`, always makes one);
 *  - `quietUntilMs(nowMs)`: until when (exclusive; Infinity: no end in sight) the service is quiet — at every
 *    quantum-grid barrier before it, its `atBarrier` calls no host but for a quantum's per-host steps
 *    (`stoppedVms`, `endQuantum`, `reclaimVmIds`, `reclaimStep` with no new view) and changes nothing a
 *    host's segment or those steps read. Never later than its `nextDueMs`. The loop runs several quanta
 *    per call to the hosts only while every service has it and is quiet (`lab/simLoop.ts`, stretches);
 *    a service without it is never quiet;
 *  - `atBarrier(nowMs)`: the service acts; it may read and change the lab, never the hosts' segment work;
 *  - `settle(nowMs)` (optional): work that must not wait for the next barrier, run at the start and end of
 *    every `advance` (tasks queued by commands start at the time they were queued);
 *  - `save()` / `restore(state)`: plain state (`null` for a stateless service);
 *  - `stateOptional` (optional): a saved lab without this service's state (saved before it existed)
 *    restores it with `restore(undefined)` instead of failing.
 *
 * Rules: services never read a wall clock or `Math.random`; a quiet service's `atBarrier` still runs at
 * every barrier of a stretch, at its time, and must give what it gives in the lockstep loop; they run in registry order, so their order is
 * part of the result (e.g. per-quantum bookkeeping runs before tasks that power VMs on, and samples are
 * taken after them). Adding a service (DRS, DPM, HA, the page-sharing scanner) is adding an entry to the
 * lab's registry (`lab/lab.ts`).
 */
import type { Persist } from './persist';

export interface BarrierService<S = unknown> extends Persist<S> {
  readonly name: string;
  nextDueMs?(nowMs: number): number | undefined;
  quietUntilMs?(nowMs: number): number;
  atBarrier(nowMs: number): void;
  settle?(nowMs: number): void;
  readonly stateOptional?: boolean;
}
