/**
 * traps — raising and delivering exceptions and interrupts (architectural semantics).
 *
 * Interface: `raise(cpu, cause, pc, epc, word, faultAddr, detail)` (asks the monitor, then
 * delivers), `deliver(cpu, cause, epc, faultAddr, detail)` (bare-hardware delivery),
 * `takeInterrupt(cpu)` (lowest pending unmasked line).
 * Rules (docs/isa.md §Exceptions):
 *  - delivery: EPC ← epc, EPSW ← PSW, CAUSE ← cause | detail, FADDR ← faultAddr (faults with an
 *    address), then K=1, IE=0, pc ← VBAR + 4*cause; costs `exceptionEntry` cycles;
 *  - a fault raised while an exception is being delivered (before the handler's first fetch
 *    succeeds) becomes a double fault (cause 8); a fault while delivering a double fault is a
 *    triple fault: the machine crashes (reported in cpu.crash, never thrown).
 */
import { CAUSE_BUS_ERROR, CAUSE_DOUBLE_FAULT, CAUSE_IRQ_BASE, CAUSE_MISALIGNED, CAUSE_PAGE_FAULT, CR_CAUSE, CR_EPC, CR_EPSW, CR_FADDR, CR_VBAR } from '../isa/index';
import type { Cpu } from './cpu';

export function raise(cpu: Cpu, cause: number, pc: number, epc: number, word: number, faultAddr: number, detail: number): void {
  const st = cpu.state;
  if (st.delivering !== 0) {
    if (st.delivering === 2) {
      cpu.crashVm('triple fault', pc, faultAddr, cause);
      return;
    }
    cpu.counters.doubleFaults++;
    cause = CAUSE_DOUBLE_FAULT;
    st.delivering = 2;
  }
  cpu.counters.causes[cause]++;
  const mon = cpu.monitor;
  if (mon) {
    cpu.counters.monitorTraps++;
    const d = mon.onTrap(cpu, { cause, pc, epc, word, faultAddr, detail, intercepted: false });
    if (d === 'resume') {
      cpu.counters.monitorEmulated++;
      return;
    }
    if (d === 'exit') {
      st.pc = pc;
      cpu.stopRequest = 'monitor';
      return;
    }
  }
  deliver(cpu, cause, epc, faultAddr, detail);
}

export function deliver(cpu: Cpu, cause: number, epc: number, faultAddr: number, detail: number): void {
  const st = cpu.state;
  const cr = st.cr;
  if (st.delivering === 0) st.delivering = 1;
  cr[CR_EPC] = epc;
  cr[CR_EPSW] = st.psw();
  cr[CR_CAUSE] = (cause & 0xff) | (detail & ~0xff);
  if (cause === CAUSE_PAGE_FAULT || cause === CAUSE_MISALIGNED || cause === CAUSE_BUS_ERROR || cause === CAUSE_DOUBLE_FAULT) cr[CR_FADDR] = faultAddr;
  st.kernel = true;
  st.ie = false;
  st.halted = false;
  st.stiShadow = false;
  cpu.updatePrivilege();
  st.pc = (cr[CR_VBAR] + cause * 4) | 0;
  cpu.charge(cpu.costs.exceptionEntry);
}

/** Delivers the lowest pending unmasked interrupt line (caller checked IE and pending). */
export function takeInterrupt(cpu: Cpu): void {
  const st = cpu.state;
  const pending = st.irqLines & st.irqMask;
  const line = 31 - Math.clz32(pending & -pending);
  st.halted = false;
  raise(cpu, CAUSE_IRQ_BASE + line, st.pc, st.pc, 0, 0, 0);
}
