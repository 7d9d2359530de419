/**
 * tlb — the modelled (architectural) TLB: a set-associative cache of leaf translations with
 * deterministic FIFO replacement per set, and hit/miss/eviction counters.
 *
 * Interface: `new Tlb(entries, ways)`; `lookup(vpn)` → slot or -1 (counts a hit or a miss);
 * `insert(vpn, gpfn, perms)` → slot; `gpfnAt(slot)`, `permsAt(slot)`, `setPerms(slot, p)`;
 * `invalidatePage(vpn)`, `flush()`; `onEvict(vpn)` callback (keeps host caches a subset);
 * `stats`; `save()` / `restore(state)`.
 * Tags: `tag` is the current address-space id; every entry records the tag it was
 * filled under and lookups match only entries of the current tag. With tagging off the tag stays
 * 0, so every entry matches (an untagged TLB). `flushTag(t)` drops one address space.
 * Rules: replacement never depends on hits (so fast-path hits need no bookkeeping) and is
 * deterministic, so virtual time is identical across runs and across save/restore (the
 * contents are saved). `invalidatePage` removes the page in every address space.
 */

export interface TlbStats {
  hits: number;
  misses: number;
  evictions: number;
  flushes: number;
  pageInvalidations: number;
}

export interface TlbState {
  readonly entries: number;
  readonly ways: number;
  readonly vpn: number[];
  readonly gpfn: number[];
  readonly perms: number[];
  readonly asid: number[];
  readonly fifo: number[];
  readonly stats: TlbStats;
  /** Current tag (absent in states saved before tagging existed = 0). */
  readonly tag?: number;
}

export class Tlb {
  readonly sets: number;
  private readonly vpn: Int32Array;
  private readonly gpfn: Int32Array;
  private readonly perms: Int32Array;
  private readonly asid: Int32Array;
  private readonly fifo: Int32Array;
  stats: TlbStats = { hits: 0, misses: 0, evictions: 0, flushes: 0, pageInvalidations: 0 };
  /** Current address-space tag; entries filled now carry it and only they match lookups. */
  tag = 0;
  /** Called with the vpn of every entry removed (evicted or invalidated), not on flush(). */
  onEvict: (vpn: number) => void = () => {};

  constructor(readonly entries: number, readonly ways: number) {
    if (!(entries > 0) || !(ways > 0) || entries % ways !== 0) throw new RangeError(`bad TLB geometry ${entries}/${ways}`);
    this.sets = entries / ways;
    if ((this.sets & (this.sets - 1)) !== 0) throw new RangeError('TLB set count must be a power of two');
    this.vpn = new Int32Array(entries).fill(-1);
    this.gpfn = new Int32Array(entries);
    this.perms = new Int32Array(entries);
    this.asid = new Int32Array(entries);
    this.fifo = new Int32Array(this.sets);
  }

  /** Finds vpn; counts a hit or a miss. */
  lookup(vpn: number): number {
    const base = (vpn & (this.sets - 1)) * this.ways;
    for (let w = 0; w < this.ways; w++) {
      if (this.vpn[base + w] === vpn && this.asid[base + w] === this.tag) {
        this.stats.hits++;
        return base + w;
      }
    }
    this.stats.misses++;
    return -1;
  }

  /** Finds vpn without counting (for monitors and tests). */
  probe(vpn: number): number {
    const base = (vpn & (this.sets - 1)) * this.ways;
    for (let w = 0; w < this.ways; w++) if (this.vpn[base + w] === vpn && this.asid[base + w] === this.tag) return base + w;
    return -1;
  }

  insert(vpn: number, gpfn: number, perms: number): number {
    const set = vpn & (this.sets - 1);
    const base = set * this.ways;
    let slot = -1;
    for (let w = 0; w < this.ways; w++) if ((this.vpn[base + w] === vpn && this.asid[base + w] === this.tag) || this.vpn[base + w] === -1) { slot = base + w; break; }
    if (slot < 0) {
      slot = base + this.fifo[set];
      this.fifo[set] = (this.fifo[set] + 1) % this.ways;
      this.stats.evictions++;
      this.onEvict(this.vpn[slot]);
    }
    this.vpn[slot] = vpn;
    this.gpfn[slot] = gpfn;
    this.perms[slot] = perms;
    this.asid[slot] = this.tag;
    return slot;
  }

  gpfnAt(slot: number): number {
    return this.gpfn[slot];
  }
  permsAt(slot: number): number {
    return this.perms[slot];
  }
  setPerms(slot: number, p: number): void {
    this.perms[slot] = p;
  }

  /** Removes vpn in every address space. */
  invalidatePage(vpn: number): void {
    this.stats.pageInvalidations++;
    const base = (vpn & (this.sets - 1)) * this.ways;
    let hit = false;
    for (let w = 0; w < this.ways; w++) {
      if (this.vpn[base + w] === vpn) {
        this.vpn[base + w] = -1;
        hit = true;
      }
    }
    if (hit) this.onEvict(vpn);
  }

  /** Drops every entry of address space `t` (a tagged TLB's "flush on ptbr write" for tag t). */
  flushTag(t: number): void {
    this.stats.flushes++;
    for (let i = 0; i < this.entries; i++) if (this.asid[i] === t) this.vpn[i] = -1;
  }

  flush(): void {
    this.stats.flushes++;
    this.vpn.fill(-1);
    this.fifo.fill(0);
  }

  /** Valid entries (for tests and UI). */
  validCount(): number {
    let n = 0;
    for (let i = 0; i < this.entries; i++) if (this.vpn[i] !== -1) n++;
    return n;
  }

  save(): TlbState {
    return {
      entries: this.entries, ways: this.ways,
      vpn: Array.from(this.vpn), gpfn: Array.from(this.gpfn), perms: Array.from(this.perms), asid: Array.from(this.asid), fifo: Array.from(this.fifo),
      stats: { ...this.stats },
    };
  }

  static restore(s: TlbState): Tlb {
    const t = new Tlb(s.entries, s.ways);
    t.vpn.set(s.vpn);
    t.gpfn.set(s.gpfn);
    t.perms.set(s.perms);
    t.asid.set(s.asid);
    t.fifo.set(s.fifo);
    t.stats = { ...s.stats };
    t.tag = s.tag ?? 0;
    return t;
  }
}
