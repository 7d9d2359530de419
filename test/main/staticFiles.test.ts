// Browser mode's static files: content-hashed build files may be cached for good (a reload then skips
// fetching and compiling the bundle again); index.html, which carries the launch token, and anything
// without a content hash in its name are never stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic } from '../../src-main/node/server/staticFiles';

test('hashed assets are immutable, index.html and other files no-store, all with the CSP', async () => {
  const root = mkdtempSync(join(tmpdir(), 'hvlab-static-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Hypervisor Lab</title>');
  writeFileSync(join(root, 'assets', 'index-C4VhQ9St.js'), 'export {};');
  writeFileSync(join(root, 'assets', 'MonitorTab-B_x-9aQ1.css'), 'a{}');
  writeFileSync(join(root, 'assets', 'notes.js'), '');
  const http = createServer((req, res) => serveStatic(root, req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  try {
    const cacheOf = async (path: string) => {
      const res = await fetch(base + path);
      await res.arrayBuffer();
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/, path);
      return { status: res.status, cache: res.headers.get('cache-control') };
    };
    assert.deepEqual(await cacheOf('/assets/index-C4VhQ9St.js'), { status: 200, cache: 'public, max-age=31536000, immutable' });
    assert.deepEqual(await cacheOf('/assets/MonitorTab-B_x-9aQ1.css'), { status: 200, cache: 'public, max-age=31536000, immutable' });
    assert.equal((await cacheOf('/')).cache, 'no-store');
    assert.equal((await cacheOf('/index.html')).cache, 'no-store');
    assert.equal((await cacheOf('/assets/notes.js')).cache, 'no-store', 'no hash in the name: it may change');
    // A hashed-looking name that is not there falls back to index.html, which is never stored.
    assert.equal((await cacheOf('/assets/index-ZZZZZZZZ.js')).cache, 'no-store');
  } finally {
    await new Promise<void>((resolve) => http.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  }
});
