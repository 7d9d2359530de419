/**
 * pageWalkCache — small hardware caches that shorten 2-D walks (Bhargava, Serebrin, Spadini, Manne,
 * ASPLOS 2008): a **page-walk cache** of guest upper-level entries (so the walk need not fetch them,
 * nor translate their tables' addresses) and a **nested TLB** of gpa → hpa translations (so a
 * guest-physical reference skips the host dimension).
 *
 * Interface: `new WalkCache(entries)`: `get(key)` → value | undefined, `set(key, value)`, `clear()`,
 * `size`. Keys and values are numbers; replacement is FIFO (deterministic, independent of hits).
 * Rules: these caches only change what is counted and charged. The page-walk cache is validated
 * against memory on every hit (a mismatch is a miss), i.e. it behaves as if it snooped page-table
 * writes, so guest-visible results never depend on it; the nested TLB is flushed whenever the nested
 * table changes (NestedPageTable.generation).
 */
export class WalkCache {
  private readonly map = new Map<number, number>();
  private readonly order: number[] = [];

  constructor(readonly entries: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: number): number | undefined {
    return this.map.get(key);
  }

  set(key: number, value: number): void {
    if (!this.map.has(key)) {
      if (this.order.length >= this.entries) this.map.delete(this.order.shift()!);
      this.order.push(key);
    }
    this.map.set(key, value);
  }

  clear(): void {
    this.map.clear();
    this.order.length = 0;
  }
}
