/**
 * Memory virtualization never changes guest-visible results: random paging programs (shadowFuzz.ts)
 * give the same final state digest, the same exceptions and the same modelled-TLB behaviour under
 * native paging, shadow paging and nested paging (with and without page-walk caches, with host large
 * pages), at 2 and 4 levels, with guest large pages and tagged TLBs, bare and under the te, bt and hw monitors —
 * with the invariant checkers (shadow = guest ∘ host, nested = gpa → hpa map) on for every fill.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CpuOptions } from '../../../src-main/engine/cpu/index';
import { createMonitor, MONITOR_KINDS, type MonitorKind } from '../../../src-main/engine/monitors/index';
import type { PagingOptions } from '../../../src-main/engine/mmu/index';
import { bootPaging, makePagingProgram } from './shadowFuzz';

const SEEDS = Number(process.env.HVLAB_PAGING_SEEDS ?? 12);

function run(seed: number, levels: 2 | 4, features: { largePages?: boolean; tagging?: boolean }, paging: PagingOptions, monitor?: MonitorKind) {
  const prog = makePagingProgram(seed, { levels, ...features, ops: 160 });
  const opts: CpuOptions = { levels, paging: { largePages: features.largePages, tlbTagging: features.tagging, ...paging }, ...(monitor ? { monitor: createMonitor(monitor) } : {}) };
  const { cpu } = bootPaging(prog, opts);
  const r = cpu.run(50_000_000);
  assert.equal(r.reason, 'halted', `seed ${seed}: stopped by ${r.reason} at 0x${(cpu.state.pc >>> 0).toString(16)}${cpu.crash ? ` (${cpu.crash.reason})` : ''}`);
  const s = cpu.snapshot();
  return {
    digest: cpu.digest(),
    guestVisible: { tlbHits: s.tlbHits, tlbMisses: s.tlbMisses, pageWalks: s.pageWalks, adWrites: s.adWrites, byCause: s.byCause, instructions: s.instructions },
    snap: s,
  };
}

const MODES: { name: string; paging: PagingOptions }[] = [
  { name: 'shadow', paging: { mode: 'shadow', debugChecks: true } },
  { name: 'nested', paging: { mode: 'nested', debugChecks: true } },
  { name: 'nested+pwc', paging: { mode: 'nested', pageWalkCache: true, debugChecks: true } },
  { name: 'nested+hostLarge', paging: { mode: 'nested', hostLargePages: true, debugChecks: true } },
  { name: 'shadow+hostLarge', paging: { mode: 'shadow', hostLargePages: true, debugChecks: true } },
];

for (const levels of [2, 4] as const) {
  for (const features of [{}, { largePages: true }, { tagging: true }] as const) {
    const label = `${levels} levels${'largePages' in features ? ', guest large pages' : ''}${'tagging' in features ? ', ASID-tagged TLB' : ''}`;
    test(`differential (${label}): ${SEEDS} random paging programs, native = shadow = nested`, () => {
      let faults = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        const ref = run(seed, levels, features, { mode: 'native' });
        faults += ref.snap.pageFaults;
        for (const m of MODES) {
          const got = run(seed, levels, features, m.paging);
          assert.equal(got.digest, ref.digest, `seed ${seed} ${m.name}: digest differs from native`);
          assert.deepEqual(got.guestVisible, ref.guestVisible, `seed ${seed} ${m.name}: TLB / exception counts differ`);
        }
      }
      assert.ok(faults > SEEDS, 'the programs do fault');
    });
  }
  const monitors = (['te', 'bt', 'hw'] as const).filter((m) => (MONITOR_KINDS as readonly string[]).includes(m));
  test(`differential (${levels} levels): under the ${monitors.join(', ')} monitors, shadow and nested paging = bare hardware`, () => {
    for (let seed = 100; seed < 100 + Math.ceil(SEEDS / 2); seed++) {
      const ref = run(seed, levels, {}, { mode: 'native' });
      for (const mon of monitors) {
        for (const mode of ['native', 'shadow', 'nested'] as const) {
          const got = run(seed, levels, {}, { mode, debugChecks: mode !== 'native' }, mon);
          assert.equal(got.digest, ref.digest, `seed ${seed}: ${mon}+${mode} differs from bare hardware`);
          if (mode === 'shadow') assert.ok(got.snap.paging.shadowHiddenFaults > 0);
        }
      }
    }
  });
}
