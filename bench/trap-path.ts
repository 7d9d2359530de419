/**
 * bench/trap-path — the cost of a deprivileging monitor's trap path (virtualControl.ts, shared by te
 * and pv): a kernel loop in which every instruction but two is privileged (cli, sti, mfcr, mtcr), so
 * under `te` and `pv` each one traps to the monitor, is decoded and emulated on the virtual CPU.
 * Guest instructions per second of this process's CPU time (robust on a shared machine), each
 * monitor in its own process, after a warm-up run.
 * Run: `npm run bench -- trap-path` (or `node --import tsx bench/trap-path.ts [--seconds S]`).
 * Prints ONE JSON object. A benchmark is a measurement, not a test: docs/PERFORMANCE.md records it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Cpu } from '../src-main/engine/cpu/index';
import { assemble, formatDiagnostics, type AsmImage } from '../src-main/engine/isa/index';
import { GuestPhysicalMemory, HostMemory } from '../src-main/engine/memory/index';
import type { Gpa } from '../src-main/engine/mmu/index';
import { createMonitor, type MonitorKind } from '../src-main/engine/monitors/index';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = arg('seconds', 1.5);
const MONITORS: MonitorKind[] = ['te', 'pv'];

const PROGRAM = `
  .org 0x2000
_start:
  li r2, 0
.loop:
  cli
  sti
  mfcr r1, vbar
  mtcr vbar, r1
  addi r2, r2, 1
  j .loop
`;

function image(): AsmImage {
  const r = assemble(PROGRAM, { file: 'trap-path.s' });
  if (!r.ok) throw new Error(formatDiagnostics(r.diagnostics));
  return r.image;
}

/** Runs the loop under `kind` for `seconds` of CPU time after a warm-up: guest instructions per CPU second. */
function measure(kind: MonitorKind): { instructions: number; cpuSeconds: number; mips: number } {
  const img = image();
  const mem = new GuestPhysicalMemory(new HostMemory(), 1 << 20);
  mem.writeBytes(img.loadAddress as Gpa, img.bytes);
  const cpu = new Cpu(mem, { monitor: createMonitor(kind) });
  cpu.reset(img.entry);
  cpu.run(20_000_000);
  const u0 = process.cpuUsage();
  let instructions = 0;
  let u = process.cpuUsage(u0);
  while (u.user + u.system < SECONDS * 1e6) {
    instructions += cpu.run(100_000_000).instructions;
    u = process.cpuUsage(u0);
  }
  const cpuSeconds = (u.user + u.system) / 1e6;
  return { instructions, cpuSeconds: Math.round(cpuSeconds * 1000) / 1000, mips: Math.round((instructions / cpuSeconds / 1e6) * 100) / 100 };
}

const one = process.argv.indexOf('--one');
if (one >= 0) {
  console.log(JSON.stringify(measure(process.argv[one + 1] as MonitorKind)));
} else {
  const results: Record<string, unknown> = {};
  for (const kind of MONITORS) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--one', kind, '--seconds', String(SECONDS)], { encoding: 'utf8' });
    results[kind] = r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()!) : { error: (r.stderr || r.stdout).trim().split('\n').slice(-3).join('\n') };
  }
  console.log(JSON.stringify({
    benchmark: 'trap-path', unit: 'million guest instructions per second of process CPU time (nearly every instruction traps)',
    method: 'each monitor in its own process, a 20 M-cycle warm-up, then runs of 100 M cycles until the CPU-time budget is spent',
    results,
  }, null, 2));
}
