/**
 * The seam between the datacenter layer (hosts, scheduler, snapshots, migration) and the guest machine
 * (CPU + memory + devices + monitor) that actually executes a VM's guest software.
 *
 * - The host's CPU scheduler calls `runVcpu(vcpu, budgetCycles, hostNowNs)` for each vCPU it places on a
 *   physical CPU during a quantum; the machine executes real guest instructions until the budget is
 *   spent, the vCPU halts (waiting for an interrupt), or the guest crashes.
 * - Time: `hostNowNs` is the HOST's virtual time at the start of the slice. While a VM is descheduled,
 *   host time moves on without it; its timer device sees the gap and backs up ticks (delivered in a
 *   burst when it runs again, with a give-up limit) — the timekeeping behaviour the course teaches.
 * - Snapshots and migration use `save()` / the machine's restore path, and `digest()` to prove equality.
 *
 * Rules: implementations are deterministic and never throw for anything a guest does — a guest fault
 * ends in `state: 'crashed'` with a reason. All counters are cumulative counts of real events.
 */

export type GuestMachineState = 'running' | 'halted' | 'crashed' | 'off';

export interface VcpuRunResult {
  /** Cycles consumed (≤ budget, except that one instruction or event may overshoot slightly). */
  cyclesUsed: number;
  /** Guest instructions retired in this slice. */
  instructions: number;
  /** The vCPU executed HLT (or equivalent) and waits for an interrupt: no CPU demand until `nextWakeNs`. */
  halted: boolean;
  /** The machine crashed during this slice (see `crash`). */
  crashed: boolean;
  /** The guest powered itself off (e.g. after a guest shutdown request). */
  poweredOff: boolean;
}

export interface GuestCrash {
  reason: string;
  /** Faulting address, when there is one. */
  address?: number;
  /** Guest PC at the time of the crash. */
  pc?: number;
}

export interface GuestMachine {
  readonly vcpuCount: number;
  readonly state: GuestMachineState;
  readonly crash: GuestCrash | undefined;
  /** Clock rate the cost model converts cycles with (the host's). */
  readonly clockHz: number;

  runVcpu(vcpu: number, budgetCycles: number, hostNowNs: number): VcpuRunResult;
  isHalted(vcpu: number): boolean;
  /** Earliest host virtual time at which a halted vCPU becomes runnable (next timer tick), or Infinity. */
  nextWakeNs(vcpu: number): number;

  /** Cumulative event counters (instructions, traps by kind, page faults, TLB hits/misses, exits…). */
  counters(): Record<string, number>;
  /** Guest-visible memory statistics for the mem.* counters. */
  memoryStats(): { configuredBytes: number; touchedBytes: number; activeBytes: number };
  /** Guest clock as the guest OS keeps it (ticks counted × tick period), for the clock-lag counter. */
  guestClockNs(): number;

  /** Console (serial) output, from a byte offset; `consoleInput` queues keyboard/serial input. */
  consoleRead(fromOffset: number): { text: string; nextOffset: number };
  consoleInput(text: string): void;

  /** Ask the guest OS to shut down / restart (the "tools" path); false when the guest has no handler. */
  requestGuestShutdown(): boolean;
  requestGuestReboot(): boolean;

  /**
   * Dirty-page log (docs/memory-virtualization.md "Dirty-page tracking"): start it once (idempotent);
   * then each read returns the pages written since the previous one and clears them. Call between
   * slices (atomic with respect to the guest). Optional: a machine without it reports no dirty rate.
   */
  startDirtyLog?(nowNs: number): void;
  readAndClearDirty?(nowNs: number): { readonly pages: readonly number[]; readonly count: number };

  /** Plain, structured-clone-safe state; guest memory is shared copy-on-write, so this is cheap. */
  save(): unknown;
  /**
   * The lab drops this machine (power off, suspend, reset, revert): return every frame it maps to the
   * host's memory pool it was built on (`GuestConfig.hostMemory`). A state saved before keeps its own
   * references to the page contents. The machine must not run afterwards. Optional: a machine that takes
   * nothing from the host's pool has nothing to return.
   */
  release?(): void;
  /** Hash of the guest-visible state (registers + memory): equal digests ⇔ equal guest-visible state. */
  digest(): string;
}
