// A value's bytes in a canonical encoding, hashed: every object's keys in their order, arrays in order,
// typed arrays and buffers as their bytes, Maps and Sets as their entries in order; a value referenced
// twice is written twice. Not V8's serializer (the saved-lab file's): it writes a number as an integer or
// a double by how the field happens to be stored, which depends on what the process ran before (the same
// run gave two different byte strings in two processes), and a shared object once.
import { createHash } from 'node:crypto';

export function canonicalBytes(x: unknown): string {
  const h = createHash('sha256');
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') {
      h.update(typeof v === 'string' ? `s${JSON.stringify(v)};` : Object.is(v, -0) ? 'n-0;' : `${typeof v}:${String(v)};`);
    } else if (ArrayBuffer.isView(v)) {
      h.update(`${v.constructor.name}[${v.byteLength}]`); h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    } else if (v instanceof ArrayBuffer) {
      h.update(`AB[${v.byteLength}]`); h.update(new Uint8Array(v));
    } else if (v instanceof Map) {
      h.update('M{'); v.forEach((val, k) => { walk(k); walk(val); }); h.update('}');
    } else if (v instanceof Set) {
      h.update('S{'); v.forEach((val) => walk(val)); h.update('}');
    } else if (Array.isArray(v)) {
      h.update(`[${v.length}`); for (const e of v) walk(e); h.update(']');
    } else {
      h.update('{'); for (const [k, val] of Object.entries(v)) { h.update(`${JSON.stringify(k)}:`); walk(val); } h.update('}');
    }
  };
  walk(x);
  return h.digest('hex').slice(0, 16);
}
