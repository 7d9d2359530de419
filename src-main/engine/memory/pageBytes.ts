/**
 * pageBytes — a guest page as bytes (what crosses the page-level seam: migration streams, swap files,
 * page sharing) and as words (how frames are stored: 1,024 little-endian Int32 words).
 *
 * Interface: `PAGE_BYTES`; `wordsToBytes(words, out?)` → Uint8Array(4096) (out when given);
 * `bytesToWords(bytes)` → Int32Array(1024) (a view of `bytes` when it can be, else a copy);
 * `isZeroWords(words)`, `isZeroBytes(bytes)`; `sameWords(a, b)`; `putBytes(words, offsetBytes, bytes)` (bytes into a
 * page's words, within the page); `getBytes(words, offsetBytes, out)` (a page's bytes into `out`, within the page).
 * Rules: byte k of word w is (w >>> 8k) & 255 (hostMemory.ts), on every host: a little-endian host
 * copies whole buffers, a big-endian one converts word by word. Checks sizes (RangeError).
 */
import { PAGE_SIZE_BYTES, PAGE_WORDS } from '../params';

export const PAGE_BYTES = PAGE_SIZE_BYTES;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function checkBytes(bytes: Uint8Array): void {
  if (bytes.length !== PAGE_BYTES) throw new RangeError(`a page has ${PAGE_BYTES} bytes, got ${bytes.length}`);
}

/** The page's bytes, into `out` when given (no allocation). */
export function wordsToBytes(words: Int32Array, out: Uint8Array = new Uint8Array(PAGE_BYTES)): Uint8Array {
  checkBytes(out);
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(words.buffer, words.byteOffset, PAGE_BYTES));
    return out;
  }
  for (let i = 0, k = 0; i < PAGE_WORDS; i++, k += 4) {
    const w = words[i];
    out[k] = w & 255; out[k + 1] = (w >>> 8) & 255; out[k + 2] = (w >>> 16) & 255; out[k + 3] = w >>> 24;
  }
  return out;
}

/** The page's words: a view of `bytes` when it is aligned on a little-endian host (treat it as read-only), else a copy. */
export function bytesToWords(bytes: Uint8Array): Int32Array {
  checkBytes(bytes);
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, PAGE_WORDS);
  const w = new Int32Array(PAGE_WORDS);
  for (let i = 0, k = 0; i < PAGE_WORDS; i++, k += 4) w[i] = bytes[k] | (bytes[k + 1] << 8) | (bytes[k + 2] << 16) | (bytes[k + 3] << 24);
  return w;
}

/** Writes `bytes` into a page's words from byte `offsetBytes` on (the caller keeps it within the page). */
export function putBytes(words: Int32Array, offsetBytes: number, bytes: Uint8Array): void {
  if (LITTLE_ENDIAN) {
    new Uint8Array(words.buffer, words.byteOffset, PAGE_BYTES).set(bytes, offsetBytes);
    return;
  }
  for (let j = 0; j < bytes.length; j++) {
    const o = offsetBytes + j;
    const wi = o >>> 2;
    const sh = (o & 3) * 8;
    words[wi] = (words[wi] & ~(255 << sh)) | (bytes[j] << sh);
  }
}

/** Copies `out.length` bytes of a page's words from byte `offsetBytes` on into `out` (the caller keeps it within the page). */
export function getBytes(words: Int32Array, offsetBytes: number, out: Uint8Array): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(words.buffer, words.byteOffset + offsetBytes, out.length));
    return;
  }
  for (let j = 0; j < out.length; j++) {
    const o = offsetBytes + j;
    out[j] = (words[o >>> 2] >>> ((o & 3) * 8)) & 255;
  }
}

export function isZeroWords(w: Int32Array): boolean {
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) return false;
  return true;
}

export function isZeroBytes(b: Uint8Array): boolean {
  checkBytes(b);
  return isZeroWords(bytesToWords(b));
}

export function sameWords(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
