/**
 * Report integrity (docs/exercises.md, "Reports: digest and seal").
 *
 * - `labDigest(api, version?)` → `sha256:<hex>` over the lab as the contract shows it: scenario and seed,
 *   virtual time, the inventory (without its change counter), every task and event, every snapshot tree,
 *   the exercise progress and (version 2, the current one) the student's saved availability design —
 *   canonical JSON (sorted keys). The same saved lab gives the same digest on any machine, so an
 *   instructor can recompute it from the student's save.
 * - `LAB_DIGEST_VERSION` (2); `checkLabDigest(integrity, api)` recomputes a report's digest from a lab
 *   with the version the report names (absent = 1, reports made before version 2).
 * - `sealDoc(doc, key)` → the document with `integrity.seal` = HMAC-SHA256(key, canonical JSON of the
 *   document with the seal field null); `verifySeal(doc, key)` → `{ ok, reason }`.
 * - `loadReportKey(file?)` → the instructor's key from `file` or `HVLAB_REPORT_KEY_FILE` (undefined when
 *   neither is set); `keyId(key)`: the first 8 hex digits of its SHA-256, printed so that a grader knows
 *   which key a report claims.
 *
 * Rules: the key never appears in a report, a log or a save. A seal is only as strong as the key's
 * secrecy: it proves that a report was made by a lab holding the key and not edited afterwards. Version 2
 * adds the saved design as a key that is absent when no design was saved, so a lab without one digests
 * to the same bytes under both versions; the version a report names is covered by its seal.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { HvlabApi } from '@shared/api/index';
import type { Integrity, ReportDoc } from './reportModel';

/** 1: the lab without the saved availability design; 2: with it (when one was saved). */
export const LAB_DIGEST_VERSIONS = [1, 2] as const;
export type LabDigestVersion = (typeof LAB_DIGEST_VERSIONS)[number];
export const LAB_DIGEST_VERSION: LabDigestVersion = 2;

export function canonicalJson(x: unknown): string {
  if (x === null || typeof x !== 'object') return JSON.stringify(x) ?? 'null';
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`;
  const o = x as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export async function labDigest(api: HvlabApi, version: LabDigestVersion = LAB_DIGEST_VERSION): Promise<{ digest: string; virtualTimeMs: number; version: LabDigestVersion }> {
  const [info, status, inventory, tasks, events, progress, design] = await Promise.all([
    api.query('engine.info', {}), api.query('sim.status', {}), api.query('inventory.get', {}),
    api.query('tasks.list', { limit: 1000 }), api.query('events.list', { limit: 5000 }), api.query('exercise.progress.get', {}),
    version >= 2 ? api.query('availability.design.saved', {}) : Promise.resolve(null),
  ]);
  const snapshots = [];
  for (const vm of inventory.vms) if (vm.snapshotCount > 0) snapshots.push(await api.query('vm.snapshot.tree', { vmId: vm.id }));
  const { version: _changeCounter, ...inv } = inventory;
  // `availabilityDesign` undefined (none saved, or version 1) is left out by canonicalJson: the version 1 bytes.
  const body = canonicalJson({
    scenario: info.scenario, seed: info.seed, virtualTimeMs: status.virtualTimeMs, inventory: inv, tasks, events, snapshots, progress,
    availabilityDesign: design ?? undefined,
  });
  return { digest: `sha256:${createHash('sha256').update(body).digest('hex')}`, virtualTimeMs: status.virtualTimeMs, version };
}

/**
 * Recomputes a report's lab digest from a (saved) lab, with the digest version the report names; a
 * version this build does not know is an error rather than a false "differs".
 */
export async function checkLabDigest(integrity: Integrity, api: HvlabApi): Promise<{ same: boolean; digest: string; virtualTimeMs: number; version: LabDigestVersion }> {
  const version = integrity.digestVersion ?? 1;
  if (!(LAB_DIGEST_VERSIONS as readonly number[]).includes(version)) {
    throw new Error(`the report's lab digest is version ${String(version)}; this Hypervisor Lab knows versions ${LAB_DIGEST_VERSIONS.join(' and ')} (a newer release made it)`);
  }
  const d = await labDigest(api, version as LabDigestVersion);
  return { ...d, same: d.digest === integrity.labDigest };
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function loadReportKey(file?: string): Buffer | undefined {
  const path = file ?? process.env.HVLAB_REPORT_KEY_FILE;
  if (!path) return undefined;
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`report key file ${path}: no such file`);
  }
  if (!st.isFile() || st.size > 4096) throw new Error(`report key file ${path}: not a small regular file`);
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'utf8');
  if (key.length < 16) throw new Error(`report key file ${path}: the key must be at least 16 characters`);
  return key;
}

function mac(doc: ReportDoc, key: Buffer): string {
  const unsealed: ReportDoc = { ...doc, integrity: { ...doc.integrity, seal: null } };
  return createHmac('sha256', key).update(canonicalJson(unsealed)).digest('hex');
}

export function sealDoc(doc: ReportDoc, key: Buffer | undefined): ReportDoc {
  if (!key) return { ...doc, integrity: { ...doc.integrity, seal: null } };
  return { ...doc, integrity: { ...doc.integrity, seal: { algorithm: 'HMAC-SHA256', keyId: keyId(key), value: mac(doc, key) } } };
}

export function verifySeal(doc: ReportDoc, key: Buffer): { ok: boolean; reason: string } {
  const seal = doc.integrity?.seal;
  if (!seal) return { ok: false, reason: 'the report is not sealed' };
  if (seal.keyId !== keyId(key)) return { ok: false, reason: `the report was sealed with key ${seal.keyId}, not with this key (${keyId(key)})` };
  const expected = Buffer.from(mac(doc, key), 'hex');
  const given = Buffer.from(seal.value, 'hex');
  const ok = given.length === expected.length && timingSafeEqual(given, expected);
  return ok ? { ok, reason: 'the seal matches: the report is as the lab produced it' } : { ok, reason: 'the seal does not match: the report was edited after it was made' };
}
