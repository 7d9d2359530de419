/**
 * The open lab as a document (File › New, Open, Save, Save as): its name in the lab library and whether
 * it has unsaved changes. The engine facade owns one `LabDocument` next to the Lab it describes.
 *
 * - `doc.dto(lab)` → LabDocumentDto; `doc.reset(name)` after New (null: untitled) or Open (its name) and
 *   after Save (the name saved under): clean again.
 * - `doc.noteRequest(name, ok)` after each request and `doc.noteAdvance()` after virtual time moved: the
 *   first change after a reset makes the document dirty and publishes a `lab.document` event.
 * - `saveLab(...)`, `openLab(...)`, `listLibrary(...)`: the handlers of `lab.save`, `lab.open`,
 *   `lab.library` over `context.ports.labLibrary`; the document itself is `context.document`.
 *
 * Rules: a change is anything that makes the saved lab differ — a command that succeeded (other than the
 * clock's run/pause/speed controls and the document commands themselves) or virtual time passing; queries
 * never are. A save is refused rather than silently replacing another saved lab of the same name. A lab
 * restored from the autosave is untitled and has unsaved changes (it is work nobody saved).
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { EngineEvent } from '@shared/api/events';
import type { LabDocumentDto, SavedLabDto } from '@shared/model/labDocument';
import type { HandlerContext } from './dispatcher';

/** Commands after which the saved lab would still be the same lab (clock controls) or that set the document themselves. */
const NOT_CHANGES: ReadonlySet<string> = new Set([
  'sim.run', 'sim.pause', 'sim.setSpeed', 'lab.load', 'lab.save', 'lab.open', 'lab.recovery.discard',
]);

interface LabFacts {
  scenario: { name: string; title: string };
}

export class LabDocument {
  private name: string | null = null;
  private dirty = false;

  constructor(private readonly emit: (e: EngineEvent) => void, private readonly lab: () => LabFacts) {}

  dto(): LabDocumentDto {
    const { scenario } = this.lab();
    return { name: this.name, scenario: scenario.name, title: scenario.title, dirty: this.dirty };
  }

  get currentName(): string | null {
    return this.name;
  }

  reset(name: string | null): void {
    this.name = name;
    this.dirty = false;
    this.publish();
  }

  noteRequest(kind: string, name: string, ok: boolean): void {
    if (ok && kind === 'command' && !NOT_CHANGES.has(name)) this.touch();
  }

  noteAdvance(): void {
    this.touch();
  }

  private touch(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.publish();
  }

  private publish(): void {
    this.emit({ type: 'lab.document', document: this.dto() });
  }
}

const noLibrary = (field?: string): ApiError => apiError('E_INVALID_STATE', 'This lab has no lab library to save to or open from.', field);

function failure(e: unknown, what: string): ApiError {
  return apiError('E_STORAGE', `${what}: ${e instanceof Error ? e.message : String(e)}`);
}

/** `lab.save`: Save (no name: the open lab's own) or Save as (a name). */
export function saveLab(state: () => unknown, params: { name?: string; overwrite?: boolean }, context: HandlerContext): LabDocumentDto | { error: ApiError } {
  const { document: doc, ports: { labLibrary: library } } = context;
  if (!library) return { error: noLibrary('params.name') };
  const name = params.name ?? doc.currentName;
  if (name === null) return { error: apiError('E_INVALID_ARGUMENT', 'This lab has not been saved yet: give it a name (Save as).', 'params.name') };
  if (name !== doc.currentName && !params.overwrite && library.has(name)) {
    return { error: apiError('E_DUPLICATE_NAME', `A saved lab named "${name}" already exists.`, 'params.name') };
  }
  try {
    library.save(name, state());
  } catch (e) {
    return { error: failure(e, `could not save the lab as "${name}"`) };
  }
  doc.reset(name);
  return doc.dto();
}

/** `lab.open`: reads the saved lab and hands its state to `context.loadState` (which replaces the lab or says why not). */
export function openLab(params: { name: string }, context: HandlerContext): LabDocumentDto | { error: ApiError } {
  const { document: doc, ports: { labLibrary: library } } = context;
  if (!library) return { error: noLibrary('params.name') };
  if (!library.has(params.name)) return { error: apiError('E_NOT_FOUND', `There is no saved lab named "${params.name}".`, 'params.name') };
  let state: unknown;
  try {
    state = library.load(params.name);
  } catch (e) {
    return { error: failure(e, `could not open "${params.name}"`) };
  }
  const err = context.loadState(state);
  if (err) return { error: { ...err, field: 'params.name' } };
  doc.reset(params.name);
  return doc.dto();
}

/** `lab.library`: the saved labs, most recently saved first; none without a lab library. */
export function listLibrary(context: HandlerContext): SavedLabDto[] | { error: ApiError } {
  const library = context.ports.labLibrary;
  if (!library) return [];
  try {
    return library.list();
  } catch (e) {
    return { error: failure(e, 'could not read the lab library') };
  }
}
