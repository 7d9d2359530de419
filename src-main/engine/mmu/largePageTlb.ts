/**
 * largePageTlb — the modelled TLB for large pages (PS leaves): a small fully associative array
 * with FIFO replacement, beside the 4 KiB TLB, as on x86 cores (separate 2M/4M DTLB arrays).
 *
 * Interface: `new LargePageTlb(entries)`; `lookup(vpn)` → slot or -1 (counts a hit or a miss),
 * `probe(vpn)` (no counting); `insert(baseVpn, pages, gpfnBase, perms)`; `gpfnFor(slot, vpn)`,
 * `permsAt(slot)`, `setPerms(slot, p)`; `invalidatePage(vpn)` (entries covering vpn, every tag),
 * `flush()`, `flushTag(t)`; `tag` (current address space, as in Tlb); `onEvict(baseVpn, pages)`;
 * `stats`; `save()` / `LargePageTlb.restore(state)`.
 * Rules: an entry covers `pages` 4 KiB pages starting at `baseVpn` (aligned to `pages`); the
 * frame of vpn is `gpfnBase + (vpn - baseVpn)`. Replacement is FIFO over the whole array and
 * never depends on hits; contents are saved, so runs are identical across save/restore.
 */
import type { TlbStats } from './tlb';

export interface LargePageTlbState {
  readonly entries: number;
  readonly base: number[];
  readonly pages: number[];
  readonly gpfn: number[];
  readonly perms: number[];
  readonly asid: number[];
  readonly next: number;
  readonly tag: number;
  readonly stats: TlbStats;
}

export class LargePageTlb {
  private readonly base: Int32Array;
  private readonly pages: Int32Array;
  private readonly gpfn: Int32Array;
  private readonly perms: Int32Array;
  private readonly asid: Int32Array;
  private next = 0;
  tag = 0;
  stats: TlbStats = { hits: 0, misses: 0, evictions: 0, flushes: 0, pageInvalidations: 0 };
  onEvict: (baseVpn: number, pages: number) => void = () => {};

  constructor(readonly entries: number) {
    if (!(entries > 0)) throw new RangeError(`bad large-page TLB size ${entries}`);
    this.base = new Int32Array(entries).fill(-1);
    this.pages = new Int32Array(entries);
    this.gpfn = new Int32Array(entries);
    this.perms = new Int32Array(entries);
    this.asid = new Int32Array(entries);
  }

  probe(vpn: number): number {
    for (let i = 0; i < this.entries; i++) {
      const b = this.base[i];
      if (b !== -1 && this.asid[i] === this.tag && (vpn & ~(this.pages[i] - 1)) === b) return i;
    }
    return -1;
  }

  lookup(vpn: number): number {
    const s = this.probe(vpn);
    if (s >= 0) this.stats.hits++;
    else this.stats.misses++;
    return s;
  }

  insert(baseVpn: number, pages: number, gpfnBase: number, perms: number): number {
    let slot = -1;
    for (let i = 0; i < this.entries; i++) if (this.base[i] === -1) { slot = i; break; }
    if (slot < 0) {
      slot = this.next;
      this.next = (this.next + 1) % this.entries;
      this.stats.evictions++;
      this.onEvict(this.base[slot], this.pages[slot]);
    }
    this.base[slot] = baseVpn;
    this.pages[slot] = pages;
    this.gpfn[slot] = gpfnBase;
    this.perms[slot] = perms;
    this.asid[slot] = this.tag;
    return slot;
  }

  gpfnFor(slot: number, vpn: number): number {
    return this.gpfn[slot] + (vpn - this.base[slot]);
  }
  permsAt(slot: number): number {
    return this.perms[slot];
  }
  setPerms(slot: number, p: number): void {
    this.perms[slot] = p;
  }

  invalidatePage(vpn: number): void {
    this.stats.pageInvalidations++;
    for (let i = 0; i < this.entries; i++) {
      const b = this.base[i];
      if (b !== -1 && (vpn & ~(this.pages[i] - 1)) === b) {
        this.base[i] = -1;
        this.onEvict(b, this.pages[i]);
      }
    }
  }

  flush(): void {
    this.stats.flushes++;
    this.base.fill(-1);
    this.next = 0;
  }

  flushTag(t: number): void {
    this.stats.flushes++;
    for (let i = 0; i < this.entries; i++) if (this.asid[i] === t) this.base[i] = -1;
  }

  validCount(): number {
    let n = 0;
    for (let i = 0; i < this.entries; i++) if (this.base[i] !== -1) n++;
    return n;
  }

  save(): LargePageTlbState {
    return {
      entries: this.entries, base: Array.from(this.base), pages: Array.from(this.pages), gpfn: Array.from(this.gpfn),
      perms: Array.from(this.perms), asid: Array.from(this.asid), next: this.next, tag: this.tag, stats: { ...this.stats },
    };
  }

  static restore(s: LargePageTlbState): LargePageTlb {
    const t = new LargePageTlb(s.entries);
    t.base.set(s.base);
    t.pages.set(s.pages);
    t.gpfn.set(s.gpfn);
    t.perms.set(s.perms);
    t.asid.set(s.asid);
    t.next = s.next;
    t.tag = s.tag;
    t.stats = { ...s.stats };
    return t;
  }
}
