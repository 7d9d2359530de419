#!/usr/bin/env node
// `npm test`: every suite of the project, in order, with one closing line `N passed, N failed[, N skipped]`.
//
//   checks    typecheck (tsc per layer + vue-tsc), lint (import boundaries), electron-vite build
//   node      node's test runner + tsx over test/**/*.test.ts (engine, contract, main, guests, differential…)
//   renderer  vitest (+ happy-dom) over test/renderer/**
//   e2e       Playwright in Chromium against the real engine in browser mode (Electron project skips
//             itself where no Electron binary exists)
//
// Options: --suite checks,node,renderer,e2e (default all); --grep TEXT (node suite: only files whose
// path contains TEXT). Exit code 1 when anything failed.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : undefined; };
const suites = (opt('suite') ?? 'checks,node,renderer,e2e').split(',');
const grep = opt('grep');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(cmd, argv, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: root, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

function record(suite, passed, failed, skipped = 0) {
  totals.passed += passed; totals.failed += failed; totals.skipped += skipped;
  lines.push(`${suite.padEnd(9)} ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}

function findTests(dir, exclude) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { if (!exclude.includes(e.name)) out.push(...findTests(p, exclude)); }
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

async function checks() {
  const steps = [
    ['typecheck shared', bin('tsc'), ['-p', 'tsconfig.shared.json']],
    ['typecheck engine', bin('tsc'), ['-p', 'tsconfig.engine.json']],
    ['typecheck node', bin('tsc'), ['-p', 'tsconfig.json']],
    ['typecheck renderer', bin('vue-tsc'), ['--noEmit', '-p', 'tsconfig.web.json']],
    ['lint', bin('eslint'), ['.']],
    ['electron-vite build', bin('electron-vite'), ['build']],
  ];
  let passed = 0, failed = 0;
  for (const [label, cmd, argv] of steps) {
    console.log(`\n== ${label}`);
    const r = await run(cmd, argv);
    if (r.code === 0) passed++; else { failed++; console.log(`!! ${label} failed (exit ${r.code})`); }
  }
  record('checks', passed, failed);
}

async function nodeTests() {
  let files = findTests(join(root, 'test'), ['renderer', 'e2e', 'e2e-electron', 'fixtures']);
  if (grep) files = files.filter((f) => f.includes(grep));
  console.log(`\n== node tests (${files.length} files)`);
  if (files.length === 0) { record('node', 0, 0); return; }
  const r = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files.map((f) => relative(root, f))]);
  const num = (k) => Number((r.out.match(new RegExp(`^# ${k} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  const passed = num('pass'), failed = num('fail') + num('cancelled'), skipped = num('skipped') + num('todo');
  record('node', passed, failed || (r.code !== 0 && passed === 0 ? 1 : 0), skipped);
}

async function rendererTests() {
  if (!existsSync(join(root, 'vitest.config.ts'))) { record('renderer', 0, 0); return; }
  console.log('\n== renderer tests (vitest)');
  const report = join(mkdtempSync(join(tmpdir(), 'hvlab-vitest-')), 'report.json');
  const r = await run(bin('vitest'), ['run', '--config', 'vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  if (!existsSync(report)) { record('renderer', 0, 1); return; }
  const j = JSON.parse(readFileSync(report, 'utf8'));
  record('renderer', j.numPassedTests ?? 0, (j.numFailedTests ?? 0) + (r.code !== 0 && !j.numFailedTests ? 1 : 0), (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0));
}

async function e2eTests() {
  if (!existsSync(join(root, 'playwright.config.ts'))) { record('e2e', 0, 0); return; }
  console.log('\n== end-to-end tests (Playwright, Chromium)');
  const report = join(mkdtempSync(join(tmpdir(), 'hvlab-pw-')), 'report.json');
  const r = await run(bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  if (!existsSync(report)) { record('e2e', 0, 1); return; }
  const s = JSON.parse(readFileSync(report, 'utf8')).stats ?? {};
  record('e2e', s.expected ?? 0, (s.unexpected ?? 0) + (s.flaky ?? 0) + (r.code !== 0 && !s.unexpected ? 1 : 0), s.skipped ?? 0);
}

const table = { checks, node: nodeTests, renderer: rendererTests, e2e: e2eTests };
for (const s of suites) {
  if (!table[s]) { console.error(`unknown suite "${s}"`); process.exit(2); }
  await table[s]();
}
console.log('\n== summary');
for (const l of lines) console.log(l);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
