/**
 * bench/monitors — guest instructions per host second under each CPU-virtualization monitor
 * (interp, te, bt, hw, pv), on: `cpu` (labos's compute workload: hot user code + timer ticks),
 * `mixed` (labos's concurrent cpu/memwrite/pagetable/syscall/tlbmiss processes), `large` (a bare
 * program whose hot code spans 2,048 blocks on 40 pages — the "many blocks" case of docs/monitors.md, "Why page regions") and
 * `cold` (a bare program of 64 Ki instructions run 32 times: code too cold to translate).
 * Also: translation host time, translations, cache hit rate, the translated/interpreted split.
 * Prints ONE JSON object. Run: `npm run bench -- monitors` (or `node --import tsx bench/monitors.ts`).
 * HVLAB_BENCH_SECONDS=S sets the measured host time per (workload, monitor) (default 2); each runs in
 * its own process after a warm-up (reported separately as `first`).
 * A benchmark is a measurement, not a test: docs/PERFORMANCE.md records its figures with the machine.
 */
import { Cpu, type Monitor } from '../src-main/engine/cpu/index';
import { assemble, formatDiagnostics, type AsmImage } from '../src-main/engine/isa/index';
import { buildMachine, runMachine, type Machine } from '../src-main/engine/machine/index';
import { GuestPhysicalMemory, HostMemory } from '../src-main/engine/memory/index';
import { BinaryTranslationMonitor, createMonitor, type MonitorKind } from '../src-main/engine/monitors/index';
import { TranslationCache } from '../src-main/engine/translator/index';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { labosImage } from '../test/helpers/machineHarness';
import { loadImage } from '../test/helpers/cpuHarness';

const SECONDS = Number(process.env.HVLAB_BENCH_SECONDS ?? 2);
const MONITORS: MonitorKind[] = ['interp', 'te', 'bt', 'hw', 'pv'];

// Host time spent translating (new Function included), measured around the cache's translate().
let translateMs = 0;
const origTranslate = TranslationCache.prototype.translate;
TranslationCache.prototype.translate = function (this: TranslationCache, ...args: Parameters<TranslationCache['translate']>) {
  const t0 = performance.now();
  try {
    return origTranslate.apply(this, args);
  } finally {
    translateMs += performance.now() - t0;
  }
};

interface Measure {
  instructions: number;
  hostSeconds: number;
  mips: number;
  virtualCycles: number;
  bt?: Record<string, number>;
  translateMs?: number;
}

function btFigures(cpus: Cpu[]): Record<string, number> | undefined {
  const mon = cpus[0]?.monitor;
  if (!(mon instanceof BinaryTranslationMonitor)) return undefined;
  const c = mon.counters(cpus[0]);
  const lookups = c['bt.cacheHits'] + c['bt.chainedJumps'] + c['bt.cacheMisses'];
  return {
    translations: c['bt.translations'], translatedTus: c['bt.translatedTus'], translatedExecuted: c['bt.translatedExecuted'],
    interpretedInstructions: c['bt.interpretedInstructions'], callouts: c['bt.callouts'], chainedJumps: c['bt.chainedJumps'],
    cacheHitRatePercent: lookups ? Math.round((10000 * (lookups - c['bt.cacheMisses'])) / lookups) / 100 : 0,
    translatedSharePercent: Math.round((10000 * c['bt.translatedExecuted']) / Math.max(1, c['bt.translatedExecuted'] + c['bt.interpretedInstructions'])) / 100,
  };
}

/** A labos workload: `warm` seconds of host time first (reported as "first"), then `steady` seconds measured. */
function labos(cmdline: string, monitor: MonitorKind, warm: number, steady: number): Measure & { first: Measure } {
  const file = monitor === 'pv' ? 'labos-pv.s' : 'labos.s';
  const m: Machine = buildMachine({ kind: 'boot', config: { vcpus: 1, memoryBytes: 32 << 20, levels: 2, monitor, cmdline, bootNs: 0 }, image: labosImage({}, file) });
  let until = 0;
  const phase = (seconds: number): Measure => {
    translateMs = 0;
    let instructions = 0;
    const c0 = m.slots[0].cpu.counters.cycles;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000 && m.state !== 'off' && m.state !== 'crashed') {
      until += 20e6;
      instructions += runMachine(m, { untilNs: until }).instructions;
    }
    const hostSeconds = (performance.now() - t0) / 1000;
    return { instructions, hostSeconds, mips: instructions / hostSeconds / 1e6, virtualCycles: m.slots[0].cpu.counters.cycles - c0, translateMs: monitor === 'bt' ? translateMs : undefined };
  };
  const first = phase(warm);
  const s = phase(steady);
  return { ...s, first, bt: btFigures(m.slots.map((x) => x.cpu)) };
}

function build(src: string): AsmImage {
  const r = assemble(src, { file: 'bench.s' });
  if (!r.ok) throw new Error(formatDiagnostics(r.diagnostics));
  return r.image;
}

/** 2,048 blocks of 5 instructions (addi, andi, ldw, add, a never-taken bne) on 40 pages, in an endless outer loop. */
function largeProgram(): AsmImage {
  const lines = ['  .org 0x10000', '_start:', '  li r2, 0x80000', 'outer:'];
  for (let b = 0; b < 2048; b++) {
    lines.push(`  addi r1, r1, ${b & 127}`, '  andi r3, r1, 4092', '  add r4, r2, r3', '  ldw r5, 0(r4)', '  add r6, r6, r5', '  cmpi r1, -1', `  beq .skip${b}`, `.skip${b}:`);
  }
  lines.push('  j outer');
  return build(lines.join('\n'));
}

