/**
 * console/device — the serial console (docs/isa.md §9.2): an output byte stream the UI shows and
 * an input queue the user types into, with IRQ1 while input is waiting (if enabled).
 *
 * Interface: `new ConsoleDevice(irq)`; IoDevice `read/write`; `readOutput(fromOffset)` →
 * {text, nextOffset} (absolute byte offsets; output older than CONSOLE_KEEP_BYTES is dropped but
 * offsets keep counting); `input(text)` queues bytes (host side) → false, queuing nothing, when they
 * would take the queue past CONSOLE_INPUT_MAX_BYTES (params.ts); `outputBytes`, `metrics`.
 * Registers: DATA (write: output the low byte; read: next input byte or −1), STATUS (bit 0 input
 * ready, bit 1 output ready — always), CTRL (bit 0 input interrupt enable).
 * Rules: bytes are 8-bit; text is Latin-1 both ways (input characters above U+00FF become '?').
 * IRQ1 is level-triggered: raised while CTRL.0 = 1 and the queue is not empty. The input queue is
 * bounded: a guest that never reads its console must not let typed input grow without limit.
 */
import { FLOATING_BUS, type IoContext, type IoDevice, type IrqLine } from '../deviceModel';
import { CON_CTRL, CON_CTRL_INPUT_IRQ, CON_DATA, CON_STATUS, CON_STATUS_INPUT, CON_STATUS_OUTPUT } from '../portMap';
import { CONSOLE_INPUT_MAX_BYTES } from '../../params';

/** Console output kept in the device (older bytes are dropped; offsets stay absolute). */
export const CONSOLE_KEEP_BYTES = 1 << 20;

export interface ConsoleMetrics {
  bytesOut: number;
  bytesIn: number;
  /** Reads of DATA with an empty queue. */
  emptyReads: number;
}

export class ConsoleDevice implements IoDevice {
  readonly name = 'console';
  ctrl = 0;
  /** Retained output; `outBase` is the absolute offset of its first byte. */
  out = '';
  outBase = 0;
  /** Input bytes not yet read by the guest. */
  inQueue: number[] = [];
  metrics: ConsoleMetrics = { bytesOut: 0, bytesIn: 0, emptyReads: 0 };

  constructor(readonly irq: IrqLine) {}

  get outputBytes(): number {
    return this.outBase + this.out.length;
  }

  readOutput(fromOffset: number): { text: string; nextOffset: number } {
    const from = Math.max(fromOffset, this.outBase);
    return { text: from >= this.outputBytes ? '' : this.out.slice(from - this.outBase), nextOffset: this.outputBytes };
  }

  input(text: string): boolean {
    if (this.inQueue.length + text.length > CONSOLE_INPUT_MAX_BYTES) return false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      this.inQueue.push(c > 0xff ? 0x3f : c);
    }
    this.metrics.bytesIn += text.length;
    this.syncIrq();
    return true;
  }

  syncIrq(): void {
    if ((this.ctrl & CON_CTRL_INPUT_IRQ) !== 0 && this.inQueue.length > 0) this.irq.raise();
    else if (this.irq.level) this.irq.lower();
  }

  private emit(byte: number): void {
    this.out += String.fromCharCode(byte & 0xff);
    this.metrics.bytesOut++;
    if (this.out.length > CONSOLE_KEEP_BYTES * 2) {
      const drop = this.out.length - CONSOLE_KEEP_BYTES;
      this.out = this.out.slice(drop);
      this.outBase += drop;
    }
  }

  read(offset: number, _ctx: IoContext): number {
    switch (offset) {
      case CON_DATA: {
        if (this.inQueue.length === 0) { this.metrics.emptyReads++; return -1; }
        const b = this.inQueue.shift()!;
        this.syncIrq();
        return b;
      }
      case CON_STATUS: return (this.inQueue.length > 0 ? CON_STATUS_INPUT : 0) | CON_STATUS_OUTPUT;
      case CON_CTRL: return this.ctrl;
      default: return FLOATING_BUS;
    }
  }

  write(offset: number, value: number, _ctx: IoContext): void {
    if (offset === CON_DATA) this.emit(value);
    else if (offset === CON_CTRL) {
      this.ctrl = value & CON_CTRL_INPUT_IRQ;
      this.syncIrq();
    }
  }
}
