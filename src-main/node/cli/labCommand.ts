/**
 * `hvlab lab load DIR [--until T] [--json] [--save DIR2]`: loads a saved lab (checking its format version
 * and checksums; a corrupt save is reported, never loaded), optionally runs it on to virtual time T
 * (absolute), and prints the same report as `hvlab scenario run`.
 * `hvlab lab check DIR`: verifies a save without running it — checksums, and every value as loading
 * checks it (the lab is loaded, not run).
 */
import { createEngine } from '../../engine/index';
import type { LabState } from '../../engine/index';
import { loadLab, saveLab } from '../storage/labStore';
import { defaultGuestFactory } from '../guestFactories';
import { loadScenarioSources } from '../resources';
import { parseArgs, UsageError } from './args';
import { parseUntil } from './scenarioCommand';
import { buildReport, formatReport } from './runReport';

export async function lab(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'load' && sub !== 'check') throw new UsageError('usage: hvlab lab load DIR [--until T] [--json] [--save DIR2] | hvlab lab check DIR');
  const { flags, positionals } = parseArgs(rest, { until: 'string', json: 'boolean', save: 'string' });
  if (positionals.length !== 1) throw new UsageError(`hvlab lab ${sub} needs exactly one DIR`);
  const { state, manifest } = loadLab(positionals[0]);
  // Both subcommands load the lab into an engine: `check` passes only what `load` would load.
  const s = state as LabState;
  const choice = defaultGuestFactory();
  // The engine starts on a built-in lab that the saved one replaces (the saved scenario is checked by loadState).
  const engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: choice.factory, guestCatalog: choice.catalogue }, { scenario: 'lab-small', seed: 1 });
  const err = engine.loadState(state);
  if (err) throw new Error(`${positionals[0]}: ${err.message}`);
  if (sub === 'check') {
    console.log(`${positionals[0]}: ok (generation ${manifest.generation}, ${s.scenario.name} at ${s.clock.virtualTimeMs / 1000} s virtual)`);
    return 0;
  }
  const until = parseUntil(flags.until);
  if (until !== undefined && until > engine.simStatus().virtualTimeMs) engine.advance(until - engine.simStatus().virtualTimeMs);
  const report = buildReport(engine, { seed: s.seed, title: s.scenario.title, description: s.scenario.description, guestExecution: choice.name });
  console.log(flags.json ? JSON.stringify(report, null, 2) : formatReport(report));
  if (flags.save) saveLab(String(flags.save), engine.saveState());
  return 0;
}
