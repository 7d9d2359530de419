/**
 * virtualControl — the guest's control registers as a deprivileging monitor (te, pv) emulates them.
 *
 * Interface: `readVirtualControl(cpu, vcr, index)` and `writeVirtualControl(cpu, vcr, index, value)`,
 * used on a trapped `mfcr` / `mtcr`.
 * Rules: `status` (paging on/off) and `ptbr` go to the real MMU, because the guest's address
 * space is real. `asid` is kept in the virtual registers and forwarded to the MMU (tagged TLBs).
 * Every other register lives only in the monitor's virtual copy `vcr`, masked exactly as the
 * hardware masks it (docs/isa.md §2.2), so the guest reads back what bare hardware would return.
 * One copy for every monitor, so they cannot drift apart.
 */
import type { Cpu } from '../cpu/index';
import { readControl, writeControl } from '../cpu/index';
import { CR_ASID, CR_EPC, CR_EPSW, CR_PTBR, CR_STATUS, CR_VBAR, PSW_MASK } from '../isa/index';

export function readVirtualControl(cpu: Cpu, vcr: Int32Array, index: number): number {
  return index === CR_STATUS || index === CR_PTBR ? readControl(cpu, index) : vcr[index];
}

export function writeVirtualControl(cpu: Cpu, vcr: Int32Array, index: number, value: number): void {
  if (index === CR_STATUS || index === CR_PTBR) writeControl(cpu, index, value);
  else if (index === CR_ASID) { vcr[index] = value; cpu.mmu.setAsid(value); }
  else if (index === CR_EPSW) vcr[index] = value & PSW_MASK;
  else if (index === CR_VBAR || index === CR_EPC) vcr[index] = value & ~3;
  else vcr[index] = value;
}
