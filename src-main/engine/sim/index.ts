/**
 * sim — the virtual clock (speed, pause, virtual time; never the wall clock) and the seeded RNG.
 * The door other engine folders import.
 */
export { VirtualClock } from './clock';
export { Rng, type RngState } from './rng';
export type { BarrierService } from './barrier';
export { clonePlain, type Persist } from './persist';
