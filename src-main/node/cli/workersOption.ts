/**
 * workersOption — how many host worker threads a lab's hosts run on (`workers/hostWorkerPool.ts`), one
 * rule for `hvlab serve`, `hvlab start` (browser mode and the Electron window) and `hvlab scenario run`.
 *
 * - `workerCount(flag)` → `--workers N` when given, else `HVLAB_WORKERS`, else `defaultHostWorkers()`;
 *   an integer 0…HOST_WORKERS_MAX (0: the hosts on the engine's thread). A bad value is a `UsageError`
 *   naming where it came from (`--workers` or `HVLAB_WORKERS`).
 * - `workersFlag(argv)`: the raw `--workers` value in a command line that is not parsed here (`start`
 *   hands the rest to Electron), or undefined.
 * - `defaultHostWorkers()`: the default. A pool never starts more threads than its lab has hosts.
 *
 * Why the default is 0 (one thread): whole-process timings of the shipped labs on a 2-core machine
 * (docs/PERFORMANCE.md, "Host workers as the default") show two host workers 1.9–3.2× slower than one
 * thread on the default lab and the big idle one — each lab pays its workers' start, and the per-segment
 * barrier costs more than light guests running in parallel save — and faster only on the busy
 * `lab-cluster` (0.87), so more threads are asked for, never assumed.
 */
import { hostWorkerCount } from '../workers/hostWorkerPool';
import { UsageError } from './args';

export function defaultHostWorkers(): number {
  return 0;
}

export function workerCount(flag: unknown): number {
  const [raw, field] = flag !== undefined ? [flag, '--workers'] : [process.env.HVLAB_WORKERS, 'HVLAB_WORKERS'];
  if (raw === undefined) return defaultHostWorkers();
  try {
    return hostWorkerCount(raw, field);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

export function workersFlag(argv: readonly string[]): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--workers') {
      value = argv[i + 1];
      if (value === undefined) throw new UsageError('option --workers needs a value');
      i++;
    } else if (argv[i].startsWith('--workers=')) value = argv[i].slice('--workers='.length);
  }
  return value;
}
