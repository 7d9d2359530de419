/**
 * heap-profile-summary — where a V8 sampling heap profile (`.heapprofile`, from `node --heap-prof` or
 * bench/fake-lab-cpu.ts --heap-profile) says memory was allocated: sampled bytes allocated by each function
 * itself and under it, the top N (default 25). The figures are V8's samples scaled to estimated bytes
 * allocated (whether or not they are still live), so two profiles taken with the same sampling interval compare.
 *
 * Run: `node bench/heap-profile-summary.mjs FILE [N]`. Prints a plain table (KiB, %, function, url:line).
 */
import { readFileSync } from 'node:fs';

const [file, nArg] = process.argv.slice(2);
if (!file) { console.error('usage: node bench/heap-profile-summary.mjs FILE [N]'); process.exit(2); }
const p = JSON.parse(readFileSync(file, 'utf8'));
const key = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
const self = new Map();
const total = new Map();
let all = 0;
// Walk the tree once, carrying the set of functions on the path so a recursive one is counted once per sample.
const walk = (n, path) => {
  const k = key(n);
  const nested = path.has(k);
  if (!nested) path.add(k);
  all += n.selfSize;
  self.set(k, (self.get(k) ?? 0) + n.selfSize);
  let under = n.selfSize;
  for (const c of n.children ?? []) under += walk(c, path);
  if (!nested) {
    total.set(k, (total.get(k) ?? 0) + under);
    path.delete(k);
  }
  return under;
};
walk(p.head, new Set());
const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(nArg ?? 25));
const fmt = ([k, bytes]) => `${(bytes / 1024).toFixed(0).padStart(9)} KiB ${((100 * bytes) / all).toFixed(1).padStart(5)} %  ${k}`;
console.log(`profile: ${(all / 2 ** 20).toFixed(1)} MiB sampled\n-- self --`);
for (const r of top(self)) console.log(fmt(r));
console.log('-- total --');
for (const r of top(total)) console.log(fmt(r));
