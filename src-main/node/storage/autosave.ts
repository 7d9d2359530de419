/**
 * autosave — the lab's safety net: a save of the running lab kept in the lab's data folder, written
 * in the background, on every quit (Electron quit, SIGINT/SIGTERM of browser mode), and offered back
 * at the next start (or after a crash of the engine worker).
 *
 * - `defaultDataDir()`: `HVLAB_DATA_DIR`, else the platform's per-user data folder (Electron passes
 *   its own `userData`): `%APPDATA%\hvlab`, `~/Library/Application Support/hvlab`,
 *   `$XDG_DATA_HOME/hvlab` (default `~/.local/share/hvlab`).
 * - `new Autosave(dataDir)`: `info()` (the committed autosave's summary, or null — an unreadable one
 *   is null, never an exception), `write(state)`, `load()` → state, `discard()`, `keepAsPrevious()`
 *   (moves the autosave to `<dataDir>/autosave-previous`, replacing an older one: loadable with
 *   `hvlab lab load`).
 *
 * Rules: writes go through `labStore.saveLab`, so they are atomic (a crash while writing leaves the
 * previous autosave loadable); loads through `loadLab`, with its checks. An autosave is one folder,
 * `<dataDir>/autosave`.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadLab, readSaveInfo, saveLab } from './labStore';

export interface AutosaveInfo {
  scenario: string;
  virtualTimeMs: number;
  /** ISO time of the save (wall clock). */
  savedAt: string;
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.HVLAB_DATA_DIR) return env.HVLAB_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'hvlab');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'hvlab');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'hvlab');
}

export class Autosave {
  readonly dir: string;

  constructor(readonly dataDir: string) {
    this.dir = join(dataDir, 'autosave');
  }

  info(): AutosaveInfo | null {
    if (!existsSync(this.dir)) return null;
    try {
      const m = readSaveInfo(this.dir);
      return { scenario: m.scenario, virtualTimeMs: m.virtualTimeMs, savedAt: m.savedAt };
    } catch {
      return null;
    }
  }

  write(state: { scenario?: { name?: string }; clock?: { virtualTimeMs?: number } }): void {
    saveLab(this.dir, state);
  }

  load(): unknown {
    return loadLab(this.dir).state;
  }

  discard(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  keepAsPrevious(): void {
    if (!existsSync(this.dir)) return;
    const previous = join(this.dataDir, 'autosave-previous');
    rmSync(previous, { recursive: true, force: true });
    renameSync(this.dir, previous);
  }
}
