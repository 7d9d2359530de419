#!/usr/bin/env node
// `npm run bench [-- NAME…]`: runs each bench/*.ts (or the named ones) in its own process and prints one
// JSON document: the machine, then each benchmark's own JSON output (each runs with --expose-gc, so those
// that measure heap can collect first). Benchmarks are measurements, never pass/fail tests; their latest
// figures go into docs/PERFORMANCE.md by hand, with the machine line.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const wanted = process.argv.slice(2);
const files = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w))).sort();
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30),
  os: `${platform()} ${release()}`, node: process.version,
};
const results = {};
for (const f of files) {
  process.stderr.write(`bench: ${f}…\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join('bench', f)], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) { results[f] = { error: (r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n') }; continue; }
  try { results[f] = JSON.parse(r.stdout); } catch { results[f] = { error: 'benchmark did not print JSON', output: r.stdout.slice(0, 500) }; }
}
console.log(JSON.stringify({ machine, results }, null, 2));
