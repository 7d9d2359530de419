/**
 * The table of docs/migration.md ("Runs on one guest"): live migrations of the same memwrite guest
 * under varied options, each a real run of `hvlab migrate` (the same code path, in process), printed
 * as a Markdown table. Re-run: `npx tsx scripts/migration-table.ts [--mhz 200]` and paste the output.
 *
 * The guest: a 64 MiB VM, memwrite over a 32 MiB working set, 2,000 unique pages dirtied per second
 * (the slow writer) or 6,000 (faster than the 16 MiB/s link can carry: 4,096 pages/s), one word per
 * page visit unless the row says otherwise. The hosts run at --mhz (default 200 MHz) so the table takes
 * minutes, not an hour; the guest's rates are set in virtual time, so they do not depend on it.
 */
import { parseMigrateArgs, runMigrationExperiment } from '../src-main/node/cli/migrateCommand';

const i = process.argv.indexOf('--mhz');
const MHZ = i > 0 ? process.argv[i + 1] : '200';
const BASE = ['memwrite', '--ram', '64MiB', '--param', 'wss_kib=32768', '--param', 'passes=0', '--bandwidth', '16MiB/s', '--mhz', MHZ, '--timeout', '10s'];
const SLOW = ['--param', 'rate_pps=2000'];
const FAST = ['--param', 'rate_pps=6000'];

const ROWS: [string, string[]][] = [
  ['downtime limit 300 ms (QEMU default)', [...SLOW]],
  ['downtime limit 30 ms', [...SLOW, '--downtime-limit', '30ms']],
  ['downtime limit 3 ms', [...SLOW, '--downtime-limit', '3ms']],
  ['stop-and-copy', [...SLOW, '--mode', 'stop-copy']],
  ['fast writer, QEMU rule', [...FAST]],
  ['fast writer, Xen v2', [...FAST, '--stop-rule', 'xen', '--timeout', '40s']],
  ['fast writer, classic Xen', [...FAST, '--stop-rule', 'xen-classic', '--timeout', '40s']],
  ['fast writer, auto-converge (timeout 40 s)', [...FAST, '--auto-converge', '--timeout', '40s']],
  ['fast writer, post-copy', [...FAST, '--mode', 'postcopy']],
  ['fast writer, hybrid (post-copy after 2 s)', [...FAST, '--postcopy-after', '2s']],
  ['fast writer, Xen v2, sparse writes (4 B/page), XBZRLE 64 MiB', [...FAST, '--stop-rule', 'xen', '--xbzrle', '--timeout', '40s']],
  ['fast writer, Xen v2, sparse writes, XBZRLE cache 4 MiB', [...FAST, '--stop-rule', 'xen', '--xbzrle', '--xbzrle-cache', '4MiB', '--timeout', '40s']],
  ['fast writer, Xen v2, whole-page random writes', [...FAST, '--stop-rule', 'xen', '--param', 'content=random', '--timeout', '40s']],
  ['fast writer, Xen v2, whole-page random writes, XBZRLE 64 MiB', [...FAST, '--stop-rule', 'xen', '--param', 'content=random', '--xbzrle', '--timeout', '40s']],
  ['text pages (fill 16 MiB), no compression', [...SLOW, '--param', 'content=text', '--param', 'fill_kib=16384']],
  ['text pages, zlib:1', [...SLOW, '--param', 'content=text', '--param', 'fill_kib=16384', '--compress', 'zlib:1']],
  ['text pages, zstd:3', [...SLOW, '--param', 'content=text', '--param', 'fill_kib=16384', '--compress', 'zstd:3']],
  ['text pages, lz4', [...SLOW, '--param', 'content=text', '--param', 'fill_kib=16384', '--compress', 'lz4']],
  ['random pages (fill 16 MiB), zstd:3', [...SLOW, '--param', 'content=random', '--param', 'write_bytes=4', '--param', 'fill_kib=16384', '--compress', 'zstd:3']],
  ['4 identical VMs (fill 16 MiB), no dedup', [...SLOW, '--param', 'content=random', '--param', 'write_bytes=4', '--param', 'fill_kib=16384', '--gang', '4']],
  ['4 identical VMs (fill 16 MiB), dedup', [...SLOW, '--param', 'content=random', '--param', 'write_bytes=4', '--param', 'fill_kib=16384', '--gang', '4', '--dedup']],
];

const ms = (x: number | undefined) => (x === undefined ? '—' : x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US'));
const mib = (b: number) => (b / 1048576).toFixed(1);
console.log('| run | status | total ms | downtime ms | rounds | sent MiB | amplification | note |');
console.log('|---|---|---:|---:|---:|---:|---:|---|');
for (const [label, extra] of ROWS) {
  const run = await runMigrationExperiment(parseMigrateArgs([...BASE, ...extra]));
  const s = run.stats;
  const notes: string[] = [];
  if (s['cpu-throttle-percentage']) notes.push(`throttle ${s['cpu-throttle-percentage']} %`);
  if (s.ram['postcopy-requests']) notes.push(`${s.ram['postcopy-requests']} remote faults, blocktime ${ms(s['postcopy-blocktime'])} ms`);
  const x = s['xbzrle-cache'];
  if (x && (x.pages || x['cache-miss'])) notes.push(`XBZRLE ${x.pages} pages encoded, ${x['cache-miss']} cache misses, ${x.overflow} overflows`);
  const c = s.compression;
  if (c && c['compressed-size']) notes.push(`compression rate ${c['compression-rate'].toFixed(2)}, ${c['cpu-ms'].toFixed(0)} ms CPU`);
  const d = s.dedup;
  if (d && d.pages) notes.push(`${d.pages} pages deduplicated`);
  if (s.status !== 'completed') notes.push(s['error-desc'] ?? '');
  notes.push(s.verified ? 'verified' : 'NOT verified');
  console.log(`| ${label} | ${s.status} | ${ms(s['total-time'])} | ${ms(s.downtime)} | ${s.rounds.length} | ${mib(s.ram.transferred)} | ${(s.amplification ?? 0).toFixed(2)} | ${notes.filter(Boolean).join('; ')} |`);
}
