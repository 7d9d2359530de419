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
 *  - `read(port)` / `write(port, value)` (IoPorts); `counters` (accesses, unmapped, per device);
 *  - `windows()` — the map, for listings and docs.
 * Rules: unmapped reads return 0xffffffff, unmapped writes are ignored (docs/isa.md §9); ports are
 * 16-bit, values 32-bit. The bus itself holds no guest-visible state.
 */
import type { IoPorts } from '../cpu/index';
import { FLOATING_BUS, type IoContext, type IoDevice } from './deviceModel';

interface Window {
  base: number;
  count: number;
  devices: IoDevice[];
  perCpu: boolean;
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
  /** Called before every access with the access context (the machine brings devices up to date). */
  beforeAccess: (ctx: IoContext) => void = () => {};
  /** Called after every access (the machine re-plans its run when a device's next event moved). */
  afterAccess: () => void = () => {};
  /** The current access time source; defaults to the time given to `context`. */
  clock: (() => number) | undefined = undefined;
  counters: BusCounters = { reads: 0, writes: 0, unmappedReads: 0, unmappedWrites: 0, byDevice: {} };

  map(base: number, count: number, device: IoDevice): void {
    this.add({ base, count, devices: [device], perCpu: false });
  }

  mapPerCpu(base: number, count: number, devices: IoDevice[]): void {
    if (devices.length === 0) throw new RangeError('mapPerCpu needs one device per vCPU');
    this.add({ base, count, devices, perCpu: true });
  }

  private add(w: Window): void {
    if (w.base < 0 || w.count <= 0 || w.base + w.count > 65536) throw new RangeError(`bad port window 0x${w.base.toString(16)}+${w.count}`);
    for (let p = w.base; p < w.base + w.count; p++) {
      if (this.slot[p] >= 0) throw new RangeError(`port 0x${p.toString(16)} is already mapped`);
    }
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

  private resolve(port: number): { w: Window; dev: IoDevice } | undefined {
    const i = this.slot[port & 0xffff];
    if (i < 0) return undefined;
    const w = this.wins[i];
    const dev = w.perCpu ? w.devices[this.ctx.cpu] : w.devices[0];
    return dev ? { w, dev } : undefined;
  }

  private access(): IoContext {
    if (this.clock) this.ctx.nowNs = this.clock();
    this.beforeAccess(this.ctx);
    return this.ctx;
  }

  read(port: number): number {
    port &= 0xffff;
    this.counters.reads++;
    const r = this.resolve(port);
    if (!r) { this.counters.unmappedReads++; return FLOATING_BUS; }
    this.counters.byDevice[r.dev.name] = (this.counters.byDevice[r.dev.name] ?? 0) + 1;
    const v = r.dev.read(port - r.w.base, this.access()) | 0;
    this.afterAccess();
    return v;
  }

  write(port: number, value: number): void {
    port &= 0xffff;
    this.counters.writes++;
    const r = this.resolve(port);
    if (!r) { this.counters.unmappedWrites++; return; }
    this.counters.byDevice[r.dev.name] = (this.counters.byDevice[r.dev.name] ?? 0) + 1;
    r.dev.write(port - r.w.base, value | 0, this.access());
    this.afterAccess();
  }

  saveCounters(): BusCounters {
    return { ...this.counters, byDevice: { ...this.counters.byDevice } };
  }

  restoreCounters(c: BusCounters): void {
    this.counters = { ...c, byDevice: { ...c.byDevice } };
  }
}
