/**
 * profile-summary — the heaviest functions of a V8 CPU profile (`.cpuprofile`, from `node --cpu-prof`
 * or bench/ui-scale.ts --profile): self and total time per function, the top N (default 25).
 *
 * Run: `node bench/profile-summary.mjs FILE... [N]`. Prints a plain table (ms, %, function, url:line); several
 * files are summed (runs of the same build, to steady a sampled split).
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const files = args.filter((a) => !/^\d+$/.test(a));
const nArg = args.find((a) => /^\d+$/.test(a));
if (files.length === 0) { console.error('usage: node bench/profile-summary.mjs FILE... [N]'); process.exit(2); }
const key = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`;
const self = new Map();
const total = new Map();
let all = 0;
for (const file of files) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  for (const [id, us] of dt) {
    all += us;
    const n = byId.get(id);
    self.set(key(n), (self.get(key(n)) ?? 0) + us);
    const seen = new Set();
    for (let x = id; x !== undefined; x = parent.get(x)) {
      const k = key(byId.get(x));
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
}
const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(nArg ?? 25));
const fmt = ([k, us]) => `${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / all).toFixed(1).padStart(5)} %  ${k}`;
console.log(`profile: ${(all / 1000).toFixed(1)} ms sampled\n-- self --`);
for (const r of top(self)) console.log(fmt(r));
console.log('-- total --');
for (const r of top(total)) console.log(fmt(r));
