/**
 * disk/device — the block disk (docs/isa.md §9.3): 512-byte sectors, DMA between the disk and
 * guest-physical memory, IRQ2 when a command completes after a modelled latency in virtual time.
 *
 * Interface: `new DiskDevice(store, dma, irq, timing)`; IoDevice `read/write`; TimedDevice
 * `update(nowNs)` / `nextEventNs()`; `store` (the BlockStore: the VM's copy-on-write DiskChain, or
 * the device's own `BlockMap`); `op` (the command in flight); `metrics`.
 * Registers: SECTOR, ADDR (guest-physical), COUNT (sectors), CMD (1 read disk→memory, 2 write
 * memory→disk), STATUS (bit0 busy, bit1 error, bit2 done), ACK (clears done/error, lowers IRQ2),
 * CAPACITY (sectors).
 * Model: a command latches SECTOR/ADDR/COUNT, sets busy and completes at
 * now + diskCommandNs + COUNT × diskSectorNs (deviceTiming.ts); the data moves at completion
 * (DMA through the memory's write path, so decoded-code caches and dirty logging see it). If a page
 * of the transfer is not present here (post-copy, host swap) and cannot be supplied at once
 * (`DmaMemory.ready` false), or a read into memory needs more host frames than are free (an
 * overcommitted host in its low state), the command stays in flight and completes at a later update,
 * once the page has arrived or the frames are free: the guest sees a slower disk, never a partial transfer.
 * A bad command (range outside the disk or RAM, COUNT > diskMaxSectors, unknown CMD) completes
 * with the error bit after the fixed latency; a command while busy is ignored (counted as rejected).
 * Rules: never throws for guest values; sectors map onto store blocks (partial blocks are
 * read-modify-write); deterministic.
 */
import type { BlockStore } from '../../vm/guestFactory';
import { FLOATING_BUS, type IoContext, type IoDevice, type IrqLine, type TimedDevice } from '../deviceModel';
import type { DeviceTiming } from '../deviceTiming';
import {
  DISK_ACK, DISK_ADDR, DISK_CAPACITY, DISK_CMD, DISK_CMD_READ, DISK_CMD_WRITE, DISK_COUNT, DISK_SECTOR, DISK_STATUS, DISK_STATUS_BUSY,
  DISK_STATUS_DONE, DISK_STATUS_ERROR, SECTOR_BYTES,
} from '../portMap';
import { DISK_TRANSFER_KEEP_BYTES } from '../../params';

/** What the disk needs from guest memory for DMA (the machine provides it). */
export interface DmaMemory {
  readonly sizeBytes: number;
  /** Copies guest-physical bytes [gpa, gpa + out.length) into out; false if outside RAM. */
  read(gpa: number, out: Uint8Array): boolean;
  /** Writes data at gpa through the memory's write path; false if outside RAM or the host is full. */
  write(gpa: number, data: Uint8Array): boolean;
  /** False while a page of [gpa, gpa + length) is not present here, or (write: into memory) the host has too few free frames for it: the transfer must wait. Absent = always ready. */
  ready?(gpa: number, length: number, write: boolean): boolean;
}

export interface DiskOp {
  cmd: number;
  sector: number;
  addr: number;
  count: number;
  startNs: number;
  completeNs: number;
  /** Validation result at issue time (the error shows at completion). */
  error: boolean;
  /** The transfer had to wait for a page not present here: it completes (and interrupts) when it really moves. */
  waited?: boolean;
}

export interface DiskMetrics {
  reads: number;
  writes: number;
  readBytes: number;
  writeBytes: number;
  errors: number;
  rejected: number;
  /** Sum of command latencies (ns of virtual time). */
  busyNs: number;
}

export class DiskDevice implements IoDevice, TimedDevice {
  readonly name = 'disk';
  sector = 0;
  addr = 0;
  count = 0;
  status = 0;
  op: DiskOp | null = null;
  lastNs = 0;
  metrics: DiskMetrics = { reads: 0, writes: 0, readBytes: 0, writeBytes: 0, errors: 0, rejected: 0, busyNs: 0 };
  /** One store block of scratch for partial blocks, and the transfer buffer (both reused: a busy disk completes hundreds of commands a second). */
  private scratch = new Uint8Array(0);
  private kept = new Uint8Array(0);

  constructor(public store: BlockStore, readonly dma: DmaMemory, readonly irq: IrqLine, readonly timing: DeviceTiming) {}

  get capacitySectors(): number {
    return Math.floor((this.store.blockCount * this.store.blockBytes) / SECTOR_BYTES);
  }

