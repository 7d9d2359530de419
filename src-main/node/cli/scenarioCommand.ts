/**
 * `hvlab scenario run FILE [--seed N] [--until T] [--json] [--save DIR] [--workers N]`: runs a scenario
 * headless, in-process, to virtual time T (a duration: 90, 90s, 5m, 1h; default: 60 s after the last
 * timed action, at least 60 s, at most 1 h — longer stories need --until), and prints counters, events, tasks and the digest of the final state.
 * Same file + same seed ⇒ byte-identical output. `--save DIR` also saves the final lab (hvlab lab load).
 * `--workers N` (or `HVLAB_WORKERS=N`; the flag wins; `cli/workersOption.ts`, the rule `serve` and `start`
 * share) runs the lab's hosts on up to N worker threads (`workers/hostWorkerPool.ts`), their segments in
 * parallel — the same output; 0 (the default) keeps them on this thread.
 * On a terminal, progress (virtual time done, wall time spent) goes to stderr while it runs.
 *
 * `hvlab scenario check FILE`: validates only (exit 1 with `file: path: message` on a bad field).
 */
import { readFileSync, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { createEngine, durationMs, validateScenario } from '../../engine/index';
import { durationArg } from '@shared/model/duration';
import type { Engine, Scenario } from '../../engine/index';
import { SCENARIO_DEFAULT_RUN_MAX_MS, SCENARIO_MAX_AT_MS } from '../../engine/index';
import { loadGuestCatalogue, parseScenarioText } from '../resources';
import { defaultGuestFactory } from '../guestFactories';
import type { GuestFactoryChoice } from '../guestFactories';
import { saveLab } from '../storage/labStore';
import { parseArgs, UsageError } from './args';
import { hostWorkerPools } from '../workers/hostWorkerPool';
import { workerCount } from './workersOption';
import { buildReport, formatReport } from './runReport';

export function parseUntil(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const ms = durationMs(typeof raw === 'number' ? raw : durationArg(String(raw)));
  if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`--until needs a duration like 90, 90s, 5m or 1h, got "${String(raw)}"`);
  if (ms > SCENARIO_MAX_AT_MS) throw new UsageError(`--until must be at most ${SCENARIO_MAX_AT_MS / 86_400_000}d, got "${String(raw)}"`);
  return ms;
}

/**
 * Where a run without `--until` stops: 60 s after the last timed action (at least 60 s), but never past
 * SCENARIO_DEFAULT_RUN_MAX_MS (1 h of virtual time): a scenario whose story is longer must say how far to
 * run, so a run without `--until` always ends.
 */
export function defaultUntilMs(s: Scenario): number {
  let last = 0;
  for (const a of s.actions ?? []) last = Math.max(last, durationMs(a.at));
  const until = Math.max(60_000, Math.ceil((last + 60_000) / 1000) * 1000);
  if (until > SCENARIO_DEFAULT_RUN_MAX_MS) {
    throw new UsageError(`the last action of this scenario is at ${last / 1000} s; a run without --until covers at most ${SCENARIO_DEFAULT_RUN_MAX_MS / 1000} s: give --until (e.g. --until ${Math.ceil(until / 3_600_000)}h)`);
  }
  return until;
}

/** Names of the guest catalogue (resources/guests/guests.json): what a scenario's workloads may name. */
function catalogueNames(): Set<string> {
  return new Set(loadGuestCatalogue().guests.map((g) => g.name));
}

/** Loads and validates a scenario file; throws a one-line Error naming file and field. */
export function loadScenarioFile(file: string): { name: string; content: unknown; scenario: Scenario } {
  if (!existsSync(file)) throw new Error(`${file}: no such file`);
  const content = parseScenarioText(file, readFileSync(file, 'utf8'));
  const v = validateScenario({ file, content }, catalogueNames());
  if ('error' in v) throw new Error(v.error.message);
  return { name: v.scenario.name || basename(file), content, scenario: v.scenario };
}

/** Virtual time per progress step of a run shown on a terminal. */
const PROGRESS_STEP_MS = 10_000;

/** `workers` host worker threads (0: the hosts on this thread); the caller closes the engine when done. */
export function runScenario(
  file: string, seed: number, untilMs: number | undefined, choice: GuestFactoryChoice = defaultGuestFactory(),
  onProgress?: (doneMs: number, totalMs: number) => void, workers = 0,
): { engine: Engine; scenario: Scenario } {
  const { name, content, scenario } = loadScenarioFile(file);
  const hostOwners = hostWorkerPools(workers, { machine: choice.factory !== undefined, pageCodecs: false });
  const engine = createEngine({ scenarios: { [name]: { file, content } }, guestFactory: choice.factory, guestCatalog: choice.catalogue }, { scenario: name, seed, hostOwners });
  const total = untilMs ?? defaultUntilMs(scenario);
  if (!onProgress) {
    engine.advance(total);
    return { engine, scenario };
  }
  // In steps, to report progress; the engine's result does not depend on how its time is sliced.
  for (let done = 0; done < total;) {
    const step = Math.min(PROGRESS_STEP_MS, total - done);
    engine.advance(step);
    done += step;
    onProgress(done, total);
  }
  return { engine, scenario };
}

/** One self-overwriting line on a terminal's stderr: "virtual 40.0 s of 120.0 s (33 %), 3.1 s wall". */
function terminalProgress(): ((doneMs: number, totalMs: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const started = performance.now();
  return (done, total) => {
    const wall = ((performance.now() - started) / 1000).toFixed(1);
    process.stderr.write(`\rhvlab: virtual ${(done / 1000).toFixed(1)} s of ${(total / 1000).toFixed(1)} s (${Math.floor((done / total) * 100)} %), ${wall} s wall`);
    if (done >= total) process.stderr.write('\n');
  };
}

export async function scenario(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'run' && sub !== 'check') throw new UsageError('usage: hvlab scenario run FILE [--seed N] [--until T] [--json] [--save DIR] [--workers N] | hvlab scenario check FILE');
  const { flags, positionals } = parseArgs(rest, { seed: 'number', until: 'string', json: 'boolean', save: 'string', workers: 'string' });
  if (positionals.length !== 1) throw new UsageError(`hvlab scenario ${sub} needs exactly one FILE`);
  if (sub === 'check') {
    const { scenario: s } = loadScenarioFile(positionals[0]);
    console.log(`${positionals[0]}: ok (${s.name}: ${s.title})`);
    return 0;
  }
  const seed = Number(flags.seed ?? 1);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) throw new UsageError(`--seed needs an integer 0…2147483647, got "${String(flags.seed)}"`);
  const workers = workerCount(flags.workers);
  const choice = defaultGuestFactory();
  const { engine, scenario: s } = runScenario(positionals[0], seed, parseUntil(flags.until), choice, terminalProgress(), workers);
  const report = buildReport(engine, { seed, title: s.title, description: s.description, guestExecution: choice.name });
  console.log(flags.json ? JSON.stringify(report, null, 2) : formatReport(report));
  if (flags.save) {
    const r = saveLab(String(flags.save), engine.saveState());
    console.error(`hvlab: saved the lab to ${String(flags.save)} (generation ${r.generation}, ${r.bytes} bytes)`);
  }
  engine.close();
  return 0;
}
