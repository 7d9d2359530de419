/**
 * File › Open Lab… and Save As… with the desktop's native dialogs (Electron main's side of
 * `hvlab:labFile`, `@shared/api/labFiles`). The page asks only "open" or "save as"; this shows the dialog,
 * keeps the path, and opens or saves through the engine's lab library like every other client.
 *
 * - `createLabFileHandler({ libraryDir, dialogs, api })` → `(raw) => Promise<LabFileResponseDto>`:
 *   validates the request, then `open` (a folder dialog at the lab library → `lab.open` by the folder's
 *   name) or `saveAs` (a save dialog at the lab library, the open lab's name offered → `lab.save`; a name
 *   already saved is replaced only after `dialogs.confirmReplace` says so).
 * - `LabFileDialogs`: what the handler needs of Electron's `dialog` (injected: main passes the real
 *   dialogs on the asking window; tests pass doubles, as Electron cannot run there).
 *
 * Rules: a lab is a folder of the lab library (the engine's `labLibrary` port, whose folder the app chose
 * at start), so a path the user picks must be a folder directly in it with a valid lab name; anything else
 * is refused in words naming the folder. No path goes back to the page, only the lab's document. Errors
 * are typed (`ApiError`, field `labFile.path`); a closed dialog is `cancelled`, not an error.
 */
import { basename, dirname, join, resolve } from 'node:path';
import type { HvlabApi } from '@shared/api/index';
import { apiError, ApiException } from '@shared/api/errors';
import type { ApiError } from '@shared/api/errors';
import { labFileRequestSchema } from '@shared/api/labFiles';
import type { LabFileRequestDto, LabFileResponseDto } from '@shared/api/labFiles';
import { checkLabName } from '@shared/model/labDocument';

/** The subset of Electron's dialog options and results the handler uses. */
export interface LabFileDialogs {
  showOpen(options: { title: string; defaultPath: string; buttonLabel: string; properties: ('openDirectory' | 'createDirectory')[] }): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSave(options: { title: string; defaultPath: string; buttonLabel: string; properties: ('createDirectory' | 'showOverwriteConfirmation')[] }): Promise<{ canceled: boolean; filePath?: string }>;
  /** Asks whether to replace the saved lab `name`; true: replace it. */
  confirmReplace(name: string): Promise<boolean>;
}

export interface LabFileHandlerOptions {
  libraryDir: string;
  dialogs: LabFileDialogs;
  /** Main's own client of the lab (requests go through the backend's validating door). */
  api: HvlabApi;
}

const FIELD = 'labFile.path';

export function createLabFileHandler(opts: LabFileHandlerOptions): (raw: unknown) => Promise<LabFileResponseDto> {
  const library = resolve(opts.libraryDir);

  /** The lab name a picked path stands for, or why it cannot be opened or saved. */
  function labNameOf(path: string): { name: string } | { error: ApiError } {
    const full = resolve(path);
    const name = basename(full);
    if (dirname(full) !== library) return { error: apiError('E_INVALID_ARGUMENT', `Labs are kept in the lab library, ${library}: choose a lab folder there.`, FIELD) };
    const problem = checkLabName(name);
    if (problem) return { error: apiError('E_INVALID_ARGUMENT', `"${name}" cannot name a lab. ${problem}`, FIELD) };
    return { name };
  }

  async function attempt(fn: () => Promise<LabFileResponseDto>): Promise<LabFileResponseDto> {
    try {
      return await fn();
    } catch (e) {
      const error = e instanceof ApiException ? e.error : apiError('E_STORAGE', e instanceof Error ? e.message : String(e));
      return { ok: false, error };
    }
  }

  async function open(): Promise<LabFileResponseDto> {
    const picked = await opts.dialogs.showOpen({ title: 'Open Lab', defaultPath: library, buttonLabel: 'Open', properties: ['openDirectory'] });
    if (picked.canceled || picked.filePaths.length === 0) return { ok: false, cancelled: true };
    const lab = labNameOf(picked.filePaths[0]);
    if ('error' in lab) return { ok: false, error: lab.error };
    return attempt(async () => ({ ok: true, document: await opts.api.command('lab.open', { name: lab.name }) }));
  }

  async function saveAs(): Promise<LabFileResponseDto> {
    const doc = await opts.api.query('lab.document', {});
    const picked = await opts.dialogs.showSave({
      title: 'Save Lab As', defaultPath: join(library, doc.name ?? ''), buttonLabel: 'Save',
      // Replacing a saved lab is asked below, in the lab's words (the library knows which names are taken).
      properties: ['createDirectory'],
    });
    if (picked.canceled || !picked.filePath) return { ok: false, cancelled: true };
    const lab = labNameOf(picked.filePath);
    if ('error' in lab) return { ok: false, error: lab.error };
    return attempt(async () => {
      try {
        return { ok: true, document: await opts.api.command('lab.save', { name: lab.name }) };
      } catch (e) {
        if (!(e instanceof ApiException) || e.error.code !== 'E_DUPLICATE_NAME') throw e;
        if (!(await opts.dialogs.confirmReplace(lab.name))) return { ok: false, cancelled: true };
        return { ok: true, document: await opts.api.command('lab.save', { name: lab.name, overwrite: true }) };
      }
    });
  }

  return async (raw) => {
    const problem = labFileRequestSchema.check(raw, 'labFile');
    if (problem) return { ok: false, error: apiError('E_INVALID_ARGUMENT', problem.message, problem.field) };
    const req = raw as LabFileRequestDto;
    return req.action === 'open' ? open() : attempt(saveAs);
  };
}
