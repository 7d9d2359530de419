/**
 * pageHash — the 64-bit content hash page sharing keys pages by (Waldspurger 2002: "a 64-bit hash per
 * scanned page"), as two 32-bit halves.
 *
 * Interface: `PageHasher` (a function: page words → writes `out[0]` = high half, `out[1]` = low half);
 * `hashPage` (the default); `isZeroPage(words)`.
 * Rules: pure integer arithmetic (identical on every host); not cryptographic — a match is only a hint,
 * sharing always compares the full bytes first, so a collision costs a comparison, never a wrong page
 * (the tests force one). Two independent multiply–rotate lanes over the page's 1,024 words, each finished
 * with a murmur-style avalanche; one pass over the words, no allocation (the scanner's fast path).
 */
export type PageHasher = (words: Int32Array, out: Uint32Array) => void;

export const hashPage: PageHasher = (w, out) => {
  let a = 0x243f6a88 | 0;
  let b = 0x85a308d3 | 0;
  const n = w.length;
  for (let i = 0; i < n; i += 2) {
    const x = w[i];
    const y = w[i + 1];
    a = Math.imul((a ^ x) << 13 | (a ^ x) >>> 19, 0x9e3779b1) + y | 0;
    b = Math.imul((b ^ y) << 11 | (b ^ y) >>> 21, 0x85ebca77) + x | 0;
  }
  a ^= n; b ^= a;
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b); a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35); a ^= a >>> 16;
  b = Math.imul(b ^ (b >>> 15), 0x2c1b3c6d); b = Math.imul(b ^ (b >>> 12), 0x297a2d39); b ^= b >>> 15;
  out[0] = a >>> 0;
  out[1] = (b ^ Math.imul(a, 0x27d4eb2f)) >>> 0;
};

export function isZeroPage(w: Int32Array): boolean {
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) return false;
  return true;
}
