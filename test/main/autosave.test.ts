// Quitting never loses the lab. A real `hvlab serve` process is changed over its WebSocket and stopped
// with SIGTERM (then SIGINT): it autosaves into its data folder; the next start offers the autosave
// (lab.recovery) until Restore or Discard, or restores it at once with --restore-autosave. A crash of
// the engine worker is replaced by a new worker that reports the crash and offers the last autosave.
import { API_VERSION } from '../../src-shared/api/channels';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebSocket } from 'ws';
import { EngineSupervisor } from '../../src-main/node/workers/engineSupervisor';
import type { RecoveryInfo } from '../../src-shared/api/queries';

const root = resolve(import.meta.dirname, '../..');

interface Served { child: ChildProcess; url: string; stderr: () => string }

function serve(dataDir: string, ...extra: string[]): Promise<Served> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/hvlab.mjs'), 'serve', '--port', '0', '--paused', '--data-dir', dataDir, ...extra], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving the lab at (http:\/\/\S+)/.exec(out);
      if (m) resolvePromise({ child, url: m[1], stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`hvlab serve exited (${code}) before serving: ${err}`)));
  });
}

function stop(s: Served, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((r) => { s.child.once('exit', (code) => r(code)); s.child.kill(signal); });
}

async function client(url: string): Promise<{ ask: (kind: string, name: string, params?: object) => Promise<{ ok: boolean; result?: unknown; error?: { code: string } }>; close: () => void }> {
  const u = new URL(url);
  const ws = new WebSocket(`ws://${u.host}/api/ws?token=${u.searchParams.get('token')}`);
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  let id = 1;
  return {
    ask: (kind, name, params = {}) => new Promise((r) => {
      const my = id++;
      const on = (d: Buffer) => {
        const m = JSON.parse(d.toString());
        if (m.kind === 'event' || m.id !== my) return;
        ws.off('message', on);
        r(m);
      };
      ws.on('message', on);
      ws.send(JSON.stringify({ v: API_VERSION, id: my, kind, name, params }));
    }),
    close: () => ws.close(),
  };
}

const vmName = async (c: Awaited<ReturnType<typeof client>>): Promise<string> => {
  const r = await c.ask('query', 'vm.get', { vmId: 'vm-1' });
  return (r.result as { name: string }).name;
};

test('SIGTERM and SIGINT autosave; the next start offers the autosave; Restore, Discard and --restore-autosave', { timeout: 600_000 }, async () => {
  const data = mkdtempSync(join(tmpdir(), 'hvlab-data-'));
  // 1. A change, then SIGTERM: the lab is autosaved.
  const a = await serve(data);
  const ca = await client(a.url);
  assert.equal((await ca.ask('command', 'vm.rename', { vmId: 'vm-1', name: 'renamed-before-quit' })).ok, true);
  ca.close();
  assert.equal(await stop(a, 'SIGTERM'), 0, a.stderr());
  assert.match(a.stderr(), /autosaved/);
  assert.ok(existsSync(join(data, 'autosave', 'manifest.json')));

  // 2. The next start runs a fresh lab and offers the autosave until the user chooses.
  const b = await serve(data);
  const cb = await client(b.url);
  const offer = (await cb.ask('query', 'lab.recovery')).result as RecoveryInfo;
  assert.equal(offer.offered, true);
  assert.equal(offer.autosave?.scenario, 'lab-small');
  assert.equal(offer.engineCrash, null);
  assert.notEqual(await vmName(cb), 'renamed-before-quit');
  assert.equal((await cb.ask('command', 'lab.recovery.restore')).ok, true);
  assert.equal(await vmName(cb), 'renamed-before-quit', 'Restore brings the lab back');
  assert.equal(((await cb.ask('query', 'lab.recovery')).result as RecoveryInfo).offered, false);
  assert.equal((await cb.ask('command', 'vm.rename', { vmId: 'vm-2', name: 'second-change' })).ok, true);
  cb.close();
  assert.equal(await stop(b, 'SIGINT'), 0, b.stderr());

  // 3. --restore-autosave restores at once; Discard deletes the offered autosave.
  const c = await serve(data, '--restore-autosave');
  const cc = await client(c.url);
  assert.equal(await vmName(cc), 'renamed-before-quit');
  assert.equal(((await cc.ask('query', 'vm.get', { vmId: 'vm-2' })).result as { name: string }).name, 'second-change');
  cc.close();
  assert.equal(await stop(c, 'SIGTERM'), 0);
  const d = await serve(data);
  const cd = await client(d.url);
  assert.equal(((await cd.ask('query', 'lab.recovery')).result as RecoveryInfo).offered, true);
  assert.equal((await cd.ask('command', 'lab.recovery.discard')).ok, true);
  assert.equal(existsSync(join(data, 'autosave')), false);
  assert.equal((await cd.ask('command', 'lab.recovery.restore')).error?.code, 'E_NOT_FOUND');
  cd.close();
  assert.equal(await stop(d, 'SIGTERM'), 0);
});

