/**
 * bench/dispatcher-warmup — what bt's dispatcher warm-up (translator/warmUp.ts) costs: the process CPU time
 * (user + system, V8's compiler threads included) and wall time of the first `bt` monitor built in a fresh
 * process (the warm-up runs there once; the interpreter's own warm-up is run before, by a plain CPU, so it is
 * not counted), then of the warm-up run again in the same process (V8 warm: its own running cost).
 * Each sample is its own child process (`--one`), so every first figure is a true first.
 * Each child sets the product's V8 flags first (node/v8Tuning.ts; HVLAB_V8_TUNING=off: Node's defaults).
 * Run: `node --import tsx bench/dispatcher-warmup.ts [--runs 5]`. Prints one JSON object (medians and every
 * sample, and the load average); the figures are counted, none modelled.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Cpu } from '../src-main/engine/cpu/index';
import { GuestPhysicalMemory, HostMemory } from '../src-main/engine/memory/index';
import { BinaryTranslationMonitor, scratchBtCpu } from '../src-main/engine/monitors/index';
import { runDispatcherWarmUp } from '../src-main/engine/translator/index';
import { applyEngineTiering } from '../src-main/node/v8Tuning';
import { median, processCpuMs as cpuMs } from './abPairs';


function one(): { firstCpuMs: number; firstWallMs: number; againCpuMs: number; againWallMs: number } {
  new Cpu(new GuestPhysicalMemory(new HostMemory(), 1 << 16));
  let c0 = cpuMs();
  let w0 = performance.now();
  new BinaryTranslationMonitor();
  const firstCpuMs = cpuMs() - c0;
  const firstWallMs = performance.now() - w0;
  c0 = cpuMs();
  w0 = performance.now();
  runDispatcherWarmUp(scratchBtCpu);
  return { firstCpuMs, firstWallMs, againCpuMs: cpuMs() - c0, againWallMs: performance.now() - w0 };
}

if (process.argv.includes('--one')) {
  applyEngineTiering(); // the product's V8 flags (HVLAB_V8_TUNING=off: Node's defaults)
  console.log(JSON.stringify(one()));
} else {
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Number(process.argv[i + 1]) : 5;
  const load = [loadavg()[0]];
  const samples: ReturnType<typeof one>[] = [];
  for (let k = 0; k < runs; k++) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--one'], { encoding: 'utf8' });
    samples.push(JSON.parse(out.trim().split('\n').pop()!) as ReturnType<typeof one>);
  }
  load.push(loadavg()[0]);
  const med = (k: keyof ReturnType<typeof one>): number => Math.round(median(samples.map((s) => s[k])) * 10) / 10;
  console.log(JSON.stringify({ runs, load, median: { firstCpuMs: med('firstCpuMs'), firstWallMs: med('firstWallMs'), againCpuMs: med('againCpuMs'), againWallMs: med('againWallMs') }, samples }));
}
