/**
 * bus — the I/O port bus: maps port windows to devices and implements the CPU's `IoPorts` seam.
 *
 * Interface:
 *  - `new IoBus()`; `map(base, count, device)` (one shared device) and
 *    `mapPerCpu(base, count, devices)` (banked: the vCPU executing the access picks the device,
 *    like a local APIC timer); overlapping windows are a programming error (throws at build time);
 *  - `context(cpu, nowNs)` — set by the machine before it runs a vCPU and before each access
 *    batch: who accesses and at what virtual time; `clock` (the exact time source); hooks
 *    `beforeAccess` (the machine advances time-driven devices to `nowNs` before any port is
 *    touched) and `afterAccess` (it re-plans the current run when a device event moved earlier);
 *  - `read(port)` / `write(port, value)` (IoPorts); `counters` (accesses, unmapped, per device: a
 *    fresh plain copy at each read), `saveCounters()` / `restoreCounters(c)`;
 *  - `windows()` — the map, for listings and docs.
 * Rules: unmapped reads return 0xffffffff, unmapped writes are ignored (docs/isa.md §9); ports are
 * 16-bit, values 32-bit. The bus itself holds no guest-visible state.
 * Why the per-device counts sit in a number array (one slot per device name, given at `map` time): a busy
 * guest's disk driver touches the bus tens of thousands of times per virtual second, and a count kept
 * in a record keyed by the device's name at each access was the dearest part of the bus's own work. The
 * record is built only when asked for, its names in the order of each device's first access (as before).
 */
import type { IoPorts } from '../cpu/index';
import { FLOATING_BUS, type IoContext, type IoDevice } from './deviceModel';

interface Window {
  base: number;
  count: number;
  devices: IoDevice[];
  perCpu: boolean;
  /** Per device of `devices`: its slot in the bus's per-name access counts. */
  nameSlots: number[];
}

export interface BusCounters {
  reads: number;
  writes: number;
  unmappedReads: number;
  unmappedWrites: number;
  /** Accesses per device name. */
  byDevice: Record<string, number>;
}

export class IoBus implements IoPorts {
  private readonly slot = new Int16Array(65536).fill(-1);
  private readonly wins: Window[] = [];
  private ctx: { cpu: number; nowNs: number } = { cpu: 0, nowNs: 0 };
  private reads = 0;
  private writes = 0;
  private unmappedReads = 0;
  private unmappedWrites = 0;
  /** Device names by slot, and the accesses counted for each (slots given as windows are mapped). */
  private readonly slotNames: string[] = [];
  private slotCounts: number[] = [];
  /** Names as they first appear in `byDevice` (restored ones first), and restored counts of names no window has. */
  private order: string[] = [];
  private listed = new Set<string>();
  private foreign: Record<string, number> = {};
  /** Called before every access with the access context (the machine brings devices up to date). */
  beforeAccess: (ctx: IoContext) => void = () => {};
  /** Called after every access (the machine re-plans its run when a device's next event moved). */
  afterAccess: () => void = () => {};
  /** The current access time source; defaults to the time given to `context`. */
  clock: (() => number) | undefined = undefined;

  /** Accesses so far (a plain copy: changing it changes nothing on the bus). */
  get counters(): BusCounters {
    const byDevice: Record<string, number> = {};
    for (const name of this.order) {
      const s = this.slotNames.indexOf(name);
      byDevice[name] = (s >= 0 ? this.slotCounts[s] : 0) + (this.foreign[name] ?? 0);
    }
    return { reads: this.reads, writes: this.writes, unmappedReads: this.unmappedReads, unmappedWrites: this.unmappedWrites, byDevice };
  }

  map(base: number, count: number, device: IoDevice): void {
    this.add(base, count, [device], false);
  }

  mapPerCpu(base: number, count: number, devices: IoDevice[]): void {
    if (devices.length === 0) throw new RangeError('mapPerCpu needs one device per vCPU');
    this.add(base, count, devices, true);
  }

