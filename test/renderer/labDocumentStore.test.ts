import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { LabDocumentDto } from '@shared/model/labDocument';
import type { LabFileResponseDto } from '@shared/api/labFiles';
import type { HvlabBridge } from '@shared/api/protocol';
import { setApiForTests } from '@renderer/api/client';
import { guardUnload, titleOf, useLabDocumentStore } from '@renderer/stores/labDocument';
import { fakeApi, flush } from './fakeApi';
import type { FakeApi } from './fakeApi';

const doc = (over: Partial<LabDocumentDto> = {}): LabDocumentDto => ({ name: null, scenario: 'lab-small', title: 'Small lab', dirty: false, ...over });

describe('lab document store: the open lab as a document', () => {
  let api: FakeApi;
  beforeEach(() => {
    api = fakeApi({
      'lab.document': () => doc(),
      'lab.library': () => [{ name: 'b', scenario: 'lab-small', virtualTimeMs: 0, savedAt: '2026-01-02T00:00:00Z' }],
    });
    setApiForTests(api);
    setActivePinia(createPinia());
  });

  it('follows lab.document events, and the window title says the name and unsaved changes', async () => {
    const store = useLabDocumentStore();
    await flush();
    expect(store.windowTitle).toBe('Untitled (Small lab) — Hypervisor Lab');
    expect(document.title).toBe('Untitled (Small lab) — Hypervisor Lab');
    api.emit({ type: 'lab.document', document: doc({ dirty: true }) });
    expect(store.dirty).toBe(true);
    await flush();
    expect(document.title).toBe('• Untitled (Small lab) — Hypervisor Lab');
    api.emit({ type: 'lab.document', document: doc({ name: 'week 3', dirty: false }) });
    await flush();
    expect(document.title).toBe('week 3 — Hypervisor Lab');
    expect(titleOf(null)).toBe('Hypervisor Lab');
    store.objectName = 'DC0';
    await flush();
    expect(document.title).toBe('DC0 - week 3 — Hypervisor Lab');
  });

  it('Save as sends the name (and overwrite only when asked); a refusal comes back in words', async () => {
    const store = useLabDocumentStore();
    await flush();
    api.commandResults['lab.save'] = (p: { name?: string }) => doc({ name: p.name ?? null });
    expect(await store.saveAs('week 3')).toBeNull();
    expect(api.commands.at(-1)).toEqual({ name: 'lab.save', params: { name: 'week 3' } });
    expect(store.document?.name).toBe('week 3');
    await store.saveAs('b', true);
    expect(api.commands.at(-1)).toEqual({ name: 'lab.save', params: { name: 'b', overwrite: true } });
    api.commandResults['lab.open'] = () => ({ code: 'E_STORAGE', message: 'could not open "b": corrupt', field: 'params.name' });
    expect(await store.open('b')).toBe('could not open "b": corrupt');
  });

  it('refetches after a lab is loaded (New, Open) rather than polling', async () => {
    const store = useLabDocumentStore();
    await flush();
    let asked = 0;
    api.queries['lab.document'] = () => { asked++; return doc({ name: 'reopened' }); };
    api.emit({ type: 'lab.loaded', scenario: 'lab-small' });
    await flush();
    expect(asked).toBe(1);
    expect(store.document?.name).toBe('reopened');
    expect(store.recent.map((l) => l.name)).toEqual(['b']);
  });

  it('closing the page asks only while there are unsaved changes', () => {
    let dirty = false;
    const stop = guardUnload(() => dirty);
    const fire = () => { const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented; };
    expect(fire()).toBe(false);
    dirty = true;
    expect(fire()).toBe(true);
    stop();
    expect(fire()).toBe(false);
  });

  describe('Open Lab… and Save As…', () => {
    afterEach(() => { delete window.hvlab; });

    it('in Electron (the preload offers native dialogs) ask the host, which owns the path; the document comes back', async () => {
      const sent: unknown[] = [];
      let answer: LabFileResponseDto = { ok: true, document: doc({ name: 'week 4' }) };
      window.hvlab = { labFile: async (req: unknown) => { sent.push(req); return answer; } } as unknown as HvlabBridge;
      const store = useLabDocumentStore();
      await flush();
      expect(await store.saveLabFileAs()).toEqual({ via: 'native', problem: null });
      expect(store.document?.name).toBe('week 4');
      answer = { ok: true, document: doc({ name: 'week 2' }) };
      expect(await store.openLabFile()).toEqual({ via: 'native', problem: null });
      expect(sent).toEqual([{ action: 'saveAs' }, { action: 'open' }]);
      expect(store.document?.name).toBe('week 2');
      expect(api.commands).toEqual([]);
      answer = { ok: false, cancelled: true };
      expect(await store.openLabFile()).toEqual({ via: 'native', problem: null });
      answer = { ok: false, error: { code: 'E_INVALID_ARGUMENT', message: 'Labs are kept in the lab library, /x: choose a lab folder there.', field: 'labFile.path' } };
      expect(await store.openLabFile()).toEqual({ via: 'native', problem: 'Labs are kept in the lab library, /x: choose a lab folder there.' });
      expect(store.document?.name).toBe('week 2');
    });

    it('in browser mode leave it to the page\'s lab-library dialogs', async () => {
      const store = useLabDocumentStore();
      await flush();
      expect(await store.openLabFile()).toEqual({ via: 'library' });
      expect(await store.saveLabFileAs()).toEqual({ via: 'library' });
      expect(api.commands).toEqual([]);
    });
  });
});
