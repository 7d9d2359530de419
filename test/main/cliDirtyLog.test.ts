/**
 * `hvlab run GUEST --dirty-log PERIOD [--dirty-mechanism pml|dirty-bits] [--json]` as a user runs it:
 * the dirty rate of memwrite is what the guest was asked to write (distinct pages per virtual second,
 * saturating at the working set), the mechanism follows the paging mode and its events are counted,
 * the guest's results do not change, and bad options get one clear line (exit 2, no stack trace).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const hvlab = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/hvlab.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
const json = (...args: string[]) => {
  const r = hvlab(...args, '--json');
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};

// 2,000 pages/s over an 8,192-page working set: a 500 ms period sees ~1,000 distinct pages.
const MEMWRITE = ['run', 'memwrite', '--memory', '64', '--param', 'wss_kib=32768', '--param', 'rate_pps=2000', '--param', 'passes=0', '--until', '2s'];

test('--dirty-log: the rate matches what memwrite writes, under every mechanism, and the guest is unchanged', () => {
  const plain = json(...MEMWRITE, '--monitor', 'hw', '--paging', 'nested');
  assert.equal(plain.dirty, undefined, 'no dirty section without --dirty-log');
  const cases: [string[], string, string][] = [
    [['--monitor', 'interp'], 'write-protect', ''],
    [['--monitor', 'bt', '--paging', 'shadow'], 'write-protect', 'writeProtectFaults'],
    [['--monitor', 'hw', '--paging', 'nested'], 'pml', 'pmlEntries'],
    [['--monitor', 'hw', '--paging', 'nested', '--dirty-mechanism', 'dirty-bits'], 'dirty-bits', ''],
  ];
  for (const [args, mechanism, event] of cases) {
    const o = json(...MEMWRITE, ...args, '--dirty-log', '500ms');
    const d = o.dirty;
    assert.equal(d.mechanism, mechanism, args.join(' '));
    assert.equal(d.periodNs, 500e6);
    assert.equal(d.syncs, 4);
    assert.equal(d.pagesPerPeriod.length, 4);
    assert.equal(d.pagesReported, d.pagesPerPeriod.reduce((a: number, b: number) => a + b, 0));
    // after boot (period 1 includes the kernel building the address space): memwrite's 2,000 pages/s + a few kernel pages
    assert.ok(d.rate.last > 1900 && d.rate.last < 2300, `${mechanism}: last-period rate ${d.rate.last}`);
    if (event) assert.ok(d.events[event] >= d.pagesReported - d.pagesPerPeriod[0], `${event} counted: ${JSON.stringify(d.events)}`);
    assert.ok(d.harvestEntries >= d.pagesReported * 0.9);
    if (args.includes('nested') && !args.includes('dirty-bits')) assert.equal(o.console, plain.console, 'the log does not change what the guest prints');
  }
});

test('--dirty-log: a working set smaller than one period saturates the rate at the working set (QEMU counts distinct pages)', () => {
  const o = json('run', 'memwrite', '--param', 'wss_kib=256', '--param', 'rate_pps=2000', '--param', 'passes=0', '--until', '2s', '--dirty-log', '1s');
  // 64 memwrite pages, each written ~31 times a second, count once per period
  assert.ok(o.dirty.rate.last >= 64 && o.dirty.rate.last < 100, `rate ${o.dirty.rate.last}`);
});

test('--dirty-log without --json prints the console, then one summary line on stderr', () => {
  const r = hvlab(...MEMWRITE, '--dirty-log', '1s');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /running memwrite/);
  assert.match(r.stderr, /^hvlab run: dirty log \(write-protect, every 1000 ms\): 2 reads, [\d,]+ pages; rate mean [\d,]+, peak [\d,]+, last [\d,]+ pages\/s$/m);
});

test('bad --dirty-log / --dirty-mechanism options: one clear line, exit 2', () => {
  for (const [args, msg] of [
    [['--dirty-log', '0'], /--dirty-log must be a positive duration/],
    [['--dirty-log', 'soon'], /--dirty-log needs a duration like/],
    [['--dirty-log', '1s', '--dirty-mechanism', 'pml'], /use it with --paging nested/],
    [['--monitor', 'hw', '--paging', 'nested', '--dirty-mechanism', 'pml'], /needs --dirty-log PERIOD/],
    [['--monitor', 'hw', '--paging', 'nested', '--dirty-log', '1s', '--dirty-mechanism', 'bits'], /must be pml or dirty-bits/],
  ] as [string[], RegExp][]) {
    const r = hvlab('run', 'memwrite', ...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
  }
});
