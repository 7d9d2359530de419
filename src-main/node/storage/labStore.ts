/**
 * labStore — saves a lab (the engine's plain `LabState`) to a folder and loads it back, atomically and
 * with corruption detection. The engine stays pure: this module owns files, fsync and sha256.
 *
 * Folder layout:
 *   manifest.json          { magic, formatVersion, generation, file, bytes, sha256, scenario, virtualTimeMs,
 *                            savedAt, checksum }   — checksum = sha256 of the manifest's other fields
 *   lab-<generation>.hvlab  header (magic "HVLABSAV", u32 format version, u32 0, 32-byte sha256 of the
 *                            payload, u64 payload length) + payload (v8 structured-clone serialization)
 *
 * - `saveLab(dir, state, options?)`: write the new data file to a temp name, fsync, rename; write the new
 *   manifest to a temp name, fsync, rename over manifest.json (the commit point), fsync the folder; only
 *   then delete older data files. A crash at any point leaves the previous manifest and the data file it
 *   names intact, so the last good save always loads. `options.onStep(step)` observes the steps (tests
 *   use it to die at each one).
 * - `readSaveInfo(dir)` → the checked manifest's summary (scenario, virtual time, when), without the data.
 * - `loadLab(dir)` → state; throws `LabStoreError` (corrupt, truncated, wrong version, missing) instead
 *   of loading anything it cannot verify. Files are read only if they are regular files (lstat: no
 *   symbolic link, device or FIFO — `/dev/zero` would never end) within a size cap (`node/limits.ts`);
 *   the manifest's fields are checked as own properties of the right types; a payload holding an own
 *   `__proto__` key anywhere is refused (restoring it with `Object.assign` or `obj[k] = v` would replace
 *   an object's prototype); the payload must be an object whose scenario name and virtual time are the
 *   manifest's. Whether each VALUE is sane is the engine's to check when it loads the state
 *   (`engine.loadState`: every field, with the limits of live input).
 *
 * v8 serialization keeps shared objects shared (disk layers, copy-on-write memory frames) and carries
 * typed arrays and Maps; newer Node versions read older payloads.
 */
import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { SAVE_MAX_DATA_BYTES, SAVE_MAX_MANIFEST_BYTES } from '../limits';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { serialize, deserialize } from 'node:v8';

export const SAVE_MAGIC = 'HVLABSAV';
export const MANIFEST_MAGIC = 'hvlab-save';
export const SAVE_FORMAT_VERSION = 1;
const HEADER_BYTES = 8 + 4 + 4 + 32 + 8;
const MANIFEST = 'manifest.json';
const DATA_FILE = /^lab-(\d+)\.hvlab$/;

export type SaveStep = 'data-written' | 'data-renamed' | 'manifest-written' | 'manifest-renamed' | 'cleaned';

export class LabStoreError extends Error {}

interface Manifest {
  magic: string;
  formatVersion: number;
  generation: number;
  file: string;
  bytes: number;
  sha256: string;
  scenario: string;
  virtualTimeMs: number;
  savedAt: string;
  checksum: string;
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

function manifestChecksum(m: Omit<Manifest, 'checksum'>): string {
  const { magic, formatVersion, generation, file, bytes, sha256: h, scenario, virtualTimeMs, savedAt } = m;
  return sha256(JSON.stringify([magic, formatVersion, generation, file, bytes, h, scenario, virtualTimeMs, savedAt]));
}

function writeDurably(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the renames are still ordered.
  }
}

/** Reads a file only if it is a regular file (not a link, device or FIFO) of at most `maxBytes`. */
function readRegularFile(path: string, maxBytes: number): Buffer {
  const st = lstatSync(path);
  if (!st.isFile()) throw new LabStoreError(`${path} is not a regular file (a save is never read through a link or from a device)`);
  if (st.size > maxBytes) throw new LabStoreError(`${path} is larger than expected (${st.size} > ${maxBytes} bytes)`);
  return readFileSync(path);
}

const MANIFEST_FIELDS: Record<keyof Manifest, 'string' | 'number'> = {
  magic: 'string', formatVersion: 'number', generation: 'number', file: 'string', bytes: 'number', sha256: 'string',
  scenario: 'string', virtualTimeMs: 'number', savedAt: 'string', checksum: 'string',
};

