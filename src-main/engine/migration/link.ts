/**
 * link — the migration connection between two hosts in virtual time: a sender with a time cursor,
 * QEMU's rate limit in 100 ms slices, the wire's line rate, one-way latency, loss and a cut.
 *
 * `new MigrationLink(config, startNs)`; state is plain (`save()` / `MigrationLink.restore` / `load`).
 * - `send(bytes, mode)`: the sender puts `bytes` on the wire at its cursor and the cursor moves on; it
 *   returns the time the last byte leaves. `mode` 'live' obeys the rate limit (QEMU `max-bandwidth`:
 *   each 100 ms slice (BUFFER_DELAY) carries at most limit / 10 bytes; a record that does not fit waits
 *   for the next slice — as QEMU's migration thread sleeps out the rest of the slice — unless the slice
 *   is still empty, so one record larger than a slice still goes) — the live phase of pre-copy and
 *   post-copy's background push alike (the lab sets QEMU's max-postcopy-bandwidth to max-bandwidth, so
 *   techniques compare on the same link); 'switchover' uses the switchover cap (or the line rate when
 *   unthrottled).
 * - `sendUrgent(bytes, atNs)`: a page a post-copy vCPU waits for goes on a channel of its own (QEMU's
 *   postcopy-preempt channel) at the line rate from `atNs`, after the urgent pages before it, whatever
 *   the rate limiter or the background stream is doing; the sender's cursor does not move.
 * - `cpu(ns)`: the sender is busy for ns (compression): the cursor moves on without bytes.
 * - `idleUntil(t)`: the cursor is not earlier than t.
 * - `arrival(tLeave)` = tLeave + latency; `cutAtNs`, `isCut(t)`.
 * - Counters: `wireBytes` (payload / (1 − loss): lost packets are sent again), `payloadBytes`,
 *   `lostBytes`; the bytes sent in the current rate slice and the last full slice (QEMU estimates the
 *   bandwidth from the bytes sent per slice: `lastSliceBytes` / slice length).
 *
 * Rules: deterministic (loss is an expected share, not random draws); time only moves forward.
 */
import { MIGRATION_RATE_SLICE_MS } from '../params';

export type SendMode = 'live' | 'switchover';

export interface LinkConfig {
  /** Rate limit of the live phase, bytes/s (QEMU max-bandwidth). */
  rateLimitBytesPerS: number;
  /** Line rate, bytes/s. */
  lineBytesPerS: number;
  /** Switchover cap, bytes/s; 0 = line rate. */
  switchoverBytesPerS: number;
  latencyNs: number;
  loss: number;
  /** Absolute virtual time of a cut, or -1. */
  cutAtNs: number;
}

export interface LinkState {
  config: LinkConfig;
  startNs: number;
  cursorNs: number;
  sliceIndex: number;
  sliceBytes: number;
  lastSliceBytes: number;
  lastSliceMs: number;
  payloadBytes: number;
  wireBytes: number;
  lostBytes: number;
  /** When the wire finishes what was put on it last. */
  wireFreeNs: number;
  /** When the urgent (preempt) channel is free again. */
  urgentFreeNs: number;
}

const SLICE_NS = MIGRATION_RATE_SLICE_MS * 1e6;

export class MigrationLink {
  private s: LinkState;

  constructor(config: LinkConfig, startNs: number) {
    this.s = {
      config: { ...config }, startNs, cursorNs: startNs, sliceIndex: 0, sliceBytes: 0, lastSliceBytes: 0, lastSliceMs: 0,
      payloadBytes: 0, wireBytes: 0, lostBytes: 0, wireFreeNs: startNs, urgentFreeNs: startNs,
    };
  }

  static restore(state: LinkState): MigrationLink {
    const l = new MigrationLink(state.config, state.startNs);
    l.s = { ...state, config: { ...state.config } };
    return l;
  }

