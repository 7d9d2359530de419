/**
 * hasher — a small deterministic 64-bit (two 32-bit lanes) hash for state digests.
 *
 * Interface: `new Hasher()`, `word(n)`, `words(Int32Array)`, `string(s)`, `hex()` → 16 hex digits;
 * `saveLanes(to, at)` / `loadLanes(from, at)` / `hasLanes(from, at)`: its whole state (two words) copied
 * out, put back, compared (`digestMemo.ts`: a page hashed once for two digests).
 * Rules: FNV-1a-style word mixing in lane 1 and a multiply-rotate mix in lane 2; pure integer
 * arithmetic, so results are identical on every host. Not cryptographic: it detects
 * differences between runs (digests in tests, CLI and snapshots), nothing more.
 */
export class Hasher {
  private h1 = 0x811c9dc5 | 0;
  private h2 = 0x9747b28c | 0;

  word(n: number): this {
    const w = n | 0;
    this.h1 = Math.imul(this.h1 ^ w, 0x01000193);
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    let h = this.h2 ^ Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    this.h2 = (Math.imul(h, 5) + 0xe6546b64) | 0;
    return this;
  }

  /** `word(a[i])` for every word, the lanes kept in locals: the same result, without a field write per word. */
  words(a: Int32Array): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < a.length; i++) {
      const w = a[i] | 0;
      h1 = Math.imul(h1 ^ w, 0x01000193);
      let k = Math.imul(w, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      let h = h2 ^ Math.imul(k, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h2 = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  /** Writes the state (two words) to `to[at]`, `to[at + 1]`. */
  saveLanes(to: Int32Array, at: number): void {
    to[at] = this.h1;
    to[at + 1] = this.h2;
  }

  /** Takes the state saved at `from[at]` by `saveLanes`. */
  loadLanes(from: Int32Array, at: number): void {
    this.h1 = from[at];
    this.h2 = from[at + 1];
  }

  /** True when the state is the one saved at `from[at]`. */
  hasLanes(from: Int32Array, at: number): boolean {
    return this.h1 === from[at] && this.h2 === from[at + 1];
  }

  string(s: string): this {
    this.word(s.length);
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
    return this;
  }

  hex(): string {
    let a = this.h1 ^ (this.h1 >>> 16);
    a = Math.imul(a, 0x85ebca6b);
    let b = this.h2 ^ (this.h2 >>> 13);
    b = Math.imul(b, 0xc2b2ae35);
    return (a >>> 0).toString(16).padStart(8, '0') + ((b ^ (b >>> 16)) >>> 0).toString(16).padStart(8, '0');
  }
}
