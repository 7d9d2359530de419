/**
 * diskChainsState — a VM's live disks as plain data, to cross to another thread (a host's owner on a
 * worker) or to another host's side: the disks' layers stored once in a layer table and each disk as its
 * capacity, the table indices of its sealed chain (base first) and of its writable top layer — the shape
 * the saved lab's runtimes have (`VmRuntimeState.disks`), so a lent VM's disks and a saved one read alike.
 *
 * Interface: `diskState(disk, id)` / `diskOfState(state, layer)`: one disk to and from table indices (the
 * saved lab uses them with its own table). `exportDisks(disks)` → `state.layers` the table (layers in the
 * order the disks' chains, then their tops, name them), `state.disks` the disks. `importDisks(state)` →
 * the disks back, sharing one layer object per table entry; a bad index is refused naming its field.
 *
 * Rules: sealed layers are shared by reference (`diskChain.ts`), so a layer met twice is one table entry
 * and comes back as one object; the top in the table is a copy (`DiskChain.topLayer`: its buffers may
 * still change in place). No buffer is transferred: a sealed layer's blocks are shared with the snapshot
 * tree that names them and with full clones (`mergeLayers`), so a message carrying disks copies them.
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

export function exportDisks(disks: readonly DiskChain[]): DiskChainsState {
  const layers: DiskLayer[] = [];
  const table = new Map<DiskLayer, number>();
  const id = (l: DiskLayer): number => {
    let n = table.get(l);
    if (n === undefined) { n = layers.length; layers.push(l); table.set(l, n); }
    return n;
  };
  return { layers, disks: disks.map((d) => diskState(d, id)) };
}

export function importDisks(state: DiskChainsState): DiskChain[] {
  return state.disks.map((d, i) => diskOfState(d, (n: number): DiskLayer => {
    const l = Number.isInteger(n) ? state.layers[n] : undefined;
    if (!l) throw new RangeError(`disk chains state: disks[${i}] names layer ${n}, but the table has ${state.layers.length}`);
    return l;
  }));
}
