/**
 * `hvlab serve [--port N] [--scenario NAME] [--seed N] [--paused] [--exercises DIR]`: browser mode.
 * `--exercises DIR` adds an instructor's exercise folder (as HVLAB_EXERCISES does; docs/exercises.md).
 *
 * Starts the engine in a worker thread, serves the renderer and the WebSocket on 127.0.0.1 (port from
 * --port, else HVLAB_PORT, else 5317; 0 picks a free one) and prints one line with the tokenized URL.
 */
import { resolve, dirname, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineWorkerClient } from '../workers/engineWorkerClient';
import { startLabServer } from '../server/labServer';
import type { LabServer } from '../server/labServer';
import { ensureRendererBuilt } from '../server/rendererBuild';
import { parseArgs, UsageError } from './args';

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

export async function serve(argv: string[]): Promise<{ server: LabServer; engine: EngineWorkerClient }> {
  const { flags } = parseArgs(argv, { port: 'number', scenario: 'string', seed: 'number', paused: 'boolean', exercises: 'string' });
  const port = resolvePort(flags.port);
  // The engine worker reads the exercise folders from the environment it inherits.
  if (flags.exercises) process.env.HVLAB_EXERCISES = [resolve(String(flags.exercises)), process.env.HVLAB_EXERCISES].filter(Boolean).join(delimiter);
  const rendererDir = await ensureRendererBuilt(projectRoot(), (l) => console.error(l));
  const engine = await EngineWorkerClient.spawn({
    scenario: String(flags.scenario ?? 'lab-small'), seed: Number(flags.seed ?? 1), paused: Boolean(flags.paused),
  });
  const server = await startLabServer({ port, engine, rendererDir });
  console.log(`hvlab: serving the lab at ${server.url}`);
  const shutdown = () => { void server.close().then(() => engine.close()).then(() => process.exit(0)); };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return { server, engine };
}
