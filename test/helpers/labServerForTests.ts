// Test helper: a browser-mode lab server on 127.0.0.1 (ephemeral port) over a real backend, started in the
// file's `before` hook and closed in its `after` hook, with a stand-in renderer folder (the tests talk to the
// API, not the page). `backend` starts what the server fronts: the lab's composite backend by default, or an
// engine worker client for tests that need the bare engine. Read `server()`/`backend()` inside tests only.
import { before, after } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLabServer, type BackPressureLimits, type LabServer } from '../../src-main/node/server/labServer';
import { startLabBackend } from '../../src-main/node/backends/index';
import type { Backend } from '../../src-main/node/backends/index';

type Fronted = Pick<Backend, 'request' | 'onEvent' | 'close'>;

export interface LabServerForTests<B extends Fronted> {
  server(): LabServer;
  backend(): B;
  /** The WebSocket path with the server's token. */
  wsPath(): string;
}

export function labServerForTests<B extends Fronted = Backend>(opts: {
  backend?: () => Promise<B>;
  limits?: Partial<BackPressureLimits>;
} = {}): LabServerForTests<B> {
  let server: LabServer | undefined;
  let backend: B | undefined;
  const start = opts.backend ?? (async () => await startLabBackend({ scenario: 'lab-small', seed: 1, paused: true }) as unknown as B);
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hvlab-renderer-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Hypervisor Lab</title>');
    backend = await start();
    server = await startLabServer({ port: 0, backend, rendererDir: dir, limits: opts.limits });
  });
  after(async () => {
    await server?.close();
    await backend?.close();
  });
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is read before the before() hook started it`);
    return v;
  };
  return {
    server: () => need(server, 'the lab server'),
    backend: () => need(backend, 'the backend'),
    wsPath: () => `/api/ws?token=${need(server, 'the lab server').token}`,
  };
}
