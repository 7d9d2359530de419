// Consolidation runs: the day-night run file on lab-consolidation under each policy, on the lab's engine
// (the fakeGuest double runs the VMs' busy loops: its `cpu` workload never halts, so a VM demands exactly
// its CPU limit, as labos `cpu` does; `hvlab consolidate` runs the real guests). Packing policies use
// fewer host-hours and less energy than none, by live migrations the report counts; the same run twice
// gives the same report; the threshold policy's rules on hand-made snapshots; run-file mistakes name the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createEngine } from '../../../src-main/engine/index';
import { loadScenarioSources, parseScenarioText } from '../../../src-main/node/resources';
import { createHighsSolver } from '../../../src-main/node/solver/highsSolver';
import {
  DEFAULT_POLICY_PARAMS, alignToCurrent, parseRunFile, runConsolidation, thresholdDecision,
} from '../../../src-main/node/consolidation/index';
import type { ClusterSnapshot, ConsolidationReport, PolicyName } from '../../../src-main/node/consolidation/index';
import type { MilpSolverPort } from '../../../src-main/engine/index';
import { fakeGuestFactory } from '../../helpers/fakeGuest';

const RUN_FILE = 'resources/placement/runs/day-night.yaml';
const run = parseRunFile(RUN_FILE, parseScenarioText(RUN_FILE, readFileSync(RUN_FILE, 'utf8')));

function consolidationRun(policy: PolicyName, milpSolver?: MilpSolverPort): ConsolidationReport {
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory, ...(milpSolver ? { milpSolver } : {}) }, { scenario: 'lab-consolidation', seed: 1 });
  return runConsolidation(engine, { policy, untilMs: run.untilMs, cluster: run.cluster, params: run.params, phases: run.phases });
}

test('day-night: packing policies use fewer host-hours and less energy than none, counted from the run', { timeout: 600_000 }, () => {
  const none = consolidationRun('none');
  assert.equal(none.samples, 48, '16 minutes of 20 s samples');
  assert.equal(none.hostHours.toFixed(4), (4 * 16 / 60).toFixed(4), 'none keeps the four hosts on');
  assert.equal(none.migrations.completed, 0);
  assert.equal(none.cpu.slaViolationVmS, 0, 'two VMs per host never exceed a host');
  assert.equal(none.decisions.filter((d) => d.kind === 'phase').length, 3, 'the phases were applied');

  const highs = createHighsSolver();
  try {
    for (const policy of ['periodic-ffd', 'periodic-exact', 'threshold'] as const) {
      const r = consolidationRun(policy, policy === 'periodic-exact' ? highs : undefined);
      const what = `${policy}: ${JSON.stringify(r.decisions)}`;
      assert.ok(r.hostHours < none.hostHours, `${what}\n${policy} ${r.hostHours} host-hours < none ${none.hostHours}`);
      assert.ok(r.energyJ < none.energyJ, `${policy} energy ${r.energyJ} < none ${none.energyJ}`);
      assert.ok(r.migrations.completed > 0 && r.migrations.bytes > 0, `${policy} moved VMs by live migration`);
      assert.equal(r.migrations.failed, 0);
      assert.equal(r.plans.refused + r.plans.failed, 0, what);
      assert.ok(r.standby.entered > 0, `${policy} put hosts into standby`);
      assert.equal(r.timeLimitHits, 0);
      // The timeline's hosts and power agree with the totals.
      assert.ok(Math.abs(r.timeline.reduce((a, x) => a + x.hostsOn, 0) * 20 / 3600 - r.hostHours) < 1e-9, 'host-hours = Σ hosts on × 20 s');
      assert.ok(Math.abs(r.timeline.reduce((a, x) => a + x.powerW * 20, 0) - r.energyJ) < 48 * 20 * 0.1, 'energy = Σ sampled power × 20 s');
    }
  } finally {
    highs.close();
  }
});

