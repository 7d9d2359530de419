/**
 * dirtyLogShare — one VM's dirty-page log read by more than one party without any of them missing a
 * page: the lab's counters (`engine.dirtyRate`, `mem.activewrite`: read and cleared once per sample) and
 * a live migration (read at every bitmap sync). The machine has one log (`GuestMachine.readAndClearDirty`);
 * whatever one reader takes is kept, as a set of pages, for every other reader attached at that time.
 *
 * `read(guest, vmNowNs, reader)` → the pages written since `reader` last read (undefined when the machine
 * has no log); `attach(reader)` / `detach(reader)` (the counters' reader is always there);
 * `save()` / `restore(state)`: the pages kept for each reader (the saved lab's: readers with none left
 * out); `state()`: every reader attached, with its pages (a share moving to another host: `dirtyLogShares.ts`).
 */
import type { GuestMachine } from './guestMachine';

export const COUNTERS_READER = 'counters';

export type DirtyLogShareState = [string, number[]][];

export class DirtyLogShare {
  private readonly pending = new Map<string, Set<number>>([[COUNTERS_READER, new Set()]]);

  attach(reader: string): void {
    if (!this.pending.has(reader)) this.pending.set(reader, new Set());
  }

  detach(reader: string): void {
    if (reader !== COUNTERS_READER) this.pending.delete(reader);
  }

  read(guest: GuestMachine, vmNowNs: number, reader: string): readonly number[] | undefined {
    const log = guest.readAndClearDirty?.(vmNowNs);
    if (!log) return undefined;
    const mine = this.pending.get(reader);
    if (this.pending.size === 1 && mine && mine.size === 0) return log.pages;
    for (const [name, set] of this.pending) if (name !== reader) for (const g of log.pages) set.add(g);
    if (!mine || mine.size === 0) return log.pages;
    for (const g of log.pages) mine.add(g);
    const out = [...mine].sort((a, b) => a - b);
    mine.clear();
    return out;
  }

  save(): DirtyLogShareState {
    return [...this.pending].filter(([, s]) => s.size > 0).map(([k, s]) => [k, [...s]]);
  }

  state(): DirtyLogShareState {
    return [...this.pending].map(([k, s]) => [k, [...s]]);
  }

  restore(state: DirtyLogShareState | undefined): void {
    for (const [k, pages] of state ?? []) this.pending.set(k, new Set(pages));
  }
}