  private add(base: number, count: number, devices: IoDevice[], perCpu: boolean): void {
    if (base < 0 || count <= 0 || base + count > 65536) throw new RangeError(`bad port window 0x${base.toString(16)}+${count}`);
    for (let p = base; p < base + count; p++) {
      if (this.slot[p] >= 0) throw new RangeError(`port 0x${p.toString(16)} is already mapped`);
    }
    const w: Window = { base, count, devices, perCpu, nameSlots: devices.map((d) => this.nameSlot(d.name)) };
    const idx = this.wins.length;
    this.wins.push(w);
    for (let p = w.base; p < w.base + w.count; p++) this.slot[p] = idx;
  }

  windows(): { base: number; count: number; name: string; perCpu: boolean }[] {
    return this.wins.map((w) => ({ base: w.base, count: w.count, name: w.devices[0].name, perCpu: w.perCpu }));
  }

  /** Sets who accesses the bus next and their virtual time. */
  context(cpu: number, nowNs: number): void {
    this.ctx.cpu = cpu;
    this.ctx.nowNs = nowNs;
  }

  /** The window mapped at `port` (16-bit), or undefined. */
  private windowAt(port: number): Window | undefined {
    const i = this.slot[port];
    return i < 0 ? undefined : this.wins[i];
  }

  /** Which of the window's devices the access reaches: the executing vCPU's in a banked window (−1: none). */
  private deviceIndex(w: Window): number {
    const k = w.perCpu ? this.ctx.cpu : 0;
    return k < w.devices.length ? k : -1;
  }

  /** Counts one access to device `k` of window `w` (its name enters `byDevice`'s order at its first). */
  private count(w: Window, k: number): void {
    const s = w.nameSlots[k];
    if (this.slotCounts[s]++ === 0 && !this.listed.has(this.slotNames[s])) this.list(this.slotNames[s]);
  }

  private list(name: string): void {
    this.listed.add(name);
    this.order.push(name);
  }

  private access(): IoContext {
    if (this.clock) this.ctx.nowNs = this.clock();
    this.beforeAccess(this.ctx);
    return this.ctx;
  }

  read(port: number): number {
    port &= 0xffff;
    this.reads++;
    const w = this.windowAt(port);
    const k = w ? this.deviceIndex(w) : -1;
    if (!w || k < 0) { this.unmappedReads++; return FLOATING_BUS; }
    this.count(w, k);
    const v = w.devices[k].read(port - w.base, this.access()) | 0;
    this.afterAccess();
    return v;
  }

  write(port: number, value: number): void {
    port &= 0xffff;
    this.writes++;
    const w = this.windowAt(port);
    const k = w ? this.deviceIndex(w) : -1;
    if (!w || k < 0) { this.unmappedWrites++; return; }
    this.count(w, k);
    w.devices[k].write(port - w.base, value | 0, this.access());
    this.afterAccess();
  }

  saveCounters(): BusCounters {
    return this.counters;
  }

  restoreCounters(c: BusCounters): void {
    this.reads = c.reads;
    this.writes = c.writes;
    this.unmappedReads = c.unmappedReads;
    this.unmappedWrites = c.unmappedWrites;
    this.slotCounts = this.slotNames.map(() => 0);
    this.order = [];
    this.listed = new Set();
    this.foreign = {};
    for (const [name, n] of Object.entries(c.byDevice)) {
      this.list(name);
      const s = this.slotNames.indexOf(name);
      if (s >= 0) this.slotCounts[s] = n;
      else this.foreign[name] = n;
    }
  }

  /** The count slot of a device name (one per name: banked devices share theirs, as in `byDevice`). */
  private nameSlot(name: string): number {
    const s = this.slotNames.indexOf(name);
    if (s >= 0) return s;
    this.slotNames.push(name);
    this.slotCounts.push(0);
    return this.slotNames.length - 1;
  }
}
