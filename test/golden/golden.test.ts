/**
 * Golden ("expect") tests of the binary translator (after v86's expect tests; a change to generated code is reviewed, never silent):
 * each test/golden/<name>.s runs on a bare CPU under `bt` (translate at the first arrival) and the
 * JavaScript generated for every region is compared with <name>.expected. A change to the
 * translator's output fails here until it is accepted explicitly:
 *   HVLAB_ACCEPT=1 node --import tsx --test test/golden/golden.test.ts
 * rewrites the .expected files (review the diff with git before committing).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BinaryTranslationMonitor } from '../../src-main/engine/monitors/index';
import { boot, EXACT_COSTS } from '../helpers/cpuHarness';

const DIR = import.meta.dirname;
const ACCEPT = process.env.HVLAB_ACCEPT === '1';

function translate(src: string): string {
  const bt = new BinaryTranslationMonitor({ hotCycles: 0 });
  const b = boot(src, { monitor: bt, costs: EXACT_COSTS });
  for (let k = 0; k < 100 && !b.cpu.state.halted; k++) b.cpu.run(10_000);
  const regions = bt.cache(b.cpu).list().sort((p, q) => p.gpfn - q.gpfn || Number(q.kernel) - Number(p.kernel) || p.entries[0] - q.entries[0]);
  return regions.map((r) => `=== page ${r.gpfn} ${r.kernel ? 'kernel' : 'user'}, entries ${r.entries.map((w) => `0x${(w * 4).toString(16)}`).join(' ')}\n${r.source}\n`).join('\n');
}

for (const f of readdirSync(DIR).filter((n) => n.endsWith('.s')).sort()) {
  test(`golden: ${f}`, () => {
    const got = translate(readFileSync(join(DIR, f), 'utf8'));
    const file = join(DIR, f.replace(/\.s$/, '.expected'));
    if (ACCEPT || !existsSync(file)) {
      writeFileSync(file, got);
      if (!ACCEPT) assert.fail(`${file} did not exist: written; review it and commit`);
      return;
    }
    assert.equal(got, readFileSync(file, 'utf8'), `generated code changed: review, then accept with HVLAB_ACCEPT=1 (test/golden/golden.test.ts)`);
  });
}
