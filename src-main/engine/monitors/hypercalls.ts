/**
 * hypercalls — the paravirtual ABI of the `pv` monitor: hypercall numbers, event ports and the
 * layout of the shared area (Xen's shared_info + I/O rings, Barham et al., SOSP 2003).
 *
 * Interface: `HC` (numbers), `HYPERCALL_NAMES`, `PV_PORT`, `PV_LAYOUT` (offsets in the shared
 * area), `BLOCK_SLOTS`, `CONSOLE_RING_BYTES`, `MMU_BATCH_MAX`, `TLB_OP`.
 * ABI: the guest puts the number in r1 and arguments in r2..r6 and executes `hcall`; the result
 * comes back in r1 (-1 = refused). docs/monitors.md ("Paravirtualization") documents each call.
 * Rules: keep in sync with resources/guests/labos/pv.inc (the guest's copy of these numbers).
 */

export const HC = {
  /** r2 = guest-physical address of the shared area → 0. */
  SET_SHARED: 1,
  /** r2 = address of {pte address, value} pairs, r3 = count → entries applied (batched page-table updates, Xen mmu_update). */
  MMU_UPDATE: 2,
  /** r2 = TLB_OP.*, r3 = argument → 0. */
  TLB_OP: 3,
  /** r2 = PV_PORT.*: work is waiting in that ring (Xen event-channel send) → 0. */
  EVTCHN_SEND: 4,
  /** Deliver the events that arrived while masked (after the guest cleared the mask) → 0. */
  EVTCHN_UNMASK: 5,
  /** Unmask events and idle until one is delivered (Xen SCHEDOP_block) → 0. */
  BLOCK: 6,
  /** r2 = port → value: the emulated devices that have no ring (timer, RTC, boot block, power, SMP). */
  IO_READ: 7,
  /** r2 = port, r3 = value → 0. */
  IO_WRITE: 8,
  /** → virtual machine status word: MSW_K if the guest is in (virtual) kernel mode | MSW_PG. */
  VCPU_STATUS: 9,
} as const;

export const HYPERCALL_NAMES: Readonly<Record<number, string>> = {
  1: 'set_shared', 2: 'mmu_update', 3: 'tlb_op', 4: 'evtchn_send', 5: 'evtchn_unmask', 6: 'block', 7: 'io_read', 8: 'io_write', 9: 'vcpu_status',
};

export const TLB_OP = { INVLPG: 0, FLUSH: 1, SET_ROOT: 2, PAGING: 3 } as const;

export const PV_PORT = { CONSOLE: 1, BLOCK: 2 } as const;

/** Offsets in the shared area (bytes). */
export const PV_LAYOUT = {
  MASK: 0x000,
  PENDING: 0x004,
  CON_PROD: 0x010,
  CON_CONS: 0x014,
  BLK_REQ_PROD: 0x020,
  BLK_REQ_CONS: 0x024,
  BLK_RSP_PROD: 0x028,
  MMU_COUNT: 0x030,
  CON_BUF: 0x100,
  BLK_REQS: 0x200,
  BLK_RSPS: 0x280,
  MMU_BATCH: 0x300,
  SIZE: 0x800,
} as const;

export const CONSOLE_RING_BYTES = 256;
export const BLOCK_SLOTS = 8;
export const MMU_BATCH_MAX = 32;
