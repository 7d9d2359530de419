/**
 * postcopyHold — post-copy's held pages written on the source's side: at the switch the source is paused
 * and its pages still to send are final, so each is written once, as a zero or normal page record, into
 * batches of about `MIGRATION_RECORD_BATCH_BYTES` that the receiver half keeps (`heldPages.ts`) and
 * serves every post-copy page from.
 *
 * `writeHeldPages(pages, read)` → `HeldPagesReply` (`vm/senderOrders.ts`: the batches and, per member,
 * which of the pages are zero pages). `pages` are the members' bitmap words (page g is bit g & 31 of word
 * g >>> 5); `read(m, g)` is the source's page as the guest reads it, read at once (undefined: reads as
 * zeros). Runs where the source's machines are: the source host's owner (`HostOwner.outgoingHeldPages`)
 * in the lab, `machineSource.ts` over bare machines. Nothing goes on the link and nothing is charged
 * here: the link carries each page when it is pushed or requested.
 *
 * Rules: members in order, pages ascending (the order the stream wrote them before: the same bytes); a
 * batch is cut once a further normal page (with its block name) could pass the batch size.
 */
import { MIGRATION_RECORD_BATCH_BYTES } from '../params';
import type { HeldPagesReply } from '../vm/index';
import { PageBitmap } from './bitmap';
import { isZeroPage } from './pageHash';
import type { SourcePageRead } from './pageSender';
import { RecordWriter, type RecordBatch } from './recordBuffer';
import { NORMAL_PAGE_BYTES, RAM_BLOCK_NAME_BYTES } from './wireFormat';

export function writeHeldPages(pages: readonly ArrayBuffer[], read: SourcePageRead): HeldPagesReply {
  const writer = new RecordWriter();
  const fullBatch = MIGRATION_RECORD_BATCH_BYTES - (NORMAL_PAGE_BYTES + RAM_BLOCK_NAME_BYTES);
  const batches: RecordBatch[] = [];
  const zero = pages.map((words, m) => {
    const toSend = PageBitmap.ofWords(new Uint32Array(words));
    const zeroPages = PageBitmap.empty(toSend.pages);
    toSend.forEach((g) => {
      // Read in place where the source shows its words: the record is the one copy made.
      const bytes = read(m, g);
      if (!bytes || isZeroPage(bytes)) { writer.zero(m, g); zeroPages.set(g); } else writer.normal(m, g, bytes);
      if (writer.size > fullBatch) batches.push(writer.take());
    });
    return zeroPages.state.words.buffer as ArrayBuffer;
  });
  if (writer.size > 0) batches.push(writer.take());
  return { batches, zero };
}
