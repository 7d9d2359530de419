/**
 * registers — register-name parsing shared by the assembler parts.
 *
 * Interface: `parseRegister(name)` → 0..15 or undefined (r0..r15, zero, fp, sp, lr; case-insensitive).
 */
import { REG_ALIASES } from './arch';

export function parseRegister(name: string): number | undefined {
  const n = name.toLowerCase();
  if (n in REG_ALIASES) return REG_ALIASES[n];
  const m = /^r([0-9]|1[0-5])$/.exec(n);
  return m ? Number(m[1]) : undefined;
}
