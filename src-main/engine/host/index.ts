/**
 * host — one host's side of the `HostOwner` seam as a self-contained object (`HostSide`): its scheduler,
 * memory pool, guest machines and the makers of its reclamation and migration halves, built from plain
 * data and the engine's ports (what a host worker thread will hold). The door other engine folders import.
 */
export { HostSide, type HostSideData, type HostSidePorts } from './hostSide';
