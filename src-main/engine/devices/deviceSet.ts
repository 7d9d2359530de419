/**
 * deviceSet — the standard HV32 device set of one machine, wired to the bus and the interrupt
 * controller: one timer per vCPU, the console, the block disk, the RTC, boot ports, SMP ports and
 * the power/debug ports (docs/isa.md §9).
 *
 * Interface:
 *  - `DeviceSet.create(opts)` (boot) and `DeviceSet.restore(opts, state)` — one wiring path for both;
 *  - time: `update(cpu, nowNs)` (interrupts held for that vCPU that are now due, its own timer,
 *    and the shared devices, which only move forward), `nextEventNs(cpu)` (earliest event that
 *    can interrupt that vCPU: its timer and held interrupts; for vCPU 0 also the disk and RTC,
 *    whose lines are routed to it);
 *  - `save()` → `DeviceSetState` (plain), `digest(h)` (guest-visible, time-independent state),
 *    `metrics()` (flat counters of every device), `reboot()` (registers back to power-on values;
 *    console output, input queue and disk contents survive).
 * Rules: the machine calls `update` before running a vCPU chunk and the bus calls it before every
 * port access, so a device never acts late by more than one instruction. The digest excludes
 * time-derived values (tick counts, uptime, busy bits) so the same guest computation under two
 * monitors with different costs gives the same digest; those values are in `metrics()`.
 */
import type { BlockStore } from '../vm/guestFactory';
import type { Hasher } from '../memory/index';
import { IoBus } from './bus';
import type { DeviceTiming } from './deviceTiming';
import type { IrqController, IrqControllerState } from './irqController';
import {
  BOOT_BASE, BOOT_PORTS, CONSOLE_BASE, CONSOLE_PORTS, DISK_BASE, DISK_PORTS, IRQ_LINE_CONSOLE, IRQ_LINE_DISK, IRQ_LINE_IPI, IRQ_LINE_POWER,
  IRQ_LINE_RTC, IRQ_LINE_TIMER, POWER_BASE, POWER_PORTS, RTC_BASE, RTC_PORTS, SMP_BASE, SMP_PORTS, TIMER_BASE, TIMER_PORTS,
} from './portMap';
import { TimerDevice } from './timer/device';
import { restoreTimer, saveTimer, type TimerState } from './timer/persist';
import { timerMetrics } from './timer/metrics';
import { ConsoleDevice } from './console/device';
import { restoreConsole, saveConsole, type ConsoleState } from './console/persist';
import { consoleMetrics } from './console/metrics';
import { BlockMap } from './disk/blockMap';
import { DiskDevice, type DmaMemory } from './disk/device';
import { restoreDisk, saveDisk, type DiskState } from './disk/persist';
import { diskMetrics } from './disk/metrics';
import { RtcDevice } from './rtc/device';
import { restoreRtc, saveRtc, type RtcState } from './rtc/persist';
import { rtcMetrics } from './rtc/metrics';
import { BootPortsDevice } from './boot/device';
import { restoreBootPorts, saveBootPorts, type BootPortsState } from './boot/persist';
import { bootMetrics } from './boot/metrics';
import { SmpDevice, type SmpHost } from './smp/device';
import { restoreSmp, saveSmp, type SmpState } from './smp/persist';
import { smpMetrics } from './smp/metrics';
import { PowerDevice, type PowerHost } from './power/device';
import { restorePower, savePower, type PowerState } from './power/persist';
import { powerMetrics } from './power/metrics';
import type { BusCounters } from './bus';

export interface DeviceSetOptions {
  cpuCount: number;
  memoryBytes: number;
  levels: number;
  /** VM time at power-on (ns): the RTC's uptime origin. */
  bootNs: number;
  /** Wall-clock seconds since 1970 at power-on (virtual). */
  rtcEpochSeconds: number;
  timing: DeviceTiming;
  irq: IrqController;
  dma: DmaMemory;
  power: PowerHost;
  smp: SmpHost;
  /** The VM's disk; absent → the device's own sparse BlockMap of `diskBytes`. */
  disk?: BlockStore;
  diskBytes: number;
}

export interface DeviceSetState {
  format: 'hvlab.devices';
  version: 1;
  timers: TimerState[];
  console: ConsoleState;
  disk: DiskState;
  rtc: RtcState;
  boot: BootPortsState;
  smp: SmpState;
  power: PowerState;
  bus: BusCounters;
  irq: IrqControllerState;
}

export class DeviceSet {
  readonly bus = new IoBus();

  private constructor(
    readonly irq: IrqController, readonly timers: TimerDevice[], readonly console: ConsoleDevice, readonly disk: DiskDevice, readonly rtc: RtcDevice,
    readonly boot: BootPortsDevice, readonly smp: SmpDevice, readonly power: PowerDevice,
  ) {
    this.bus.mapPerCpu(TIMER_BASE, TIMER_PORTS, timers);
    this.bus.map(CONSOLE_BASE, CONSOLE_PORTS, console);
    this.bus.map(DISK_BASE, DISK_PORTS, disk);
    this.bus.map(RTC_BASE, RTC_PORTS, rtc);
    this.bus.map(BOOT_BASE, BOOT_PORTS, boot);
    this.bus.map(SMP_BASE, SMP_PORTS, smp);
    this.bus.map(POWER_BASE, POWER_PORTS, power);
    this.bus.beforeAccess = (ctx) => this.update(ctx.cpu, ctx.nowNs);
  }

