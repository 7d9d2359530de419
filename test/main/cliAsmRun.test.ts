/**
 * `hvlab asm` and `hvlab run` as a user runs them (spawning bin/hvlab.mjs): assembler mistakes are
 * `file:line:col: error:` lines with hints, several per run, exit 1, never a stack trace; -o and
 * --list; `run --json` prints one JSON object of the documented shape; `run --list`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/hvlab.mjs');
const dir = mkdtempSync(join(tmpdir(), 'hvlab-cli-'));
const hvlab = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
const noStack = (s: string): void => assert.doesNotMatch(s, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');

writeFileSync(join(dir, 'inc.s'), 'VALUE = 7\n  bogus r1\n');
writeFileSync(join(dir, 'bad.s'), `.include "inc.s"
_start:
  addi r1, r2
  li r3, undefined_sym
  hlt
`);
writeFileSync(join(dir, 'hello.s'), `  .org 0x2000
_start:
  li r1, msg
.l:
  ldb r2, 0(r1)
  cmpi r2, 0
  beq .d
  out r2, 0x20(r0)
  addi r1, r1, 1
  j .l
.d:
  li r2, 7
  out r2, 0xf0(r0)
msg: .asciz "hi from hvlab\\n"
`);

test('asm: several file:line:col errors with hints, exit 1, no stack trace', () => {
  const r = hvlab('asm', 'bad.s');
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^bad\.s:3:3: error: .+/m);
  assert.match(r.stderr, /^bad\.s:4:10: error: undefined symbol 'undefined_sym'/m);
  assert.match(r.stderr, /^inc\.s:2:3: error: unknown instruction 'bogus'/m, 'errors inside an include name the include');
  assert.match(r.stderr, /^ {2}hint: /m);
  assert.ok((r.stderr.match(/: error: /g) ?? []).length >= 3);
  noStack(r.stderr);
});

test('asm: -o writes the image, --list prints address, word, disassembly and source', () => {
  const r = hvlab('asm', 'hello.s', '-o', 'hello.bin', '--list');
  assert.equal(r.status, 0, r.stderr);
  const bytes = readFileSync(join(dir, 'hello.bin'));
  assert.match(r.stderr, new RegExp(`${bytes.length} bytes at 0x00002000, entry 0x00002000`));
  assert.match(r.stdout, /^00002000 {2}27100000 {2}lui r1, 0x0 +; hello\.s:3 {2}li r1, msg$/m);
  assert.match(r.stdout, /^00002004 {2}[0-9a-f]{8} {2}ori r1, r1, 0x[0-9a-f]+$/m, 'each word of a pseudo-instruction is listed');
  assert.match(r.stdout, /out r2, 0x20\(r0\)/);
  const missing = hvlab('asm', 'nope.s');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.s: error: no such file/);
  assert.equal(hvlab('asm').status, 2, 'usage error');
});

test('run --json prints one object: guest, monitor, levels, state, console, virtualTimeNs, digest, counters', () => {
  const r = hvlab('run', 'hello.s', '--json', '--monitor', 'te', '--levels', '4', '--until', '200ms', '--param', 'k=v');
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.guest, 'hello.s');
  assert.equal(o.monitor, 'te');
  assert.equal(o.levels, 4);
  assert.equal(o.cmdline, 'hello k=v');
  assert.equal(o.state, 'off');
  assert.equal(o.exitCode, 7);
  assert.equal(o.console, 'hi from hvlab\n');
  assert.ok(o.virtualTimeNs > 0 && o.virtualTimeNs < 200e6);
  assert.match(o.digest, /^[0-9a-f]{16}$/);
  for (const k of ['instructions', 'cycles', 'traps', 'exceptions', 'pageFaults', 'tlbHits', 'tlbMisses', 'pageWalks', 'walkMemRefs', 'interrupts', 'ioAccesses']) {
    assert.ok(k in o.counters, `counters.${k}`);
  }
  assert.ok(o.counters.traps.emulated.out > 0, 'te emulates the deprivileged outs');
  const plain = hvlab('run', 'hello.s');
  assert.equal(plain.status, 0);
  assert.equal(plain.stdout, 'hi from hvlab\n');
});

test('run: --list, unknown guests, bad sources and bad options', () => {
  const list = hvlab('run', '--list');
  assert.equal(list.status, 0, list.stderr);
  const unknown = hvlab('run', 'no-such-guest');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /unknown guest "no-such-guest"/);
  const bad = hvlab('run', 'bad.s');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^bad\.s:4:10: error:/m);
  noStack(bad.stderr);
  const opt = hvlab('run', 'hello.s', '--until', 'soon');
  assert.equal(opt.status, 2);
  assert.match(opt.stderr, /--until needs a duration/);
});
