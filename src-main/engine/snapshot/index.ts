/**
 * snapshot — copy-on-write disks, the per-VM snapshot tree and its task-level operations (take,
 * revert, remove, consolidate: `snapshotOps.ts`, used by the API handlers). The only door into this
 * folder.
 */
export { DiskChain, consolidate, mergeLayers, layerBytes } from './diskChain';
export type { BlockStore, DiskLayer } from './diskChain';
export { SnapshotTree } from './snapshotTree';
export type { SnapshotNode, GuestCapture, HardwareConfig, SnapshotTreeState } from './snapshotTree';
export { LAB_STATE_VERSION, type Persist } from './persist';
export { editSnapshot, startRemove, startRemoveAll, startRevert, startTake } from './snapshotOps';
