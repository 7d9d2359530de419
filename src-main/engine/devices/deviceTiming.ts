/**
 * deviceTiming — THE table of device timing in virtual time (the companion of cpu/costModel.ts,
 * which holds CPU cycle costs; every port access already costs `io` cycles there).
 *
 * Interface: `DeviceTiming`, `DEFAULT_DEVICE_TIMING`, `makeDeviceTiming(overrides)`.
 * Rules: a machine passes its own table to its devices; values are virtual time (ns) or plain
 * ratios, never host timings. docs/cost-model.md lists every key (a test checks it) — keep in sync.
 */

export interface DeviceTiming {
  /** Shortest timer period a guest can program (µs); shorter values are raised to it. Our choice: keeps an interrupt storm from starving the guest. */
  timerMinPeriodUs: number;
  /** While a timer backlog exists, ticks are delivered at most this many times faster than the programmed rate (VMware-style catch-up; our choice of 4×). */
  timerCatchUpFactor: number;
  /** A backlog longer than this much virtual time is dropped (give-up), leaving one tick (VMware, "Timekeeping in VMware Virtual Machines": "tens of seconds, 60 s in some versions"). */
  timerGiveUpNs: number;
  /** Fixed latency of one disk command (ns): 100 µs, an SSD-class access (our choice). */
  diskCommandNs: number;
  /** Transfer time per 512-byte sector (ns): 2,560 ns = 200 MB/s (our choice). */
  diskSectorNs: number;
  /** Largest sector count a single disk command may transfer; larger counts fail with the error bit. */
  diskMaxSectors: number;
  /** A halted or parked vCPU of an SMP machine is re-polled this often for IPIs / START (the scheduler has no wake-up callback). */
  smpWakePollNs: number;
}

export const DEFAULT_DEVICE_TIMING: Readonly<DeviceTiming> = Object.freeze({
  timerMinPeriodUs: 10,
  timerCatchUpFactor: 4,
  timerGiveUpNs: 60_000_000_000,
  diskCommandNs: 100_000,
  diskSectorNs: 2_560,
  diskMaxSectors: 1024,
  smpWakePollNs: 1_000_000,
});

export function makeDeviceTiming(overrides: Partial<DeviceTiming> = {}): DeviceTiming {
  return { ...DEFAULT_DEVICE_TIMING, ...overrides };
}