test('threshold: the day overloads the packed hosts, the policy wakes hosts and sheds VMs; the same run twice gives the same report', { timeout: 600_000 }, () => {
  const a = consolidationRun('threshold');
  const dayAt = 240_000;
  const wakes = a.decisions.filter((d) => d.kind === 'wake');
  assert.ok(wakes.length > 0 && wakes.every((d) => d.timeMs > dayAt && d.timeMs < 600_000), `wakes happen during the day: ${JSON.stringify(a.decisions)}`);
  assert.ok(a.cpu.slaViolationVmS > 0, 'VMs packed for the night are short of CPU when the day starts, until the hosts are woken');
  const short = a.timeline.filter((x) => x.vmsShort > 0);
  assert.ok(short.every((x) => x.timeMs > dayAt && x.timeMs <= dayAt + 120_000), `shortage only in the first two minutes of the day: ${JSON.stringify(short)}`);
  assert.equal(a.timeline.at(-1)!.hostsOn, 2, 'the night packs the eight VMs onto two hosts again');
  const b = consolidationRun('threshold');
  assert.deepEqual(b, a);
});

const host = (id: string, state: 'on' | 'standby' = 'on') => ({ id, name: id, cpuMhz: 1000, memMiB: 1000, state });
const vm = (id: string, hostId: string, cpuMhz: number, memMiB = 100) => ({ id, name: id, hostId, cpuMhz, memMiB });

test('threshold rules: an overloaded host sheds its smallest-memory VMs onto the best fit; an underloaded one is emptied only if the rest fit', () => {
  const p = DEFAULT_POLICY_PARAMS;
  const over: ClusterSnapshot = {
    hosts: [host('h1'), host('h2'), host('h3', 'standby')],
    vms: [vm('a', 'h1', 500, 300), vm('b', 'h1', 300, 100), vm('c', 'h1', 200, 200), vm('d', 'h2', 500)],
  };
  const d1 = thresholdDecision(over, p)!;
  assert.equal(d1.standbyEmptied, false);
  assert.deepEqual([...d1.target], [['b', 'h2']], 'b has the least memory; h2 takes it at 80 %');
  assert.deepEqual(d1.wake, []);
  over.vms[3].cpuMhz = 700; // h2 has no room left: wake h3
  const d2 = thresholdDecision(over, p)!;
  assert.deepEqual([...d2.target], [['b', 'h3']]);
  assert.deepEqual(d2.wake, ['h3']);

  const under: ClusterSnapshot = { hosts: [host('h1'), host('h2'), host('h3')], vms: [vm('a', 'h1', 100), vm('b', 'h2', 600), vm('c', 'h3', 500)] };
  const d3 = thresholdDecision(under, p)!;
  assert.equal(d3.standbyEmptied, true);
  assert.deepEqual([...d3.target], [['a', 'h2']], 'best fit: the most utilised host that stays at most 80 %');
  under.vms[1].cpuMhz = 750; under.vms[2].cpuMhz = 750;
  assert.equal(thresholdDecision(under, p), null, 'nowhere to go: no decision');
});

test('a packing is renamed to keep VMs where they run', () => {
  const s: ClusterSnapshot = { hosts: [host('h1'), host('h2'), host('h3'), host('h4', 'standby')], vms: [vm('a', 'h1', 100, 500), vm('b', 'h2', 100, 100), vm('c', 'h3', 100, 100)] };
  // The packing puts a and b on "h4", c on "h3" — the same hosts renamed: a stays on h1, b follows it.
  const t = alignToCurrent(s, new Map([['a', 'h4'], ['b', 'h4'], ['c', 'h3']]));
  assert.deepEqual([...t], [['a', 'h1'], ['b', 'h1'], ['c', 'h3']]);
});

test('run-file mistakes name the field', () => {
  const base = () => ({ scenario: 'x.yaml', until: '10m', phases: [{ at: '1m', vms: ['a'], cpuLimitMhz: 2 }] });
  const cases: [(r: Record<string, any>) => void, string][] = [
    [(r) => { r.until = 'soon'; }, 'run.until'],
    [(r) => { r.phases[0].at = '30s'; }, 'run.phases[0].at'],
    [(r) => { r.phases[0].at = '11m'; }, 'run.phases[0].at'],
    [(r) => { r.phases[0].cpuLimitMhz = -2; }, 'run.phases[0].cpuLimitMhz'],
    [(r) => { r.policies = ['greedy']; }, 'run.policies[0]'],
    [(r) => { r.params = { lower: 0.9, upper: 0.8 }; }, 'run.params.lower'],
    [(r) => { r.extra = 1; }, 'run.extra'],
  ];
  assert.doesNotThrow(() => parseRunFile('f.yaml', base()));
  for (const [mutate, field] of cases) {
    const r = base();
    mutate(r);
    assert.throws(() => parseRunFile('f.yaml', r), (e: Error) => e.message.startsWith(`f.yaml: ${field}`), field);
  }
});
