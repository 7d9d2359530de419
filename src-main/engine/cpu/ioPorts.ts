/**
 * ioPorts — what the CPU needs from the device bus for `in` / `out`.
 *
 * Interface: `IoPorts` { read(port) → int32, write(port, value) }; `NULL_IO` (no devices:
 * reads return 0xffffffff like a floating bus, writes are ignored).
 * Rules: ports are 16-bit (0..0xffff), values 32-bit. The machine's device bus (devices/bus.ts) implements IoPorts;
 * a device that changes an IRQ line during read/write calls cpu.raiseIrq/lowerIrq, and the CPU
 * re-checks interrupts right after the I/O instruction.
 */
export interface IoPorts {
  read(port: number): number;
  write(port: number, value: number): void;
}

export const NULL_IO: IoPorts = {
  read: () => -1,
  write: () => {},
};
