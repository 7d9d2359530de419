/**
 * vmReclaim — what the host has taken from one VM and keeps elsewhere: its pages out for activity
 * sampling, in its compression cache (real LZ4 bytes) and in its swap file (raw page bytes, in memory:
 * the lab's choice — the same accounting as a file on the datastore, saved with the lab), and the
 * VM's reclamation counters.
 *
 * Interface: `new VmReclaim(vmId, pages)`; `away` (gpfn → page out: kind + bytes); `zipCount`,
 * `zipFifo` (oldest first, for eviction to swap); `heldFrames()` (cache frames + sampled pages whose
 * frame was released: what the host pool charges to this VM beside its guest frames); counters `c`;
 * `save()` / `VmReclaim.restore()` (plain; bytes as Uint8Array).
 * Rules: a page is in `away` exactly while the guest memory marks it not present; the compression
 * cache stores two compressed pages per frame (2 KiB slots, so a page is kept only if it compresses
 * to half a page or less).
 */
import type { VmId } from '@shared/model/ids';

export const AWAY_SAMPLE = 0;
export const AWAY_ZIP = 1;
export const AWAY_SWAP = 2;
export type AwayKind = typeof AWAY_SAMPLE | typeof AWAY_ZIP | typeof AWAY_SWAP;

export interface AwayPage {
  kind: AwayKind;
  /** Raw page bytes (sample, swap) or the LZ4 block (zip). */
  bytes: Uint8Array;
  /** Sample: the page had a frame (released while out, held by the reclaimer). Zip: its FIFO sequence. */
  tag: number;
}

export interface VmReclaimCounters {
  swapOut: number;
  swapIn: number;
  zipped: number;
  zipRejected: number;
  unzipped: number;
  zipEvicted: number;
  zipBytesIn: number;
  doublePaging: number;
  /** Virtual ns the guest was charged or made to wait for swapped or compressed pages. */
  stallNs: number;
  /** Faults that found no free host frame for the page: the vCPU waited (ESX's "low" blocking). */
  memoryWaits: number;
  sampleTouches: number;
  balloonInflated: number;
  /** Pages a balloon driver gave up that the monitor had pinned: the host left them to the guest. */
  balloonPinnedRefused: number;
}

export function newReclaimCounters(): VmReclaimCounters {
  return { swapOut: 0, swapIn: 0, zipped: 0, zipRejected: 0, unzipped: 0, zipEvicted: 0, zipBytesIn: 0, doublePaging: 0, stallNs: 0, memoryWaits: 0, sampleTouches: 0, balloonInflated: 0, balloonPinnedRefused: 0 };
}

export interface VmReclaimState {
  vmId: VmId;
  away: [number, AwayKind, Uint8Array, number][];
  zipFifo: [number, number][];
  zipSeq: number;
  c: VmReclaimCounters;
  sampleEndMs: number;
  activeFast: number;
  activeSlow: number;
  activeKnown: boolean;
  balloonTarget: number;
  swapTarget: number;
  waiting: [number, number][];
  last: Record<string, number>;
}

export class VmReclaim {
  away = new Map<number, AwayPage>();
  zipFifo: [number, number][] = [];
  zipSeq = 0;
  zipCount = 0;
  sampledHeld = 0;
  c = newReclaimCounters();
  /** Virtual ms at which the current activity sample ends (pages out for sampling come back then). */
  sampleEndMs = 0;
  activeFast = 0;
  activeSlow = 0;
  activeKnown = false;
  balloonTarget = 0;
  swapTarget = 0;
  /** Pages a vCPU waits for because no host frame was free (gpfn → virtual ms it started waiting). */
  waiting = new Map<number, number>();
  /** Cumulative counters at the last real-time sample (for rates). */
  last: Record<string, number> = {};

  constructor(readonly vmId: VmId) {}

  /** Estimated active fraction: the larger of the last period's and the slow average (ESX keeps several). */
  get activeFraction(): number {
    return this.activeKnown ? Math.max(this.activeFast, this.activeSlow) : 1;
  }

  heldFrames(): number {
    return Math.ceil(this.zipCount / 2) + this.sampledHeld;
  }

  countKind(kind: AwayKind): number {
    let n = 0;
    for (const p of this.away.values()) if (p.kind === kind) n++;
    return n;
  }

  save(): VmReclaimState {
    return {
      vmId: this.vmId, away: [...this.away].map(([g, p]) => [g, p.kind, p.bytes, p.tag]), zipFifo: this.zipFifo.map(([g, s]) => [g, s]),
      zipSeq: this.zipSeq, c: { ...this.c }, sampleEndMs: this.sampleEndMs, activeFast: this.activeFast, activeSlow: this.activeSlow,
      activeKnown: this.activeKnown, balloonTarget: this.balloonTarget, swapTarget: this.swapTarget, waiting: [...this.waiting], last: { ...this.last },
    };
  }

  static restore(s: VmReclaimState): VmReclaim {
    const r = new VmReclaim(s.vmId);
    for (const [g, kind, bytes, tag] of s.away) {
      r.away.set(g, { kind, bytes, tag });
      if (kind === AWAY_ZIP) r.zipCount++;
      if (kind === AWAY_SAMPLE && tag) r.sampledHeld++;
    }
    r.zipFifo = s.zipFifo.map(([g, q]) => [g, q]);
    r.zipSeq = s.zipSeq;
    r.c = { ...newReclaimCounters(), ...s.c };
    r.sampleEndMs = s.sampleEndMs;
    r.activeFast = s.activeFast;
    r.activeSlow = s.activeSlow;
    r.activeKnown = s.activeKnown;
    r.balloonTarget = s.balloonTarget;
    r.swapTarget = s.swapTarget;
    r.waiting = new Map(s.waiting);
    r.last = { ...s.last };
    return r;
  }
}
