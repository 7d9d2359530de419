/**
 * The lab library: a folder of saved labs, one `labStore` save folder per lab, named after the lab. It
 * is the engine's `labLibrary` port (File › Save, Save as, Open, Recent labs).
 *
 * - `createLabLibrary(dir)` → LabLibraryPort: `list()` (newest save first), `has(name)`, `save(name,
 *   state)`, `load(name)`. The folder is created on the first save.
 * - `defaultLibraryDir()`: HVLAB_LIBRARY, else `~/.hvlab/labs`; Electron passes its user-data folder.
 *
 * Rules: the folder is chosen by whoever starts the lab (CLI flag, Electron), never by the page; a name
 * is checked against LAB_NAME_RULE again here, so no request can reach outside the folder. Saving is
 * `labStore`'s atomic save: a crash mid-save leaves the previous save of that name loadable. Folders
 * that hold no readable save are left out of the list (and `load` says what is wrong with them).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkLabName } from '@shared/model/labDocument';
import type { SavedLabDto } from '@shared/model/labDocument';
import type { LabLibraryPort } from '../../engine/index';
import { loadLab, readSaveInfo, saveLab } from './labStore';

export function defaultLibraryDir(): string {
  return process.env.HVLAB_LIBRARY ? resolve(process.env.HVLAB_LIBRARY) : join(homedir(), '.hvlab', 'labs');
}

export function createLabLibrary(dir: string): LabLibraryPort {
  const root = resolve(dir);
  const folderOf = (name: string): string => {
    const problem = checkLabName(name);
    if (problem) throw new Error(`"${name}" is not a lab name: ${problem}`);
    return join(root, name);
  };
  return {
    list(): SavedLabDto[] {
      if (!existsSync(root)) return [];
      const out: SavedLabDto[] = [];
      for (const name of readdirSync(root)) {
        if (checkLabName(name) || !statSync(join(root, name)).isDirectory()) continue;
        try {
          const info = readSaveInfo(join(root, name));
          out.push({ name, scenario: info.scenario, virtualTimeMs: info.virtualTimeMs, savedAt: info.savedAt });
        } catch {
          // Not a readable save: not offered (opening it by name reports why).
        }
      }
      return out.sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : a.name.localeCompare(b.name)));
    },
    has: (name) => existsSync(join(folderOf(name), 'manifest.json')),
    save(name, state) {
      saveLab(folderOf(name), state as Parameters<typeof saveLab>[1]);
    },
    load: (name) => loadLab(folderOf(name)).state,
  };
}
