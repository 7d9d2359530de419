/**
 * `hvlab serve [--port N] [--scenario NAME] [--seed N] [--paused] [--vim25-port N]`: browser mode.
 *
 * Starts the engine in a worker thread, serves the renderer and the WebSocket on 127.0.0.1 (port from
 * --port, else HVLAB_PORT, else 5317; 0 picks a free one) and prints one line with the tokenized URL.
 * With --vim25-port N (or HVLAB_VIM25_PORT) it also starts the vim25 SDK endpoint over the same engine
 * and prints one line `vim25 SDK: https://127.0.0.1:N/sdk (user USER, password PASSWORD)`.
 */
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineWorkerClient } from '../workers/engineWorkerClient';
import { startLabServer } from '../server/labServer';
import type { LabServer } from '../server/labServer';
import { ensureRendererBuilt } from '../server/rendererBuild';
import { parseArgs, UsageError } from './args';
import { startVim25, vim25Banner } from '../vim25/index';
import type { Vim25Endpoint } from '../vim25/index';

export const DEFAULT_PORT = 5317;

export function projectRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
}

export function resolvePort(flag: unknown): number {
  const raw = flag ?? process.env.HVLAB_PORT ?? DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid port "${String(raw)}" (use 0–65535)`);
  return port;
}

/** The vim25 port from --vim25-port, else HVLAB_VIM25_PORT; undefined when neither is given (endpoint off). */
export function resolveVim25Port(flag: unknown): number | undefined {
  const raw = flag ?? process.env.HVLAB_VIM25_PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid vim25 port "${String(raw)}" (use 0–65535)`);
  return port;
}

export async function serve(argv: string[]): Promise<{ server: LabServer; engine: EngineWorkerClient; vim25?: Vim25Endpoint }> {
  const { flags } = parseArgs(argv, { port: 'number', scenario: 'string', seed: 'number', paused: 'boolean', 'vim25-port': 'number' });
  const port = resolvePort(flags.port);
  const vim25Port = resolveVim25Port(flags['vim25-port']);
  const rendererDir = await ensureRendererBuilt(projectRoot(), (l) => console.error(l));
  const engine = await EngineWorkerClient.spawn({
    scenario: String(flags.scenario ?? 'lab-small'), seed: Number(flags.seed ?? 1), paused: Boolean(flags.paused),
  });
  const server = await startLabServer({ port, engine, rendererDir });
  console.log(`hvlab: serving the lab at ${server.url}`);
  const vim25 = vim25Port === undefined ? undefined : await startVim25({ port: vim25Port, peer: engine });
  if (vim25) console.log(vim25Banner(vim25));
  const shutdown = () => {
    void Promise.resolve(vim25?.close()).then(() => server.close()).then(() => engine.close()).then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return { server, engine, vim25 };
}
