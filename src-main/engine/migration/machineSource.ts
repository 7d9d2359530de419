/**
 * machineSource — a `MigrationEnv`'s source reads over machines in this thread (a test's or a bench's
 * bare machines, no lab and no host owner around them): the same reads the lab's source host owner does
 * (`vm/outgoingReads.ts`), so the mechanism behaves alike over both.
 *
 * `machineSource(machine, away?, members = 1)` → the env's `sourcePageCount`, `openSender` (the sender half,
 * `senderSide.ts`, held by the mechanism here, reading the machines directly), `sourceCore`, `sourceCheck`,
 * `sourceWhole` and `sourceHeldPages` (post-copy's held pages, `postcopyHold.ts`); `machine(m)` is member m's
 * machine on the source, `away(m, gpfn)` the bytes of a page its host keeps outside it (none by default). A
 * page is read at once (a view of the machine's words, or one page reused here).
 */
import { PAGE_SIZE_BYTES } from '../params';
import type { GuestMachine } from '../vm/guestMachine';
import { checkOutgoing, outgoingWhole, readOutgoingPage } from '../vm/index';
import type { MigrationEnv } from './migrationEnv';
import { writeHeldPages } from './postcopyHold';
import type { SourcePageRead } from './pageSender';
import { SenderSide } from './senderSide';

export type SourceReads = Pick<MigrationEnv, 'sourcePageCount' | 'openSender' | 'sourceCore' | 'sourceCheck' | 'sourceWhole' | 'sourceHeldPages'>;

export function machineSource(
  machine: (m: number) => GuestMachine, away: (m: number, gpfn: number) => Uint8Array | undefined = () => undefined, members = 1,
): SourceReads {
  const out = new Uint8Array(PAGE_SIZE_BYTES);
  const read: SourcePageRead = (m, gpfn) => readOutgoingPage(machine(m), gpfn, (g) => away(m, g), out);
  return {
    sourcePageCount: (m) => machine(m).pageCount,
    openSender: (setup, codecs, port) => {
      const counts = Array.from({ length: members }, (_, m) => machine(m).pageCount);
      return new SenderSide(read, counts, codecs, setup.options, port);
    },
    sourceCore: (m) => machine(m).saveCore(),
    sourceCheck: (m) => checkOutgoing(machine(m), (g) => away(m, g)),
    sourceWhole: (m) => outgoingWhole(machine(m), (g) => away(m, g)),
    sourceHeldPages: (pages) => writeHeldPages(pages, read),
  };
}
