/**
 * machineHarness — test helper for whole guest machines (engine/machine): a bare-metal test program
 * booted on a machine, or the guests of resources/guests (labos and its programs) run in-process or
 * through the CLI (`node bin/hvlab.mjs run … --json`).
 *
 * Interface:
 *  - bare-metal programs: `bootMachine(src, config?, env?)` (assembled with cpuHarness's `build`,
 *    re-exported as `image`); `VEC(slots)`: a vector table at 0 whose slot k jumps to `slots[k]`
 *    (default label `fault`); `word(machine, addr)` reads guest-physical memory;
 *  - the guests: `GUESTS_DIR`, `readGuestFile(path)`, `catalogue()`, `labosImage(defines?, file?)`
 *    (assembled once per defines), `bootGuest(cmdline, opts)`, `finish(machine, untilNs)`,
 *    `runGuest(cmdline, { monitor, levels, vcpus, untilNs, memoryMiB, file, env })` → GuestRun,
 *    `runCli(args)` → { code, stdout, stderr }, `WORKLOADS` (finite command lines, small enough for
 *    tests: each runs in well under a second); `runningLabos()`: a small labos machine with real page
 *    contents (the migration tests' source).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble, formatDiagnostics, type AsmImage } from '../../src-main/engine/isa/index';
import {
  buildMachine, parseGuestCatalogue, runMachine, type GuestCatalogue, type Machine, type MachineConfigInput, type MachineEnv,
} from '../../src-main/engine/machine/index';
import { HostMemory } from '../../src-main/engine/memory/index';
import { build } from './cpuHarness';

/** A bare-metal test program, assembled (fails the test on diagnostics). */
export const image = build;

export function bootMachine(src: string, config: MachineConfigInput = {}, env: MachineEnv = {}): Machine {
  return buildMachine({ kind: 'boot', config, image: image(src) }, env);
}

export const VEC = (slots: Record<number, string>, dflt = 'fault'): string =>
  `  .org 0\n${Array.from({ length: 32 }, (_, k) => `  j ${slots[k] ?? dflt}`).join('\n')}\n`;

/** Reads a little-endian word of guest-physical memory. */
export const word = (m: Machine, addr: number): number => m.mem.readWord(addr as never);

export const ROOT = join(import.meta.dirname, '..', '..');
export const GUESTS_DIR = join(ROOT, 'resources', 'guests');

export function readGuestFile(path: string): string | undefined {
  try {
    return readFileSync(join(GUESTS_DIR, path), 'utf8');
  } catch {
    return undefined;
  }
}

export function catalogue(): GuestCatalogue {
  return parseGuestCatalogue(JSON.parse(readFileSync(join(GUESTS_DIR, 'guests.json'), 'utf8')));
}

const images = new Map<string, AsmImage>();
export function labosImage(defines: Record<string, number> = {}, file = 'labos.s'): AsmImage {
  const key = `${file} ${JSON.stringify(defines)}`;
  let img = images.get(key);
  if (!img) {
    const r = assemble(readGuestFile(file) ?? '', { file, defines, readInclude: (p) => readGuestFile(p) });
    if (!r.ok) throw new Error(formatDiagnostics(r.diagnostics));
    img = r.image;
    images.set(key, img);
  }
  return img;
}

export interface GuestRun {
  machine: Machine;
  console: string;
  state: string;
  exitCode: number | null;
  digest: string;
  endNs: number;
  stoppedBy: string;
}

export interface RunOpts {
  /** interp (default), te, bt, hw or pv. */
  monitor?: string;
  levels?: 2 | 4;
  vcpus?: number;
  memoryMiB?: number;
  untilNs?: number;
  /** The kernel's source (default labos.s; labos-pv.s is the paravirtualized build). */
  file?: string;
  /** Machine wiring, e.g. a monitor built with options (`createMonitor`). */
  env?: MachineEnv;
}

export function bootGuest(cmdline: string, o: RunOpts = {}): Machine {
  return buildMachine({
    kind: 'boot',
    config: { vcpus: o.vcpus ?? 1, memoryBytes: (o.memoryMiB ?? 16) << 20, levels: o.levels ?? 2, monitor: o.monitor ?? 'interp', cmdline, bootNs: 0 },
    image: labosImage({}, o.file ?? 'labos.s'),
  }, o.env ?? {});
}

export function finish(m: Machine, untilNs: number): GuestRun {
  const out = runMachine(m, { untilNs });
  return { machine: m, console: m.consoleRead(0).text, state: m.state, exitCode: m.exitCode, digest: m.digest(), endNs: out.endNs, stoppedBy: out.stoppedBy };
}

export function runGuest(cmdline: string, o: RunOpts = {}): GuestRun {
  return finish(bootGuest(cmdline, o), o.untilNs ?? 2e9);
}

export function runCli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'hvlab.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Every workload with finite, test-sized parameters (sensitive and selftest take none). */
export const WORKLOADS: Readonly<Record<string, string>> = {
  hello: 'hello',
  cpu: 'cpu iterations=60000 report=20000',
  memwrite: 'memwrite wss_kib=64 rate_pps=20000 passes=2',
  memgrow: 'memgrow kib=256 step_kib=64 period_ms=1 hold=0',
  pagetable: 'pagetable pages=16 rounds=4',
  tlbmiss: 'tlbmiss wss_kib=512 touches=4000',
  syscall: 'syscall count=500',
  io: 'io sectors=16 rounds=1',
  idle: 'idle ms=3',
  mixed: 'mixed iterations=30000 wss_kib=64 passes=1 pages=8 rounds=2 count=200 touches=2000',
  sensitive: 'sensitive',
  selftest: 'selftest',
};

/** A 16 MiB one-vCPU labos machine on its own host pool, running `mixed` under `interp`, run to 4 ms of
 *  guest time: real page contents (kernel, page tables, a workload's data) for tests that move pages. */
export function runningLabos(hostMemory = new HostMemory()): Machine {
  const m = buildMachine({
    kind: 'boot', config: { vcpus: 1, memoryBytes: 16 << 20, levels: 2, monitor: 'interp', cmdline: WORKLOADS.mixed, bootNs: 0 }, image: labosImage({}, 'labos.s'),
  }, { hostMemory });
  runMachine(m, { untilNs: 4e6 });
  return m;
}
