/**
 * virshBatch — many virsh commands in one remote `virsh` process over one SSH exec, with each command's
 * output and error kept apart: the batch is what makes a 50-domain host's inventory one round trip.
 *
 * - `batchArgv(uri, commands, nonce)` → the argument vector to run remotely: `virsh [-c URI] '<batch>'`
 *   where the batch is virsh's own command string (`cmd1 ; cmd2 ; …`) with every argument quoted
 *   (`shellQuote`, whose rules virsh's parser shares) and a marker echoed on stdout and stderr before
 *   each command.
 * - `splitBatch(commands, stdout, stderr, nonce)` → one `{ out, error? }` per command, or throws
 *   `VirshError` when the output is not what the batch must produce (markers missing or out of order).
 * - `runVirsh(exec, uri, commands, timeoutMs?)` runs and splits; `describeCommand(args)` names a command
 *   in messages (`virsh dumpxml`).
 *
 * Rules: virsh runs every command of a batch even after one fails (checked against libvirt 9.0), so a
 * failure is local to its command (its stderr holds `error: …`). Markers carry a random nonce per
 * batch, so no domain's output (a description, say) can forge one. Commands are argument vectors, and
 * domains are named by UUID wherever one exists, so a name never has to be parsed back out of output.
 */
import { randomBytes } from 'node:crypto';
import { shellQuote } from '../ssh/index';
import type { ExecResult } from '../ssh/index';

export type VirshCommand = readonly string[];

export interface VirshResult {
  out: string;
  /** virsh's `error: …` lines for this command (without the prefix), when it failed. */
  error?: string;
}

/** Output that does not have the shape a command (or the batch) must produce; names the command. */
export class VirshError extends Error {
  constructor(readonly command: string, message: string) {
    super(`${command}: ${message}`);
    this.name = 'VirshError';
  }
}

export function describeCommand(args: VirshCommand): string {
  return `virsh ${args[0] ?? ''}`.trim();
}

const marker = (nonce: string, i: number | 'end') => `@@hvlab-${nonce}-${i}`;

export function newNonce(): string {
  return randomBytes(8).toString('hex');
}

export function batchArgv(uri: string | undefined, commands: readonly VirshCommand[], nonce: string): string[] {
  const parts: string[] = [];
  commands.forEach((c, i) => {
    if (c.length === 0) throw new Error('an empty virsh command');
    parts.push(`echo ${marker(nonce, i)}`, `echo --err ${marker(nonce, i)}`, c.map(shellQuote).join(' '));
  });
  parts.push(`echo ${marker(nonce, 'end')}`, `echo --err ${marker(nonce, 'end')}`);
  return ['virsh', ...(uri ? ['-c', uri] : []), parts.join(' ; ')];
}

/** Splits `text` at lines equal to `prefix + marker(i)`, checking that markers 0…n-1 and `end` all appear in order. */
function segments(text: string, prefix: string, nonce: string, n: number, what: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  let current: string[] | null = null;
  let next = 0;
  let ended = false;
  for (const line of lines) {
    if (line.startsWith(`${prefix}@@hvlab-${nonce}-`)) {
      const want = next < n ? marker(nonce, next) : marker(nonce, 'end');
      if (line !== prefix + want) throw new VirshError(what, `batch output out of order (expected ${want})`);
      if (current) out.push(current.join('\n'));
      if (next === n) { ended = true; current = null; break; }
      current = [];
      next++;
      continue;
    }
    if (current) current.push(line);
    else if (line.trim() !== '' && !ended && prefix === '') throw new VirshError(what, `unexpected output before the first command: "${line.slice(0, 80)}"`);
  }
  if (!ended) throw new VirshError(what, `the batch ended early, after ${out.length} of ${n} commands`);
  return out;
}

export function splitBatch(commands: readonly VirshCommand[], stdout: string, stderr: string, nonce: string): VirshResult[] {
  const what = commands.length === 1 ? describeCommand(commands[0]) : `virsh batch of ${commands.length} commands`;
  const outs = segments(stdout, '', nonce, commands.length, what);
  const errs = segments(stderr, 'error: ', nonce, commands.length, what);
  return outs.map((o, i) => {
    const errorLines = errs[i].split('\n').filter((l) => l.startsWith('error: ')).map((l) => l.slice('error: '.length));
    // virsh separates commands with blank lines; the command's own output sits between them.
    const out = o.replace(/^\n+/, '').replace(/\n+$/, '');
    return errorLines.length > 0 ? { out, error: errorLines.join('; ') } : { out };
  });
}

export type Exec = (argv: readonly string[], opts?: { timeoutMs?: number }) => Promise<ExecResult>;

export async function runVirsh(exec: Exec, uri: string | undefined, commands: readonly VirshCommand[], timeoutMs?: number): Promise<VirshResult[]> {
  if (commands.length === 0) return [];
  const nonce = newNonce();
  const r = await exec(batchArgv(uri, commands, nonce), { timeoutMs });
  if (!r.stdout.includes(marker(nonce, 0))) {
    // virsh never ran a command: it is missing, or it could not reach libvirtd.
    const why = r.stderr.trim().split('\n').slice(-2).join(' ').slice(0, 400) || `exit code ${String(r.code)}`;
    throw new VirshError(commands.length === 1 ? describeCommand(commands[0]) : 'virsh', why);
  }
  return splitBatch(commands, r.stdout, r.stderr, nonce);
}

/** The output of a command that must succeed, or a VirshError naming it with virsh's own message. */
export function okOut(command: VirshCommand, r: VirshResult): string {
  if (r.error !== undefined) throw new VirshError(describeCommand(command), r.error);
  return r.out;
}
