/**
 * memoryDiff — the ground truth the dirty-tracking tests check a log against: a copy of every touched
 * page, and the pages whose contents differ from such a copy (including pages dropped since).
 */
import type { GuestPhysicalMemory } from '../../../src-main/engine/memory/index';

export function snapshotPages(mem: GuestPhysicalMemory): Map<number, Int32Array> {
  const out = new Map<number, Int32Array>();
  mem.forEachTouched((g, w) => out.set(g, w.slice()));
  return out;
}

export function changedPages(before: Map<number, Int32Array>, mem: GuestPhysicalMemory): number[] {
  const out: number[] = [];
  const zero = new Int32Array(1024);
  const seen = new Set<number>();
  mem.forEachTouched((g, w) => {
    seen.add(g);
    const b = before.get(g) ?? zero;
    for (let i = 0; i < 1024; i++) if (b[i] !== w[i]) { out.push(g); break; }
  });
  for (const g of before.keys()) if (!seen.has(g)) out.push(g);
  return out;
}