/** The manifest as own fields of the right types, or a LabStoreError naming the first bad one. */
function checkManifest(raw: unknown, path: string): Manifest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new LabStoreError(`${path} is corrupt (not a JSON object)`);
  for (const k of Object.keys(raw)) {
    if (!Object.prototype.hasOwnProperty.call(MANIFEST_FIELDS, k)) throw new LabStoreError(`${path} is corrupt (unknown field "${k.slice(0, 40)}")`);
  }
  for (const [k, type] of Object.entries(MANIFEST_FIELDS)) {
    const v = Object.prototype.hasOwnProperty.call(raw, k) ? (raw as Record<string, unknown>)[k] : undefined;
    if (typeof v !== type || (type === 'number' && !Number.isFinite(v))) throw new LabStoreError(`${path} is corrupt (field "${k}" is missing or not a ${type})`);
  }
  return raw as Manifest;
}

/**
 * The path of the first own `__proto__` key in a deserialized value (iterative, each object once), or
 * undefined. Typed arrays and other binary data are not descended into.
 */
export function findPrototypeKey(value: unknown, rootPath = 'state'): string | undefined {
  const seen = new Set<object>();
  const stack: [unknown, string][] = [[value, rootPath]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v !== 'object' || v === null || seen.has(v) || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    seen.add(v);
    if (v instanceof Map) {
      let i = 0;
      for (const [k, x] of v) { stack.push([k, `${at}.<key ${i}>`], [x, `${at}.<value ${i}>`]); i++; }
      continue;
    }
    if (v instanceof Set) {
      let i = 0;
      for (const x of v) stack.push([x, `${at}.<item ${i++}>`]);
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(v, '__proto__')) return `${at}.__proto__`;
    for (const k of Object.keys(v)) stack.push([(v as Record<string, unknown>)[k], Array.isArray(v) ? `${at}[${k}]` : `${at}.${k}`]);
  }
  return undefined;
}

/** The scenario name and virtual time a payload claims, read as own properties (null: not a lab state object). */
function payloadSummary(state: unknown): { scenario: unknown; virtualTimeMs: unknown } | null {
  const own = (o: unknown, k: string): unknown =>
    (typeof o === 'object' && o !== null && !Array.isArray(o) && Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined);
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return null;
  return { scenario: own(own(state, 'scenario'), 'name') ?? '', virtualTimeMs: own(own(state, 'clock'), 'virtualTimeMs') ?? 0 };
}

function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) throw new LabStoreError(`no saved lab in ${dir} (no ${MANIFEST})`);
  let raw: unknown;
  const text = readRegularFile(path, SAVE_MAX_MANIFEST_BYTES).toString('utf8');
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LabStoreError(`${path} is corrupt (not valid JSON)`);
  }
  const m = checkManifest(raw, path);
  if (m.magic !== MANIFEST_MAGIC) throw new LabStoreError(`${path} is not a Hypervisor Lab save`);
  if (m.formatVersion !== SAVE_FORMAT_VERSION) throw new LabStoreError(`${path}: save format ${m.formatVersion} is not supported (this build reads ${SAVE_FORMAT_VERSION})`);
  const { checksum, ...rest } = m;
  if (checksum !== manifestChecksum(rest)) throw new LabStoreError(`${path} is corrupt (checksum mismatch)`);
  if (!DATA_FILE.test(m.file)) throw new LabStoreError(`${path} names an invalid data file "${m.file}"`);
  return m;
}

/** The manifest of the committed save in `dir` (checked, not its data): what a restore offer shows. */
export function readSaveInfo(dir: string): { generation: number; scenario: string; virtualTimeMs: number; savedAt: string; bytes: number } {
  const m = readManifest(dir);
  return { generation: m.generation, scenario: m.scenario, virtualTimeMs: m.virtualTimeMs, savedAt: m.savedAt, bytes: m.bytes };
}

/** Generation of the newest committed save in `dir` (0 when there is none). */
export function currentGeneration(dir: string): number {
  if (!existsSync(dir)) return 0;
  try {
    return readManifest(dir).generation;
  } catch {
    let max = 0;
    for (const f of readdirSync(dir)) {
      const g = DATA_FILE.exec(f.replace(/\.tmp$/, ''));
      if (g) max = Math.max(max, Number(g[1]));
    }
    return max;
  }
}