  static create(o: DeviceSetOptions): DeviceSet {
    const timers = Array.from({ length: o.cpuCount }, (_, i) => new TimerDevice(o.irq.line(i, IRQ_LINE_TIMER), o.timing));
    const store = o.disk ?? new BlockMap(o.diskBytes);
    return new DeviceSet(
      o.irq, timers,
      new ConsoleDevice(o.irq.line(0, IRQ_LINE_CONSOLE)),
      new DiskDevice(store, o.dma, o.irq.line(0, IRQ_LINE_DISK), o.timing),
      new RtcDevice(o.irq.line(0, IRQ_LINE_RTC), o.bootNs, o.rtcEpochSeconds),
      new BootPortsDevice(o.memoryBytes, o.levels),
      new SmpDevice(o.smp, Array.from({ length: o.cpuCount }, (_, i) => o.irq.line(i, IRQ_LINE_IPI))),
      new PowerDevice(o.power, o.irq.line(0, IRQ_LINE_POWER)),
    );
  }

  static restore(o: DeviceSetOptions, s: DeviceSetState): DeviceSet {
    if (s.format !== 'hvlab.devices' || s.version !== 1) throw new RangeError(`unsupported device state ${s.format} v${s.version}`);
    if (s.timers.length !== o.cpuCount) throw new RangeError(`saved devices have ${s.timers.length} timers, the machine has ${o.cpuCount} vCPUs`);
    const set = new DeviceSet(
      o.irq, s.timers.map((t, i) => restoreTimer(o.irq.line(i, IRQ_LINE_TIMER), o.timing, t)),
      restoreConsole(o.irq.line(0, IRQ_LINE_CONSOLE), s.console),
      restoreDisk(o.disk, o.dma, o.irq.line(0, IRQ_LINE_DISK), o.timing, s.disk),
      restoreRtc(o.irq.line(0, IRQ_LINE_RTC), s.rtc),
      restoreBootPorts(o.memoryBytes, o.levels, s.boot),
      restoreSmp(o.smp, Array.from({ length: o.cpuCount }, (_, i) => o.irq.line(i, IRQ_LINE_IPI)), s.smp),
      restorePower(o.power, o.irq.line(0, IRQ_LINE_POWER), s.power),
    );
    set.bus.restoreCounters(s.bus);
    o.irq.restore(s.irq);
    return set;
  }

  /** Lets virtual time pass for vCPU `cpu`'s timer and (forward only) for the shared devices. */
  update(cpu: number, nowNs: number): void {
    this.irq.now = nowNs;
    this.irq.deliverDue(cpu, nowNs);
    this.timers[cpu]?.update(nowNs);
    this.disk.update(nowNs);
    this.rtc.update(nowNs);
  }

  nextEventNs(cpu: number): number {
    const t = Math.min(this.timers[cpu]?.nextEventNs() ?? Infinity, this.irq.nextDue(cpu));
    if (cpu !== 0) return t;
    return Math.min(t, this.disk.nextEventNs(), this.rtc.nextEventNs());
  }

  /** Power-on register values again (machine reset); console output/input and disk contents survive. */
  reboot(): void {
    const ctx = { cpu: 0, nowNs: 0 };
    for (const t of this.timers) {
      t.write(0, 0, { ...ctx, nowNs: t.lastNs });
      t.periodUs = 0;
    }
    this.console.ctrl = 0;
    this.console.syncIrq();
    this.disk.op = null;
    this.disk.sector = this.disk.addr = this.disk.count = this.disk.status = 0;
    this.disk.irq.lower();
    this.rtc.alarmNs = Infinity;
    this.rtc.pending = false;
    this.rtc.irq.lower();
    this.power.ctrl = 0;
    this.power.request = 0;
    this.power.irq.lower();
    this.smp.entry.fill(0);
    this.smp.arg.fill(0);
    for (const l of this.smp.ipi) l.lower();
  }

  save(): DeviceSetState {
    return {
      format: 'hvlab.devices', version: 1, timers: this.timers.map(saveTimer), console: saveConsole(this.console), disk: saveDisk(this.disk),
      rtc: saveRtc(this.rtc), boot: saveBootPorts(this.boot), smp: saveSmp(this.smp), power: savePower(this.power), bus: this.bus.saveCounters(),
      irq: this.irq.save(),
    };
  }

  digest(h: Hasher): void {
    for (const t of this.timers) h.word(t.ctrl).word(t.periodUs);
    const c = this.console;
    h.word(c.ctrl).word(c.outputBytes).string(c.out).word(c.inQueue.length);
    for (const b of c.inQueue) h.word(b);
    const d = this.disk;
    h.word(d.sector).word(d.addr).word(d.count).word(d.capacitySectors);
    if (d.store instanceof BlockMap) d.store.digest(h);
    const p = this.power;
    h.word(p.ctrl).word(p.request).word(p.exitCode ?? -1);
    for (let i = 0; i < this.smp.entry.length; i++) h.word(this.smp.entry[i]).word(this.smp.arg[i]);
  }

  metrics(): Record<string, number> {
    const b = this.bus.counters;
    return {
      ...timerMetrics(this.timers), ...consoleMetrics(this.console), ...diskMetrics(this.disk), ...rtcMetrics(this.rtc),
      ...bootMetrics(this.boot), ...smpMetrics(this.smp), ...powerMetrics(this.power),
      ioAccesses: b.reads + b.writes, 'io.unmappedReads': b.unmappedReads, 'io.unmappedWrites': b.unmappedWrites,
    };
  }
}
