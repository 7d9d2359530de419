/**
 * bootImage — the loader: copies a program image into guest-physical memory and fills the boot
 * parameter block at physical 0x1000 (docs/isa.md §5.1, §9.6).
 *
 * Interface: `BootImage` {loadAddress, bytes, entry, segments?} (plain; an `AsmImage` is one),
 * `bootImageOf(image)`, `loadBootImage(mem, image, config)` → image end; throws
 * `BootImageError` when the image cannot be loaded (outside RAM, overlapping the parameter page,
 * command line too long) — a configuration mistake, not a guest fault.
 * Block layout (32-bit little-endian words): 0x00 magic "BOOT" (0x544f4f42), 0x04 version 1,
 * 0x08 memory size (0 = 4 GiB), 0x0C page-table levels, 0x10 entry, 0x14 image end,
 * 0x18 command-line length, 0x1C reserved 0, 0x20 command line (NUL-terminated).
 * Rules: only the emitted `segments` are copied (the zero-filled gaps between `.org` regions are
 * not, so a vector table at 0 and a kernel at 0x2000 leave the parameter page alone); without
 * segments the whole byte range is one segment. Writes go through the memory's write path (decode
 * caches stay coherent). Command-line
 * characters above U+00FF are stored as '?'.
 */
import type { AsmImage } from '../isa/index';
import type { GuestPhysicalMemory } from '../memory/index';
import type { Gpa } from '../mmu/index';
import { BOOT_PARAMS_ADDR, PAGE_SIZE_BYTES } from '../params';
import type { MachineConfig } from './machineConfig';

export const BOOT_MAGIC = 0x544f4f42;
export const BOOT_FORMAT_VERSION = 1;
export const BOOT_CMDLINE_OFFSET = 0x20;
/** Longest command line that fits in the parameter page with its NUL. */
export const BOOT_CMDLINE_MAX = PAGE_SIZE_BYTES - BOOT_CMDLINE_OFFSET - 1;

export interface BootImage {
  readonly loadAddress: number;
  readonly bytes: Uint8Array;
  readonly entry: number;
  /** Emitted regions (absolute addresses); absent = the whole range. */
  readonly segments?: readonly { address: number; sizeBytes: number }[];
}

export class BootImageError extends Error {}

export function bootImageOf(image: AsmImage | BootImage): BootImage {
  const b: BootImage = { loadAddress: image.loadAddress >>> 0, bytes: image.bytes, entry: image.entry >>> 0 };
  return image.segments ? { ...b, segments: image.segments.map((s) => ({ address: s.address >>> 0, sizeBytes: s.sizeBytes })) } : b;
}

/** Loads the image and writes the parameter block; returns the first free physical address after the image. */
export function loadBootImage(mem: GuestPhysicalMemory, image: BootImage, config: MachineConfig): number {
  const start = image.loadAddress >>> 0;
  const end = start + image.bytes.length;
  if (end > config.memoryBytes) throw new BootImageError(`the image (0x${start.toString(16)}..0x${end.toString(16)}) does not fit in ${config.memoryBytes} bytes of guest memory`);
  const segments = image.segments ?? [{ address: start, sizeBytes: image.bytes.length }];
  for (const s of segments) {
    const a = s.address >>> 0;
    if (a < start || a + s.sizeBytes > end) throw new BootImageError(`image segment 0x${a.toString(16)}+${s.sizeBytes} lies outside the image`);
    if (s.sizeBytes > 0 && a < BOOT_PARAMS_ADDR + PAGE_SIZE_BYTES && a + s.sizeBytes > BOOT_PARAMS_ADDR) {
      throw new BootImageError(`the image (0x${a.toString(16)}..0x${(a + s.sizeBytes).toString(16)}) overlaps the boot parameter block at 0x1000..0x1fff`);
    }
  }
  if (config.cmdline.length > BOOT_CMDLINE_MAX) throw new BootImageError(`the command line is ${config.cmdline.length} bytes; at most ${BOOT_CMDLINE_MAX} fit`);
  for (const s of segments) {
    const off = (s.address >>> 0) - start;
    if (!mem.writeBytes((s.address >>> 0) as Gpa, image.bytes.subarray(off, off + s.sizeBytes))) throw new BootImageError('host out of memory while loading the image');
  }
  const words = [BOOT_MAGIC, BOOT_FORMAT_VERSION, config.memoryBytes >= 4294967296 ? 0 : config.memoryBytes, config.levels, image.entry, end, config.cmdline.length, 0];
  const block = new Uint8Array(BOOT_CMDLINE_OFFSET + config.cmdline.length + 1);
  const dv = new DataView(block.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  for (let i = 0; i < config.cmdline.length; i++) {
    const c = config.cmdline.charCodeAt(i);
    block[BOOT_CMDLINE_OFFSET + i] = c > 0xff ? 0x3f : c;
  }
  if (!mem.writeBytes(BOOT_PARAMS_ADDR as Gpa, block)) throw new BootImageError('host out of memory while writing the boot parameter block');
  return end;
}
