/**
 * Snapshot benchmark: wall time to take a memory snapshot of a running VM and to revert to it, for a
 * 128 MiB and a 4 GiB VM (goal: < 50 ms, independent of memory size — copy-on-write, nothing is copied).
 *
 * Run: `npx tsx bench/snapshot-4gib.ts [--touchedMiB 64]`. Prints one JSON object.
 * Method: the VM runs the memwrite workload over a working set of `touchedMiB` (the same for both sizes),
 * then the lab is stepped 1 virtual ms at a time around the task's completion; the wall time of the step
 * in which the snapshot is captured (or the revert applied), minus a plain 1 ms step, is the operation's
 * cost. Guest: the real guest machine when available, else the fakeGuest test double (its save() copies
 * an index of touched pages: cost follows touched memory, never configured memory) — said in `guest`.
 */
import { createEngine } from '../src-main/engine/index';
import type { Engine, GuestFactory } from '../src-main/engine/index';
import { defaultGuestFactory } from '../src-main/node/guestFactories';
import { fakeGuestFactory } from '../test/helpers/fakeGuest';
import { API_VERSION } from '../src-shared/api/channels';

const i = process.argv.indexOf('--touchedMiB');
const TOUCHED_MIB = i > 0 ? Number(process.argv[i + 1]) : 64;
const real = defaultGuestFactory();
const factory: GuestFactory = real.factory ?? fakeGuestFactory;
const guest = real.factory ? `real guest machine (${real.name})` : 'fakeGuest test double (no real guest machine in this build)';

let id = 1;
function call(engine: Engine, name: string, params: unknown): unknown {
  const r = engine.handle({ v: API_VERSION, id: id++, kind: 'command', name, params });
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.result;
}
function task(engine: Engine, taskId: string): { state: string; result?: unknown } {
  const r = engine.handle({ v: API_VERSION, id: id++, kind: 'query', name: 'tasks.list', params: { limit: 50 } });
  if (!r.ok) throw new Error(r.error.message);
  return (r.result as { id: string; state: string; result?: unknown }[]).find((t) => t.id === taskId)!;
}

/** Steps 1 ms at a time until the task finishes; returns the wall ms of the completing step minus a plain step. */
function timeTask(engine: Engine, taskId: string): { ms: number; result: unknown } {
  let plain = Infinity;
  for (;;) {
    const t0 = performance.now();
    engine.advance(1);
    const dt = performance.now() - t0;
    const t = task(engine, taskId);
    if (t.state === 'success') return { ms: Math.max(0, dt - (Number.isFinite(plain) ? plain : 0)), result: t.result };
    if (t.state === 'error') throw new Error('task failed');
    plain = Math.min(plain, dt);
  }
}

const REPEAT = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r2 = (x: number) => Math.round(x * 100) / 100;

function run(memoryMiB: number): { memoryMiB: number; takeMs: { median: number; max: number }; revertMs: { median: number; max: number } } {
  const pages = Math.round((TOUCHED_MIB * 1024 * 1024) / 4096);
  const name = `snap-${memoryMiB}`;
  // labos memwrite keeps writing its working set (passes 0 = forever) at RATE_PPS pages per virtual second.
  const RATE_PPS = 20_000;
  const params = real.factory
    ? { wss_kib: TOUCHED_MIB * 1024, rate_pps: RATE_PPS, passes: 0 }
    : { workingSetPages: pages, writeEvery: 50, duty: 1 };
  const content = { version: 1, name, title: name, datacenters: [{ hosts: [{ name: 'h1', cpuMhz: 100, memoryGiB: 8 }], vms: [
    { name: 'vm', host: 'h1', memoryMiB, workload: 'memwrite', workloadParams: params, powerOn: true },
  ] }] };
  const engine = createEngine({ scenarios: { [name]: { file: name, content } }, guestFactory: factory }, { scenario: name, seed: 1 });
  engine.advance(Math.ceil((pages / RATE_PPS) * 1000) + 2000); // long enough to touch the whole working set
  const takes: number[] = [];
  const reverts: number[] = [];
  for (let k = 0; k < REPEAT; k++) {
    const take = timeTask(engine, (call(engine, 'vm.snapshot.create', { vmId: 'vm-1', name: `s${k}`, memory: true }) as { taskId: string }).taskId);
    engine.advance(1000);
    const snapshotId = (take.result as { snapshotId: string }).snapshotId;
    const revert = timeTask(engine, (call(engine, 'vm.snapshot.revert', { vmId: 'vm-1', snapshotId }) as { taskId: string }).taskId);
    engine.advance(1000);
    takes.push(take.ms);
    reverts.push(revert.ms);
  }
  return { memoryMiB, takeMs: { median: r2(median(takes)), max: r2(Math.max(...takes)) }, revertMs: { median: r2(median(reverts)), max: r2(Math.max(...reverts)) } };
}

const results = [run(128), run(4096)];
console.log(JSON.stringify({ benchmark: 'snapshot-4gib', guest, touchedMiB: TOUCHED_MIB, goalMs: 50, results }, null, 2));
