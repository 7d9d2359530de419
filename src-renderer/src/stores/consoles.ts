/**
 * Web Console buffers: the serial output of each VM whose console is open, kept in order by offset.
 *
 * - `open(vmId)`: reads everything so far (`vm.console.read`), then follows `console.output` events.
 * - `send(vmId, text)`: `vm.console.send` (typed input); `close(vmId)` stops following.
 *
 * Rules: output is appended only at the expected offset; a gap triggers a re-read from the last
 * offset, an overlap is trimmed; each buffer keeps the last `MAX_CHARS` characters. Offsets count the
 * guest's bytes; the text is what a terminal would show: a backspace (0x08) takes back the character
 * before it on its line, so a guest's erase sequence "\b \b" (labos's line editor) erases.
 */
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { VmId } from '@shared/model/ids';
import type { ApiError } from '@shared/api/errors';
import { ApiException } from '@shared/api/errors';
import { useApi } from '@renderer/api/client';

export const MAX_CHARS = 200_000;

export interface ConsoleBuffer {
  text: string;
  nextOffset: number;
  loading: boolean;
  error?: string;
}

/** `text` followed by `chunk`, each backspace in `chunk` taking back the character before it (not a line break). */
export function withBackspaces(text: string, chunk: string): string {
  if (!chunk.includes('\b')) return text + chunk;
  let out = text;
  let start = 0;
  for (let i = 0; i < chunk.length; i++) {
    if (chunk.charCodeAt(i) !== 8) continue;
    out += chunk.slice(start, i);
    start = i + 1;
    if (out.length > 0 && !out.endsWith('\n')) out = out.slice(0, -1);
  }
  return out + chunk.slice(start);
}

/** Applies a chunk at `offset` to a buffer; returns the new buffer, or null when there is a gap. */
export function appendChunk(buf: ConsoleBuffer, offset: number, text: string): ConsoleBuffer | null {
  if (offset > buf.nextOffset) return null;
  const overlap = buf.nextOffset - offset;
  if (overlap >= text.length) return buf;
  let out = withBackspaces(buf.text, text.slice(overlap));
  if (out.length > MAX_CHARS) out = out.slice(out.length - MAX_CHARS);
  return { ...buf, text: out, nextOffset: offset + text.length };
}

export const useConsolesStore = defineStore('consoles', () => {
  const api = useApi();
  const buffers = shallowRef<Record<string, ConsoleBuffer>>({});
  const reading = new Set<string>();

  const set = (vmId: string, b: ConsoleBuffer): void => {
    buffers.value = { ...buffers.value, [vmId]: b };
  };

  async function readFrom(vmId: VmId): Promise<void> {
    if (reading.has(vmId)) return;
    reading.add(vmId);
    try {
      const cur = buffers.value[vmId];
      if (!cur) return;
      const r = await api.query('vm.console.read', { vmId, fromOffset: cur.nextOffset });
      const now = buffers.value[vmId];
      if (!now) return;
      const start = r.nextOffset - r.text.length;
      const next = appendChunk(now, start, r.text) ?? { ...now, text: withBackspaces(now.text, r.text).slice(-MAX_CHARS), nextOffset: r.nextOffset };
      set(vmId, { ...next, loading: false, error: undefined });
    } catch (e) {
      const b = buffers.value[vmId];
      if (b) set(vmId, { ...b, loading: false, error: e instanceof ApiException ? e.error.message : String(e) });
    } finally {
      reading.delete(vmId);
    }
  }

  async function open(vmId: VmId): Promise<void> {
    if (!buffers.value[vmId]) set(vmId, { text: '', nextOffset: 0, loading: true });
    await readFrom(vmId);
  }

  function close(vmId: VmId): void {
    const next = { ...buffers.value };
    delete next[vmId];
    buffers.value = next;
  }

  async function send(vmId: VmId, text: string): Promise<ApiError | null> {
    try {
      await api.command('vm.console.send', { vmId, text });
      return null;
    } catch (e) {
      return e instanceof ApiException ? e.error : { code: 'E_INTERNAL', message: String(e) };
    }
  }

  api.onEvent((e) => {
    if (e.type === 'console.output') {
      const b = buffers.value[e.vmId];
      if (!b || b.loading) return;
      const next = appendChunk(b, e.offset, e.text);
      if (next) set(e.vmId, next);
      else void readFrom(e.vmId);
    } else if (e.type === 'lab.loaded') {
      buffers.value = {};
    }
  });

  return { buffers, open, close, send };
});
