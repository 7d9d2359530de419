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
 * - `readSaveInfo(dir)` → the checked manifest's scenario, virtual time and save time (for listings).
 * - `loadLab(dir)` → state; throws `LabStoreError` (corrupt, truncated, wrong version, missing) instead
 *   of loading anything it cannot verify.
 *
 * v8 serialization keeps shared objects shared (disk layers, copy-on-write memory frames) and carries
 * typed arrays and Maps; newer Node versions read older payloads.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
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

function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) throw new LabStoreError(`no saved lab in ${dir} (no ${MANIFEST})`);
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    throw new LabStoreError(`${path} is corrupt (not valid JSON)`);
  }
  if (m.magic !== MANIFEST_MAGIC) throw new LabStoreError(`${path} is not a Hypervisor Lab save`);
  if (m.formatVersion !== SAVE_FORMAT_VERSION) throw new LabStoreError(`${path}: save format ${m.formatVersion} is not supported (this build reads ${SAVE_FORMAT_VERSION})`);
  const { checksum, ...rest } = m;
  if (checksum !== manifestChecksum(rest)) throw new LabStoreError(`${path} is corrupt (checksum mismatch)`);
  if (!DATA_FILE.test(m.file)) throw new LabStoreError(`${path} names an invalid data file "${m.file}"`);
  return m;
}

/** The verified manifest of the save in `dir` (what `loadLab` would load), without reading the data file. */
export function readSaveInfo(dir: string): { scenario: string; virtualTimeMs: number; savedAt: string; generation: number } {
  const m = readManifest(dir);
  return { scenario: m.scenario, virtualTimeMs: m.virtualTimeMs, savedAt: m.savedAt, generation: m.generation };
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

export function saveLab(dir: string, state: { scenario?: { name?: string }; clock?: { virtualTimeMs?: number } }, options: { onStep?: (step: SaveStep) => void } = {}): { generation: number; bytes: number } {
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
    scenario: String(state.scenario?.name ?? ''), virtualTimeMs: Number(state.clock?.virtualTimeMs ?? 0), savedAt: new Date().toISOString(),
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
  const data = readFileSync(path);
  if (data.length !== m.bytes || sha256(data) !== m.sha256) throw new LabStoreError(`${path} is corrupt (size or checksum differs from the manifest)`);
  if (data.length < HEADER_BYTES || data.toString('ascii', 0, 8) !== SAVE_MAGIC) throw new LabStoreError(`${path} is not a Hypervisor Lab data file`);
  const version = data.readUInt32LE(8);
  if (version !== SAVE_FORMAT_VERSION) throw new LabStoreError(`${path}: data format ${version} is not supported`);
  const length = Number(data.readBigUInt64LE(48));
  const payload = data.subarray(HEADER_BYTES);
  if (payload.length !== length) throw new LabStoreError(`${path} is truncated`);
  if (!Buffer.from(createHash('sha256').update(payload).digest()).equals(data.subarray(16, 48))) throw new LabStoreError(`${path} is corrupt (payload checksum)`);
  try {
    return { state: deserialize(payload), manifest: m };
  } catch (e) {
    throw new LabStoreError(`${path} could not be decoded: ${(e as Error).message}`);
  }
}
