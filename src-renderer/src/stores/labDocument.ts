/**
 * The open lab as a document, for the File menu, the header and the window title.
 *
 * - `document` (from `lab.document`, then `lab.document` events), `library` (saved labs, newest first:
 *   the Recent labs list), `scenarios` (built-in scenarios with titles and descriptions, for File › New).
 * - `newLab(scenario, seed)`, `open(name)`, `save()`, `saveAs(name, overwrite)`: each resolves to null
 *   or the engine's refusal in the user's words (shown in the dialog that asked).
 * - `openLabFile()`, `saveLabFileAs()`: File › Open Lab… and Save As… — in Electron the host's native
 *   dialog (the host owns the path; the store gets the opened or saved lab's document back), resolving to
 *   `{ via: 'native', problem }`; in browser mode `{ via: 'library' }`: the caller shows the page's
 *   lab-library dialog (names only, the folder is the server's).
 * - `windowTitle`: "object - name — Hypervisor Lab" (`objectName`: the selected object, set by the
 *   object view), with "•" while there are unsaved changes (also set on the page's title); `guardUnload()` asks before the page is closed with unsaved changes.
 *
 * Rule: the document follows the engine's events (no polling): it is fetched when the link (re)opens
 * and after a lab is loaded, and replaced by every `lab.document` event.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { LabDocumentDto, SavedLabDto } from '@shared/model/labDocument';
import { nativeLabFiles, useApi } from '@renderer/api/client';
import type { LabFileRequestDto } from '@shared/api/labFiles';
import { useConnectionStore } from './connection';
import { message } from './sim';

export interface ScenarioChoice {
  name: string;
  title: string;
  description: string;
}

/** How File › Open Lab… / Save As… went: the host's native dialog (with the refusal, if any), or the page's own. */
export type LabFileChoice = { via: 'library' } | { via: 'native'; problem: string | null };

export const PRODUCT_NAME = 'Hypervisor Lab';
export const RECENT_LABS_SHOWN = 5;

/** "• DC0 - week 3 — Hypervisor Lab": unsaved mark, the selected object, the lab's name, the product. */
export function titleOf(doc: LabDocumentDto | null, objectName: string | null = null): string {
  const object = objectName ? `${objectName} - ` : '';
  if (!doc) return `${object}${PRODUCT_NAME}`;
  return `${doc.dirty ? '• ' : ''}${object}${doc.name ?? `Untitled (${doc.title})`} — ${PRODUCT_NAME}`;
}

export const useLabDocumentStore = defineStore('labDocument', () => {
  const api = useApi();
  const document = shallowRef<LabDocumentDto | null>(null);
  const library = shallowRef<SavedLabDto[]>([]);
  const scenarios = shallowRef<ScenarioChoice[]>([]);
  const busy = ref(false);
  const objectName = ref<string | null>(null);

  async function refresh(): Promise<void> {
    try {
      const [doc, saved] = await Promise.all([api.query('lab.document', {}), api.query('lab.library', {})]);
      document.value = doc;
      library.value = saved;
    } catch {
      // The connection banner reports a lost link; the document comes back with the next (re)open.
    }
  }

  async function loadScenarios(): Promise<void> {
    scenarios.value = await api.query('lab.scenarios', {});
  }

  async function act(fn: () => Promise<LabDocumentDto | void>): Promise<string | null> {
    busy.value = true;
    try {
      const doc = await fn();
      if (doc) document.value = doc;
      library.value = await api.query('lab.library', {});
      return null;
    } catch (e) {
      return message(e);
    } finally {
      busy.value = false;
    }
  }

  const newLab = (scenario: string, seed?: number) => act(async () => { await api.command('lab.load', seed === undefined ? { scenario } : { scenario, seed }); });
  const open = (name: string) => act(() => api.command('lab.open', { name }));
  const save = () => act(() => api.command('lab.save', {}));
  const saveAs = (name: string, overwrite = false) => act(() => api.command('lab.save', overwrite ? { name, overwrite } : { name }));

  async function viaNative(action: LabFileRequestDto['action']): Promise<LabFileChoice> {
    const native = nativeLabFiles();
    if (!native) return { via: 'library' };
    busy.value = true;
    try {
      const r = await native({ action });
      if (r.ok) document.value = r.document;
      if (!r.ok && !r.cancelled) return { via: 'native', problem: r.error.message };
      library.value = await api.query('lab.library', {});
      return { via: 'native', problem: null };
    } catch (e) {
      return { via: 'native', problem: message(e) };
    } finally {
      busy.value = false;
    }
  }
  const openLabFile = () => viaNative('open');
  const saveLabFileAs = () => viaNative('saveAs');

  const windowTitle = computed(() => titleOf(document.value, objectName.value));
  const recent = computed(() => library.value.slice(0, RECENT_LABS_SHOWN));
  const dirty = computed(() => document.value?.dirty ?? false);

  api.onEvent((e) => {
    if (e.type === 'lab.document') document.value = e.document;
    else if (e.type === 'lab.loaded') void refresh();
  });
  const conn = useConnectionStore();
  watch(() => conn.generation, (g) => { if (g > 0) void refresh(); }, { immediate: true });
  if (typeof window !== 'undefined') watch(windowTitle, (t) => { window.document.title = t; }, { immediate: true });

  return { document, library, scenarios, busy, objectName, dirty, recent, windowTitle, refresh, loadScenarios, newLab, open, save, saveAs, openLabFile, saveLabFileAs };
});

/** Asks the browser (or Electron's window) to confirm closing the page while the lab has unsaved changes. */
export function guardUnload(isDirty: () => boolean): () => void {
  const onBeforeUnload = (e: BeforeUnloadEvent): void => {
    if (!isDirty()) return;
    e.preventDefault();
    // Older browsers show the prompt only when returnValue is set.
    e.returnValue = '';
  };
  window.addEventListener('beforeunload', onBeforeUnload);
  return () => window.removeEventListener('beforeunload', onBeforeUnload);
}
