/**
 * `hvlab serve [--port N] [--scenario NAME] [--seed N] [--paused] [--data-dir DIR] [--restore-autosave |
 *  --discard-autosave] [--no-autosave]`: browser mode.
 *
 * Starts the engine in a worker thread (supervised: a crashed worker is replaced and its last autosave
 * offered), serves the renderer and the WebSocket on 127.0.0.1 (port from --port, else HVLAB_PORT, else
 * 5317; 0 picks a free one) and prints one line with the tokenized URL.
 *
 * Quitting never loses the lab: SIGINT/SIGTERM (Ctrl+C) first saves the lab to the autosave in the data
 * folder (--data-dir, else HVLAB_DATA_DIR, else the platform's per-user data folder), then stops. The
 * next start offers it back (a banner with Restore / Discard), or restores it at once with
 * --restore-autosave, or deletes it with --discard-autosave. --no-autosave: no data folder at all.
 */
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineSupervisor } from '../workers/engineSupervisor';
import { startLabServer } from '../server/labServer';
import type { LabServer } from '../server/labServer';
import { ensureRendererBuilt } from '../server/rendererBuild';
import { defaultDataDir } from '../storage/autosave';
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

export async function serve(argv: string[]): Promise<{ server: LabServer; engine: EngineSupervisor }> {
  const { flags } = parseArgs(argv, {
    port: 'number', scenario: 'string', seed: 'number', paused: 'boolean',
    'data-dir': 'string', 'restore-autosave': 'boolean', 'discard-autosave': 'boolean', 'no-autosave': 'boolean',
  });
  if (flags['restore-autosave'] && flags['discard-autosave']) throw new UsageError('--restore-autosave and --discard-autosave exclude each other');
  const port = resolvePort(flags.port);
  const dataDir = flags['no-autosave'] ? undefined : resolve(String(flags['data-dir'] ?? defaultDataDir()));
  const rendererDir = await ensureRendererBuilt(projectRoot(), (l) => console.error(l));
  const engine = await EngineSupervisor.start({
    scenario: String(flags.scenario ?? 'lab-small'), seed: Number(flags.seed ?? 1), paused: Boolean(flags.paused),
    dataDir, restoreAutosave: Boolean(flags['restore-autosave']), discardAutosave: Boolean(flags['discard-autosave']),
  });
  const server = await startLabServer({ port, engine, rendererDir });
  console.log(`hvlab: serving the lab at ${server.url}`);
  if (dataDir) console.error(`hvlab: autosave in ${dataDir}`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      const r = await engine.autosave();
      if (r.error) console.error(`hvlab: ${signal}: the lab could NOT be autosaved: ${r.error}`);
      else if (r.saved) console.error(`hvlab: ${signal}: the lab was autosaved to ${dataDir}; the next start offers it back`);
      await server.close();
      await engine.close();
      process.exit(r.error ? 1 : 0);
    })();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return { server, engine };
}
