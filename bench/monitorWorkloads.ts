/**
 * bench/monitorWorkloads — the monitors benchmark's workloads (`cpu`, `mixed`, `large`, `cold`), built on the
 * engine of any checkout of this project: what bench/monitors.ts measures from power-on in a fresh process and
 * bench/monitors-ab.ts runs side by side for two trees in one process.
 * Interface: `openWorkload(name, monitor, engineRoot, now)` → a `Workload`: `step(warm)` runs one fixed piece of
 * guest work and returns its instructions (undefined when the workload has ended): a labos machine advanced by
 * 2 ms of machine time while `warm` (the start phase) and 20 ms after, a bare program run for 1 M cycles (`cold`
 * restarts on a fresh memory whenever it halts); `cycles()` the virtual cycles so far; `btFigures()` the binary
 * translator's counters (bt only); `takeTranslateMs()` the host time spent in the translation cache's
 * `translate` since the last call (clock `now`, a wrapper on that tree's TranslationCache.prototype);
 * `runOneProcess(workload, monitor, engineRoot, clock, env?, nodeFlags?)` → one fresh process of bench/monitors.ts
 * `--one` (a run from power-on), started with `nodeFlags` before the script (V8 flags such as `--always-sparkplug`:
 * NODE_OPTIONS does not carry them): its JSON line, or `{ error }` with the end of its output.
 * Rules: the engine's modules are loaded from `engineRoot` at run time, so two trees in one process share no
 * module state; open a tree once per process (each open wraps its `translate` once more). A step's virtual work
 * depends only on the workload and the step's `warm` flag, never on host time: two trees given the same steps
 * do the same guest work.
 */
