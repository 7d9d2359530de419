/**
 * machineDigest — hashing one vCPU's guest-visible registers into a machine digest.
 *
 * Interface: `hashVcpu(h, cpu)`: r0..r15, pc, PSW, paging on/off, PTBR, control registers 0..9 —
 * the PSW and control registers as the guest believes them (a monitor's virtual CPU when it keeps
 * one), so the same guest under two correct monitors hashes alike.
 * Rules: the same fields, in the same order, as `Cpu.digest()` (cpu/cpu.ts) without the memory,
 * which the machine hashes once for all vCPUs — keep in sync with Cpu.digest.
 */
import type { Cpu } from '../cpu/index';
import type { Hasher } from '../memory/index';

export function hashVcpu(h: Hasher, cpu: Cpu): void {
  const st = cpu.state;
  for (let i = 0; i < 16; i++) h.word(st.regs[i]);
  const mon = cpu.monitor;
  h.word(st.pc).word(mon?.guestPsw ? mon.guestPsw(cpu) : st.psw()).word(cpu.mmu.pagingEnabled ? 1 : 0).word(cpu.mmu.ptbr);
  for (let i = 0; i < st.cr.length; i++) h.word(mon?.guestControl ? mon.guestControl(cpu, i) : st.cr[i]);
}
