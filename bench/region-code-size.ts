/**
 * bench/region-code-size — how many bytes of optimised machine code the translator's region functions take, the
 * figure docs/PERFORMANCE.md found to bound `large` under bt (the hot code outgrows the core's caches).
 * Run: `node --import tsx bench/region-code-size.ts [--workload large] [--monitor bt] [--warm 400] [--timed 400]
 * [--engine-root DIR]`. Prints one JSON object: the region functions V8 optimised (by their shared function
 * info), its optimising compiles (more than functions = deoptimised and compiled again), the bytes of each
 * function's last optimised code summed, per function, and the child's speed over the timed steps.
 * How: a child process runs the workload (bench/monitorWorkloads.ts; `--warm` steps, then `--timed` steps, CPU
 * time) under `node --log-code`, and the code-creation events of functions named `region_*` whose kind is
 * optimised (`*`) are read from its log. Counted, not modelled. The per-instruction figure is the bytes over the
 * guest instructions of the regions (for `large`: 14,336), worked out by the reader.
 */
import type { MonitorKind } from '../src-main/engine/monitors/index';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openWorkload } from './monitorWorkloads';

const opt = (name: string, def: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : def; };
const workload = opt('workload', 'large');
const monitor = opt('monitor', 'bt') as MonitorKind;
const warm = Number(opt('warm', '400'));
const timed = Number(opt('timed', '400'));
const root = resolve(opt('engine-root', resolve(import.meta.dirname, '..')));

if (process.argv.includes('--child')) {
  // Child: run the workload; its code log is written by V8.
  const w = await openWorkload(workload, monitor, root, () => performance.now());
  for (let i = 0; i < warm; i++) w.step(true);
  const t0 = process.cpuUsage();
  let n = 0;
  for (let i = 0; i < timed; i++) n += w.step(false) ?? 0;
  const d = process.cpuUsage(t0);
  console.log(JSON.stringify({ mips: Math.round((n / ((d.user + d.system) / 1e6)) / 1e5) / 10, cycles: w.cycles() }));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'region-code-size-'));
  const log = join(dir, 'v8.log');
  const args = ['--log-code', `--logfile=${log}`, '--no-logfile-per-isolate', '--import', 'tsx', import.meta.filename, '--child',
    '--workload', workload, '--monitor', monitor, '--warm', String(warm), '--timed', String(timed), '--engine-root', root];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr.slice(-2000)}`);
  const child = JSON.parse(r.stdout.trim().split('\n').pop()!) as { mips: number; cycles: number };
  // code-creation,JS,<kind>,<time>,<address>,<size>,<name>,<shared function info>,<tier mark>
  const last = new Map<string, number>();
  let compiles = 0;
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    if (!line.startsWith('code-creation,JS,')) continue;
    const f = line.split(',');
    if (!f[6].startsWith('region_') || f[f.length - 1] !== '*') continue;
    last.set(f[7], Number(f[5]));
    compiles++;
  }
  rmSync(dir, { recursive: true, force: true });
  let bytes = 0;
  for (const b of last.values()) bytes += b;
  console.log(JSON.stringify({
    benchmark: 'region-code-size', workload, monitor, engineRoot: root, warmSteps: warm, timedSteps: timed,
    functions: last.size, optimisingCompiles: compiles, bytes, bytesPerFunction: last.size > 0 ? Math.round(bytes / last.size) : 0,
    mips: child.mips, cycles: child.cycles,
  }, null, 2));
}
