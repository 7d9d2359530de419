/**
 * `hvlab` command line: one entry point, one module per subcommand.
 *
 *   hvlab start                      open the lab (Electron, or browser mode where Electron can't run)
 *   hvlab serve [--port N] …         browser mode on 127.0.0.1 with a per-launch token
 *   hvlab scenario run FILE …        a scenario headless, in-process: counters, events, digest
 *   hvlab lab load DIR …             a saved lab (checked), optionally run on, same report
 *   hvlab asm FILE.s [-o OUT] [--list]   assemble an HV32 program (file:line:col errors, exit 1)
 *   hvlab run GUEST [--monitor …] …  boot one guest machine and print its console (or --json)
 *   hvlab migrate GUEST [options]    live-migrate a guest between two hosts and print the statistics
 *   hvlab place FILE [--algo …] …    pack a bin-packing instance: bins per heuristic, exact optimum (HiGHS)
 *   hvlab model FILE.cp [--all]      solve a model of the placement modelling language
 *   hvlab consolidate RUNFILE …      consolidation policies side by side on one scenario + seed
 *   hvlab exercise list|show|check … guided exercises: list, handout, grade a saved lab (docs/exercises.md)
 *   hvlab report LABDIR --kind …     lab or datacenter report as HTML, PDF, CSV or JSON; report verify FILE
 *   hvlab host probe URL …           connect to a real host (ssh:// libvirt, vim25+https:// ESXi/vCenter) and list it
 *   hvlab availability design|cluster|tiers …  the availability maths (MTBF/MTTR, series/parallel, N+k, tiers)
 *
 * Rule: a user mistake prints `hvlab: error: …` and exits 1 (2 for usage); never a stack trace.
 */
import { UsageError } from './cli/args';
import { applyEngineTiering } from './v8Tuning';

type Subcommand = (argv: string[]) => Promise<unknown> | unknown;

/** Every subcommand: its one-line summary and its module, loaded only when it runs. */
const SUBCOMMANDS: Readonly<Record<string, { summary: string; load: () => Promise<Subcommand> }>> = {
  start: { summary: 'open the lab (Electron window, or browser mode where Electron cannot run) [--workers N]', load: async () => (await import('./cli/startCommand')).start },
  serve: { summary: 'serve the lab on 127.0.0.1 for a browser [--port N] [--scenario NAME] [--seed N] [--paused] [--library DIR] [--vim25-port N] [--exercises DIR] [--data-dir DIR] [--restore-autosave | --discard-autosave] [--no-autosave] [--workers N]', load: async () => (await import('./cli/serveCommand')).serve },
  scenario: { summary: 'run a scenario headless: scenario run FILE [--seed N] [--until T] [--json] [--save DIR] [--workers N]; scenario check FILE', load: async () => (await import('./cli/scenarioCommand')).scenario },
  lab: { summary: 'saved labs: lab load DIR [--until T] [--json] [--save DIR2]; lab check DIR', load: async () => (await import('./cli/labCommand')).lab },
  asm: { summary: 'assemble an HV32 program: asm FILE.s [-o OUT] [--list] [-D NAME[=N]]', load: async () => (await import('./cli/asmCommand')).asm },
  run: { summary: 'run one guest: run GUEST [--monitor interp|te|bt|hw|pv] [--paging native|shadow|nested] [--levels 2|4] [--until DURATION] [--param k=v …] [--json] (all options: run --help); run --list', load: async () => (await import('./cli/runCommand')).run },
  migrate: { summary: 'live-migrate a guest between two hosts: migrate GUEST [--param k=v …] [--ram SIZE] [--mode stop-copy|precopy|postcopy|hybrid] [--stop-rule qemu|xen|xen-classic] [--bandwidth RATE] [--auto-converge] [--compress CODEC[:LEVEL]] [--xbzrle] [--dedup] [--gang N] [--json] (docs/migration.md)', load: async () => (await import('./cli/migrateCommand')).migrate },
  place: { summary: 'pack a bin-packing instance (BPPLIB/OR-Library): place FILE [--algo nf|ff|bf|wf|nfd|ffd|bfd|wfd|exact|all] [--time-limit S] [--json]; place --generate u120 [--seed N]', load: async () => (await import('./cli/placeCommand')).place },
  exercise: { summary: 'guided exercises: exercise list | show NAME [--instructor] | check NAME LABDIR [--json] | validate FILE…', load: async () => (await import('./cli/exerciseCommand')).exercise },
  report: { summary: 'reports of a saved lab: report LABDIR --kind lab|datacenter [--exercise NAME] [--from T --to T] --format html|pdf|csv|json -o FILE; report verify FILE', load: async () => (await import('./cli/reportCommand')).report },
  host: { summary: 'probe a real host: host probe ssh://USER@HOST[:PORT] [--identity FILE] [--known-hosts FILE] [--accept-new] [--json]; host probe vim25+https://USER@HOST[:PORT]/sdk --password-env VAR [--thumbprint SHA1|--accept-new] [--json]', load: async () => (await import('./cli/hostCommand')).host },
  consolidate: { summary: 'compare consolidation policies on a run file (workload phases): consolidate RUNFILE [--policy none,periodic-ffd,periodic-exact,threshold] [--seed N] [--json]', load: async () => (await import('./cli/consolidateCommand')).consolidate },
  availability: { summary: 'availability maths through the engine: availability design FILE.yaml|LABDIR|--group NAME=A|MTBF/MTTR,NEED,SCHEME … [--parallel] [--json]; availability cluster LABDIR|--scenario NAME [--cluster NAME] --mtbf H --mttr H [--years N] [--replications N] [--json]; availability tiers', load: async () => (await import('./cli/availabilityCommand')).availability },
  model: { summary: 'solve a placement model (the CP practical): model FILE.cp [--all] [--json] [--node-limit N]', load: async () => (await import('./cli/modelCommand')).model },
};

function usage(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((k) => k.length));
  return ['usage: hvlab <command> [options]', '', ...Object.entries(SUBCOMMANDS).map(([k, v]) => `  ${k.padEnd(width)}  ${v.summary}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return 0;
  }
  // Own entries only: `hvlab constructor` must not find Object's constructor.
  const entry = Object.prototype.hasOwnProperty.call(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (!entry) {
    console.error(`hvlab: error: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  // Every command that runs guests in this process (scenario run, run, serve/start without workers) runs
  // them with the engine's V8 flags; set before the command's modules load.
  applyEngineTiering();
  try {
    const result = await (await entry.load())(rest);
    return typeof result === 'number' ? result : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`hvlab ${name}: error: ${e.message}`);
      return 2;
    }
    console.error(`hvlab ${name}: error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
