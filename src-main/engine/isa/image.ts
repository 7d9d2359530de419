/**
 * image — the assembler's output: a loadable program image.
 *
 * Interface: `AsmImage` {loadAddress, bytes, entry, symbols, sourceMap, segments};
 * `sourceAt(image, address)` → "file:line" of the instruction or data at address (or undefined).
 * Rules: plain data (structured-clone-safe). `bytes` covers [loadAddress, loadAddress+length)
 * with gaps between .org regions zero-filled; `segments` lists only the emitted regions.
 */

export interface SourceMapEntry {
  readonly address: number;
  readonly sizeBytes: number;
  readonly file: string;
  readonly line: number;
}

export interface AsmImage {
  /** Lowest emitted address (physical address the loader copies `bytes` to). */
  readonly loadAddress: number;
  readonly bytes: Uint8Array;
  /** Entry point: `.entry`, else the label `_start`, else loadAddress. */
  readonly entry: number;
  /** Every label and constant (local labels as "global.local"), values as unsigned 32-bit. */
  readonly symbols: Readonly<Record<string, number>>;
  /** Sorted by address. */
  readonly sourceMap: readonly SourceMapEntry[];
  /** Emitted regions (address, sizeBytes), sorted. */
  readonly segments: readonly { address: number; sizeBytes: number }[];
}

export function sourceAt(image: AsmImage, address: number): string | undefined {
  const m = image.sourceMap;
  let lo = 0;
  let hi = m.length - 1;
  const a = address >>> 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const e = m[mid];
    if (a < e.address) hi = mid - 1;
    else if (a >= e.address + e.sizeBytes) lo = mid + 1;
    else return `${e.file}:${e.line}`;
  }
  return undefined;
}
