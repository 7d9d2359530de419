/**
 * irqController — interrupt request lines from devices into the vCPUs, delivered in the target
 * vCPU's virtual time.
 *
 * Interface: `new IrqController(target, targetNow)` where `target(cpu)` returns the CPU now at
 * index `cpu` (anything with `raiseIrq(line)` / `lowerIrq(line)`) and `targetNow(cpu)` its virtual
 * time; `line(cpu, n)` → an `IrqLine` bound to that vCPU's request line n; `now` (the time of the
 * device activity in progress, set by the device set before updates and port accesses);
 * `deliverDue(cpu, nowNs)`, `nextDue(cpu)`; `save()` / `restore(s)`; `counters.raised[n]`.
 * Routing (docs/isa.md §9.8): per-vCPU devices (timers, IPIs) raise lines of their own vCPU;
 * shared devices (console, disk, RTC, power) are wired to vCPU 0 — a fixed-destination
 * controller, like a legacy PIC in front of the boot CPU.
 * Causality: vCPUs run interleaved, each at its own virtual time. A line raised at time T for a
 * vCPU whose clock is still before T (an IPI from a vCPU that ran ahead, a disk completion noticed
 * by another vCPU) is held and asserted when that vCPU's clock reaches T (`deliverDue`, driven by
 * the machine, which also ends run chunks at `nextDue`). A target already at or past T gets it at once.
 * Rules: lines are level-triggered; a device keeps its line raised until the driver acknowledges it;
 * `lower()` also cancels a held delivery. The controller looks the CPU up at each change, so a
 * machine may replace its CPUs (reboot) without rewiring; `resync()` re-applies every line.
 * `restoreLevel` sets a line's level without touching the CPU (restore: the CPU's saved request
 * lines are authoritative).
 */
import type { IrqLine } from './deviceModel';

export interface IrqTarget {
  raiseIrq(line: number): void;
  lowerIrq(line: number): void;
}

export interface HeldIrq {
  cpu: number;
  line: number;
  atNs: number;
}

export interface IrqControllerState {
  held: HeldIrq[];
  raised: number[];
}

class BoundLine implements IrqLine {
  level = false;
  constructor(private readonly ctl: IrqController, readonly cpu: number, readonly n: number) {}
  raise(atNs: number = this.ctl.now): void {
    if (!this.level) this.ctl.counters.raised[this.n]++;
    this.level = true;
    this.ctl.assert(this.cpu, this.n, atNs);
  }
  lower(): void {
    this.level = false;
    this.ctl.deassert(this.cpu, this.n);
  }
  restoreLevel(level: boolean): void {
    this.level = level;
  }
}

export class IrqController {
  counters = { raised: new Array<number>(16).fill(0) };
  /** Virtual time of the device activity in progress (the default time of a raise). */
  now = 0;
  private held: HeldIrq[] = [];
  private readonly lines: BoundLine[] = [];

  constructor(readonly target: (cpu: number) => IrqTarget | undefined, readonly targetNow: (cpu: number) => number = () => Infinity) {}

  line(cpu: number, n: number): IrqLine {
    const l = new BoundLine(this, cpu, n);
    this.lines.push(l);
    return l;
  }

  /** @internal */
  assert(cpu: number, n: number, atNs: number): void {
    if (this.targetNow(cpu) >= atNs) {
      this.dropHeld(cpu, n);
      this.target(cpu)?.raiseIrq(n);
      return;
    }
    const h = this.held.find((x) => x.cpu === cpu && x.line === n);
    if (h) h.atNs = Math.min(h.atNs, atNs);
    else this.held.push({ cpu, line: n, atNs });
  }

  /** @internal */
  deassert(cpu: number, n: number): void {
    this.dropHeld(cpu, n);
    this.target(cpu)?.lowerIrq(n);
  }

  private dropHeld(cpu: number, n: number): void {
    if (this.held.length) this.held = this.held.filter((x) => !(x.cpu === cpu && x.line === n));
  }

  /** Asserts the held lines of `cpu` that are due at its time `nowNs`. */
  deliverDue(cpu: number, nowNs: number): void {
    if (this.held.length === 0) return;
    const keep: HeldIrq[] = [];
    for (const h of this.held) {
      if (h.cpu === cpu && h.atNs <= nowNs) this.target(cpu)?.raiseIrq(h.line);
      else keep.push(h);
    }
    this.held = keep;
  }

  /** Earliest held delivery for `cpu`, or Infinity. */
  nextDue(cpu: number): number {
    let t = Infinity;
    for (const h of this.held) if (h.cpu === cpu && h.atNs < t) t = h.atNs;
    return t;
  }

  /** Re-applies every line's level to the current CPUs (after CPUs were rebuilt); held lines stay held. */
  resync(): void {
    for (const l of this.lines) {
      const t = this.target(l.cpu);
      if (!t) continue;
      if (l.level && !this.held.some((h) => h.cpu === l.cpu && h.line === l.n)) t.raiseIrq(l.n);
      else t.lowerIrq(l.n);
    }
  }

  save(): IrqControllerState {
    return { held: this.held.map((h) => ({ ...h })), raised: [...this.counters.raised] };
  }

  restore(s: IrqControllerState): void {
    this.held = s.held.map((h) => ({ ...h }));
    this.counters = { raised: [...s.raised] };
  }
}
