/**
 * `hvlab` command line: one entry point, one module per subcommand.
 *
 *   hvlab start                      open the lab (Electron, or browser mode where Electron can't run)
 *   hvlab serve [--port N] …         browser mode on 127.0.0.1 with a per-launch token
 *
 * Rule: a user mistake prints `hvlab: error: …` and exits 1 (2 for usage); never a stack trace.
 */
import { UsageError } from './cli/args';

type Subcommand = (argv: string[]) => Promise<unknown> | unknown;

const SUBCOMMANDS: Record<string, { summary: string; load: () => Promise<Subcommand> }> = {
  start: { summary: 'open the lab (Electron window, or browser mode where Electron cannot run)', load: async () => (await import('./cli/startCommand')).start },
  serve: { summary: 'serve the lab on 127.0.0.1 for a browser [--port N] [--scenario NAME] [--seed N] [--paused]', load: async () => (await import('./cli/serveCommand')).serve },
};

/** Other modules register more subcommands here (asm, run, scenario…). */
export function registerSubcommand(name: string, summary: string, load: () => Promise<Subcommand>): void {
  SUBCOMMANDS[name] = { summary, load };
}

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
  const entry = SUBCOMMANDS[name];
  if (!entry) {
    console.error(`hvlab: error: unknown command "${name}"\n${usage()}`);
    return 2;
  }
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
