/**
 * zstdWasm — zstd from `@bokuweb/zstd-wasm` (the reference library compiled to WebAssembly) called
 * with one compression and one decompression context and buffers kept in the WebAssembly memory for
 * the process's life, instead of the package's one-shot calls (each of which allocates and frees a
 * context and its buffers, copies its input in, and slices its output out into a new array).
 *
 * `await loadZstd()` → `{ compress(input, level, transient), decompress(input, outputLength, into?) }`.
 * The output bytes are the library's: `ZSTD_compress_usingDict` with no dictionary is what
 * `ZSTD_compress` runs on a context of its own, and zstd's output does not depend on a context's
 * history (tested against the package's `compress`). `transient`: the result is a view of the module's
 * output buffer, valid until the next call; an input that is that view is read where it is.
 * The module object is the package's own (`module.js` beside its entry point, the object its functions use).
 * Rule: the package is initialized here, once (`loadPageCodecs` loads this once per process): a second
 * `init()` would instantiate the WebAssembly again under the contexts kept here.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface ZstdEmscripten {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _ZSTD_isError(code: number): number;
  _ZSTD_compressBound(size: number): number;
  _ZSTD_createCCtx(): number;
  _ZSTD_createDCtx(): number;
  _ZSTD_compress_usingDict(cctx: number, dst: number, dstCap: number, src: number, srcSize: number, dict: number, dictSize: number, level: number): number;
  _ZSTD_decompress_usingDict(dctx: number, dst: number, dstCap: number, src: number, srcSize: number, dict: number, dictSize: number): number;
}

export interface ZstdCodec {
  compress(input: Uint8Array, level: number, transient: boolean): Uint8Array;
  decompress(input: Uint8Array, outputLength: number, into?: Uint8Array): Uint8Array;
}

const require = createRequire(import.meta.url);

/** A buffer in the module's memory, grown (never shrunk) to the largest size asked for. */
class HeapBuffer {
  ptr = 0;
  size = 0;
  constructor(private readonly m: ZstdEmscripten) {}

  atLeast(size: number): number {
    if (size > this.size) {
      if (this.ptr) this.m._free(this.ptr);
      this.ptr = this.m._malloc(size);
      if (!this.ptr) throw new Error(`zstd: cannot allocate ${size} bytes in the WebAssembly memory`);
      this.size = size;
    }
    return this.ptr;
  }
}

export async function loadZstd(): Promise<ZstdCodec> {
  const pkg = require('@bokuweb/zstd-wasm') as { init(): Promise<void> };
  await pkg.init();
  // Beside the package's entry point (its `exports` lists only the entry): the same file, so the same
  // module object, as the entry's own functions use.
  const m = (require(join(dirname(require.resolve('@bokuweb/zstd-wasm')), 'module.js')) as { Module: ZstdEmscripten }).Module;
  const cctx = m._ZSTD_createCCtx();
  const dctx = m._ZSTD_createDCtx();
  if (!cctx || !dctx) throw new Error('zstd: cannot create its contexts');
  const src = new HeapBuffer(m);
  const dst = new HeapBuffer(m);
  const out = new HeapBuffer(m);
  // The memory may grow at any call into the module: its byte view is read afresh after each.
  const check = (what: string, code: number): number => {
    if (m._ZSTD_isError(code)) throw new Error(`zstd: ${what} failed (code ${code})`);
    return code;
  };
  return {
    compress(input, level, transient) {
      const bound = m._ZSTD_compressBound(input.length);
      const s = src.atLeast(Math.max(1, input.length));
      const d = dst.atLeast(bound);
      m.HEAPU8.set(input, s);
      const n = check('compress', m._ZSTD_compress_usingDict(cctx, d, bound, s, input.length, 0, 0, level));
      const view = m.HEAPU8.subarray(d, d + n);
      return transient ? view : view.slice();
    },
    decompress(input, outputLength, into) {
      let s: number;
      if (input.buffer === m.HEAPU8.buffer && input.byteOffset === dst.ptr) s = dst.ptr;
      else { s = src.atLeast(Math.max(1, input.length)); m.HEAPU8.set(input, s); }
      const o = out.atLeast(Math.max(1, outputLength));
      const n = check('decompress', m._ZSTD_decompress_usingDict(dctx, o, outputLength, s, input.length, 0, 0));
      if (n !== outputLength) throw new Error(`zstd: decompressed ${n} bytes, expected ${outputLength}`);
      const view = m.HEAPU8.subarray(o, o + n);
      if (!into) return view.slice();
      const target = into.subarray(0, n);
      target.set(view);
      return target;
    },
  };
}
