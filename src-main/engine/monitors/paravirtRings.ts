/**
 * paravirtRings — the backends of the `pv` monitor's split drivers (Xen's netback/blkback model,
 * Barham et al. 2003): the guest's frontend puts requests in a ring in the shared area and
 * notifies (HC_EVTCHN_SEND); the backend consumes them, drives the emulated device through the
 * port bus, and posts responses.
 *
 * Interface: `ConsoleBackend.drain(cpu, shared)` → bytes written; `BlockBackend.kick(cpu, shared)`
 * (consume new requests; start the device if idle), `BlockBackend.onInterrupt(cpu, shared)` (the
 * disk's IRQ2: post the response, acknowledge the device, start the next request);
 * `stats`; `save()` / `restore(s)`.
 * Rules: the rings live in guest memory (PV_LAYOUT offsets from the shared area's guest-physical
 * address) and are read and written through the memory's slow path, so watches and dirty logging
 * see them; the producer/consumer indices are free-running counters (slot = index mod size).
 * The disk is the backend's: its interrupt never reaches the guest, which polls the response index.
 */
import type { Cpu } from '../cpu/index';
import { IRQ_DISK, PORT_CONSOLE_BASE, PORT_DISK_BASE } from '../isa/index';
import type { Gpa } from '../mmu/index';
import { BLOCK_SLOTS, CONSOLE_RING_BYTES, PV_LAYOUT } from './hypercalls';

const DISK_SECTOR = PORT_DISK_BASE + 0;
const DISK_ADDR = PORT_DISK_BASE + 1;
const DISK_COUNT = PORT_DISK_BASE + 2;
const DISK_CMD = PORT_DISK_BASE + 3;
const DISK_STATUS = PORT_DISK_BASE + 4;
const DISK_ACK = PORT_DISK_BASE + 5;
const STATUS_BUSY = 1;
const STATUS_ERROR = 2;
const STATUS_DONE = 4;
const CON_DATA = PORT_CONSOLE_BASE;

export const BACKEND_IRQ = IRQ_DISK;

function rd(cpu: Cpu, a: number): number {
  return cpu.mem.readWord((a >>> 0) as Gpa);
}
function wr(cpu: Cpu, a: number, v: number): void {
  cpu.mem.writeWord((a >>> 0) as Gpa, v | 0);
}

export interface RingStats {
  consoleNotifications: number;
  consoleBytes: number;
  blockNotifications: number;
  blockRequests: number;
  blockResponses: number;
  /** Port accesses the backends made to the emulated devices (not guest I/O instructions). */
  backendIo: number;
}

export function newRingStats(): RingStats {
  return { consoleNotifications: 0, consoleBytes: 0, blockNotifications: 0, blockRequests: 0, blockResponses: 0, backendIo: 0 };
}

export class ConsoleBackend {
  constructor(private readonly stats: RingStats) {}

  drain(cpu: Cpu, shared: number): number {
    this.stats.consoleNotifications++;
    const prod = rd(cpu, shared + PV_LAYOUT.CON_PROD);
    let cons = rd(cpu, shared + PV_LAYOUT.CON_CONS);
    let n = 0;
    // A misbehaving guest cannot make the backend loop: at most one ring's worth per notification.
    while (cons !== prod && n < CONSOLE_RING_BYTES) {
      const i = cons & (CONSOLE_RING_BYTES - 1);
      const byte = cpu.mem.readByte(((shared + PV_LAYOUT.CON_BUF + i) >>> 0) as Gpa);
      cpu.io.write(CON_DATA, byte);
      this.stats.backendIo++;
      cons = (cons + 1) | 0;
      n++;
    }
    wr(cpu, shared + PV_LAYOUT.CON_CONS, cons);
    this.stats.consoleBytes += n;
    return n;
  }
}

export interface BlockBackendState {
  readonly queue: number[];
  readonly active: number;
}

export class BlockBackend {
  /** Ring indices accepted and not started yet. */
  queue: number[] = [];
  /** Ring index of the request the device is working on, or -1. */
  active = -1;

  constructor(private readonly stats: RingStats) {}

  kick(cpu: Cpu, shared: number): void {
    this.stats.blockNotifications++;
    const prod = rd(cpu, shared + PV_LAYOUT.BLK_REQ_PROD);
    let cons = rd(cpu, shared + PV_LAYOUT.BLK_REQ_CONS);
    for (let n = 0; cons !== prod && n < BLOCK_SLOTS; n++) {
      this.queue.push(cons);
      this.stats.blockRequests++;
      cons = (cons + 1) | 0;
    }
    wr(cpu, shared + PV_LAYOUT.BLK_REQ_CONS, cons);
    if (this.active < 0) this.start(cpu, shared);
  }

  private start(cpu: Cpu, shared: number): void {
    const idx = this.queue.shift();
    if (idx === undefined) return;
    const at = shared + PV_LAYOUT.BLK_REQS + (idx & (BLOCK_SLOTS - 1)) * 16;
    const io = cpu.io;
    io.write(DISK_SECTOR, rd(cpu, at + 4));
    io.write(DISK_ADDR, rd(cpu, at + 8));
    io.write(DISK_COUNT, rd(cpu, at + 12));
    io.write(DISK_CMD, rd(cpu, at));
    this.stats.backendIo += 4;
    this.active = idx;
  }

  /** The disk's completion interrupt: true if the backend consumed it. */
  onInterrupt(cpu: Cpu, shared: number): boolean {
    const status = cpu.io.read(DISK_STATUS);
    this.stats.backendIo++;
    if (this.active < 0 || (status & STATUS_BUSY) !== 0) {
      cpu.io.write(DISK_ACK, 0);
      this.stats.backendIo++;
      return true;
    }
    const ok = (status & STATUS_DONE) !== 0 && (status & STATUS_ERROR) === 0;
    wr(cpu, shared + PV_LAYOUT.BLK_RSPS + (this.active & (BLOCK_SLOTS - 1)) * 4, ok ? 0 : -1);
    wr(cpu, shared + PV_LAYOUT.BLK_RSP_PROD, (rd(cpu, shared + PV_LAYOUT.BLK_RSP_PROD) + 1) | 0);
    this.stats.blockResponses++;
    cpu.io.write(DISK_ACK, 0);
    this.stats.backendIo++;
    this.active = -1;
    this.start(cpu, shared);
    return true;
  }

  save(): BlockBackendState {
    return { queue: [...this.queue], active: this.active };
  }

  restore(s: BlockBackendState): void {
    this.queue = [...s.queue];
    this.active = s.active;
  }
}