  /** Takes `state` as its own (a copy): the link moved on where another side sent on it. */
  load(state: LinkState): void {
    this.s = { ...state, config: { ...state.config } };
  }

  save(): LinkState {
    return { ...this.s, config: { ...this.s.config } };
  }

  get config(): Readonly<LinkConfig> { return this.s.config; }
  get cursorNs(): number { return this.s.cursorNs; }
  get payloadBytes(): number { return this.s.payloadBytes; }
  get wireBytes(): number { return this.s.wireBytes; }
  get lostBytes(): number { return this.s.lostBytes; }
  /** Bytes sent in the last complete rate slice and its length (QEMU's per-slice bandwidth estimate). */
  get lastSliceBytes(): number { return this.s.lastSliceBytes; }
  get lastSliceMs(): number { return this.s.lastSliceMs; }
  get cutAtNs(): number { return this.s.config.cutAtNs; }
  get wireFreeNs(): number { return this.s.wireFreeNs; }

  isCut(t: number): boolean {
    return this.s.config.cutAtNs >= 0 && t >= this.s.config.cutAtNs;
  }

  arrival(tLeaveNs: number): number {
    return tLeaveNs + this.s.config.latencyNs;
  }

  /** The index of the rate slice the cursor is in; a new slice closes the last one (the bandwidth estimate). */
  sliceOf(t: number): number {
    return Math.floor((t - this.s.startNs) / SLICE_NS);
  }

  /** Moves to the slice of the cursor, closing finished ones. */
  private roll(): void {
    const k = this.sliceOf(this.s.cursorNs);
    if (k === this.s.sliceIndex) return;
    // A slice that ended with bytes in it becomes the estimate; idle slices in between estimate 0.
    this.s.lastSliceBytes = k === this.s.sliceIndex + 1 ? this.s.sliceBytes : 0;
    this.s.lastSliceMs = MIGRATION_RATE_SLICE_MS;
    this.s.sliceIndex = k;
    this.s.sliceBytes = 0;
  }

  send(bytes: number, mode: SendMode): number {
    const c = this.s.config;
    this.roll();
    if (mode === 'live') {
      const budget = c.rateLimitBytesPerS * (MIGRATION_RATE_SLICE_MS / 1000);
      if (this.s.sliceBytes > 0 && this.s.sliceBytes + bytes > budget) {
        this.s.cursorNs = this.s.startNs + (this.s.sliceIndex + 1) * SLICE_NS;
        this.roll();
      }
    }
    const rate = mode === 'switchover' && c.switchoverBytesPerS > 0 ? Math.min(c.switchoverBytesPerS, c.lineBytesPerS) : c.lineBytesPerS;
    const wire = c.loss > 0 ? bytes / (1 - c.loss) : bytes;
    this.s.cursorNs = Math.max(this.s.cursorNs, this.s.wireFreeNs) + (wire / rate) * 1e9;
    this.s.wireFreeNs = this.s.cursorNs;
    this.s.sliceBytes += bytes;
    this.s.payloadBytes += bytes;
    this.s.wireBytes += wire;
    this.s.lostBytes += wire - bytes;
    return this.s.cursorNs;
  }

  sendUrgent(bytes: number, atNs: number): number {
    const c = this.s.config;
    const wire = c.loss > 0 ? bytes / (1 - c.loss) : bytes;
    const leave = Math.max(atNs, this.s.urgentFreeNs) + (wire / c.lineBytesPerS) * 1e9;
    this.s.urgentFreeNs = leave;
    this.s.sliceBytes += bytes;
    this.s.payloadBytes += bytes;
    this.s.wireBytes += wire;
    this.s.lostBytes += wire - bytes;
    return leave;
  }

  /** The sender works for `ns` without sending (e.g. compressing). */
  cpu(ns: number): void {
    this.s.cursorNs += ns;
  }

  idleUntil(t: number): void {
    if (this.s.cursorNs < t) this.s.cursorNs = t;
  }
}
