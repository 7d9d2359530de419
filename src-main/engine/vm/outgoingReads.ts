/**
 * outgoingReads — what a migration's sender half reads of a leaving machine, done where the machine is
 * (the source host's owner, `HostOwner`'s "migration sender" calls; or a bare machine in a test), with
 * plain replies: a page's bytes, the switch's check (digest and per-page hash list), whether a machine
 * is whole after a move that failed.
 *
 * `away(gpfn)` gives the bytes of a page the host keeps outside the machine (memory reclamation: the
 * machine marks it not present), so every read is what the guest would read there.
 * - `readOutgoingPage(guest, gpfn, away, out)` → the page's bytes, read at once (in place where the
 *   machine shows its words or the host keeps the page, else copied into `out`); undefined where the page reads as zeros without
 *   a frame (untouched) or nobody holds it (a broken source: it travels as a zero page and never verifies).
 * - `checkOutgoing(guest, away)` → `SourceCheck`: the machine digest and, from the same pass, its
 *   per-page hasher states (`DigestMemo`, 17 bytes a page: `hashes`, transferable) and the pages it
 *   cannot read.
 * - `outgoingWhole(guest, away)` → `SourceWhole`: running (not off, not crashed) with every page present
 *   or held by the host, and its digest ('' when off).
 */
import { DigestMemo, type GuestMachine } from './guestMachine';

/** A page the host keeps outside the machine, or undefined. */
export type AwayPage = (gpfn: number) => Uint8Array | undefined;

/** What the source sends for one member at the switch: plain data, `hashes` transferable. */
export interface SourceCheck {
  /** The member's machine digest on the paused source. */
  digest: string;
  pageCount: number;
  /** The digest's per-page hasher states (`DigestMemo.buffer`). */
  hashes: ArrayBuffer;
  /** Pages the source cannot read (not present, held by nobody). */
  unreadable: number[];
}

/** A member on the source after a move that failed or was cancelled. */
export interface SourceWhole {
  /** Running (not off, not crashed) with every page present or held by the host. */
  whole: boolean;
  /** Its digest, pages held elsewhere hashed as their contents ('' when off). */
  digest: string;
}

export function readOutgoingPage(guest: GuestMachine, gpfn: number, away: AwayPage, out: Uint8Array): Uint8Array | undefined {
  const state = guest.pageState(gpfn);
  if (state === 'untouched') return undefined;
  // A page the host keeps elsewhere: its kept bytes are the reply (read at once like any other).
  if (state === 'notPresent') return away(gpfn);
  const words = guest.pageWords?.(gpfn);
  return words ? new Uint8Array(words.buffer, words.byteOffset, words.byteLength) : guest.readPage(gpfn, out);
}

export function checkOutgoing(guest: GuestMachine, away: AwayPage): SourceCheck {
  const memo = new DigestMemo(guest.pageCount);
  const unreadable: number[] = [];
  const digest = guest.digest((g) => {
    const bytes = away(g);
    if (bytes === undefined) unreadable.push(g);
    return bytes;
  }, memo);
  return { digest, pageCount: guest.pageCount, hashes: memo.buffer, unreadable };
}

export function outgoingWhole(guest: GuestMachine, away: AwayPage): SourceWhole {
  const st = guest.state;
  let whole = st !== 'off' && st !== 'crashed';
  if (whole) guest.scanPages((g, hfn) => { if (hfn < 0 && !away(g)) whole = false; });
  return { whole, digest: st === 'off' ? '' : guest.digest(away) };
}
