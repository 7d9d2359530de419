/**
 * `hvlab serve [--port N] [--scenario NAME] [--seed N] [--paused] [--vim25-port N] [--library DIR] [--exercises DIR]
 *  [--data-dir DIR] [--restore-autosave | --discard-autosave] [--no-autosave] [--workers N]`: browser mode.
 *
 * The lab library (File › Save / Open in the page) is DIR, else HVLAB_LIBRARY, else ~/.hvlab/labs: a
 * folder on this side, so the page names saved labs and never paths.
 * `--exercises DIR` adds an instructor's exercise folder (as HVLAB_EXERCISES does; docs/exercises.md).
 *
 * Starts the lab's backend (the engine in a supervised worker thread, `node/backends/`: a crashed worker
 * is replaced and its last autosave offered), serves the renderer and the WebSocket on 127.0.0.1 (port
 * from --port, else HVLAB_PORT, else 5317; 0 picks a free one) and prints one line with the tokenized
 * URL. With --vim25-port N (or HVLAB_VIM25_PORT) it also starts the vim25 SDK endpoint over the same
 * backend for this run and prints one line `vim25 SDK: https://127.0.0.1:N/sdk (user USER, password PASSWORD)`;
 * without them, the endpoint starts when it is turned on in Administration › SDK endpoint (the saved
 * settings in the lab's data folder; the line then says the password is the one set there).
 *
 * `--workers N` (else HVLAB_WORKERS, else the default: `workersOption.ts`) runs each lab's hosts on up
 * to N host worker threads beside the engine's (0: on the engine's thread) — the same lab, the segments
 * in parallel.
 *
 * Quitting never loses the lab: SIGINT/SIGTERM (Ctrl+C) first saves the lab to the autosave in the data
 * folder (--data-dir, else HVLAB_DATA_DIR, else the platform's per-user data folder), then stops. The
 * next start offers it back (a banner with Restore / Discard), or restores it at once with
 * --restore-autosave, or deletes it with --discard-autosave. --no-autosave: no data folder at all.
 */
import { resolve, dirname, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labDataDir, memorySecretStore, startLabBackend } from '../backends/index';
import type { Backend } from '../backends/index';
import { defaultDataDir } from '../storage/autosave';
import { startLabServer } from '../server/labServer';
import type { LabServer } from '../server/labServer';
import { ensureRendererBuilt } from '../server/rendererBuild';
import { parseArgs, UsageError } from './args';
import { workerCount } from './workersOption';
import { defaultLibraryDir } from '../storage/labLibrary';
import { Vim25Controller, vim25Banner, withVim25Settings } from '../vim25/index';
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

export async function serve(argv: string[]): Promise<{ server: LabServer; backend: Backend; vim25?: Vim25Endpoint }> {
  const { flags } = parseArgs(argv, {
    port: 'number', scenario: 'string', seed: 'number', paused: 'boolean', 'vim25-port': 'number', exercises: 'string',
    'data-dir': 'string', library: 'string', 'restore-autosave': 'boolean', 'discard-autosave': 'boolean', 'no-autosave': 'boolean',
    workers: 'string',
  });
  if (flags['restore-autosave'] && flags['discard-autosave']) throw new UsageError('--restore-autosave and --discard-autosave exclude each other');
  const port = resolvePort(flags.port);
  const vim25Port = resolveVim25Port(flags['vim25-port']);
  const workers = workerCount(flags.workers);
  const dataDir = flags['no-autosave'] ? undefined : resolve(String(flags['data-dir'] ?? defaultDataDir()));
  // The engine worker (and any worker that replaces it) reads the exercise folders from the environment it inherits.
  if (flags.exercises) process.env.HVLAB_EXERCISES = [resolve(String(flags.exercises)), process.env.HVLAB_EXERCISES].filter(Boolean).join(delimiter);
  const rendererDir = await ensureRendererBuilt(projectRoot(), (l) => console.error(l));
  const labBackend = await startLabBackend({
    scenario: String(flags.scenario ?? 'lab-small'), seed: Number(flags.seed ?? 1), paused: Boolean(flags.paused),
    libraryDir: flags.library === undefined ? defaultLibraryDir() : resolve(String(flags.library)),
    dataDir, restoreAutosave: Boolean(flags['restore-autosave']), discardAutosave: Boolean(flags['discard-autosave']), workers,
  }, {
    // Real hosts added in Add Host are remembered in the lab's data folder; their passwords only in this
    // process (browser mode has no keychain), so a restarted server asks for them again.
    dataDir: labDataDir(), secrets: memorySecretStore(),
  });
  // The SDK endpoint: from --vim25-port for this run, else from the saved settings (Administration ›
  // SDK endpoint, answered in front of the backend). It reaches the lab through the backend itself.
  const vim25Controller = new Vim25Controller({ peer: labBackend, dataDir: labDataDir(), commandLinePort: vim25Port });
  const backend = withVim25Settings(labBackend, vim25Controller);
  const server = await startLabServer({ port, backend, rendererDir });
  console.log(`hvlab: serving the lab at ${server.url}`);
  const vim25 = await vim25Controller.start();
  if (vim25) console.log(vim25Banner(vim25));
  else if (vim25Controller.status().problem) console.error(`hvlab: vim25 SDK not started: ${vim25Controller.status().problem}`);
  if (dataDir) console.error(`hvlab: autosave in ${dataDir}`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      const r = backend.autosave ? await backend.autosave() : { saved: false };
      if ('error' in r && r.error) console.error(`hvlab: ${signal}: the lab could NOT be autosaved: ${r.error}`);
      else if (r.saved) console.error(`hvlab: ${signal}: the lab was autosaved to ${dataDir}; the next start offers it back`);
      await server.close();
      await backend.close();
      process.exit('error' in r && r.error ? 1 : 0);
    })();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return { server, backend, vim25 };
}
