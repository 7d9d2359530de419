/**
 * threadCpu — the CPU time of each of this process's threads (Linux: `/proc/self/task/<tid>/stat`, user +
 * system, 10 ms ticks), for a benchmark's account of where a window's CPU went: the engine's thread, each
 * host worker's thread (by the OS ids the pool's segment replies carry), and everything else — V8's
 * helper threads (concurrent and parallel GC, TurboFan's concurrent compiles), libuv's pool.
 *
 * Interface: `threadCpuSnapshot()` → Map tid → CPU ms (empty off Linux); `threadCpuAccount(before, after,
 * workerTids)` → `{ mainMs, workersMs, otherMs, otherThreads }` for the window between two snapshots
 * (`otherThreads`: the non-worker helper threads that used any CPU, largest first).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc`'s utime and stime (USER_HZ: 100 on Linux's usual builds). */
const TICKS_PER_SECOND = 100;

export function threadCpuSnapshot(): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[];
  try { tids = readdirSync('/proc/self/task'); } catch { return out; }
  for (const t of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      // the fields after the command name (which may hold spaces) in parentheses: utime and stime are 14th and 15th
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(t), ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND);
    } catch { /* the thread ended meanwhile */ }
  }
  return out;
}

export function threadCpuAccount(before: Map<number, number>, after: Map<number, number>, workerTids: readonly (number | null)[]): { mainMs: number; workersMs: number[]; otherMs: number; otherThreads: number[] } {
  const used = (tid: number): number => (after.get(tid) ?? 0) - (before.get(tid) ?? 0);
  const workers = new Set(workerTids.filter((t): t is number => t !== null));
  const others = [...after.keys()].filter((t) => t !== process.pid && !workers.has(t)).map(used).filter((ms) => ms > 0).sort((a, b) => b - a);
  return { mainMs: used(process.pid), workersMs: workerTids.map((t) => (t === null ? 0 : used(t))), otherMs: others.reduce((a, b) => a + b, 0), otherThreads: others };
}
