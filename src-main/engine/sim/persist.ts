/**
 * persist — the one save/restore shape of the lab's stateful services (Firecracker's rule): `save()`
 * returns plain, structured-clone-safe state that later changes to the object do not alter, and
 * `restore(state)` puts a freshly built object back into that state.
 *
 * Used by the barrier services (`sim/barrier.ts`: tasks, timeline, collector); the lab's save
 * (`lab/labPersist.ts`) stores each service's state under its name. The node side writes the result to
 * files (`node/storage/`), so the engine never touches files.
 */
export interface Persist<S> {
  save(): S;
  restore(state: S): void;
}

/**
 * A deep copy of plain data: objects, arrays, typed arrays (copied), Maps and primitives. For states that
 * must not share mutable parts with the live object (what `Persist.save` promises).
 */
export function clonePlain<T>(x: T): T {
  if (x === null || typeof x !== 'object') return x;
  if (ArrayBuffer.isView(x)) return (x as unknown as { slice(): unknown }).slice() as T;
  if (Array.isArray(x)) return x.map((v) => clonePlain(v) as unknown) as T;
  if (x instanceof Map) return new Map([...x].map(([k, v]) => [k, clonePlain(v)])) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) if (v !== undefined) out[k] = clonePlain(v);
  return out as T;
}
