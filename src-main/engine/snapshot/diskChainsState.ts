/**
 * diskChainsState — a VM's disks as plain data, to cross to another thread (a host's owner on a worker)
 * or to another host's side: the disks' sealed layers stored once in a layer table and each disk as its
 * capacity, the table indices of its chain (base first) and of its writable top layer — the shape the
 * saved lab's runtimes have (`VmRuntimeState.disks`), so a carried VM and a saved one read alike.
 *
 * Interface: `diskState(disk, id)` / `diskOfState(state, layer)`: one disk to and from table indices (the
 * saved lab uses them with its own table). `exportDisks(disks, extra)` → `{ state, transfer }`: `state.layers` the table (layers in the
 * order the disks' chains, their tops, then `extra`'s chains name them: the order `labPersist.ts` walks
 * them), `state.disks` the disks, `state.extra` the extra chains (a snapshot tree's, by the caller's
 * keys) as indices; `transfer` the block buffers a message may move (each block a whole buffer of its
 * own; a block viewing part of a larger buffer is left to be copied). `importDisks(state)` → the disks
 * and extra chains back, sharing one layer object per table entry.
 *
 * Rules: sealed layers are shared by reference (`diskChain.ts`), so a layer met twice is one table entry
 * and comes back as one object: a snapshot's chain and the live chain stay sharing their prefix, and
 * contents and layer counts are the ones exported. Transferring the buffers detaches them on the side
 * they leave: only the side giving the VM's disks away (every holder of those layers) may transfer, and
 * not while another VM's disk shares the blocks — a full clone's flattened layer shares its source's
 * block buffers (`mergeLayers`), so either of the two is sent without `transfer` (copied).
 */
import { DiskChain, type DiskLayer } from './diskChain';

export interface DiskState {
  capacityBytes: number;
  chain: number[];
  top: number;
}

export interface DiskChainsState {
  layers: DiskLayer[];
  disks: DiskState[];
  /** Further chains sharing the table (a snapshot node's disks), by the caller's key. */
  extra: [string, number[][]][];
}

/** One disk as table indices (`id` numbers a layer in the table being built). */
export function diskState(d: DiskChain, id: (l: DiskLayer) => number): DiskState {
  return { capacityBytes: d.capacityBytes, chain: d.chain().map(id), top: id(d.topLayer()) };
}

/** One disk back from its table indices (`layer` reads the table). */
export function diskOfState(d: DiskState, layer: (i: number) => DiskLayer): DiskChain {
  const chain = DiskChain.onChain(d.capacityBytes, d.chain.map(layer));
  chain.setTopLayer(layer(d.top));
  return chain;
}

export function exportDisks(disks: readonly DiskChain[], extra: readonly [string, readonly (readonly DiskLayer[])[]][] = []): { state: DiskChainsState; transfer: ArrayBuffer[] } {
  const layers: DiskLayer[] = [];
  const table = new Map<DiskLayer, number>();
  const id = (l: DiskLayer): number => {
    let n = table.get(l);
    if (n === undefined) { n = layers.length; layers.push(l); table.set(l, n); }
    return n;
  };
  const state: DiskChainsState = {
    layers,
    disks: disks.map((d) => diskState(d, id)),
    extra: extra.map(([key, chains]) => [key, chains.map((c) => c.map(id))]),
  };
  const transfer = new Set<ArrayBuffer>();
  for (const l of layers) {
    for (const b of l.values()) if (b.buffer instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) transfer.add(b.buffer);
  }
  return { state, transfer: [...transfer] };
}

export function importDisks(state: DiskChainsState): { disks: DiskChain[]; extra: [string, DiskLayer[][]][] } {
  const layerAt = (field: string) => (i: number): DiskLayer => {
    const l = Number.isInteger(i) ? state.layers[i] : undefined;
    if (!l) throw new RangeError(`disk chains state: ${field} names layer ${i}, but the table has ${state.layers.length}`);
    return l;
  };
  return {
    disks: state.disks.map((d, i) => diskOfState(d, layerAt(`disks[${i}]`))),
    extra: state.extra.map(([key, chains]) => [key, chains.map((c, i) => c.map(layerAt(`extra ${key} [${i}]`)))]),
  };
}
