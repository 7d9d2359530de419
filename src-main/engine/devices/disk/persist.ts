/**
 * disk/persist — the disk's saved state (plain data) and its restore.
 *
 * Interface: `DiskState`, `saveDisk(d)`, `restoreDisk(store, dma, irq, timing, s)`.
 * Rules: registers, the command in flight and metrics are saved. The contents are saved only when
 * the device owns them (a `BlockMap`: shared block buffers, copy-on-write, so saving is cheap);
 * a VM disk (`BlockStore` from the lab, e.g. a DiskChain) is saved by its owner, and `restoreDisk`
 * then receives it again as `store`.
 */
import type { BlockStore } from '../../vm/guestFactory';
import type { IrqLine } from '../deviceModel';
import type { DeviceTiming } from '../deviceTiming';
import { DISK_STATUS_DONE } from '../portMap';
import { BlockMap, type BlockMapState } from './blockMap';
import { DiskDevice, type DiskMetrics, type DiskOp, type DmaMemory } from './device';

export interface DiskState {
  sector: number; addr: number; count: number; status: number; op: DiskOp | null; lastNs: number; metrics: DiskMetrics;
  /** The device's own contents, or null when the disk belongs to the VM (saved by the lab). */
  contents: BlockMapState | null;
  capacityBytes: number;
}

export function saveDisk(d: DiskDevice): DiskState {
  return {
    sector: d.sector, addr: d.addr, count: d.count, status: d.status, op: d.op ? { ...d.op } : null, lastNs: d.lastNs,
    metrics: { ...d.metrics }, contents: d.store instanceof BlockMap ? d.store.save() : null,
    capacityBytes: d.store.blockCount * d.store.blockBytes,
  };
}

/** `store` is the VM's disk when it has one; otherwise the saved contents (or an empty map) are used. */
export function restoreDisk(store: BlockStore | undefined, dma: DmaMemory, irq: IrqLine, timing: DeviceTiming, s: DiskState): DiskDevice {
  const st = store ?? (s.contents ? BlockMap.restore(s.contents) : new BlockMap(s.capacityBytes));
  const d = new DiskDevice(st, dma, irq, timing);
  d.sector = s.sector;
  d.addr = s.addr;
  d.count = s.count;
  d.status = s.status;
  d.op = s.op ? { ...s.op } : null;
  d.lastNs = s.lastNs;
  d.metrics = { ...s.metrics };
  irq.restoreLevel((d.status & DISK_STATUS_DONE) !== 0);
  return d;
}
