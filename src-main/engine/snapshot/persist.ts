/**
 * persist — the one save/restore shape of everything stateful in the lab (Firecracker's rule):
 * `save()` returns plain, structured-clone-safe state; a static `restore(args, state)` rebuilds the
 * object. The lab's save (`lab/labPersist.ts`) and snapshots reuse it; the node side writes the result
 * to files (`node/storage/`), so the engine never touches files.
 */
export interface Persist<S> {
  save(): S;
}

/** Format version of the lab state produced by `Lab.save()`; bump on any incompatible change. */
export const LAB_STATE_VERSION = 1;