export function saveLab(dir: string, state: { scenario?: { name?: string }; clock?: { virtualTimeMs?: number } } | null, options: { onStep?: (step: SaveStep) => void } = {}): { generation: number; bytes: number } {
  mkdirSync(dir, { recursive: true });
  const step = options.onStep ?? (() => {});
  const generation = currentGeneration(dir) + 1;
  const file = `lab-${generation}.hvlab`;
  const payload = serialize(state);
  const digest = createHash('sha256').update(payload).digest();
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(SAVE_MAGIC, 0, 'ascii');
  header.writeUInt32LE(SAVE_FORMAT_VERSION, 8);
  header.writeUInt32LE(0, 12);
  digest.copy(header, 16);
  header.writeBigUInt64LE(BigInt(payload.length), 48);
  const data = Buffer.concat([header, payload]);
  writeDurably(join(dir, `${file}.tmp`), data);
  step('data-written');
  renameSync(join(dir, `${file}.tmp`), join(dir, file));
  fsyncDir(dir);
  step('data-renamed');
  const body: Omit<Manifest, 'checksum'> = {
    magic: MANIFEST_MAGIC, formatVersion: SAVE_FORMAT_VERSION, generation, file, bytes: data.length, sha256: sha256(data),
    scenario: String(state?.scenario?.name ?? ''), virtualTimeMs: Number(state?.clock?.virtualTimeMs ?? 0), savedAt: new Date().toISOString(),
  };
  const manifest: Manifest = { ...body, checksum: manifestChecksum(body) };
  writeDurably(join(dir, `${MANIFEST}.tmp`), `${JSON.stringify(manifest, null, 2)}\n`);
  step('manifest-written');
  renameSync(join(dir, `${MANIFEST}.tmp`), join(dir, MANIFEST));
  fsyncDir(dir);
  step('manifest-renamed');
  for (const f of readdirSync(dir)) {
    if ((DATA_FILE.test(f) && f !== file) || (f.endsWith('.tmp') && f !== `${MANIFEST}.tmp`)) rmSync(join(dir, f), { force: true });
  }
  step('cleaned');
  return { generation, bytes: data.length };
}

export function loadLab(dir: string): { state: unknown; manifest: Manifest } {
  const m = readManifest(dir);
  const path = join(dir, m.file);
  if (!existsSync(path)) throw new LabStoreError(`${path} is missing (the manifest refers to it)`);
  const data = readRegularFile(path, Math.min(SAVE_MAX_DATA_BYTES, m.bytes));
  if (data.length !== m.bytes || sha256(data) !== m.sha256) throw new LabStoreError(`${path} is corrupt (size or checksum differs from the manifest)`);
  if (data.length < HEADER_BYTES || data.toString('ascii', 0, 8) !== SAVE_MAGIC) throw new LabStoreError(`${path} is not a Hypervisor Lab data file`);
  const version = data.readUInt32LE(8);
  if (version !== SAVE_FORMAT_VERSION) throw new LabStoreError(`${path}: data format ${version} is not supported`);
  const length = Number(data.readBigUInt64LE(48));
  const payload = data.subarray(HEADER_BYTES);
  if (payload.length !== length) throw new LabStoreError(`${path} is truncated`);
  if (!Buffer.from(createHash('sha256').update(payload).digest()).equals(data.subarray(16, 48))) throw new LabStoreError(`${path} is corrupt (payload checksum)`);
  let state: unknown;
  try {
    state = deserialize(payload);
  } catch (e) {
    throw new LabStoreError(`${path} could not be decoded: ${(e as Error).message}`);
  }
  const bad = findPrototypeKey(state);
  if (bad) throw new LabStoreError(`${path} is refused: it holds a "__proto__" key at ${bad}`);
  // The manifest summarises the payload (what a restore offer shows): they must agree.
  const summary = payloadSummary(state);
  if (!summary) throw new LabStoreError(`${path} is not a saved lab (the payload is not a lab state object)`);
  if (summary.scenario !== m.scenario || summary.virtualTimeMs !== m.virtualTimeMs) {
    throw new LabStoreError(`${path} disagrees with its manifest (manifest: ${JSON.stringify(m.scenario).slice(0, 80)} at ${m.virtualTimeMs} ms; payload: ${JSON.stringify(summary.scenario).slice(0, 80)} at ${summary.virtualTimeMs} ms)`);
  }
  return { state, manifest: m };
}
