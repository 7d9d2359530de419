/**
 * boot/device — the boot parameter ports (docs/isa.md §9.6): read-only copies of two fields of the
 * boot parameter block at physical 0x1000, for guests that have not mapped that page.
 *
 * Interface: `new BootPortsDevice(memoryBytes, levels)`; IoDevice `read/write`; `reads`.
 * Registers: BOOT_MEMSIZE (guest memory size in bytes, 0 = 4 GiB), BOOT_LEVELS (2 or 4).
 * Rules: constant for the machine's lifetime (from its configuration); writes are ignored.
 */
import { FLOATING_BUS, type IoContext, type IoDevice } from '../deviceModel';
import { BOOT_LEVELS, BOOT_MEMSIZE } from '../portMap';

export class BootPortsDevice implements IoDevice {
  readonly name = 'boot';
  reads = 0;

  constructor(readonly memoryBytes: number, readonly levels: number) {}

  read(offset: number, _ctx: IoContext): number {
    this.reads++;
    if (offset === BOOT_MEMSIZE) return this.memoryBytes >= 4294967296 ? 0 : this.memoryBytes | 0;
    if (offset === BOOT_LEVELS) return this.levels;
    return FLOATING_BUS;
  }

  write(_offset: number, _value: number, _ctx: IoContext): void {}
}