/** 64 Ki straight-line instructions run 32 times, then hlt (and again on a fresh machine): every page runs 32 times — too cold to translate. */
function coldProgram(): AsmImage {
  const lines = ['  .org 0x10000', '_start:', '  li r9, 32', 'outer:'];
  for (let i = 0; i < 65536; i++) lines.push(`  addi r${1 + (i % 8)}, r${1 + ((i + 3) % 8)}, ${i & 255}`);
  lines.push('  addi r9, r9, -1', '  cmpi r9, 0', '  bne far', '  hlt', 'far:', '  la r10, outer', '  jr r10');
  return build(lines.join('\n'));
}

/** A bare program (no OS) on one CPU: `warm` seconds first, then `steady` seconds measured; `fresh`: restart on a new memory whenever it halts (cold code stays cold). */
function bare(image: AsmImage, monitor: MonitorKind, warm: number, steady: number, fresh: boolean): Measure & { first: Measure } {
  let cpu: Cpu;
  const boot = (): void => {
    const mem = new GuestPhysicalMemory(new HostMemory(), 4 << 20);
    loadImage(mem, image);
    const mon: Monitor = createMonitor(monitor);
    cpu = new Cpu(mem, { monitor: mon });
    cpu.reset(image.entry);
  };
  boot();
  let cycles = 0;
  const phase = (seconds: number): Measure => {
    translateMs = 0;
    let instructions = 0;
    let virtualCycles = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const r = cpu.run(1_000_000);
      instructions += r.instructions;
      virtualCycles += r.cycles;
      if (r.reason !== 'budget') {
        if (!fresh) break;
        boot();
      }
    }
    cycles += virtualCycles;
    const hostSeconds = (performance.now() - t0) / 1000;
    return { instructions, hostSeconds, mips: instructions / hostSeconds / 1e6, virtualCycles, translateMs: monitor === 'bt' ? translateMs : undefined };
  };
  const first = phase(warm);
  const s = phase(steady);
  return { ...s, first, bt: btFigures([cpu!]) };
}

const round = (m: Measure): Record<string, unknown> => ({
  ...m, hostSeconds: Math.round(m.hostSeconds * 1000) / 1000, mips: Math.round(m.mips * 10) / 10,
  translateMs: m.translateMs === undefined ? undefined : Math.round(m.translateMs * 10) / 10,
});

/** Workloads: [warm-up seconds, measured seconds, run]. `large` needs a long warm-up (V8 optimises ~60 generated functions). */
const WORKLOADS: Record<string, { warm: number; steady: number; run: (mon: MonitorKind, warm: number, steady: number) => Measure & { first: Measure } }> = {
  cpu: { warm: 2, steady: SECONDS, run: (mon, w, s) => labos('cpu', mon, w, s) },
  mixed: { warm: 2, steady: SECONDS, run: (mon, w, s) => labos('mixed', mon, w, s) },
  large: { warm: 8, steady: SECONDS, run: (mon, w, s) => bare(largeProgram(), mon, w, s, false) },
  cold: { warm: 0.5, steady: SECONDS, run: (mon, w, s) => bare(coldProgram(), mon, w, s, true) },
};

const one = process.argv.indexOf('--one');
if (one >= 0) {
  // Child mode: one (workload, monitor) measurement in a fresh process, printed as one JSON line.
  const [name, mon] = [process.argv[one + 1], process.argv[one + 2] as MonitorKind];
  const w = WORKLOADS[name];
  const m = w.run(mon, w.warm, w.steady);
  console.log(JSON.stringify({ ...round(m), first: round(m.first) }));
} else {
  const results: Record<string, Record<string, unknown>> = {};
  const ratios: Record<string, number> = {};
  for (const name of Object.keys(WORKLOADS)) {
    results[name] = {};
    const mips: Record<string, number> = {};
    const first: Record<string, number> = {};
    for (const mon of MONITORS) {
      if ((name === 'large' || name === 'cold') && mon === 'pv') continue; // bare programs have no PV build
      const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--one', name, mon], { encoding: 'utf8', maxBuffer: 16 << 20 });
      if (r.status !== 0) { results[name][mon] = { error: (r.stderr || r.stdout).trim().split('\n').slice(-3).join('\n') }; continue; }
      const m = JSON.parse(r.stdout.trim().split('\n').pop()!);
      results[name][mon] = m;
      mips[mon] = m.mips;
      first[mon] = m.first.mips;
    }
    for (const mon of ['bt', 'hw', 'pv']) {
      if (mips[mon] === undefined) continue;
      ratios[`${name}.${mon}/interp`] = Math.round((100 * mips[mon]) / mips.interp) / 100;
      ratios[`${name}.${mon}/interp.first`] = Math.round((100 * first[mon]) / first.interp) / 100;
    }
  }
  console.log(JSON.stringify({
    benchmark: 'monitors', unit: 'guest instructions per host second (mips = millions/s)',
    method: 'each (workload, monitor) in its own process: "first" = the first warm-up seconds (translation and V8 compilation included), the main figure = the next seconds',
    goals: { 'cpu.bt/interp': '>= 5', 'cpu.bt.mips': '>= 1000', 'cold.bt/interp': '>= 1 (never slower)' },
    ratios, results,
  }, null, 2));
}
