// A migration in the lab holds no machine of its own: the source machines stay with the source host's
// owner and the incoming memories are made and held by the destination host's (`HostOwner`'s migration
// calls). The test runs the same migrations twice — directly, and with every migration call to the
// owners taking its arguments and giving its reply through `structuredClone` (as a message to a host
// worker would; only the VM's disk store is passed as it is, as in a start order) — and gets the same
// state digests and statistics. At every step of every migration the env (`LabMigrationEnv`) is walked:
// none of its fields may hold a machine or a memory. Covered: pre-copy, post-copy, a post-copy saved and
// loaded (finished at load from the saved copy, read by the source's owner), a pre-copy cut (the
// destination gives its memory back, the source keeps running the machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { IncomingMemory, Machine } from '../../../src-main/engine/machine/index';
import { HostOwner } from '../../../src-main/engine/vm/index';
import { LiveMigration } from '../../../src-main/engine/migration/index';
import { migLab, type MigLab } from './migrationLab';

/** The calls of `HostOwner`'s migration group whose arguments or replies are plain data. */
const PLAIN_CALLS = [
  'beginOutgoing', 'leaveReclamation', 'saveOutgoing', 'finishOutgoing', 'cancelOutgoing', 'receiveIncoming', 'incomingFrames',
  'releaseIncoming', 'startIncoming', 'joinReclamation', 'missingPages', 'supplyPages', 'readSavedSource',
] as const;

/** A clone as a message would make it, the guest config's disk store kept (it is not a copy in one thread either). */
function cloned(x: unknown): unknown {
  if (x && typeof x === 'object' && 'config' in x) {
    const o = x as { config: { disk?: unknown } };
    const { disk, ...config } = o.config;
    return { ...(structuredClone({ ...o, config }) as object), config: { ...(structuredClone(config) as object), ...(disk !== undefined ? { disk } : {}) } };
  }
  return structuredClone(x);
}

/** Finds a machine or a memory anywhere in `x` (arrays, maps, plain objects), or undefined. */
function heldMachine(x: unknown, path: string, seen = new Set<unknown>()): string | undefined {
  if (!x || typeof x !== 'object' || seen.has(x)) return undefined;
  seen.add(x);
  if (x instanceof Machine || x instanceof IncomingMemory || typeof (x as { saveCore?: unknown }).saveCore === 'function') return path;
  if (ArrayBuffer.isView(x)) return undefined;
  const entries: [string, unknown][] = x instanceof Map ? [...x].map(([k, v]) => [String(k), v]) : Object.entries(x);
  for (const [k, v] of entries) {
    const found = heldMachine(v, `${path}.${k}`, seen);
    if (found) return found;
  }
  return undefined;
}

/** Runs `body` with the owners' migration calls through structuredClone and every step's env checked. */
async function throughClones<T>(body: () => Promise<T>): Promise<{ result: T; steps: number }> {
  const proto = HostOwner.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const saved = new Map(PLAIN_CALLS.map((n) => [n, proto[n]]));
  const step = LiveMigration.prototype.step;
  let steps = 0;
  for (const n of PLAIN_CALLS) {
    const f = saved.get(n)!;
    proto[n] = function (this: HostOwner, ...args: unknown[]) { return cloned(f.apply(this, args.map(cloned))); };
  }
  LiveMigration.prototype.step = function (this: LiveMigration, nowNs: number) {
    const { ctx: _ctx, ...fields } = (this as unknown as { env: Record<string, unknown> }).env;
    const found = heldMachine(fields, 'env');
    assert.equal(found, undefined, `the migration env holds a machine or memory at ${found}`);
    steps++;
    return step.call(this, nowNs);
  };
  try {
    return { result: await body(), steps };
  } finally {
    for (const [n, f] of saved) proto[n] = f;
    LiveMigration.prototype.step = step;
  }
}

const digest = (lab: MigLab): string => createHash('sha256').update(JSON.stringify(lab.engine.digestInput())).digest('hex');

/** Three migrations from H0 to H1 (pre-copy, post-copy, a pre-copy whose link is cut) to their ends. */
async function moves(): Promise<{ digests: string[]; stats: unknown[] }> {
  const lab = await migLab({ vms: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
  lab.advance(300);
  const ids = [
    lab.migrate('a', 'H1', { bandwidthBytesPerS: 8 * 1048576 }),
    lab.migrate('b', 'H1', { mode: 'postcopy', bandwidthBytesPerS: 4 * 1048576 }),
    lab.migrate('c', 'H1', { bandwidthBytesPerS: 1048576, cutAtMs: 100 }),
  ];
  const digests = [digest(lab)];
  for (const id of ids) lab.finish(id);
  digests.push(digest(lab));
  lab.advance(500);
  digests.push(digest(lab));
  assert.deepEqual(ids.map((id) => lab.task(id).state), ['success', 'success', 'error']);
  return { digests, stats: ids.map((id) => lab.q('migration.get', { taskId: id })) };
}

/** A post-copy saved mid-way and loaded: finished at load from the saved copy. */
async function savedPostcopy(): Promise<{ digests: string[]; stats: unknown }> {
  const lab = await migLab({ vms: [{ name: 'b' }] });
  lab.advance(300);
  const id = lab.migrate('b', 'H1', { mode: 'postcopy', bandwidthBytesPerS: 1048576 });
  lab.advance(300);
  assert.equal(lab.q('migration.get', { taskId: id }).status, 'postcopy-active');
  const state = lab.engine.saveState();
  const fresh = await migLab({ vms: [] });
  assert.equal(fresh.engine.loadState(structuredClone(state)), undefined);
  fresh.advance(50);
  assert.equal(fresh.task(id).state, 'success');
  const digests = [digest(fresh)];
  fresh.advance(500);
  digests.push(digest(fresh));
  return { digests, stats: fresh.q('migration.get', { taskId: id }) };
}

test('a migration\'s env holds no machine: with every owner call through structuredClone the moves give the direct digests', async () => {
  const direct = await moves();
  const viaClones = await throughClones(moves);
  assert.ok(viaClones.steps > 10, 'the env was checked at every step');
  assert.deepEqual(viaClones.result.digests, direct.digests);
  assert.deepEqual(viaClones.result.stats, direct.stats);

  const directSaved = await savedPostcopy();
  const savedViaClones = await throughClones(savedPostcopy);
  assert.deepEqual(savedViaClones.result.digests, directSaved.digests);
  assert.deepEqual(savedViaClones.result.stats, directSaved.stats);
});
