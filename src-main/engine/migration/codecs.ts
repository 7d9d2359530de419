/**
 * codecs — live migration's data reduction as the engine reaches it: the host's codecs and hash
 * through the `pageCodecs` port (engine/ports.ts, implemented in node/codecs/), the engine's own hash
 * when the port is absent, and the CPU time each piece of work is charged in virtual time.
 *
 * `new PageCodecs(port?)`: `hash(bytes)`, `compress(codec, level, input, transient?)`, `decompress(codec, input, length, into?)`,
 * `available(codec)`, `describe()`. `cpuNs(work, inBytes, outBytes?)` charges from the cost model
 * (`MIGRATION_CPU_COST` in params.ts: ns per byte measured by bench/migration-codecs.ts on the reference
 * machine — a model, never the wall clock, so a run is the same on every machine).
 *
 * Rule: nothing here depends on which implementation ran; only the byte counts of real codec output do
 * (pinned package versions make them reproducible).
 */
import type { PageCodecName, PageCodecPort } from '../ports';
import { CODEC_CPU_COST, MIGRATION_CPU_COST } from '../params';
import { hashPage } from './pageHash';

export type CpuWork = keyof typeof MIGRATION_CPU_COST;

export class PageCodecs {
  constructor(readonly port?: PageCodecPort) {}

  available(codec: PageCodecName): boolean {
    return this.port?.codecs.includes(codec) ?? false;
  }

  hash(bytes: Uint8Array): number {
    return this.port ? this.port.hash64(bytes) : hashPage(bytes);
  }

  get hashName(): string {
    return this.port?.hashName ?? 'engine hash (2 × 32-bit murmur lanes, pure TypeScript)';
  }

  /** The codec's real output; `transient`: possibly the port's own buffer, valid until its next call (`PageCodecPort.compress`). */
  compress(codec: PageCodecName, level: number, input: Uint8Array, transient = false): Uint8Array {
    if (!this.port) throw new Error('compression needs the host codec port');
    return this.port.compress(codec, level, input, transient);
  }

  /** Into `into` when given (a view of its first `outputLength` bytes), else a new array. */
  decompress(codec: PageCodecName, input: Uint8Array, outputLength: number, into?: Uint8Array): Uint8Array {
    if (!this.port) throw new Error('decompression needs the host codec port');
    const out = this.port.decompress(codec, input, outputLength, into);
    if (out.length !== outputLength) throw new Error(`${codec}: decompressed ${out.length} bytes, expected ${outputLength}`);
    return out;
  }

  /** Virtual CPU ns of a piece of per-byte work. */
  static cpuNs(work: CpuWork, bytes: number): number {
    return MIGRATION_CPU_COST[work] * bytes;
  }

  /** Virtual CPU ns to compress `inBytes` into `outBytes` (cost = a × in + b × out, per codec and level). */
  static compressNs(codec: PageCodecName, level: number, inBytes: number, outBytes: number): number {
    const c = CODEC_CPU_COST[codec];
    const l = c.compress[Math.max(0, Math.min(c.compress.length - 1, level - c.firstLevel))];
    return Math.max(0, l.inNs * inBytes + l.outNs * outBytes);
  }

  static decompressNs(codec: PageCodecName, inBytes: number, outBytes: number): number {
    const c = CODEC_CPU_COST[codec].decompress;
    return Math.max(0, c.inNs * inBytes + c.outNs * outBytes);
  }
}