test('quitting while an offer is pending keeps both labs: the offered one becomes autosave-previous', { timeout: 600_000 }, async () => {
  const data = mkdtempSync(join(tmpdir(), 'hvlab-data-'));
  const a = await serve(data);
  const ca = await client(a.url);
  await ca.ask('command', 'vm.rename', { vmId: 'vm-1', name: 'first-session' });
  ca.close();
  assert.equal(await stop(a, 'SIGTERM'), 0);
  const b = await serve(data);
  const cb = await client(b.url);
  await cb.ask('command', 'vm.rename', { vmId: 'vm-1', name: 'second-session' });
  cb.close();
  assert.equal(await stop(b, 'SIGTERM'), 0);
  assert.ok(existsSync(join(data, 'autosave-previous', 'manifest.json')), 'the first session was kept');
  const c = await serve(data, '--restore-autosave');
  const cc = await client(c.url);
  assert.equal(await vmName(cc), 'second-session');
  cc.close();
  assert.equal(await stop(c, 'SIGTERM'), 0);
});

test('a crashed engine worker is replaced; the new one reports the crash and offers the last autosave', { timeout: 120_000 }, async () => {
  const data = mkdtempSync(join(tmpdir(), 'hvlab-data-'));
  const sup = await EngineSupervisor.start({ scenario: 'lab-small', seed: 1, paused: true, dataDir: data });
  try {
    let id = 1;
    const ask = (kind: string, name: string, params: object = {}) => sup.request({ v: API_VERSION, id: id++, kind, name, params });
    assert.equal((await ask('command', 'vm.rename', { vmId: 'vm-1', name: 'before-crash' })).ok, true);
    assert.equal((await sup.autosave()).saved, true);
    const reloaded = new Promise<void>((r) => { const off = sup.onEvent((e) => { if (e.type === 'lab.loaded') { off(); r(); } }); });
    // The crash: the worker thread dies under the engine (as an out-of-memory or a native fault would).
    await (sup.worker as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const during = await ask('query', 'sim.status');
    assert.equal(during.ok, false);
    if (!during.ok) assert.equal(during.error.code, 'E_TRANSPORT');
    await reloaded;
    assert.equal(sup.restarts, 1);
    const info = await ask('query', 'lab.recovery');
    assert.ok(info.ok);
    const offer = (info as { result: RecoveryInfo }).result;
    assert.match(offer.engineCrash ?? '', /engine worker stopped/);
    assert.equal(offer.offered, true);
    assert.equal((await ask('command', 'lab.recovery.restore')).ok, true);
    const vm = await ask('query', 'vm.get', { vmId: 'vm-1' });
    assert.equal((vm as { result: { name: string } }).result.name, 'before-crash');
  } finally {
    await sup.close();
  }
});
