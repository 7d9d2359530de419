/**
 * arch — the architectural constants of the hvlab teaching ISA ("HV32").
 *
 * Interface: register numbers and names, PSW bits, control-register numbers,
 * exception causes / vector numbers, CAUSE register detail bits, PTE bits,
 * I/O port map and IRQ lines. docs/isa.md documents every value here.
 * Rules: this file and docs/isa.md are kept in sync by hand ("keep in sync with
 * docs/isa.md"); the instruction list itself lives only in opcodes.ts.
 */

/** General registers r0..r15. r0 reads as zero and ignores writes. */
export const REG_COUNT = 16;
/** Conventional frame pointer, stack pointer and link register. */
export const REG_FP = 13;
export const REG_SP = 14;
export const REG_LR = 15;

/** Register name aliases accepted by the assembler (besides r0..r15). */
export const REG_ALIASES: Readonly<Record<string, number>> = { zero: 0, fp: 13, sp: 14, lr: 15 };

/** PSW (processor status word) bits. ZNCV are set only by cmp/cmpi/tst. */
export const PSW_Z = 1 << 0;
export const PSW_N = 1 << 1;
export const PSW_C = 1 << 2;
export const PSW_V = 1 << 3;
/** Interrupt enable. */
export const PSW_IE = 1 << 4;
/** Kernel mode (1 = kernel / supervisor, 0 = user). */
export const PSW_K = 1 << 5;
/** Condition flag mask. */
export const PSW_FLAGS = PSW_Z | PSW_N | PSW_C | PSW_V;
/** Bits of the PSW that exist; other bits read as 0. */
export const PSW_MASK = PSW_FLAGS | PSW_IE | PSW_K;

/** Control registers (mfcr / mtcr operand). */
export const CR_STATUS = 0; // bit0 PG: paging enabled
export const CR_PTBR = 1; // page-table base (physical, aligned to the root table size)
export const CR_FADDR = 2; // faulting virtual address (page fault, misaligned)
export const CR_CAUSE = 3; // exception cause (bits 7:0) + detail bits
export const CR_EPC = 4; // saved PC on exception entry
export const CR_EPSW = 5; // saved PSW on exception entry
export const CR_VBAR = 6; // vector base address (virtual when paging is on)
export const CR_SCRATCH0 = 7; // kernel scratch
export const CR_SCRATCH1 = 8; // kernel scratch
export const CR_ASID = 9; // address-space id (tags TLB entries on a machine with a tagged TLB)
export const CR_COUNT = 10;
export const CR_NAMES: readonly string[] = ['status', 'ptbr', 'faddr', 'cause', 'epc', 'epsw', 'vbar', 'scratch0', 'scratch1', 'asid'];

/** STATUS bits. */
export const STATUS_PG = 1 << 0;
export const STATUS_MASK = STATUS_PG;

/** smsw result bits (machine status word, readable in any mode). */
export const MSW_K = 1 << 0; // current mode is kernel
export const MSW_PG = 1 << 1; // paging enabled

/** Exception causes; vector address = VBAR + 4 * cause. */
export const CAUSE_DIVIDE = 0;
export const CAUSE_ILLEGAL = 1;
export const CAUSE_PRIVILEGED = 2;
export const CAUSE_PAGE_FAULT = 3;
export const CAUSE_MISALIGNED = 4;
export const CAUSE_SYSCALL = 5;
export const CAUSE_HYPERCALL = 6;
export const CAUSE_BREAKPOINT = 7;
export const CAUSE_DOUBLE_FAULT = 8;
export const CAUSE_BUS_ERROR = 9;
/** Interrupt request line n is delivered with cause IRQ_BASE + n. */
export const CAUSE_IRQ_BASE = 16;
export const IRQ_LINES = 16;
/** Number of vector slots (4 bytes each). */
export const VECTOR_COUNT = 32;

export const CAUSE_NAMES: Readonly<Record<number, string>> = {
  0: 'divide', 1: 'illegal', 2: 'privileged', 3: 'page-fault', 4: 'misaligned', 5: 'syscall',
  6: 'hypercall', 7: 'breakpoint', 8: 'double-fault', 9: 'bus-error',
};
export function causeName(cause: number): string {
  if (cause >= CAUSE_IRQ_BASE && cause < CAUSE_IRQ_BASE + IRQ_LINES) return `irq${cause - CAUSE_IRQ_BASE}`;
  return CAUSE_NAMES[cause] ?? `cause${cause}`;
}

/** CAUSE register detail bits (page fault, misaligned, bus error). */
export const CAUSE_CODE_MASK = 0xff;
export const FAULT_WRITE = 1 << 8; // the access was a write
export const FAULT_FETCH = 1 << 9; // the access was an instruction fetch
export const FAULT_USER = 1 << 10; // the access was made with user privilege
export const FAULT_PRESENT = 1 << 11; // page was present: protection violation (else not-present)

/** Access kinds used by the MMU. */
export const ACCESS_READ = 0;
export const ACCESS_WRITE = 1;
export const ACCESS_FETCH = 2;
export type AccessKind = 0 | 1 | 2;

/** Page-table entry bits. Next-table / frame address = pte & PTE_ADDR_MASK. */
export const PTE_P = 1 << 0; // present
export const PTE_W = 1 << 1; // writable
export const PTE_U = 1 << 2; // user accessible
export const PTE_A = 1 << 3; // accessed (set by the walker at every level)
export const PTE_D = 1 << 4; // dirty (set by the walker in the leaf on a write)
export const PTE_PS = 1 << 5; // large page (machine parameter largePages; else reserved, must be 0)
export const PTE_G = 1 << 6; // reserved: global; ignored
export const PTE_ADDR_MASK = ~0x7f;

/** I/O port map (devices/portMap.ts has every register; see docs/isa.md §9). */
export const PORT_TIMER_BASE = 0x10;
export const PORT_CONSOLE_BASE = 0x20;
export const PORT_DISK_BASE = 0x30;
export const PORT_RTC_BASE = 0x40;
export const PORT_BOOT_BASE = 0x50;
export const PORT_SMP_BASE = 0x60;
export const PORT_BALLOON_BASE = 0x70;
export const PORT_POWER_BASE = 0xf0;
/** IRQ lines. */
export const IRQ_TIMER = 0;
export const IRQ_CONSOLE = 1;
export const IRQ_DISK = 2;
export const IRQ_RTC = 3;
export const IRQ_IPI = 4;
export const IRQ_POWER = 5;
