/**
 * snapshot — copy-on-write disks and the per-VM snapshot tree. The only door into this folder
 * (the task-level operations live in `snapshotOps.ts`, used by the API handlers).
 */
export { DiskChain, consolidate, mergeLayers, layerBytes } from './diskChain';
export type { BlockStore, DiskLayer } from './diskChain';
export { SnapshotTree } from './snapshotTree';
export type { SnapshotNode, GuestCapture, HardwareConfig, SnapshotTreeState } from './snapshotTree';
