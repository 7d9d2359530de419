/**
 * wireFormat — the migration stream's records and what each costs on the wire, in bytes. The lab's
 * destination is built only from these records (their payloads are real page bytes, compressed or
 * encoded for real), and every byte counted here is a byte the link carried.
 *
 * The byte model is QEMU's (facts: "Wire format / byte accounting"), which matches QEMU's own
 * `transferred` counter to < 0.1 %:
 *  - every RAM page record starts with an 8-byte big-endian `offset | flags` header;
 *  - the first record of a pass names the RAM block (1-byte length + the block id, "pc.ram");
 *  - normal page = 8 + 4,096; zero page (RAM_SAVE_FLAG_ZERO) = 8 + 1, counted in `duplicate`;
 *  - XBZRLE page = 8 + 1 (encoding flag) + 2 (be16 length) + the encoded bytes;
 *  - each pass ends with an 8-byte end-of-section marker (RAM_SAVE_FLAG_EOS);
 *  - compressed pages travel as multifd packets (QEMU ≥ 5.0 compresses per packet, not per page):
 *    the packet header of QEMU's `MultiFDPacket_t` (magic, version, flags, pages_alloc, normal_pages,
 *    next_packet_size, packet_num, zero_pages, reserved words, a 256-byte RAM block name = 320 bytes)
 *    + 8 bytes per page offset + the compressed payload of the packet's normal pages;
 *  - this lab's own record for deduplication (QEMU has none): 8-byte header + 8-byte hash + 4-byte
 *    VM index + 4-byte page number = 24 bytes: "the destination already holds these bytes there";
 *  - post-copy page request, destination → source (MIG_RP_MSG_REQ_PAGES): 2 + 2 + 8 + 4 = 16 bytes;
 *  - device state (vCPUs, devices, monitor): the size of the machine's core state as plain data
 *    (`plainBytes`: numbers 8 bytes, strings their length, typed arrays their byte length) plus the
 *    section header.
 */
import { PAGE_SIZE_BYTES } from '../params';

export const PAGE_HEADER_BYTES = 8;
export const RAM_BLOCK_ID = 'pc.ram';
export const RAM_BLOCK_NAME_BYTES = 1 + RAM_BLOCK_ID.length;
export const NORMAL_PAGE_BYTES = PAGE_HEADER_BYTES + PAGE_SIZE_BYTES;
export const ZERO_PAGE_BYTES = PAGE_HEADER_BYTES + 1;
export const EOS_BYTES = 8;
export const MULTIFD_PACKET_HEADER_BYTES = 320;
export const MULTIFD_OFFSET_BYTES = 8;
export const DEDUP_RECORD_BYTES = PAGE_HEADER_BYTES + 8 + 4 + 4;
export const POSTCOPY_REQUEST_BYTES = 16;
/** Section header of the device state (QEMU: section type + id + name + instance + version). */
export const DEVICE_SECTION_HEADER_BYTES = 32;

export function xbzrleRecordBytes(encodedLength: number): number {
  return PAGE_HEADER_BYTES + 1 + 2 + encodedLength;
}

export function multifdPacketBytes(pages: number, payloadBytes: number): number {
  return MULTIFD_PACKET_HEADER_BYTES + MULTIFD_OFFSET_BYTES * pages + payloadBytes;
}

/** Bytes of a plain value on the wire (the device state's size model). */
export function plainBytes(x: unknown): number {
  if (x === null || x === undefined) return 1;
  switch (typeof x) {
    case 'number': return 8;
    case 'boolean': return 1;
    case 'string': return 4 + x.length;
    case 'object': {
      if (ArrayBuffer.isView(x)) return 4 + x.byteLength;
      if (Array.isArray(x)) {
        let n = 4;
        for (const v of x) n += plainBytes(v);
        return n;
      }
      if (x instanceof Map) {
        let n = 4;
        for (const [k, v] of x) n += plainBytes(k) + plainBytes(v);
        return n;
      }
      let n = 4;
      for (const [k, v] of Object.entries(x as Record<string, unknown>)) n += 1 + k.length + plainBytes(v);
      return n;
    }
    default: return 1;
  }
}
