/**
 * Memory virtualization is invisible to guests: every guest program of resources/guests
 * (test-sized workloads) and the random-program corpus of the differential fuzzer give the same
 * results with `paging: 'shadow'` and `paging: 'nested'`, at 2 and 4 levels, as on bare hardware.
 *
 *  - Guests (whole machines, as `hvlab run GUEST --paging …`): console output, exit code and final
 *    state digest under bt + shadow, hw + shadow and hw + nested (plus hw + nested with page-walk
 *    caches and host large pages) equal `interp`'s, at 2 levels, and at 4 for the paging-heavy ones.
 *  - Random corpus (bare CPU, fuzz/generator.ts): in exact mode — every monitor-only and walk cost 0,
 *    external interrupts at run-chunk boundaries — `interp` with shadow or nested paging must match
 *    `interp` with native paging in console, digest, stop reason, cycles and every guest-visible
 *    counter; `hw` with nested and `bt` with shadow paging (default costs, no external interrupts)
 *    must match console and digest. At both 2 and 4 levels (the generator's tables are 2-level: at 4
 *    levels the same bytes form other, equally valid, translations and faults).
 * HVLAB_PAGING_FUZZ_COUNT=N programs (default 500; 2,000 pass in ~30 s); debug invariant checks on in the first 50.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { Cpu, type CostModel } from '../../src-main/engine/cpu/index';
import { assemble, formatDiagnostics, type AsmImage } from '../../src-main/engine/isa/index';
import { buildMachine, runMachine } from '../../src-main/engine/machine/index';
import { GuestPhysicalMemory, HostMemory } from '../../src-main/engine/memory/index';
import type { PagingOptions } from '../../src-main/engine/mmu/index';
import type { Monitor } from '../../src-main/engine/monitors/index';
import { labosImage, runCli, WORKLOADS } from '../helpers/machineHarness';
import { EXACT_COSTS, loadImage, makeMonitor, runInChunks, TestDevice } from '../helpers/cpuHarness';
import { generateProgram } from './fuzz/generator';

// ------------------------------------------------------------------------------------------ guests
function runGuest(cmdline: string, monitor: string, levels: 2 | 4, paging?: PagingOptions) {
  const m = buildMachine({ kind: 'boot', config: { vcpus: 1, memoryBytes: 16 << 20, levels, monitor, cmdline, bootNs: 0, ...(paging ? { paging } : {}) }, image: labosImage() });
  runMachine(m, { untilNs: 4e9 });
  return { console: m.consoleRead(0).text, digest: m.digest(), state: m.state, exitCode: m.exitCode, counters: m.report() };
}

const FOUR_LEVELS = new Set(['hello', 'pagetable', 'tlbmiss', 'memwrite', 'selftest']);
const CONFIGS: { monitor: string; paging: PagingOptions }[] = [
  { monitor: 'bt', paging: { mode: 'shadow' } },
  { monitor: 'hw', paging: { mode: 'shadow' } },
  { monitor: 'hw', paging: { mode: 'nested' } },
  { monitor: 'hw', paging: { mode: 'nested', pageWalkCache: true, hostLargePages: true } },
];

for (const [name, cmdline] of Object.entries(WORKLOADS)) {
  for (const levels of [2, 4] as const) {
    if (levels === 4 && !FOUR_LEVELS.has(name)) continue;
    test(`${name} (${levels} levels): shadow and nested paging give interp's console, exit code and digest`, () => {
      const ref = runGuest(cmdline, 'interp', levels);
      assert.equal(ref.state, 'off', ref.console);
      for (const c of CONFIGS) {
        const label = `${c.monitor}+${c.paging.mode}${c.paging.pageWalkCache ? '+pwc+hostLarge' : ''}`;
        const r = runGuest(cmdline, c.monitor, levels, c.paging);
        assert.equal(r.console, ref.console, `${label}: console`);
        assert.equal(r.exitCode, ref.exitCode, `${label}: exit code`);
        assert.equal(r.digest, ref.digest, `${label}: digest`);
        const p = r.counters.paging;
        if (c.paging.mode === 'shadow') assert.ok(p.shadowHiddenFaults > 0, `${label}: the shadow was used`);
        else assert.ok(p.nestedWalkRefs > 0, `${label}: 2-D walks were made`);
      }
    });
  }
}

test('CLI: hvlab run GUEST --paging shadow|nested [--levels 4] [--large-pages] --json reports the paging counters; misuse is a usage error', () => {
  const digests = new Set<string>();
  for (const args of [['--monitor', 'bt', '--paging', 'shadow'], ['--monitor', 'hw', '--paging', 'nested'], ['--monitor', 'hw', '--paging', 'nested', '--levels', '4', '--large-pages', '--page-walk-cache']]) {
    const r = runCli(['run', 'pagetable', '--param', 'pages=8', '--param', 'rounds=2', '--until', '2s', '--json', ...args.filter((x) => x !== '--levels' && x !== '4')]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.state, 'off');
    assert.equal(j.paging.mode, args[3]);
    digests.add(j.digest);
    if (args[3] === 'shadow') assert.ok(j.counters.paging.shadowHiddenFaults > 0 && j.counters.paging.ptWriteTraps > 0);
    else assert.ok(j.counters.paging.nestedWalkRefs > 0 && j.counters.paging.nestedViolations > 0 && j.paging.nestedTableBytes > 0);
  }
  assert.equal(digests.size, 1, 'same guest-visible result under every paging mode');
  const four = JSON.parse(runCli(['run', 'tlbmiss', '--param', 'touches=2000', '--monitor', 'hw', '--paging', 'nested', '--levels', '4', '--json']).stdout);
  assert.equal(Math.round(four.counters.walkMemRefs / four.counters.pageWalks), 24, '2-D walks at 4 levels: 24 references');
  const bad = runCli(['run', 'hello', '--monitor', 'te', '--paging', 'nested']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--paging nested is hardware 2-D paging: use it with --monitor hw/);
  assert.doesNotMatch(bad.stderr, /at .*\.ts:\d+/, 'no stack trace');
});

// ------------------------------------------------------------------------------------------ random corpus
const COUNT = Number(process.env.HVLAB_PAGING_FUZZ_COUNT ?? 500);
/** Exact mode: monitor-only costs and every walk / paging cost 0, so cycles are equal in every mode. */
const EXACT: Partial<CostModel> = { ...EXACT_COSTS, tlbMiss: 0, walkRef: 0, adWrite: 0, vmmWalkRef: 0, shadowEntryFill: 0, ptWriteEmulate: 0, btPtCallout: 0, pmlLogEntry: 0 };
const ZERO_PAGING = { exit: 0, guestFaultExit: 0, traceWrite: 0, switchExit: 0, vmmWalkRef: 0, entryFill: 0, pmlLog: 0, harvestEntry: 0 };

