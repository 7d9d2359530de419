/**
 * plainData — whether a value can cross to another thread as a message and arrive as the same thing:
 * plain data (`structuredClone` copies any object but silently drops its prototype, so a class instance
 * arrives as a bag of fields and a function does not arrive at all; this walks the value instead).
 *
 * Interface: `inspectPlain(value, path, moving)` → `{ value, notPlain }`: `notPlain` lists, for each part
 * that is not plain, its path and what it is (`args[0].config.disk: MemoryBlockStore`); `value` is the
 * same value, or a copy of its containers where a typed array views part of a larger buffer that does not
 * move (it becomes a copy of its own bytes, as a message of it would carry: cloning the view would copy
 * the whole buffer behind it, a guest's memory say).
 *
 * Rules: plain = undefined, null, booleans, numbers, bigints, strings; arrays; objects whose prototype is
 * `Object.prototype` or null; `Map`, `Set`, `Date`; `ArrayBuffer`, `SharedArrayBuffer` and their views.
 * Paths name array elements `[]` and map / set members `{}`, so one list entry covers every element.
 * A value seen twice is walked once (cycles are plain for structuredClone).
 */

export interface PlainInspection {
  value: unknown;
  notPlain: { path: string; what: string }[];
}

export function inspectPlain(value: unknown, path: string, moving: ReadonlySet<ArrayBufferLike>): PlainInspection {
  const notPlain: { path: string; what: string }[] = [];
  const seen = new Set<object>();

  const walk = (v: unknown, at: string): unknown => {
    if (v === null) return v;
    const t = typeof v;
    if (t === 'function') { notPlain.push({ path: at, what: 'function' }); return v; }
    if (t === 'symbol') { notPlain.push({ path: at, what: 'symbol' }); return v; }
    if (t !== 'object') return v;
    const o = v as object;
    if (seen.has(o)) return v;
    seen.add(o);
    if (ArrayBuffer.isView(o)) {
      const buf = o.buffer;
      const partial = o.byteOffset !== 0 || o.byteLength !== buf.byteLength;
      if (partial && buf instanceof ArrayBuffer && !moving.has(buf) && !(o instanceof DataView)) return (o as Uint8Array).slice();
      return v;
    }
    // A date is plain (named by its tag: the engine keeps away from the wall clock's global).
    if (o instanceof ArrayBuffer || o instanceof SharedArrayBuffer || Object.prototype.toString.call(o) === '[object Date]') return v;
    const proto = Object.getPrototypeOf(o) as unknown;
    if (Array.isArray(o) && proto === Array.prototype) {
      let out: unknown[] | undefined;
      for (let i = 0; i < o.length; i++) {
        const w = walk(o[i], `${at}[]`);
        if (w !== o[i]) (out ??= o.slice())[i] = w;
      }
      return out ?? v;
    }
    if (o instanceof Map && proto === Map.prototype) {
      let changed = false;
      const entries: [unknown, unknown][] = [];
      o.forEach((val: unknown, key: unknown) => {
        const k = walk(key, `${at}{}`);
        const w = walk(val, `${at}{}`);
        if (k !== key || w !== val) changed = true;
        entries.push([k, w]);
      });
      return changed ? new Map(entries) : v;
    }
    if (o instanceof Set && proto === Set.prototype) {
      let changed = false;
      const items: unknown[] = [];
      o.forEach((item: unknown) => {
        const w = walk(item, `${at}{}`);
        if (w !== item) changed = true;
        items.push(w);
      });
      return changed ? new Set(items) : v;
    }
    if (proto === Object.prototype || proto === null) {
      let out: Record<string, unknown> | undefined;
      const rec = o as Record<string, unknown>;
      for (const k of Object.keys(rec)) {
        const w = walk(rec[k], `${at}.${k}`);
        if (w !== rec[k]) (out ??= { ...rec })[k] = w;
      }
      return out ?? v;
    }
    notPlain.push({ path: at, what: (proto as { constructor?: { name?: string } } | null)?.constructor?.name || 'object' });
    return v;
  };

  return { value: walk(value, path), notPlain };
}
