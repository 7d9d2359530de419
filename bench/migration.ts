/**
 * Live migration end to end: a 1 GiB VM with a busy guest migrated over a 1 Gbit/s network by each
 * technique, in the same two-host lab and through the same code as `hvlab migrate` (verification on: the
 * destination is compared with the source page by page at the switch). A 1 Gbit/s network: the line
 * rate (`--link`, which an unthrottled switchover and post-copy's requested pages use) is `--bandwidth`
 * as well as the rate limit of the live phase (QEMU's max-bandwidth); one extra row, stop-and-copy on the
 * migrate command's default 10 Gbit/s line with the same 1 Gbit/s rate limit, keeps the reading where
 * only the rate limit is 1 Gbit/s. Answers the speed goals of docs/PERFORMANCE.md
 * "Live migration": does a migration run faster than real time, and how much memory does the process
 * hold while it runs.
 *
 * Run: `npm run bench -- migration` or `node --expose-gc --import tsx bench/migration.ts [--ram 1GiB] [--wss-mib 64]
 * [--fill-mib 320] [--after 4s] [--monitor bt] [--rate-pps 5120] [--bandwidth 1Gbit/s] [--link RATE (default: the bandwidth)] [--only precopy,postcopy]
 * [--profile DIR] [--warmup]`. Prints ONE JSON object: the machine and its load, the guest, and per technique:
 *  - `virtualMs` (the migration's `total-time`) against `wallMs` and `cpuMs` (the process's wall and CPU
 *    time from the `vm.migrate` request to the task's end: the boot and the --after second before it are
 *    not counted) and `realtimeFactor` = virtualMs / wallMs (> 1: faster than real time);
 *  - memory: the process's `heapUsed + arrayBuffers` (page frames are ArrayBuffers) just before the
 *    request (`baseMiB`), its highest value sampled after each 100 virtual ms of the migration
 *    (`peakMiB`, after a forced GC when `--expose-gc` is given, else as found) and after the end
 *    (`afterMiB`, read 200 ms after a forced GC: V8 frees ArrayBuffers on a background thread); `extraPeakMiB` = peak − base, to hold against the bound (one extra copy of the
 *    pages in flight plus the XBZRLE cache; the destination's frames are the copy the migration builds);
 *  - bytes: `ram.transferred`, `amplification`, rounds, downtime, status and `verified`.
 * The guest: memwrite, which first fills `--fill-mib` outside its working set (random bytes: nothing
 * for zero-page detection to skip), then writes one word per page visit over a `--wss-mib` working set
 * at `--rate-pps` unique pages per second, forever; the migration starts after `--after`, when the
 * working set has been written once: 384 MiB of the 1 GiB written (labos gives a user process less
 * than 512 MiB of heap), the rest zero pages, sent as markers; the hosts run at 1,000 MHz (the CLI's default)
 * and the guest under `--monitor` (bt: its code runs translated, as lab VMs run for speed).
 * `--warmup`: one stop-and-copy migration first, not reported, so that every measured technique runs in a
 * process that has held (and freed) that much memory before; without it the first technique measured
 * builds its destination in memory the process never touched (the kernel's first touch of each page:
 * docs/PERFORMANCE.md), the later ones in memory the earlier labs freed.
 * `--profile DIR`: a V8 CPU profile of each technique's migration alone (from the request to the task's
 * end, not the boot before it) as DIR/TECHNIQUE.cpuprofile, for `node bench/profile-summary.mjs FILE`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseMigrateArgs, runMigrationExperiment } from '../src-main/node/cli/migrateCommand';

const opt = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const RAM = opt('ram', '1GiB');
const WSS_KIB = Number(opt('wss-mib', '64')) * 1024;
const RATE_PPS = Number(opt('rate-pps', '5120'));
const FILL_KIB = Number(opt('fill-mib', '320')) * 1024;
const AFTER = opt('after', '4s');
/** The guest's monitor: bt by default (translated code: the guest's own execution is not what is measured here). */
const MONITOR = opt('monitor', 'bt');
const BANDWIDTH = opt('bandwidth', '1Gbit/s');
/** The line rate: a network as fast as the rate limit unless told otherwise. */
const LINK = opt('link', BANDWIDTH);
const ONLY = opt('only', '').split(',').filter(Boolean);
const PROFILE_DIR = opt('profile', '');
const WARMUP = process.argv.includes('--warmup');

/** Each technique: its name and the `hvlab migrate` options selecting it. */
const TECHNIQUES: [string, string[]][] = [
  ['stop-copy', ['--mode', 'stop-copy']],
  ['precopy', []],
  ['precopy-xen', ['--stop-rule', 'xen']],
  ['auto-converge', ['--auto-converge']],
  ['postcopy', ['--mode', 'postcopy']],
  ['hybrid', ['--postcopy-after', '2s']],
  ['precopy-xbzrle', ['--xbzrle']],
  ['precopy-zstd', ['--compress', 'zstd:1']],
  // Dedup: every page hashed and looked up, each hash hit confirmed by a compare on the destination.
  ['precopy-dedup-zstd', ['--dedup', '--compress', 'zstd:1']],
  // The rate limit alone at 1 Gbit/s, on the migrate command's default line (10 Gbit/s): the switchover
  // goes unthrottled at the line rate.
  ['stop-copy-10g-line', ['--mode', 'stop-copy', '--link', '10Gbit/s']],
];

