/**
 * portMap — the I/O port numbers and IRQ lines of the HV32 devices (docs/isa.md §9).
 *
 * Interface: window bases and sizes (`*_BASE`, `*_PORTS`), register offsets per device, IRQ lines.
 * Rules: keep in sync with docs/isa.md §9 (window bases and lines come from isa/arch.ts). Offsets
 * are from the window base.
 */
import {
  IRQ_CONSOLE, IRQ_DISK, IRQ_IPI, IRQ_POWER, IRQ_RTC, IRQ_TIMER, PORT_BOOT_BASE, PORT_CONSOLE_BASE, PORT_DISK_BASE, PORT_POWER_BASE, PORT_RTC_BASE,
  PORT_SMP_BASE, PORT_TIMER_BASE, PORT_BALLOON_BASE,
} from '../isa/index';

export const TIMER_BASE = PORT_TIMER_BASE; // 0x10–0x17, per vCPU (each vCPU sees its own timer)
export const TIMER_PORTS = 8;
export const TIMER_CTRL = 0;
export const TIMER_PERIOD = 1;
export const TIMER_ACK = 2;
export const TIMER_TICKS = 3;
export const TIMER_MISSED = 4;
export const TIMER_DROPPED = 5;
export const TIMER_BACKLOG = 6;
/** Tickless idle: write n = absorb the next n due ticks; read = ticks absorbed since, and disarm. */
export const TIMER_SKIP = 7;
export const TIMER_CTRL_ENABLE = 1;
export const TIMER_CTRL_PERIODIC = 2;

export const CONSOLE_BASE = PORT_CONSOLE_BASE; // 0x20–0x27
export const CONSOLE_PORTS = 8;
export const CON_DATA = 0;
export const CON_STATUS = 1;
export const CON_CTRL = 2;
export const CON_STATUS_INPUT = 1;
export const CON_STATUS_OUTPUT = 2;
export const CON_CTRL_INPUT_IRQ = 1;

export const DISK_BASE = PORT_DISK_BASE; // 0x30–0x3F
export const DISK_PORTS = 16;
export const DISK_SECTOR = 0;
export const DISK_ADDR = 1;
export const DISK_COUNT = 2;
export const DISK_CMD = 3;
export const DISK_STATUS = 4;
export const DISK_ACK = 5;
export const DISK_CAPACITY = 6;
export const DISK_CMD_READ = 1;
export const DISK_CMD_WRITE = 2;
export const DISK_STATUS_BUSY = 1;
export const DISK_STATUS_ERROR = 2;
export const DISK_STATUS_DONE = 4;
/** Bytes per disk sector. */
export const SECTOR_BYTES = 512;

export const RTC_BASE = PORT_RTC_BASE; // 0x40–0x47
export const RTC_PORTS = 8;
export const RTC_SECONDS = 0;
export const RTC_MICROS = 1;
export const RTC_UPTIME_LO = 2;
export const RTC_UPTIME_HI = 3;
export const RTC_ALARM = 4;
export const RTC_ACK = 5;

export const BOOT_BASE = PORT_BOOT_BASE; // 0x50–0x57
export const BOOT_PORTS = 8;
export const BOOT_MEMSIZE = 0;
export const BOOT_LEVELS = 1;

export const SMP_BASE = PORT_SMP_BASE; // 0x60–0x67
export const SMP_PORTS = 8;
export const SMP_CPU_ID = 0;
export const SMP_CPU_COUNT = 1;
export const SMP_START_ENTRY = 2;
export const SMP_START_ARG = 3;
export const SMP_START = 4;
export const SMP_IPI_SEND = 5;
export const SMP_IPI_ACK = 6;

export const BALLOON_BASE = PORT_BALLOON_BASE; // 0x70–0x77
export const BALLOON_PORTS = 8;
export const BALLOON_TARGET = 0;
export const BALLOON_SIZE = 1;
export const BALLOON_INFLATE = 2;
export const BALLOON_DEFLATE = 3;
export const BALLOON_CTRL = 4;
export const BALLOON_STATUS = 5;
export const BALLOON_CTRL_DRIVER = 1;
export const BALLOON_STATUS_ERROR = 1;

export const POWER_BASE = PORT_POWER_BASE; // 0xF0–0xF7
export const POWER_PORTS = 8;
export const POWER_OFF = 0;
export const POWER_DEBUG_OUT = 1;
export const POWER_REQUEST = 2;
export const POWER_CTRL = 3;
export const POWER_RESET = 4;
export const POWER_CTRL_HANDLER = 1;
export const POWER_CTRL_IRQ = 2;
export const POWER_REQUEST_NONE = 0;
export const POWER_REQUEST_SHUTDOWN = 1;
export const POWER_REQUEST_REBOOT = 2;

export const IRQ_LINE_TIMER = IRQ_TIMER;
export const IRQ_LINE_CONSOLE = IRQ_CONSOLE;
export const IRQ_LINE_DISK = IRQ_DISK;
export const IRQ_LINE_RTC = IRQ_RTC;
export const IRQ_LINE_IPI = IRQ_IPI;
export const IRQ_LINE_POWER = IRQ_POWER;
