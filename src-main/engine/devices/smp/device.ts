/**
 * smp/device — multiprocessor ports (docs/isa.md §9.7): which vCPU am I, how many are there,
 * start a parked secondary vCPU, and inter-processor interrupts (IRQ4).
 *
 * Interface: `new SmpDevice(host, ipiLines)` (one IPI line per vCPU); IoDevice `read/write`; `metrics`.
 * Registers (offsets from 0x60):
 *  - CPU_ID (r): index of the vCPU executing the `in`;  CPU_COUNT (r): number of vCPUs;
 *  - START_ENTRY (rw), START_ARG (rw): per-vCPU latches for the next START;
 *  - START (w: n → start vCPU n at START_ENTRY with r1 = START_ARG, kernel mode, IE = 0, paging
 *    off; ignored for vCPU 0, an out-of-range n or an already started vCPU; r: bitmask of started vCPUs);
 *  - IPI_SEND (w: n → raise IRQ4 on vCPU n; n may be the sender), IPI_ACK (w: lower this vCPU's IRQ4).
 * Rules: secondary vCPUs are parked (consume no CPU) until started; starting and IPIs are carried
 * out by the machine (`SmpHost`) so they take effect on the target's next run slice.
 */
import { FLOATING_BUS, type IoContext, type IoDevice, type IrqLine } from '../deviceModel';
import { SMP_CPU_COUNT, SMP_CPU_ID, SMP_IPI_ACK, SMP_IPI_SEND, SMP_START, SMP_START_ARG, SMP_START_ENTRY } from '../portMap';

export interface SmpHost {
  readonly cpuCount: number;
  /** Starts vCPU n (false when it cannot be started). */
  startCpu(n: number, entry: number, arg: number, nowNs: number): boolean;
  /** Bit i set = vCPU i is started. */
  startedMask(): number;
}

export interface SmpMetrics {
  starts: number;
  startsIgnored: number;
  ipisSent: number;
  ipisAcked: number;
}

export class SmpDevice implements IoDevice {
  readonly name = 'smp';
  entry: number[];
  arg: number[];
  metrics: SmpMetrics = { starts: 0, startsIgnored: 0, ipisSent: 0, ipisAcked: 0 };

  constructor(public host: SmpHost, readonly ipi: IrqLine[]) {
    this.entry = new Array<number>(ipi.length).fill(0);
    this.arg = new Array<number>(ipi.length).fill(0);
  }

  read(offset: number, ctx: IoContext): number {
    switch (offset) {
      case SMP_CPU_ID: return ctx.cpu;
      case SMP_CPU_COUNT: return this.host.cpuCount;
      case SMP_START_ENTRY: return this.entry[ctx.cpu] ?? 0;
      case SMP_START_ARG: return this.arg[ctx.cpu] ?? 0;
      case SMP_START: return this.host.startedMask() | 0;
      default: return FLOATING_BUS;
    }
  }

  write(offset: number, value: number, ctx: IoContext): void {
    switch (offset) {
      case SMP_START_ENTRY: this.entry[ctx.cpu] = value | 0; return;
      case SMP_START_ARG: this.arg[ctx.cpu] = value | 0; return;
      case SMP_START:
        if (this.host.startCpu(value >>> 0, this.entry[ctx.cpu] ?? 0, this.arg[ctx.cpu] ?? 0, ctx.nowNs)) this.metrics.starts++;
        else this.metrics.startsIgnored++;
        return;
      case SMP_IPI_SEND: {
        const line = this.ipi[value >>> 0];
        if (!line) return;
        this.metrics.ipisSent++;
        line.raise();
        return;
      }
      case SMP_IPI_ACK:
        this.metrics.ipisAcked++;
        this.ipi[ctx.cpu]?.lower();
        return;
      default:
        return;
    }
  }
}
