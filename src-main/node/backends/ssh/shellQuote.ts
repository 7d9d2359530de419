/**
 * shellQuote — remote commands as argument vectors: every argument becomes one POSIX-shell word, so no
 * argument (a VM named `x; rm -rf /` or `$(reboot)`) can end a command, start another, expand or glob.
 *
 * - `shellQuote(arg)` → the argument in single quotes, each `'` written as `'\''` (the POSIX rule: nothing
 *   inside single quotes is special). Plain words of safe characters are left bare for readable logs.
 * - `commandLine(argv)` → the words joined by spaces: what an SSH `exec` request carries (the server hands
 *   it to the user's login shell, which must be a POSIX shell: sh, bash, dash, ash or zsh).
 *
 * Rules: a NUL byte cannot be passed through a shell word and is refused (`Error`); an empty argument
 * stays an argument (`''`). virsh's own command-string parser follows the same quoting rules, so the same
 * function quotes arguments inside a virsh batch (`libvirt/virshBatch.ts`).
 */

const BARE = /^[A-Za-z0-9_@%+:,./-]+$/;

export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('an argument contains a NUL byte, which no shell word can carry');
  if (BARE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('an empty command');
  return argv.map(shellQuote).join(' ');
}