interface Outcome { digest: string; console: string; reason: string; counters: Record<string, unknown> }

/** Runs an image on a bare CPU with the test device, in seeded run chunks (cpuHarness runInChunks, as runBare), with paging options. */
function runBarePaging(image: AsmImage, monitor: Monitor, seed: number, levels: 2 | 4, paging: PagingOptions, costs: Partial<CostModel> | undefined, irqs: boolean, maxCycles = 3_000_000): Outcome {
  const mem = new GuestPhysicalMemory(new HostMemory(), 1 << 20);
  loadImage(mem, image);
  const io = new TestDevice();
  const cpu = new Cpu(mem, { monitor, costs, io, levels, paging });
  io.cpu = cpu;
  cpu.reset(image.entry);
  const reason = runInChunks(cpu, { seed, externalIrqs: irqs, maxCycles });
  const s = cpu.snapshot();
  const counters = {
    instructions: s.instructions, cycles: s.cycles, exceptions: s.exceptions, interrupts: s.interrupts, pageFaults: s.pageFaults, ioReads: s.ioReads,
    ioWrites: s.ioWrites, doubleFaults: s.doubleFaults, halts: s.halts, tlbHits: s.tlbHits, tlbMisses: s.tlbMisses, tlbEvictions: s.tlbEvictions,
    tlbFlushes: s.tlbFlushes, tlbPageInvalidations: s.tlbPageInvalidations, pageWalks: s.pageWalks, adWrites: s.adWrites, byCause: s.byCause, byOpcode: s.byOpcode,
  };
  return { digest: cpu.digest(), console: io.console, reason, counters };
}

function diff(a: Outcome, b: Outcome, exact: boolean): string[] {
  const out: string[] = [];
  if (a.console !== b.console) out.push('console');
  if (a.digest !== b.digest) out.push('digest');
  if (a.reason !== b.reason) out.push(`stop reason ${a.reason} vs ${b.reason}`);
  if (exact) for (const k of Object.keys(a.counters)) if (!isDeepStrictEqual(a.counters[k], b.counters[k])) out.push(`${k}: ${JSON.stringify(a.counters[k])} vs ${JSON.stringify(b.counters[k])}`);
  return out;
}

for (const levels of [2, 4] as const) {
  test(`random corpus (${levels} levels): ${COUNT} fuzzer programs, shadow and nested paging = native`, () => {
    let paged = 0;
    for (let seed = 1; seed <= COUNT; seed++) {
      const p = generateProgram(seed);
      const a = assemble(p.source, { file: `fuzz-${seed}.s` });
      if (!a.ok) assert.fail(formatDiagnostics(a.diagnostics));
      if (p.features.paging) paged++;
      const debugChecks = seed <= 50;
      const fail = (what: string, d: string[]): never => assert.fail(`seed ${seed} (${JSON.stringify(p.features)}), ${levels} levels: ${what} differs from native paging:\n  ${d.join('\n  ')}`);
      const ref = runBarePaging(a.image, makeMonitor('interp', seed), seed, levels, { mode: 'native' }, EXACT, true);
      for (const mode of ['shadow', 'nested'] as const) {
        const o = runBarePaging(a.image, makeMonitor('interp', seed), seed, levels, { mode, debugChecks, costs: ZERO_PAGING }, EXACT, true);
        const d = diff(ref, o, true);
        if (d.length) fail(`interp+${mode} (exact)`, d);
      }
      if (seed % 4 === 0) {
        // default costs: monitors and paging modes take different cycles, so give every run the budget to finish
        const base = runBarePaging(a.image, makeMonitor('interp', seed), seed, levels, { mode: 'native' }, undefined, false, 100_000_000);
        for (const [kind, mode] of [['hw', 'nested'], ['bt', 'shadow']] as const) {
          const o = runBarePaging(a.image, makeMonitor(kind, seed), seed, levels, { mode }, undefined, false, 100_000_000);
          const d = diff(base, o, false);
          if (d.length) fail(`${kind}+${mode}`, d);
        }
      }
    }
    assert.ok(paged > COUNT / 4, `${paged} programs use paging`);
    console.log(`# paging differential (${levels} levels): ${COUNT} programs (${paged} with paging), native = shadow = nested`);
  });
}
