/**
 * lz4 — the LZ4 block format (a published, widely used LZ77 format: token, literals, 2-byte offset,
 * match length), written here so memory compression uses a real codec on real page bytes while the
 * engine stays free of packages, and so every host makes the same compressed sizes — the "keep it only
 * if it fits in half a page" decision must not depend on the machine a lab runs on.
 *
 * Interface: `lz4Compress(src, dst, limit)` → bytes written into `dst`, or -1 when the output would be
 * longer than `limit` (the caller's "does it fit" test ends the work early); `lz4Decompress(src, dst)` →
 * bytes written (RangeError on malformed input, never a read or write outside the buffers);
 * `LZ4_MAX_OUTPUT(n)` (worst-case compressed size).
 * Rules (the format's end conditions): the last 5 bytes are literals, the last match starts at least
 * 12 bytes before the end, offsets are 1..65535, a match is at least 4 bytes. Greedy parsing with a
 * 4,096-entry hash of 4-byte sequences (LZ4's "fast" level): deterministic, O(n).
 */
const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const HASH_BITS = 12;
const MAX_OFFSET = 65535;

const table = new Int32Array(1 << HASH_BITS);

export function LZ4_MAX_OUTPUT(n: number): number {
  return n + Math.ceil(n / 255) + 16;
}

function read32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

export function lz4Compress(src: Uint8Array, dst: Uint8Array, limit = dst.length): number {
  const n = src.length;
  const cap = Math.min(limit, dst.length);
  table.fill(0);
  let anchor = 0;
  let ip = 0;
  let op = 0;
  const matchLimit = n - LAST_LITERALS;
  const mfLimit = n - MF_LIMIT;
  while (ip < mfLimit) {
    const seq = read32(src, ip);
    const h = Math.imul(seq, 0x9e3779b1) >>> (32 - HASH_BITS);
    const ref = table[h] - 1;
    table[h] = ip + 1;
    if (ref < 0 || ip - ref > MAX_OFFSET || read32(src, ref) !== seq) {
      ip++;
      continue;
    }
    let len = MIN_MATCH;
    while (ip + len < matchLimit && src[ip + len] === src[ref + len]) len++;
    op = emit(src, anchor, ip - anchor, dst, op, cap, ip - ref, len);
    if (op < 0) return -1;
    ip += len;
    anchor = ip;
  }
  return emit(src, anchor, n - anchor, dst, op, cap, 0, 0);
}

/** One sequence: literals src[from, from+lit) then (offset, len), or the last literals when len is 0. */
function emit(src: Uint8Array, from: number, lit: number, dst: Uint8Array, op: number, cap: number, offset: number, len: number): number {
  const ml = len - MIN_MATCH;
  const need = 1 + lit + Math.floor(lit / 255) + 1 + (len ? 2 + Math.floor(Math.max(0, ml) / 255) + 1 : 0);
  if (op + need > cap) {
    // the exact size may be a byte or two smaller than the bound: count it before giving up
    const exact = 1 + lit + (lit >= 15 ? Math.floor((lit - 15) / 255) + 1 : 0) + (len ? 2 + (ml >= 15 ? Math.floor((ml - 15) / 255) + 1 : 0) : 0);
    if (op + exact > cap) return -1;
  }
  const tokenAt = op++;
  let token = 0;
  if (lit >= 15) {
    token = 15 << 4;
    let r = lit - 15;
    while (r >= 255) { dst[op++] = 255; r -= 255; }
    dst[op++] = r;
  } else token = lit << 4;
  for (let k = 0; k < lit; k++) dst[op++] = src[from + k];
  if (len) {
    dst[op++] = offset & 255;
    dst[op++] = offset >>> 8;
    if (ml >= 15) {
      token |= 15;
      let r = ml - 15;
      while (r >= 255) { dst[op++] = 255; r -= 255; }
      dst[op++] = r;
    } else token |= ml;
  }
  dst[tokenAt] = token;
  return op;
}

export function lz4Decompress(src: Uint8Array, dst: Uint8Array): number {
  let ip = 0;
  let op = 0;
  const end = src.length;
  for (;;) {
    if (ip >= end) throw new RangeError('lz4: input ends before a token');
    const token = src[ip++];
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (ip >= end) throw new RangeError('lz4: input ends inside a literal length');
        b = src[ip++];
        lit += b;
      } while (b === 255);
    }
    if (ip + lit > end || op + lit > dst.length) throw new RangeError('lz4: literals run past the buffers');
    for (let k = 0; k < lit; k++) dst[op++] = src[ip++];
    if (ip === end) return op;
    if (ip + 2 > end) throw new RangeError('lz4: input ends inside an offset');
    const offset = src[ip] | (src[ip + 1] << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw new RangeError(`lz4: offset ${offset} points before the output`);
    let len = token & 15;
    if (len === 15) {
      let b: number;
      do {
        if (ip >= end) throw new RangeError('lz4: input ends inside a match length');
        b = src[ip++];
        len += b;
      } while (b === 255);
    }
    len += MIN_MATCH;
    if (op + len > dst.length) throw new RangeError('lz4: match runs past the output');
    let from = op - offset;
    for (let k = 0; k < len; k++) dst[op++] = dst[from++];
  }
}
