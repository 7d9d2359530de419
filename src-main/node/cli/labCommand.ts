/**
 * `hvlab lab load DIR [--until T] [--json] [--save DIR2]`: loads a saved lab (checking its format version
 * and checksums; a corrupt save is reported, never loaded), optionally runs it on to virtual time T
 * (absolute), and prints the same report as `hvlab scenario run`.
 * `hvlab lab check DIR`: verifies a save without running it.
 */
import { createEngine } from '../../engine/index';
import type { LabState } from '../../engine/index';
import { loadLab, saveLab } from '../storage/labStore';
import { defaultGuestFactory } from '../guestFactories';
import { parseArgs, UsageError } from './args';
import { parseUntil } from './scenarioCommand';
import { buildReport, formatReport } from './runReport';

export async function lab(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'load' && sub !== 'check') throw new UsageError('usage: hvlab lab load DIR [--until T] [--json] [--save DIR2] | hvlab lab check DIR');
  const { flags, positionals } = parseArgs(rest, { until: 'string', json: 'boolean', save: 'string' });
  if (positionals.length !== 1) throw new UsageError(`hvlab lab ${sub} needs exactly one DIR`);
  const { state, manifest } = loadLab(positionals[0]);
  const s = state as LabState;
  if (sub === 'check') {
    console.log(`${positionals[0]}: ok (generation ${manifest.generation}, ${s.scenario.name} at ${s.clock.virtualTimeMs / 1000} s virtual)`);
    return 0;
  }
  const choice = defaultGuestFactory();
  const engine = createEngine({ scenarios: { [s.scenario.name]: { file: positionals[0], content: s.scenario } }, guestFactory: choice.factory, guestCatalog: choice.catalogue }, { scenario: s.scenario.name, seed: s.seed });
  const err = engine.loadState(state);
  if (err) throw new Error(err.message);
  const until = parseUntil(flags.until);
  if (until !== undefined && until > engine.simStatus().virtualTimeMs) engine.advance(until - engine.simStatus().virtualTimeMs);
  const report = buildReport(engine, { seed: s.seed, title: s.scenario.title, guestExecution: choice.name });
  console.log(flags.json ? JSON.stringify(report, null, 2) : formatReport(report));
  if (flags.save) saveLab(String(flags.save), engine.saveState());
  return 0;
}
