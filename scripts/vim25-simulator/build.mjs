#!/usr/bin/env node
// Builds the vim25 reference simulator (main.go beside this file, over Debian's govmomi `simulator`
// package) in GOPATH mode, with no network, into a cache folder; reuses the binary while main.go is
// unchanged. `buildSimulator()` → { path } or { skip: reason } (no Go, no govmomi sources, build failed).
// Run directly to build and print the path.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const GOPATH = '/usr/share/gocode';
const SIMULATOR_PKG = join(GOPATH, 'src/github.com/vmware/govmomi/simulator');

export function cacheDir() {
  return process.env.HVLAB_VIM25_SIM_CACHE ?? join(here, '../../node_modules/.cache/hvlab-vim25-simulator');
}

export function buildSimulator() {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) return { skip: 'Go is not installed (apt-get install golang-go)' };
  if (!existsSync(SIMULATOR_PKG)) return { skip: `govmomi's simulator package is missing (apt-get install golang-github-vmware-govmomi-dev golang-github-google-uuid-dev): no ${SIMULATOR_PKG}` };
  const source = readFileSync(join(here, 'main.go'));
  const tag = createHash('sha256').update(source).update(go.stdout).digest('hex').slice(0, 12);
  const dir = cacheDir();
  const out = join(dir, `vim25-simulator-${tag}`);
  if (existsSync(out)) return { path: out };
  mkdirSync(join(dir, 'gocache'), { recursive: true });
  const r = spawnSync('go', ['build', '-o', out, 'main.go'], {
    cwd: here, encoding: 'utf8', timeout: 600_000,
    env: { ...process.env, GOPATH, GO111MODULE: 'off', GOFLAGS: '', GOCACHE: join(dir, 'gocache') },
  });
  if (r.status !== 0 || !existsSync(out)) return { skip: `building the simulator failed: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').slice(-3).join(' | ')}` };
  return { path: out };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = buildSimulator();
  if (r.path) console.log(r.path);
  else { console.error(`vim25 simulator: ${r.skip}`); process.exit(1); }
}
