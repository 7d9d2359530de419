/**
 * pageCodecs — the engine's `PageCodecPort` (engine/ports.ts) on this host: real compression codecs
 * and a fast page hash for live migration's data reduction.
 *
 * - zlib: Node's own (`node:zlib`, raw deflate, levels 0–9);
 * - zstd: `@bokuweb/zstd-wasm` (the reference zstd library compiled to WebAssembly, levels 1–22), through
 *   `zstdWasm.ts` (its contexts and buffers kept, not made anew per call);
 * - lz4: `lz4-wasm-nodejs` (lz4_flex compiled to WebAssembly, LZ4 block format with the size prepended;
 *   one level);
 * - hash: xxHash64 from `xxhash-wasm`, reduced to 53 bits — bench/migration-codecs.ts measured it faster
 *   than the engine's own pure-TypeScript hash (`engine/migration/pageHash.ts`): 0.18 vs 0.28 ns per byte, see docs/migration.md.
 * All three packages are WebAssembly or pure JS: nothing is downloaded or compiled at install, on
 * Windows, macOS or Linux. `loadPageCodecs()` loads the WebAssembly once (async); the port's calls
 * are synchronous afterwards. Every result is the library's real output.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PageCodecName, PageCodecPort } from '../../engine/index';
import { loadZstd } from './zstdWasm';

interface Lz4Module { compress(input: Uint8Array): Uint8Array; decompress(input: Uint8Array): Uint8Array }

let loaded: Promise<PageCodecPort> | undefined;

const require = createRequire(import.meta.url);

/** A package's version, from the package.json above its entry point (packages may not export it). */
function versionOf(pkg: string): string {
  try {
    let dir = dirname(require.resolve(pkg));
    for (let i = 0; i < 6; i++) {
      const f = join(dir, 'package.json');
      if (existsSync(f)) {
        const j = JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version?: string };
        if (j.name === pkg && j.version) return j.version;
      }
      dir = dirname(dir);
    }
  } catch {
    // reported as unknown below
  }
  return 'unknown';
}

export function loadPageCodecs(): Promise<PageCodecPort> {
  loaded ??= (async () => {
    const zstd = await loadZstd();
    const lz4 = require('lz4-wasm-nodejs') as Lz4Module;
    const xxhash = (await import('xxhash-wasm')).default;
    const { h64Raw } = await xxhash();
    const MASK = (1n << 53n) - 1n;
    const codecs: readonly PageCodecName[] = ['zlib', 'zstd', 'lz4'];
    const port: PageCodecPort = {
      codecs,
      versions: {
        zlib: `zlib ${process.versions.zlib} (node:zlib)`,
        zstd: `@bokuweb/zstd-wasm ${versionOf('@bokuweb/zstd-wasm')}`,
        lz4: `lz4-wasm-nodejs ${versionOf('lz4-wasm-nodejs')}`,
        hash: `xxhash-wasm ${versionOf('xxhash-wasm')} (xxh64)`,
      },
      hashName: 'xxHash64 (xxhash-wasm, WebAssembly)',
      compress(codec, level, input, transient = false) {
        switch (codec) {
          case 'zlib': return new Uint8Array(deflateRawSync(input, { level }));
          case 'zstd': return zstd.compress(input, level, transient);
          case 'lz4': return lz4.compress(input);
        }
        throw new Error(`unknown codec ${String(codec)}`);
      },
      decompress(codec, input, outputLength, into) {
        let out: Uint8Array;
        switch (codec) {
          case 'zlib': out = new Uint8Array(inflateRawSync(input, { maxOutputLength: Math.max(1, outputLength) })); break;
          case 'zstd': return zstd.decompress(input, outputLength, into);
          case 'lz4': out = lz4.decompress(input); break;
          default: throw new Error(`unknown codec ${String(codec)}`);
        }
        if (out.length !== outputLength) throw new Error(`${codec}: decompressed ${out.length} bytes, expected ${outputLength}`);
        if (!into) return out;
        const target = into.subarray(0, outputLength);
        target.set(out);
        return target;
      },
      hash64(bytes) {
        return Number(h64Raw(bytes) & MASK);
      },
    };
    return port;
  })();
  return loaded;
}
