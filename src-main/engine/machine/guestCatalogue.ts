/**
 * guestCatalogue — the list of named guests in resources/guests/guests.json and how a guest's
 * command line is formed.
 *
 * Interface: `GuestCatalogue` {guests: GuestEntry[]}, `GuestEntry` {name, source, cmdline,
 * description, params (key, default, range, description: the fields forms offer)}; the catalogue's
 * `kernelParams` are the labos kernel's own (read whatever the program, e.g. `shell`): every guest
 * offers them after its own parameters, unless it declares the key itself;
 * `parseGuestCatalogue(content, file)` (validates parsed JSON; throws
 * `GuestCatalogueError` naming the file and field); `findGuest(catalogue, name)`;
 * `commandLine(base, params)` → "base k1=v1 k2=v2" (keys sorted, so equal parameters give equal
 * command lines and equal runs); `paramValue(entry, key, text)` → the number a parameter's text stands
 * for (labos reads numbers only: a guest may name values, `words`, e.g. memwrite's content=text → 1),
 * or a message.
 * Rules: `source` is a path relative to resources/guests; the engine never reads files — the node
 * side loads the catalogue and the sources and passes them in. An absent catalogue is empty.
 */

import type { GuestParamDto } from '@shared/model/guestParams';
import { VM_LIMITS } from '@shared/model/vmLimits';

export interface GuestEntry {
  name: string;
  source: string;
  cmdline: string;
  description: string;
  /** Named parameter values: key → word → the number the guest reads. */
  words?: Record<string, Record<string, number>>;
  /** The parameters the program reads, with defaults and ranges (empty: it takes none). */
  params: GuestParamDto[];
}

export interface GuestCatalogue {
  guests: GuestEntry[];
}

export const EMPTY_CATALOGUE: GuestCatalogue = { guests: [] };

export class GuestCatalogueError extends Error {}

export function parseGuestCatalogue(content: unknown, file = 'guests.json'): GuestCatalogue {
  const fail = (field: string, msg: string): never => { throw new GuestCatalogueError(`${file}: ${field}: ${msg}`); };
  if (typeof content !== 'object' || content === null || !Array.isArray((content as { guests?: unknown }).guests)) fail('guests', 'expected an object with a "guests" array');
  const kernelParams = parseParams((content as { kernelParams?: unknown }).kernelParams, 'kernelParams', fail);
  const guests: GuestEntry[] = [];
  const seen = new Set<string>();
  ((content as { guests: unknown[] }).guests).forEach((g, i) => {
    const at = `guests[${i}]`;
    if (typeof g !== 'object' || g === null) fail(at, 'expected an object');
    const e = g as Record<string, unknown>;
    for (const k of ['name', 'source'] as const) if (typeof e[k] !== 'string' || !e[k]) fail(`${at}.${k}`, 'expected a non-empty string');
    for (const k of ['cmdline', 'description'] as const) if (e[k] !== undefined && typeof e[k] !== 'string') fail(`${at}.${k}`, 'expected a string');
    const name = e.name as string;
    if (seen.has(name)) fail(`${at}.name`, `duplicate guest name "${name}"`);
    seen.add(name);
    const words = e.words;
    if (words !== undefined) {
      const ok = typeof words === 'object' && words !== null && Object.values(words).every((w) => typeof w === 'object' && w !== null && Object.values(w as object).every((n) => Number.isInteger(n)));
      if (!ok) fail(`${at}.words`, 'expected { key: { word: integer } }');
    }
    const own = parseParams(e.params, `${at}.params`, fail);
    const params = [...own, ...kernelParams.filter((k) => !own.some((p) => p.key === k.key)).map((k) => ({ ...k }))];
    for (const p of params) {
      const named = (words as Record<string, Record<string, number>> | undefined)?.[p.key];
      if (named) p.words = { ...named };
    }
    guests.push({
      name, source: e.source as string, cmdline: (e.cmdline as string | undefined) ?? name, description: (e.description as string | undefined) ?? '',
      ...(words ? { words: words as Record<string, Record<string, number>> } : {}),
      params,
    });
  });
  return { guests };
}

function parseParams(raw: unknown, at: string, fail: (field: string, msg: string) => never): GuestParamDto[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) fail(at, 'expected an array of { key, default, min, max, description }');
  const L = VM_LIMITS.workloadParams;
  const seen = new Set<string>();
  return (raw as unknown[]).map((p, i) => {
    const f = `${at}[${i}]`;
    if (typeof p !== 'object' || p === null) fail(f, 'expected an object');
    const o = p as Record<string, unknown>;
    if (typeof o.key !== 'string' || !/^[a-z][a-z0-9_]*$/.test(o.key) || o.key.length > L.keyMaxLength) fail(`${f}.key`, `expected a lower-case name of at most ${L.keyMaxLength} characters`);
    const key = o.key as string;
    if (seen.has(key)) fail(`${f}.key`, `duplicate parameter "${key}"`);
    seen.add(key);
    for (const k of ['default', 'min', 'max'] as const) {
      if (!Number.isInteger(o[k]) || (o[k] as number) < L.valueMin || (o[k] as number) > L.valueMax) fail(`${f}.${k}`, 'expected a whole number labos can read (32 bits)');
    }
    const [def, min, max] = [o.default, o.min, o.max] as number[];
    if (!(min <= def && def <= max)) fail(`${f}.default`, `expected min ≤ default ≤ max (${min} ≤ ${def} ≤ ${max})`);
    if (typeof o.description !== 'string' || !o.description) fail(`${f}.description`, 'expected a non-empty string');
    return { key, default: def, min, max, description: o.description as string };
  });
}

export function findGuest(c: GuestCatalogue, name: string): GuestEntry | undefined {
  return c.guests.find((g) => g.name === name);
}

/** The number parameter `key`'s text stands for: a number as labos reads it, or one of the guest's named values. */
export function paramValue(entry: GuestEntry | undefined, key: string, text: string): number | { message: string } {
  const named = entry?.words?.[key];
  if (named && Object.prototype.hasOwnProperty.call(named, text)) return named[text];
  const m = /^(-?)(0x[0-9a-f]+|\d+)([km]?)$/i.exec(text.trim());
  if (!m) {
    const hint = named ? `${Object.keys(named).join(', ')} or a number` : 'a number (decimal, 0x hex, optional k or m suffix)';
    return { message: `${key}=${text}: expected ${hint}` };
  }
  const v = Number(m[2]) * (m[3].toLowerCase() === 'k' ? 1024 : m[3].toLowerCase() === 'm' ? 1048576 : 1);
  return m[1] ? -v : v;
}

export function commandLine(base: string, params: Readonly<Record<string, string | number>> = {}): string {
  const extra = Object.keys(params).sort().map((k) => `${k}=${params[k]}`);
  return [base, ...extra].filter((s) => s.length > 0).join(' ');
}
