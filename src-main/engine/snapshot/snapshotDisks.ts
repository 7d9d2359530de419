/**
 * snapshotDisks — the disk side of deleting snapshots, on chains alone, apart from the snapshot tree's
 * bookkeeping of nodes (`snapshotTree.ts`): the chain surgery Delete and Delete All do.
 *
 * Interface: `consolidateDeleted(doomed, survivors, live)` → `{ survivors, live }`: each deleted
 * snapshot's own layer (the last of its chain per disk), in `doomed`'s order, merged into the layer above
 * it in every surviving snapshot's chain and the live chain that hold it (`consolidate`); `survivors` are
 * the remaining snapshots' chains per disk, in the order given, rewritten. `commitAll(live)` → Delete
 * All's live chains: each disk's chain merged into one base layer.
 *
 * Rules: the contents of every surviving chain and of the live chains are unchanged; a merged layer met
 * in several chains is one object (sealed layers stay shared). Block buffers are shared, never copied.
 */
import { consolidate, mergeLayers, type DiskLayer } from './diskChain';

export function consolidateDeleted(doomed: readonly DiskLayer[][][], survivors: DiskLayer[][][], live: DiskLayer[][]): { survivors: DiskLayer[][][]; live: DiskLayer[][] } {
  let rest = survivors;
  let now = live;
  for (const chains of doomed) {
    chains.forEach((chain, disk) => {
      const own = chain[chain.length - 1];
      if (!own) return;
      const rewritten = consolidate([...rest.map((s) => s[disk] ?? []), now[disk] ?? []], own);
      rest = rest.map((s, i) => { const c = [...s]; c[disk] = rewritten[i]; return c; });
      now = now.map((c, k) => (k === disk ? rewritten[rewritten.length - 1] : c));
    });
  }
  return { survivors: rest, live: now };
}

export function commitAll(live: readonly DiskLayer[][]): DiskLayer[][] {
  return live.map((chain) => {
    let base: DiskLayer = new Map();
    for (const l of chain) base = mergeLayers(base, l);
    return [base];
  });
}