const MIB = 1048576;
const gc = (globalThis as { gc?: () => void }).gc;
function heldBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * One technique, measured. A function of its own so that the finished lab is unreachable once it
 * returns: a `const` of the loop body of this module's top level (an async function, suspended at each
 * await with its registers saved) kept the previous technique's whole lab alive through the next run,
 * which started ~400 MiB higher (a lab run inside a function of its own is collected: a WeakRef to its
 * engine is cleared by a forced GC once the function has returned).
 */
async function measure(name: string, extra: string[], profile = PROFILE_DIR !== ''): Promise<Record<string, unknown>> {
  const args = parseMigrateArgs([
    'memwrite', '--ram', RAM, '--param', `wss_kib=${WSS_KIB}`, '--param', `rate_pps=${RATE_PPS}`, '--param', 'passes=0', '--param', `fill_kib=${FILL_KIB}`,
    '--param', 'content=random', '--param', 'write_bytes=4', '--bandwidth', BANDWIDTH, '--link', LINK, '--after', AFTER, '--monitor', MONITOR, '--timeout', '60s', ...extra,
  ]);
  let base = 0;
  let peak = 0;
  let t0 = 0;
  let c0 = process.cpuUsage();
  let wallMs = 0;
  let cpuMs = 0;
  // The inspector's session answers synchronously on the main thread, so the profile starts and stops
  // exactly at the hooks.
  const profiler = profile ? new Session() : null;
  profiler?.connect();
  const run = await runMigrationExperiment(args, {
    beforeMigrate: () => {
      gc?.();
      base = peak = heldBytes();
      profiler?.post('Profiler.enable');
      profiler?.post('Profiler.start');
      c0 = process.cpuUsage();
      t0 = performance.now();
    },
    step: () => { peak = Math.max(peak, heldBytes()); },
    afterMigrate: () => {
      wallMs = performance.now() - t0;
      const c = process.cpuUsage(c0);
      cpuMs = (c.user + c.system) / 1000;
      peak = Math.max(peak, heldBytes());
      profiler?.post('Profiler.stop', (err, result) => {
        if (err) throw err;
        writeFileSync(join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(result.profile));
      });
    },
  });
  profiler?.disconnect();
  const s = run.stats;
  const record = {
    technique: name, options: extra.join(' ') || '(defaults: pre-copy, QEMU rule)', status: s.status, verified: s.verified ?? false,
    virtualMs: s['total-time'], wallMs: Math.round(wallMs), cpuMs: Math.round(cpuMs), realtimeFactor: Math.round((s['total-time'] / wallMs) * 100) / 100,
    downtimeMs: s.downtime ?? null, rounds: s.rounds.length, transferredMiB: Math.round((s.ram.transferred / MIB) * 10) / 10, amplification: Math.round(s.amplification * 100) / 100,
    postcopyRequests: s.ram['postcopy-requests'], xbzrleCacheMiB: Math.round((s['xbzrle-cache']['cache-size'] / MIB) * 10) / 10,
    baseMiB: Math.round(base / MIB), peakMiB: Math.round(peak / MIB), extraPeakMiB: Math.round((peak - base) / MIB),
  };
  // After the end, the lab still held (its VM now on the destination; the source's frames returned).
  // V8 frees ArrayBuffer memory on a background thread after a collection: read once it has had time,
  // else a loaded machine shows the source's frames as still held.
  if (gc) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 200));
    gc();
  }
  return { ...record, afterMiB: Math.round(heldBytes() / MIB) };
}

const load0 = loadavg()[0];
const results: Record<string, unknown>[] = [];
if (WARMUP) await measure('warmup', ['--mode', 'stop-copy'], false);
for (const [name, extra] of TECHNIQUES) {
  if (ONLY.length && !ONLY.includes(name)) continue;
  results.push(await measure(name, extra));
}
console.log(JSON.stringify({
  benchmark: 'migration', machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, loadAverageStart: load0, loadAverageEnd: loadavg()[0] },
  guest: `memwrite, ${RAM} VM, ${FILL_KIB / 1024} MiB filled (random), working set ${WSS_KIB / 1024} MiB, ${RATE_PPS} unique pages dirtied per virtual second, one word per visit; hosts at 1,000 MHz; monitor ${MONITOR}; migration after ${AFTER}`,
  link: { bandwidth: BANDWIDTH, line: LINK }, gcBeforeBase: gc !== undefined, warmup: WARMUP, results,
}, null, 2));