import type { Cpu, Monitor } from '../src-main/engine/cpu/index';
import type { AsmImage } from '../src-main/engine/isa/index';
import type { Machine } from '../src-main/engine/machine/index';
import type { MonitorKind } from '../src-main/engine/monitors/index';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Start-phase host seconds per workload (translation and V8's compiles happen in them); `large` needs long (V8 optimises ~60 generated functions). */
export const START_SECONDS: Record<string, number> = { cpu: 3, mixed: 3, large: 8, cold: 2 };

export interface Workload {
  step(warm: boolean): number | undefined;
  cycles(): number;
  btFigures(): Record<string, number> | undefined;
  takeTranslateMs(): number;
}

export async function openWorkload(name: string, mon: MonitorKind, engineRoot: string, now: () => number): Promise<Workload> {
  const load = (p: string): Promise<Record<string, unknown>> => import(pathToFileURL(join(engineRoot, p)).href) as Promise<Record<string, unknown>>;
  // The modules of the engine under measurement, loaded at run time.
  const cpuMod: any = await load('src-main/engine/cpu/index.ts');
  const isa: any = await load('src-main/engine/isa/index.ts');
  const machine: any = await load('src-main/engine/machine/index.ts');
  const memory: any = await load('src-main/engine/memory/index.ts');
  const monitors: any = await load('src-main/engine/monitors/index.ts');
  const translator: any = await load('src-main/engine/translator/index.ts');
  const machineHarness: any = await load('test/helpers/machineHarness.ts');
  const cpuHarness: any = await load('test/helpers/cpuHarness.ts');

  // Host time spent translating (new Function included), measured around the cache's translate().
  let translateMs = 0;
  const proto = translator.TranslationCache.prototype;
  const origTranslate = proto.translate;
  proto.translate = function (this: unknown, ...args: unknown[]) {
    const t0 = now();
    try {
      return origTranslate.apply(this, args);
    } finally {
      translateMs += now() - t0;
    }
  };

  function btFigures(cpus: Cpu[]): Record<string, number> | undefined {
    const m = cpus[0]?.monitor;
    if (!(m instanceof monitors.BinaryTranslationMonitor)) return undefined;
    const c = (m as unknown as { counters(c: Cpu): Record<string, number> }).counters(cpus[0]);
    const lookups = c['bt.cacheHits'] + c['bt.chainedJumps'] + c['bt.cacheMisses'];
    // Relabels recompile a region with one more entry label: a storm of them shows here, not in `translations`.
    const cache = (m as unknown as { executor: { cache(c: Cpu): { stats: { relabels: number } } } }).executor.cache(cpus[0]);
    return {
      relabels: cache.stats.relabels,
      translations: c['bt.translations'], translatedTus: c['bt.translatedTus'], translatedExecuted: c['bt.translatedExecuted'],
      interpretedInstructions: c['bt.interpretedInstructions'], callouts: c['bt.callouts'], chainedJumps: c['bt.chainedJumps'],
      cacheHitRatePercent: lookups ? Math.round((10000 * (lookups - c['bt.cacheMisses'])) / lookups) / 100 : 0,
      translatedSharePercent: Math.round((10000 * c['bt.translatedExecuted']) / Math.max(1, c['bt.translatedExecuted'] + c['bt.interpretedInstructions'])) / 100,
    };
  }

  const build = (src: string): AsmImage => {
    const r = isa.assemble(src, { file: 'bench.s' });
    if (!r.ok) throw new Error(isa.formatDiagnostics(r.diagnostics));
    return r.image;
  };

  /** 2,048 blocks of 7 instructions (addi, andi, add, ldw, add, cmpi, a beq to the next block) on 14 pages, in an endless outer loop. */
  const largeProgram = (): AsmImage => {
    const lines = ['  .org 0x10000', '_start:', '  li r2, 0x80000', 'outer:'];
    for (let b = 0; b < 2048; b++) {
      lines.push(`  addi r1, r1, ${b & 127}`, '  andi r3, r1, 4092', '  add r4, r2, r3', '  ldw r5, 0(r4)', '  add r6, r6, r5', '  cmpi r1, -1', `  beq .skip${b}`, `.skip${b}:`);
    }
    lines.push('  j outer');
    return build(lines.join('\n'));
  };

  /** 64 Ki straight-line instructions run 32 times, then hlt (and again on a fresh machine): every page runs 32 times — too cold to translate. */
  const coldProgram = (): AsmImage => {
    const lines = ['  .org 0x10000', '_start:', '  li r9, 32', 'outer:'];
    for (let i = 0; i < 65536; i++) lines.push(`  addi r${1 + (i % 8)}, r${1 + ((i + 3) % 8)}, ${i & 255}`);
    lines.push('  addi r9, r9, -1', '  cmpi r9, 0', '  bne far', '  hlt', 'far:', '  la r10, outer', '  jr r10');
    return build(lines.join('\n'));
  };

  /** A labos workload (machine time advanced in 2 ms steps during the start, 20 ms after). */
  const labos = (cmdline: string): Workload => {
    const file = mon === 'pv' ? 'labos-pv.s' : 'labos.s';
    const m: Machine = machine.buildMachine({ kind: 'boot', config: { vcpus: 1, memoryBytes: 32 << 20, levels: 2, monitor: mon, cmdline, bootNs: 0 }, image: machineHarness.labosImage({}, file) });
    let until = 0;
    return {
      step: (warm) => {
        if (m.state === 'off' || m.state === 'crashed') return undefined;
        until += warm ? 2e6 : 20e6;
        return machine.runMachine(m, { untilNs: until }).instructions;
      },
      cycles: () => m.slots[0].cpu.counters.cycles,
      btFigures: () => btFigures(m.slots.map((x) => x.cpu)),
      takeTranslateMs: () => { const t = translateMs; translateMs = 0; return t; },
    };
  };

  /** A bare program (no OS) on one CPU; `fresh`: restart on a new memory whenever it halts (cold code stays cold). */
  const bare = (image: AsmImage, fresh: boolean): Workload => {
    let cpu!: Cpu;
    let cycles = 0;
    const boot = (): void => {
      const mem = new memory.GuestPhysicalMemory(new memory.HostMemory(), 4 << 20);
      cpuHarness.loadImage(mem, image);
      const m: Monitor = monitors.createMonitor(mon);
      cpu = new cpuMod.Cpu(mem, { monitor: m });
      cpu.reset(image.entry);
    };
    boot();
    let done = false;
    return {
      step: () => {
        if (done) return undefined;
        const r = cpu.run(1_000_000);
        cycles += r.cycles;
        if (r.reason !== 'budget') {
          if (!fresh) done = true;
          else boot();
        }
        return r.instructions;
      },
      cycles: () => cycles,
      btFigures: () => btFigures([cpu]),
      takeTranslateMs: () => { const t = translateMs; translateMs = 0; return t; },
    };
  };

  switch (name) {
    case 'cpu': return labos('cpu');
    case 'mixed': return labos('mixed');
    case 'large': return bare(largeProgram(), false);
    case 'cold': return bare(coldProgram(), true);
    default: throw new Error(`unknown workload ${name}`);
  }
}

/** One fresh process of bench/monitors.ts `--one` on the engine at `engineRoot` (this checkout's script, so only the engine differs between trees). */
export function runOneProcess(name: string, mon: MonitorKind, engineRoot: string, clock: string, env: NodeJS.ProcessEnv = process.env, nodeFlags: readonly string[] = []): Record<string, unknown> {
  const script = resolve(import.meta.dirname, 'monitors.ts');
  const r = spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', script, '--one', name, mon, '--engine-root', engineRoot, '--clock', clock], { encoding: 'utf8', maxBuffer: 16 << 20, env });
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n').slice(-3).join('\n') };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}
