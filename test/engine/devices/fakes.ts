/** fakes — test doubles for device tests: an IrqLine that records, an IoContext maker, a DMA memory. */
import type { DmaMemory, IoContext, IrqLine } from '../../../src-main/engine/devices/index';

export class FakeLine implements IrqLine {
  level = false;
  raises = 0;
  raise(): void {
    if (!this.level) this.raises++;
    this.level = true;
  }
  lower(): void {
    this.level = false;
  }
  restoreLevel(level: boolean): void {
    this.level = level;
  }
}

export const at = (nowNs: number, cpu = 0): IoContext => ({ cpu, nowNs });

export class FakeDma implements DmaMemory {
  readonly bytes: Uint8Array;
  constructor(readonly sizeBytes: number) {
    this.bytes = new Uint8Array(sizeBytes);
  }
  read(gpa: number, out: Uint8Array): boolean {
    if (gpa + out.length > this.sizeBytes) return false;
    out.set(this.bytes.subarray(gpa, gpa + out.length));
    return true;
  }
  write(gpa: number, data: Uint8Array): boolean {
    if (gpa + data.length > this.sizeBytes) return false;
    this.bytes.set(data, gpa);
    return true;
  }
}
