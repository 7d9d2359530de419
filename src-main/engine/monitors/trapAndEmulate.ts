/**
 * trapAndEmulate — the `te` monitor: classic trap-and-emulate (Popek & Goldberg 1974).
 *
 * Interface: `new TrapAndEmulateMonitor()` (a `VirtualCpu`), attach via `new Cpu(mem, { monitor })` (or
 * `attach(cpu)` after reset); `virtualKernel`, `virtualIe`, `vcr` (the guest's view);
 * `stats` {emulated by mnemonic, reflected by cause}; `save()` / `restore(cpu, s)`.
 * How it works:
 *  - the guest kernel is deprivileged: the real CPU always runs in user mode with real IE = 1;
 *    the guest's mode, IE and control registers live here (the virtual CPU);
 *  - a privileged instruction traps (cause privileged); in virtual kernel mode it is emulated
 *    on the virtual CPU (cli/sti/iret/mfcr/mtcr/hlt, and invlpg/tlbflush/in/out on the real
 *    MMU and bus), in virtual user mode it is reflected to the guest as a privileged fault;
 *  - every other exception and interrupt is reflected into the guest's virtual vector
 *    (virtual EPC/EPSW/CAUSE/FADDR, virtual K = 1, IE = 0); interrupts are masked on the real
 *    CPU (cpu.state.irqMask) while the virtual IE is 0;
 *  - memory: the MMU's permission checks use the virtual mode (cpu.userOverride), which is what
 *    a VMM achieves by switching between a kernel and a user shadow page table. With native
 *    paging the real MMU walks the guest's own tables (PTBR is passed through); with shadow paging
 *    (mmu/shadowPaging.ts) it walks the monitor's shadow tables instead;
 *  - the trap paths themselves (emulate, iret, reflect) are virtualControl.ts's, shared with `pv`:
 *    this monitor supplies only its interrupt-flag model (a field, interrupts masked while it is 0).
 * The Popek–Goldberg failure is an honest consequence: getf, setf and smsw are sensitive but
 * unprivileged, so they do not trap and execute with real user-mode semantics — setf silently
 * drops the guest's IE change, getf shows IE = 1 and K = 0, smsw shows user mode.
 */
import type { Cpu, Monitor, TrapDecision, TrapEvent } from '../cpu/index';
import { trapToVirtualCpu, virtualPsw, type TrapStats, type VirtualCpu } from './virtualControl';
import { CR_COUNT, CR_PTBR, CR_STATUS } from '../isa/index';

export interface TeState {
  readonly virtualKernel: boolean;
  readonly virtualIe: boolean;
  readonly vcr: number[];
  readonly stats: { emulated: Record<string, number>; reflected: Record<string, number> };
}

export class TrapAndEmulateMonitor implements Monitor, VirtualCpu {
  readonly name = 'te';
  virtualKernel = true;
  virtualIe = false;
  readonly vcr = new Int32Array(CR_COUNT);
  stats: TrapStats = { emulated: {}, reflected: {} };

  /** Takes over the CPU: the current (reset) state becomes the virtual state, then deprivileges. */
  attach(cpu: Cpu): void {
    const st = cpu.state;
    this.virtualKernel = st.kernel;
    this.virtualIe = st.ie;
    this.vcr.set(st.cr);
    this.apply(cpu);
  }

  /** Re-establishes the real CPU configuration from the virtual state. */
  apply(cpu: Cpu): void {
    const st = cpu.state;
    st.kernel = false;
    st.ie = true;
    st.irqMask = this.virtualIe ? 0xffff : 0;
    cpu.userOverride = !this.virtualKernel;
    cpu.updatePrivilege();
  }

  onTrap(cpu: Cpu, ev: TrapEvent): TrapDecision {
    cpu.charge(cpu.costs.monitorTrap);
    trapToVirtualCpu(cpu, this, ev);
    this.apply(cpu);
    return 'resume';
  }

  /** The guest's interrupt flag is a field here; while it is off, interrupts are masked on the real CPU (apply). */
  guestIe(): boolean {
    return this.virtualIe;
  }

  setGuestIe(_cpu: Cpu, on: boolean): void {
    this.virtualIe = on;
  }

  guestPsw(cpu: Cpu): number {
    return virtualPsw(cpu, this);
  }

  guestControl(cpu: Cpu, n: number): number {
    // STATUS and PTBR live in the MMU (hashed on their own by Cpu.digest); their cr[] slots hash as on bare hardware.
    return n === CR_STATUS || n === CR_PTBR ? cpu.state.cr[n] : this.vcr[n];
  }

  save(): TeState {
    return { virtualKernel: this.virtualKernel, virtualIe: this.virtualIe, vcr: Array.from(this.vcr), stats: { emulated: { ...this.stats.emulated }, reflected: { ...this.stats.reflected } } };
  }

  /** Restores the virtual CPU and re-applies it to a (restored) CPU. */
  restore(cpu: Cpu, s: TeState): void {
    this.virtualKernel = s.virtualKernel;
    this.virtualIe = s.virtualIe;
    this.vcr.set(s.vcr);
    this.stats = { emulated: { ...s.stats.emulated }, reflected: { ...s.stats.reflected } };
    cpu.monitor = this;
    this.apply(cpu);
  }
}
