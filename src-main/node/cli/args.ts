/**
 * Minimal, strict command-line parsing for `hvlab` subcommands.
 *
 * - `parseArgs(argv, spec)` → `{ flags, positionals }` or throws `UsageError` with a clear message
 *   (unknown flag, missing value, bad number). Never a stack trace for a user mistake.
 */
export class UsageError extends Error {}

export interface FlagSpec {
  [name: string]: 'string' | 'number' | 'boolean';
}

export function parseArgs(argv: string[], spec: FlagSpec): { flags: Record<string, string | number | boolean>; positionals: string[] } {
  const flags: Record<string, string | number | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) { positionals.push(arg); continue; }
    const [rawName, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const kind = Object.prototype.hasOwnProperty.call(spec, rawName) ? spec[rawName] : undefined;
    if (!kind) throw new UsageError(`unknown option --${rawName}`);
    if (kind === 'boolean') { flags[rawName] = true; continue; }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`option --${rawName} needs a value`);
    if (kind === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`option --${rawName} needs a number, got "${value}"`);
      flags[rawName] = n;
    } else flags[rawName] = value;
  }
  return { flags, positionals };
}
