/**
 * `hvlab consolidate RUNFILE [--policy none,periodic-ffd,periodic-exact,threshold] [--seed N] [--json]`:
 * a consolidation run (src-main/node/consolidation) for each policy, each on a fresh lab built from the
 * same scenario and seed, printed side by side — energy, host-hours, migrations and bytes, CPU shortage —
 * or as one JSON object with every run's report (decisions and per-sample timeline included).
 *
 * Rule: same run file + seed + policies ⇒ the same figures (the exact policy's solver has a wall-clock
 * time limit: a run that hits it says so in `timeLimitHits`). A mistake in the file is `file: field: message`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createEngine } from '../../engine/index';
import { parseScenarioText } from '../resources';
import { defaultGuestFactory } from '../guestFactories';
import { createHighsSolver } from '../solver/highsSolver';
import type { HighsSolver } from '../solver/highsSolver';
import { POLICIES, parseRunFile, runConsolidation } from '../consolidation/index';
import type { ConsolidationReport, PolicyName } from '../consolidation/index';
import { loadScenarioFile } from './scenarioCommand';
import { parseArgs, UsageError } from './args';

const USAGE = 'usage: hvlab consolidate RUNFILE [--policy none,periodic-ffd,periodic-exact,threshold] [--seed N] [--json]';

function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatComparison(reports: ConsolidationReport[], meta: { file: string; seed: number }): string {
  const r0 = reports[0];
  const out = [
    `consolidation runs: ${meta.file}, cluster ${r0.cluster} (${r0.hosts} hosts, ${r0.vms} VMs), seed ${meta.seed}, ${r0.virtualTimeMs / 1000} s of virtual time`,
    '',
  ];
  const rows: [string, (r: ConsolidationReport) => string][] = [
    ['energy (kJ, power model)', (r) => fmt(r.energyJ / 1000)],
    ['mean power (W)', (r) => fmt(r.meanPowerW)],
    ['host-hours powered on', (r) => fmt(r.hostHours, 3)],
    ['live migrations (failed)', (r) => `${r.migrations.completed} (${r.migrations.failed})`],
    ['migrated (MiB sent)', (r) => fmt(r.migrations.bytes / 1048576)],
    ['switch-over downtime (ms)', (r) => fmt(r.migrations.downtimeMs, 0)],
    ['plans applied / refused', (r) => `${r.plans.applied} / ${r.plans.refused + r.plans.failed}`],
    ['hosts into standby / woken', (r) => `${r.standby.entered} / ${r.standby.woken}`],
    ['CPU shortfall (vCPU-s)', (r) => fmt(r.cpu.shortOfCpuVcpuS)],
    ['SLA violation (VM-s short)', (r) => fmt(r.cpu.slaViolationVmS, 0)],
    ['SLA violation (% of VM time)', (r) => fmt(r.cpu.slaViolationShare * 100, 2)],
  ];
  const w0 = Math.max(...rows.map(([k]) => k.length));
  const w = Math.max(...reports.map((r) => r.policy.length), 12);
  out.push(`${''.padEnd(w0)}  ${reports.map((r) => r.policy.padStart(w)).join('  ')}`);
  for (const [k, f] of rows) out.push(`${k.padEnd(w0)}  ${reports.map((r) => f(r).padStart(w)).join('  ')}`);
  const hits = reports.filter((r) => r.timeLimitHits);
  if (hits.length) out.push('', `the exact solver hit its time limit ${hits.map((r) => `${r.timeLimitHits}× (${r.policy})`).join(', ')}: those packings depend on this machine's speed`);
  return out.join('\n');
}

export async function consolidate(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { policy: 'string', seed: 'number', json: 'boolean' });
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const file = positionals[0];
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const run = parseRunFile(file, parseScenarioText(file, readFileSync(file, 'utf8')));
  const seed = Number(flags.seed ?? 1);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) throw new UsageError(`--seed needs an integer 0…2147483647, got "${String(flags.seed)}"`);
  let policies: PolicyName[] = run.policies;
  if (flags.policy !== undefined) {
    policies = String(flags.policy).split(',').map((x) => x.trim()) as PolicyName[];
    const bad = policies.find((x) => !(POLICIES as readonly string[]).includes(x));
    if (bad) throw new UsageError(`--policy: unknown policy "${bad}" (one of ${POLICIES.join(', ')})`);
  }
  const scenarioFile = resolve(dirname(file), run.scenario);
  const { name, content } = loadScenarioFile(scenarioFile);
  const choice = defaultGuestFactory();
  let highs: HighsSolver | undefined;
  const reports: ConsolidationReport[] = [];
  try {
    for (const policy of policies) {
      if (policy === 'periodic-exact' && !highs) { highs = createHighsSolver(); highs.warmUp(); }
      const engine = createEngine({
        scenarios: { [name]: { file: scenarioFile, content } }, guestFactory: choice.factory, guestCatalog: choice.catalogue,
        ...(highs ? { milpSolver: highs } : {}),
      }, { scenario: name, seed });
      if (process.stderr.isTTY) process.stderr.write(`hvlab: running ${policy}…\n`);
      reports.push(runConsolidation(engine, { policy, untilMs: run.untilMs, ...(run.cluster ? { cluster: run.cluster } : {}), params: run.params, phases: run.phases }));
    }
  } finally {
    highs?.close();
  }
  console.log(flags.json
    ? JSON.stringify({ file, scenario: name, seed, guestExecution: choice.name, runs: reports }, null, 2)
    : formatComparison(reports, { file, seed }));
  return 0;
}