  update(nowNs: number): void {
    if (nowNs > this.lastNs) this.lastNs = nowNs;
    const op = this.op;
    if (!op || this.lastNs < op.completeNs) return;
    if (!op.error && op.count > 0 && this.dma.ready && !this.dma.ready(op.addr, op.count * SECTOR_BYTES, op.cmd === DISK_CMD_READ)) {
      op.waited = true;
      return;
    }
    this.op = null;
    const ok = !op.error && this.transfer(op);
    this.status = (this.status & ~DISK_STATUS_BUSY) | DISK_STATUS_DONE | (ok ? 0 : DISK_STATUS_ERROR);
    if (!ok) this.metrics.errors++;
    else if (op.cmd === DISK_CMD_READ) { this.metrics.reads++; this.metrics.readBytes += op.count * SECTOR_BYTES; }
    else { this.metrics.writes++; this.metrics.writeBytes += op.count * SECTOR_BYTES; }
    this.irq.raise(op.waited ? this.lastNs : op.completeNs);
  }

  nextEventNs(): number {
    return this.op ? this.op.completeNs : Infinity;
  }

  private issue(cmd: number, nowNs: number): void {
    if (this.op) { this.metrics.rejected++; return; }
    const count = this.count >>> 0;
    const sector = this.sector >>> 0;
    const addr = this.addr >>> 0;
    const bytes = count * SECTOR_BYTES;
    const error = (cmd !== DISK_CMD_READ && cmd !== DISK_CMD_WRITE) || count > this.timing.diskMaxSectors ||
      sector + count > this.capacitySectors || addr + bytes > this.dma.sizeBytes;
    const latency = this.timing.diskCommandNs + (error ? 0 : count * this.timing.diskSectorNs);
    this.op = { cmd, sector, addr, count, startNs: nowNs, completeNs: nowNs + latency, error };
    this.metrics.busyNs += latency;
    this.status = DISK_STATUS_BUSY;
    this.irq.lower();
  }

  /**
   * Moves the data of a completed command; false on a DMA failure. Whole store blocks go straight
   * between the store and the transfer buffer (one copy); only a partial block goes through `scratch`.
   */
  private transfer(op: DiskOp): boolean {
    if (op.count === 0) return true;
    const bb = this.store.blockBytes;
    const buf = this.transferBuffer(op.count * SECTOR_BYTES);
    const first = op.sector * SECTOR_BYTES;
    if (op.cmd === DISK_CMD_READ) {
      for (let pos = 0; pos < buf.length;) {
        const abs = first + pos;
        const bi = Math.floor(abs / bb);
        const off = abs - bi * bb;
        const n = Math.min(bb - off, buf.length - pos);
        if (n === bb) this.store.read(bi, buf.subarray(pos, pos + n));
        else {
          const block = this.block(bb);
          this.store.read(bi, block);
          buf.set(block.subarray(off, off + n), pos);
        }
        pos += n;
      }
      return this.dma.write(op.addr, buf);
    }
    if (!this.dma.read(op.addr, buf)) return false;
    for (let pos = 0; pos < buf.length;) {
      const abs = first + pos;
      const bi = Math.floor(abs / bb);
      const off = abs - bi * bb;
      const n = Math.min(bb - off, buf.length - pos);
      if (n === bb) this.store.write(bi, buf.subarray(pos, pos + n));
      else {
        const block = this.block(bb);
        this.store.read(bi, block);
        block.set(buf.subarray(pos, pos + n), off);
        this.store.write(bi, block);
      }
      pos += n;
    }
    return true;
  }

  /**
   * A buffer of `bytes` for one transfer: the kept one, grown as commands need (up to
   * DISK_TRANSFER_KEEP_BYTES), so a busy disk allocates nothing per command; every byte of it is
   * written before it is read (by the store or by DMA), so what an earlier command left there never shows.
   */
  private transferBuffer(bytes: number): Uint8Array {
    if (bytes > DISK_TRANSFER_KEEP_BYTES) return new Uint8Array(bytes);
    if (this.kept.length < bytes) this.kept = new Uint8Array(bytes);
    return this.kept.length === bytes ? this.kept : this.kept.subarray(0, bytes);
  }

  /** The scratch block for a partial block's read-modify-write. */
  private block(bb: number): Uint8Array {
    if (this.scratch.length !== bb) this.scratch = new Uint8Array(bb);
    return this.scratch;
  }

  read(offset: number, ctx: IoContext): number {
    this.update(ctx.nowNs);
    switch (offset) {
      case DISK_SECTOR: return this.sector;
      case DISK_ADDR: return this.addr;
      case DISK_COUNT: return this.count;
      case DISK_STATUS: return this.status;
      case DISK_CAPACITY: return this.capacitySectors | 0;
      default: return FLOATING_BUS;
    }
  }

  write(offset: number, value: number, ctx: IoContext): void {
    this.update(ctx.nowNs);
    switch (offset) {
      case DISK_SECTOR: this.sector = value; return;
      case DISK_ADDR: this.addr = value; return;
      case DISK_COUNT: this.count = value; return;
      case DISK_CMD: this.issue(value, Math.max(ctx.nowNs, this.lastNs)); return;
      case DISK_ACK:
        this.status &= ~(DISK_STATUS_DONE | DISK_STATUS_ERROR);
        this.irq.lower();
        return;
      default: return;
    }
  }
}
