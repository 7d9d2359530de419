/**
 * deviceModel — what every HV32 device is to the bus and the machine.
 *
 * Interface:
 *  - `IoContext` {cpu, nowNs}: who is doing the port access (the vCPU index executing `in`/`out`)
 *    and when (that vCPU's virtual time, ns in the VM's time base);
 *  - `IoDevice`: `read(offset, ctx)` / `write(offset, value, ctx)` for the ports of its window
 *    (`offset` = port − window base);
 *  - `TimedDevice`: `update(nowNs)` (let virtual time pass: fire due events, raise/lower lines) and
 *    `nextEventNs()` (earliest future time at which it will do something on its own, or Infinity);
 *  - `IrqLine`: one interrupt request line of one vCPU (`raise()`, `lower()`), level-triggered.
 * Rules: devices are plain deterministic state machines: no host time, no randomness, never throw
 * for anything a guest writes (bad values set an error bit or are ignored). Time only moves forward
 * for a device (`update` with an earlier time is a no-op). Port values are 32-bit (`| 0`).
 * Each device folder follows the template {device.ts, persist.ts, metrics.ts}.
 */

export interface IoContext {
  /** Index of the vCPU executing the access. */
  readonly cpu: number;
  /** That vCPU's virtual time (ns, VM time base). */
  readonly nowNs: number;
}

export interface IoDevice {
  readonly name: string;
  read(offset: number, ctx: IoContext): number;
  write(offset: number, value: number, ctx: IoContext): void;
}

export interface TimedDevice {
  update(nowNs: number): void;
  nextEventNs(): number;
}

export interface IrqLine {
  /** Requests an interrupt at virtual time `atNs` (default: the time of the activity in progress). */
  raise(atNs?: number): void;
  lower(): void;
  /** Current level (true = requesting). */
  readonly level: boolean;
  /** Sets the level without touching the CPU (restore: the CPU's saved request lines are authoritative). */
  restoreLevel(level: boolean): void;
}

/** The all-ones value an unmapped port (or an unreadable register) reads as (docs/isa.md §9). */
export const FLOATING_BUS = -1;
