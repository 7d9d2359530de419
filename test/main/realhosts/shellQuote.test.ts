// Remote commands are argument vectors: whatever a VM, snapshot or file is named, it arrives as exactly
// one argument — checked by running the quoted line through a real POSIX shell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLine, shellQuote } from '../../../src-main/node/backends/ssh/index';

/** Runs `printf '%s\0' ARGS…` through /bin/sh and returns the arguments printf saw. */
function throughShell(args: string[]): string[] {
  const r = spawnSync('/bin/sh', ['-c', commandLine(['printf', '%s\\0', ...args])], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

const NASTY = [
  'x; rm -rf /', '$(reboot)', '`reboot`', "it's", '"quoted"', 'a\nb', '*', '~', '~root', '-n', '--all', '',
  'back\\slash', '$HOME', '${IFS}', 'a|b', 'a&b', 'a>b', '#comment', 'tab\there', 'ünïcødé ☃', "'; touch /tmp/x; '",
  'FOO=bar', '!event', '[abc]', '{a,b}',
];

test('each argument reaches the remote program whole, whatever it contains', () => {
  assert.deepEqual(throughShell(NASTY), NASTY);
});

test('nothing in an argument runs: a name that tries to create a file creates none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-quote-'));
  const marker = join(dir, 'pwned');
  const attempts = [`x; touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, `'; touch ${marker}; '`, `a\ntouch ${marker}`];
  assert.deepEqual(throughShell(attempts), attempts);
  assert.equal(existsSync(marker), false);
});

test('random strings of shell-special characters survive', () => {
  const alphabet = ` \t\n'"\\$\`;&|<>(){}[]*?~!#=%^-_.,:@abcXYZ019é`;
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  for (let round = 0; round < 20; round++) {
    const args = Array.from({ length: 8 }, () => Array.from({ length: rnd() % 12 }, () => alphabet[rnd() % alphabet.length]).join(''));
    assert.deepEqual(throughShell(args), args);
  }
});

test('plain words stay bare, a NUL is refused, an empty command is refused', () => {
  assert.equal(commandLine(['virsh', 'domstate', '--domain', 'e7fbcb41-f6a8-4bcb-a4ca-800516b54782']), 'virsh domstate --domain e7fbcb41-f6a8-4bcb-a4ca-800516b54782');
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote('FOO=bar'), `'FOO=bar'`);
  assert.throws(() => shellQuote('a\0b'), /NUL/);
  assert.throws(() => commandLine([]), /empty/);
});
