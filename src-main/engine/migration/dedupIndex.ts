/**
 * dedupIndex — deduplication of pages the destination already holds: an index from a page hash to the
 * places on the destination whose bytes hashed to it, with a full byte comparison before a match is
 * used, so a hash collision can never corrupt a page.
 *
 * Places: a page this migration already delivered (`member` ≥ 0: a VM of the gang — within one VM or
 * across VMs migrated together) or a page of a VM already running on the destination host
 * (`member` < 0: −1 − its index in the destination's list). The index follows what the destination
 * holds: `remember(place, hash)` after a page is delivered (forgetting what that place held before),
 * `forget(place)` when it is overwritten by something not indexed.
 *
 * `find(hash, bytes, read)` → the first place whose current bytes (`read(place, buf)`) equal `bytes`,
 * or undefined; counts `hits` (hash found), `collisions` (hash found, bytes differ — a real collision or
 * a place whose page changed since it was indexed) and `compares`.
 *
 * Honesty note (docs/migration.md): the full compare reads the destination's copy directly. Pages this
 * migration delivered are exactly what the source sent (the source could keep copies to compare with);
 * for pages of other VMs on the destination a real system would compare strong fingerprints instead
 * (SHA-1 in CloudNet and Shrinker). Each reference costs its 24-byte record on the wire, and the
 * destination's announcement of its hashes costs 16 bytes per page on the return path.
 */

export interface DedupPlace { member: number; gpfn: number }

/** At most this many places per hash are kept (a hash with more is almost surely colliding). */
const MAX_PLACES_PER_HASH = 8;

export interface DedupCounters { hits: number; collisions: number; compares: number }

export class DedupIndex {
  private readonly byHash = new Map<number, DedupPlace[]>();
  /** Place key → hash, to forget a place's old entry when it is overwritten. */
  private readonly byPlace = new Map<number, number>();
  readonly counters: DedupCounters = { hits: 0, collisions: 0, compares: 0 };
  private readonly buf = new Uint8Array(4096);

  static placeKey(p: DedupPlace): number {
    return (p.member + 1024) * 0x1_0000_0000 + p.gpfn;
  }

  get size(): number {
    return this.byPlace.size;
  }

  remember(place: DedupPlace, hash: number): void {
    const k = DedupIndex.placeKey(place);
    const old = this.byPlace.get(k);
    if (old === hash) return;
    if (old !== undefined) this.drop(old, k);
    const list = this.byHash.get(hash);
    if (list) {
      if (list.length >= MAX_PLACES_PER_HASH) return;
      list.push({ ...place });
    } else this.byHash.set(hash, [{ ...place }]);
    this.byPlace.set(k, hash);
  }

  forget(place: DedupPlace): void {
    const k = DedupIndex.placeKey(place);
    const old = this.byPlace.get(k);
    if (old !== undefined) this.drop(old, k);
  }

  private drop(hash: number, key: number): void {
    this.byPlace.delete(key);
    const list = this.byHash.get(hash);
    if (!list) return;
    const i = list.findIndex((p) => DedupIndex.placeKey(p) === key);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byHash.delete(hash);
  }

  find(hash: number, bytes: Uint8Array, read: (place: DedupPlace, out: Uint8Array) => Uint8Array | undefined, except?: DedupPlace): DedupPlace | undefined {
    const list = this.byHash.get(hash);
    if (!list) return undefined;
    const exceptKey = except ? DedupIndex.placeKey(except) : -1;
    for (const p of list) {
      if (DedupIndex.placeKey(p) === exceptKey) continue;
      this.counters.hits++;
      this.counters.compares++;
      const other = read(p, this.buf);
      if (other && equalPages(other, bytes)) return p;
      this.counters.collisions++;
    }
    return undefined;
  }
}

export function equalPages(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if ((a.byteOffset & 7) === 0 && (b.byteOffset & 7) === 0 && (a.length & 7) === 0) {
    const x = new Int32Array(a.buffer, a.byteOffset, a.length >>> 2);
    const y = new Int32Array(b.buffer, b.byteOffset, b.length >>> 2);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
