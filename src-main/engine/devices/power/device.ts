/**
 * power/device — power and debug ports (docs/isa.md §9.5): the guest powers off or resets the
 * machine, writes debug bytes to the host log, and receives the host's shutdown / reboot
 * requests (the "VMware Tools" path of the power menu).
 *
 * Interface: `new PowerDevice(host, irq)`; IoDevice `read/write`; `request(kind)` (host side: true
 * when the guest has declared a handler); `debugText`, `exitCode`, `metrics`.
 * Registers: POWER_OFF (w: power off, value = exit code), DEBUG_OUT (w: one byte to the host log),
 * POWER_REQUEST (r: pending host request 0 none / 1 shutdown / 2 reboot; w: acknowledge, lowers
 * IRQ5), POWER_CTRL (rw: bit0 the guest handles requests, bit1 raise IRQ5 on a request),
 * RESET (w: reboot the machine — reload the image and restart every vCPU).
 * Rules: power-off and reset are carried out by the machine between instructions (`PowerHost`);
 * the device only records and forwards them. Debug output is kept (up to DEBUG_KEEP_BYTES) apart
 * from the console and is not guest-visible.
 */
import { FLOATING_BUS, type IoContext, type IoDevice, type IrqLine } from '../deviceModel';
import {
  POWER_CTRL, POWER_CTRL_HANDLER, POWER_CTRL_IRQ, POWER_DEBUG_OUT, POWER_OFF, POWER_REQUEST, POWER_REQUEST_NONE, POWER_RESET,
} from '../portMap';

export const DEBUG_KEEP_BYTES = 64 * 1024;

export interface PowerHost {
  /** The guest asked to power off with this exit code. */
  powerOff(exitCode: number): void;
  /** The guest asked for a machine reset. */
  reset(): void;
  /** One debug byte (for the host log). */
  debug?(byte: number): void;
}

export interface PowerMetrics {
  requests: number;
  debugBytes: number;
  resets: number;
}

export class PowerDevice implements IoDevice {
  readonly name = 'power';
  ctrl = 0;
  request = POWER_REQUEST_NONE;
  exitCode: number | null = null;
  debugText = '';
  metrics: PowerMetrics = { requests: 0, debugBytes: 0, resets: 0 };

  constructor(public host: PowerHost, readonly irq: IrqLine) {}

  /** Host request (1 shutdown, 2 reboot); false when the guest declared no handler. */
  hostRequest(kind: number): boolean {
    if (!(this.ctrl & POWER_CTRL_HANDLER)) return false;
    this.request = kind;
    this.metrics.requests++;
    if (this.ctrl & POWER_CTRL_IRQ) this.irq.raise();
    return true;
  }

  read(offset: number, _ctx: IoContext): number {
    switch (offset) {
      case POWER_REQUEST: return this.request;
      case POWER_CTRL: return this.ctrl;
      default: return FLOATING_BUS;
    }
  }

  write(offset: number, value: number, _ctx: IoContext): void {
    switch (offset) {
      case POWER_OFF:
        this.exitCode = value;
        this.host.powerOff(value);
        return;
      case POWER_DEBUG_OUT:
        this.metrics.debugBytes++;
        this.debugText += String.fromCharCode(value & 0xff);
        if (this.debugText.length > DEBUG_KEEP_BYTES * 2) this.debugText = this.debugText.slice(-DEBUG_KEEP_BYTES);
        this.host.debug?.(value & 0xff);
        return;
      case POWER_REQUEST:
        this.request = POWER_REQUEST_NONE;
        this.irq.lower();
        return;
      case POWER_CTRL:
        this.ctrl = value & (POWER_CTRL_HANDLER | POWER_CTRL_IRQ);
        if (!(this.ctrl & POWER_CTRL_IRQ)) this.irq.lower();
        else if (this.request !== POWER_REQUEST_NONE) this.irq.raise();
        return;
      case POWER_RESET:
        this.metrics.resets++;
        this.host.reset();
        return;
      default:
        return;
    }
  }
}
