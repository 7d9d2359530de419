/**
 * harness — test helper for machines: assemble a bare-metal program and boot it.
 * `image(src)` → AsmImage (fails the test on diagnostics); `bootMachine(src, config?, env?)`;
 * `VEC(slots)`: a vector table at 0 whose slot k jumps to `slots[k]` (default label `fault`).
 */
import assert from 'node:assert/strict';
import { assemble, formatDiagnostics, type AsmImage } from '../../../src-main/engine/isa/index';
import { buildMachine, type Machine, type MachineConfigInput, type MachineEnv } from '../../../src-main/engine/machine/index';

export function image(src: string): AsmImage {
  const r = assemble(src, { file: 'test.s' });
  if (!r.ok) assert.fail(formatDiagnostics(r.diagnostics));
  return r.image;
}

export function bootMachine(src: string, config: MachineConfigInput = {}, env: MachineEnv = {}): Machine {
  return buildMachine({ kind: 'boot', config, image: image(src) }, env);
}

export const VEC = (slots: Record<number, string>, dflt = 'fault'): string =>
  `  .org 0\n${Array.from({ length: 32 }, (_, k) => `  j ${slots[k] ?? dflt}`).join('\n')}\n`;

/** Reads a little-endian word of guest-physical memory. */
export const word = (m: Machine, addr: number): number => m.mem.readWord(addr as never);
