/**
 * bench/monitors — guest instructions per host second under each CPU-virtualization monitor
 * (interp, te, bt, hw, pv), on: `cpu` (labos's compute workload: hot user code + timer ticks),
 * `mixed` (labos's concurrent cpu/memwrite/pagetable/syscall/tlbmiss processes), `large` (a bare
 * program whose hot code spans 2,048 blocks on 40 pages — facts.md Part 2 §9 "many blocks") and
 * `cold` (a bare program of 64 Ki instructions run 3 times: code too cold to translate).
 * Also: translation host time, translations, cache hit rate, the translated/interpreted split.
 * Prints ONE JSON object. Run: `npm run bench -- monitors` (or `node --import tsx bench/monitors.ts`).
 * HVLAB_BENCH_SECONDS=S sets the host time per measurement (default 2).
 * A benchmark is a measurement, not a test: docs/PERFORMANCE.md records its figures with the machine.
 */
import { Cpu, type Monitor } from '../src-main/engine/cpu/index';
import { assemble, formatDiagnostics, type AsmImage } from '../src-main/engine/isa/index';
import { buildMachine, runMachine, type Machine } from '../src-main/engine/machine/index';
import { GuestPhysicalMemory, HostMemory } from '../src-main/engine/memory/index';
import { BinaryTranslationMonitor, createMonitor, type MonitorKind } from '../src-main/engine/monitors/index';
import { TranslationCache } from '../src-main/engine/translator/index';
import { labosImage } from '../test/guests/guestHarness';
import { loadImage } from '../test/differential/harness';

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

/** Runs a labos workload for SECONDS of host time (in 20 ms steps of virtual time). */
function labos(cmdline: string, monitor: MonitorKind, seconds: number): Measure {
  const file = monitor === 'pv' ? 'labos-pv.s' : 'labos.s';
  const m: Machine = buildMachine({ kind: 'boot', config: { vcpus: 1, memoryBytes: 32 << 20, levels: 2, monitor, cmdline, bootNs: 0 }, image: labosImage({}, file) });
  translateMs = 0;
  let instructions = 0;
  let until = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000 && m.state !== 'off' && m.state !== 'crashed') {
    until += 20e6;
    instructions += runMachine(m, { untilNs: until }).instructions;
  }
  const hostSeconds = (performance.now() - t0) / 1000;
  const cpus = m.slots.map((s) => s.cpu);
  return { instructions, hostSeconds, mips: instructions / hostSeconds / 1e6, virtualCycles: cpus[0].counters.cycles, bt: btFigures(cpus), translateMs: monitor === 'bt' ? translateMs : undefined };
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

/** 64 Ki straight-line instructions run 3 times, then hlt: every page is executed 3 times — cold code. */
function coldProgram(): AsmImage {
  const lines = ['  .org 0x10000', '_start:', '  li r9, 3', 'outer:'];
  for (let i = 0; i < 65536; i++) lines.push(`  addi r${1 + (i % 8)}, r${1 + ((i + 3) % 8)}, ${i & 255}`);
  lines.push('  addi r9, r9, -1', '  cmpi r9, 0', '  bne far', '  hlt', 'far:', '  la r10, outer', '  jr r10');
  return build(lines.join('\n'));
}

function bare(image: AsmImage, monitor: MonitorKind, seconds: number, untilHalt: boolean): Measure {
  const mem = new GuestPhysicalMemory(new HostMemory(), 4 << 20);
  loadImage(mem, image);
  const mon: Monitor = createMonitor(monitor);
  const cpu = new Cpu(mem, { monitor: mon });
  cpu.reset(image.entry);
  translateMs = 0;
  let instructions = 0;
  const t0 = performance.now();
  for (;;) {
    const r = cpu.run(1_000_000);
    instructions += r.instructions;
    if (r.reason !== 'budget') break;
    if (!untilHalt && performance.now() - t0 > seconds * 1000) break;
  }
  const hostSeconds = (performance.now() - t0) / 1000;
  return { instructions, hostSeconds, mips: instructions / hostSeconds / 1e6, virtualCycles: cpu.counters.cycles, bt: btFigures([cpu]), translateMs: monitor === 'bt' ? translateMs : undefined };
}

const round = (m: Measure): Record<string, unknown> => ({
  ...m, hostSeconds: Math.round(m.hostSeconds * 1000) / 1000, mips: Math.round(m.mips * 10) / 10,
  translateMs: m.translateMs === undefined ? undefined : Math.round(m.translateMs * 10) / 10,
});

const workloads: Record<string, (mon: MonitorKind, s: number) => Measure> = {
  cpu: (mon, s) => labos('cpu', mon, s),
  mixed: (mon, s) => labos('mixed', mon, s),
  large: (mon, s) => bare(largeProgram(), mon, s, false),
  cold: (mon, s) => bare(coldProgram(), mon, s, true),
};

// Warm-up: every engine once, briefly (V8 optimises the interpreter and the dispatcher).
for (const mon of MONITORS) workloads.cpu(mon, 0.2);

const results: Record<string, Record<string, unknown>> = {};
const ratios: Record<string, number> = {};
for (const [name, fn] of Object.entries(workloads)) {
  results[name] = {};
  const mips: Record<string, number> = {};
  for (const mon of MONITORS) {
    if (name !== 'cpu' && name !== 'mixed' && mon === 'pv') continue; // bare programs have no PV build
    const m = fn(mon, SECONDS);
    results[name][mon] = round(m);
    mips[mon] = m.mips;
  }
  ratios[`${name}.bt/interp`] = Math.round((100 * mips.bt) / mips.interp) / 100;
  ratios[`${name}.hw/interp`] = Math.round((100 * mips.hw) / mips.interp) / 100;
}
console.log(JSON.stringify({
  benchmark: 'monitors', unit: 'guest instructions per host second (mips = millions/s)', secondsPerMeasure: SECONDS,
  goals: { 'cpu.bt/interp': '>= 5', 'cpu.bt.mips': '>= 1000', 'cold.bt/interp': '>= 1 (never slower)' },
  ratios, results,
}, null, 2));
