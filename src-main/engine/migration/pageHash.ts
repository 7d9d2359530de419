/**
 * pageHash — the engine's own page hash and zero-page test: pure TypeScript, deterministic on every
 * host, used when the engine runs without the host's page codec port (and compared with xxHash64 in
 * WebAssembly by bench/migration-codecs.ts, which decides which one the Node side offers).
 *
 * - `isZeroPage(bytes)`: QEMU's `buffer_is_zero` — true when every byte is 0 (scans 8 bytes at a time).
 * - `hashPage(bytes)`: two independent 32-bit multiply–rotate lanes (murmur3-style mixing, one per
 *   half of each 8-byte step) finalised to a number below 2^53. Not cryptographic: it only proposes
 *   deduplication candidates, which are then compared byte for byte.
 */

export function isZeroPage(bytes: Uint8Array): boolean {
  if ((bytes.byteOffset & 7) === 0 && (bytes.length & 7) === 0) {
    const w = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 3);
    for (let i = 0; i < w.length; i++) if (w[i] !== 0) return false;
    // +0 and −0 both compare equal to 0; −0 has the sign byte 0x80 (the last byte of each little-endian 8).
    for (let i = 7; i < bytes.length; i += 8) if (bytes[i] !== 0) return false;
    return true;
  }
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function hashPage(bytes: Uint8Array): number {
  const n = bytes.length >>> 2;
  const w = (bytes.byteOffset & 3) === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset, n) : new Int32Array(bytes.slice().buffer, 0, n);
  let h1 = 0x9747b28c | 0;
  let h2 = 0x85ebca77 | 0;
  for (let i = 0; i + 1 < n; i += 2) {
    let k1 = Math.imul(w[i], 0xcc9e2d51);
    k1 = (k1 << 15) | (k1 >>> 17);
    h1 ^= Math.imul(k1, 0x1b873593);
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let k2 = Math.imul(w[i + 1], 0x1b873593);
    k2 = (k2 << 17) | (k2 >>> 15);
    h2 ^= Math.imul(k2, 0xcc9e2d51);
    h2 = (h2 << 11) | (h2 >>> 21);
    h2 = (Math.imul(h2, 5) + 0x561ccd1b) | 0;
  }
  const a = fmix(h1 ^ n);
  const b = fmix(h2 ^ Math.imul(n, 31));
  return (a & 0x1fffff) * 0x1_0000_0000 + b;
}
