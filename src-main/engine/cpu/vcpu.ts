/**
 * vcpu — the architectural register file of one HV32 CPU: r0..r15, pc, the PSW (flags kept
 * lazily), control registers, halt state and interrupt request lines.
 *
 * Interface: `VcpuState` fields; `psw()` / `setPsw(v, allowIeAndK)`; `flagsFromCompare(a, b)`;
 * `save()` → `VcpuSaved` (plain data) and `VcpuState.restore(s)`.
 * Rules:
 *  - regs has 17 slots: index 16 is the sink that predecoded writes to r0 go to; regs[0] is
 *    never written, so r0 always reads 0.
 *  - Condition flags are lazy: fk = 0 means "flags of fa - fb" (set by cmp/cmpi), fk = 1 means
 *    "explicit ZNCV bits in fa" (tst, setf, iret). psw() materialises them.
 *  - STATUS and PTBR live in the MMU (its state is authoritative); cr[] holds the others.
 *  - irqLines are level-triggered request lines set by devices; irqMask is a monitor-owned
 *    mask (all ones on bare hardware).
 */
import { CR_COUNT, PSW_C, PSW_IE, PSW_K, PSW_N, PSW_V, PSW_Z } from '../isa/index';
import { RESET_PC } from '../params';

export interface VcpuSaved {
  readonly regs: number[];
  readonly pc: number;
  readonly psw: number;
  readonly cr: number[];
  readonly halted: boolean;
  readonly irqLines: number;
  readonly irqMask: number;
  readonly delivering: number;
  readonly stiShadow: boolean;
}

export function flagsOfCompare(a: number, b: number): number {
  const r = (a - b) | 0;
  return (r === 0 ? PSW_Z : 0) | (r < 0 ? PSW_N : 0) | ((a >>> 0) >= (b >>> 0) ? PSW_C : 0) | (((a ^ b) & (a ^ r)) < 0 ? PSW_V : 0);
}

export class VcpuState {
  regs = new Int32Array(17);
  pc = RESET_PC;
  fk = 1;
  fa = 0;
  fb = 0;
  ie = false;
  kernel = true;
  cr = new Int32Array(CR_COUNT);
  halted = false;
  irqLines = 0;
  irqMask = 0xffff;
  /** 0 = normal, 1 = delivering an exception (a fetch fault now is a double fault), 2 = delivering a double fault. */
  delivering = 0;
  /** Set by sti: interrupts are recognised only after the next instruction (x86-like interrupt shadow). */
  stiShadow = false;

  flags(): number {
    return this.fk === 0 ? flagsOfCompare(this.fa, this.fb) : this.fa & 15;
  }

  psw(): number {
    return this.flags() | (this.ie ? PSW_IE : 0) | (this.kernel ? PSW_K : 0);
  }

  /** Sets flags; IE and K only when allowIeAndK (kernel setf sets IE but never K; iret sets both). */
  setPsw(v: number, setIe: boolean, setK: boolean): void {
    this.fk = 1;
    this.fa = v & 15;
    this.fb = 0;
    if (setIe) this.ie = (v & PSW_IE) !== 0;
    if (setK) this.kernel = (v & PSW_K) !== 0;
  }

  save(): VcpuSaved {
    return {
      regs: Array.from(this.regs.subarray(0, 16)), pc: this.pc | 0, psw: this.psw(), cr: Array.from(this.cr),
      halted: this.halted, irqLines: this.irqLines, irqMask: this.irqMask, delivering: this.delivering, stiShadow: this.stiShadow,
    };
  }

  static restore(s: VcpuSaved): VcpuState {
    const v = new VcpuState();
    v.regs.set(s.regs);
    v.regs[0] = 0;
    v.pc = s.pc | 0;
    v.setPsw(s.psw, true, true);
    v.cr.set(s.cr);
    v.halted = s.halted;
    v.irqLines = s.irqLines;
    v.irqMask = s.irqMask;
    v.delivering = s.delivering;
    v.stiShadow = s.stiShadow;
    return v;
  }
}
