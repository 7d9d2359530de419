/**
 * Randomized, seeded memory-overcommit runs (1,000 of them, each a few dozen barriers): 2–4 guests on a
 * host with 45–85 % of the memory they could touch, each guest writing pages of four kinds (zeros,
 * pages common to every guest, compressible and incompressible private pages, some by DMA) and
 * reading back what it wrote, its balloon driver following the host's targets; between barriers a
 * run takes snapshots, reverts to them, saves and loads the whole host, and turns sharing, salting,
 * ballooning and compression on and off. The reclaimer is the engine's (`HostReclaimer`: sharing
 * scanner, balloons, compression, swapping, activity sampling, its faults); the guests are page-level
 * doubles over the engine's guest memory (test/helpers/pageGuest.ts), so a run costs milliseconds.
 *
 * At every barrier: free frames never negative; every frame a guest maps is allocated with exactly as
 * many references as mappings, and no other frame is (consumed + held + free = the host's frames);
 * each VM's held frames are what its reclaimer accounts; every not-present page is held by the
 * reclaimer; a sample of each guest's pages (and, after each revert or load and at the end, all of
 * them) hold what the guest last wrote — read in place, or from the cache or swap file. A failure
 * names its seed: `OVERCOMMIT_SEED=N` runs that one alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostReclaimer } from '../../../src-main/engine/overcommit/index';
import type { ReclaimEnv } from '../../../src-main/engine/overcommit/hostReclaimer';
import { HostMemory, wordsToBytes, type GuestMemoryState } from '../../../src-main/engine/memory/index';
import { Rng } from '../../../src-main/engine/sim/index';
import type { CapturedPages } from '../../../src-main/engine/overcommit/index';
import type { Host, Vm } from '../../../src-main/engine/cluster/index';
import type { MemReclamationSettings } from '../../../src-shared/model/memoryReclamation';
import { asMachine, PageGuest } from '../../helpers/pageGuest';

const RUNS = Number(process.env.OVERCOMMIT_RUNS ?? 1000);
const WORDS = 1024;
const ZERO = 0; const COMMON = 1; const TEXT = 2; const RANDOM = 3;

interface VmModel {
  id: string;
  guest: PageGuest;
  /** gpfn → content id the guest last wrote there (pages it does not care about are absent). */
  expect: Map<number, number>;
  pinned: Set<number>;
  workingSet: number;
}

interface Snapshot { vm: number; mem: GuestMemoryState; captured: CapturedPages | undefined; expect: Map<number, number>; balloon: ReturnType<PageGuest['balloon']['save']> }

export interface RunTally {
  barriers: number; corrupted: number; zipped: number; unzipped: number; swapOut: number; swapIn: number; doublePaging: number;
  ballooned: number; shared: number; cowBreaks: number; waits: number; frameWaits: number; snapshots: number; reverts: number; revertsRefused: number; loads: number;
  hardOrLow: number;
}

/** The bytes of content `id` (kind in its low 2 bits): equal ids, equal bytes. */
function contentOf(id: number, cache: Map<number, Int32Array>): Int32Array {
  let w = cache.get(id);
  if (w) return w;
  w = new Int32Array(WORDS);
  const kind = id & 3; const key = Math.floor(id / 4);
  if (kind === COMMON) for (let i = 0; i < WORDS; i++) w[i] = Math.imul(key + 1, 0x01010101) ^ (i >> 3);
  else if (kind === TEXT) for (let i = 0; i < WORDS; i++) w[i] = Math.imul(((key * 31 + (i >> 6)) & 0x3f) + 0x40, 0x01010101);
  else if (kind === RANDOM) { let s = (key ^ 0x9e3779b9) | 1; for (let i = 0; i < WORDS; i++) { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; w[i] = s; } }
  cache.set(id, w);
  return w;
}

function sameBytes(a: Int32Array, b: Int32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, 4096).equals(Buffer.from(b.buffer, b.byteOffset, 4096));
}

export function overcommitRun(seed: number): RunTally {
  const rng = new Rng(seed);
  const chance = (p: number): boolean => rng.float() < p;
  const cache = new Map<number, Int32Array>();
  const nVm = 2 + rng.int(3);
  const pages = 64 + 32 * rng.int(5);
  const capacityFrames = Math.floor(nVm * pages * (0.45 + 0.4 * rng.float()));
  let settings: Partial<MemReclamationSettings> = {
    shareScanVmPagesPerSec: 500, shareScanTotalPagesPerSec: 2000, samplePeriodSec: 1 + rng.int(3),
    interVmSharing: chance(0.5), compression: chance(0.8), compressionCachePercent: 5 + rng.int(20), ballooning: chance(0.8),
  };
  const host = { id: 'host-1', memoryBytes: capacityFrames * 4096, memoryReclamation: settings } as unknown as Host;
  const t: RunTally = {
    barriers: 0, corrupted: 0, zipped: 0, unzipped: 0, swapOut: 0, swapIn: 0, doublePaging: 0, ballooned: 0, shared: 0, cowBreaks: 0,
    waits: 0, frameWaits: 0, snapshots: 0, reverts: 0, revertsRefused: 0, loads: 0, hardOrLow: 0,
  };
  const world = { pool: new HostMemory({ capacityBytes: capacityFrames * 4096 }), vms: [] as VmModel[], reclaimer: undefined as unknown as HostReclaimer };
  const env: ReclaimEnv = {
    host: () => host,
    pool: () => world.pool,
    vm: () => ({ memoryBytes: pages * 4096 }) as unknown as Vm,
    guest: (id) => { const m = world.vms.find((v) => v.id === id); return m ? asMachine(m.guest) : undefined; },
    stateChanged: (_from, to) => { if (to === 'hard' || to === 'low') t.hardOrLow++; },
  };
  const seedOf = (id: string): number => seed * 31 + Number(id.slice(3));
  for (let i = 0; i < nVm; i++) {
    world.vms.push({ id: `vm-${i}`, guest: new PageGuest(world.pool, pages), expect: new Map(), pinned: new Set(), workingSet: Math.floor(pages * (0.4 + 0.4 * rng.float())) });
  }
  world.reclaimer = new HostReclaimer('host-1' as never, env, seed);
  for (const m of world.vms) world.reclaimer.attach(m.id as never, asMachine(m.guest), seedOf(m.id));

  const where = (what: string): string => `seed ${seed} (OVERCOMMIT_SEED=${seed}): ${what}`;

  /** What page g of m holds now: in place, or where the reclaimer keeps it; never faults it in. */
  function bytesNow(m: VmModel, g: number): Int32Array | undefined {
    const st = m.guest.pageState(g);
    if (st === 'notPresent') {
      const b = world.reclaimer.awayBytes(m.id as never, g);
      return b && new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + 4096));
    }
    return m.guest.memory.frameForRead(g as never);
  }

  function verify(m: VmModel, all: boolean): void {
    const list = [...m.expect.keys()];
    const n = all ? list.length : Math.min(list.length, 12);
    for (let k = 0; k < n; k++) {
      const g = all ? list[k] : list[rng.int(list.length)];
      const now = bytesNow(m, g);
      assert.ok(now, where(`${m.id} page ${g} is not present and the host does not hold it`));
      if (!sameBytes(now, contentOf(m.expect.get(g)!, cache))) t.corrupted++;
    }
  }

  function checkInvariants(): void {
    const pool = world.pool;
    assert.ok(pool.freeFrames >= 0, where(`free frames ${pool.freeFrames} < 0`));
    const mappings = new Map<number, number>();
    for (const m of world.vms) {
      m.guest.scanPages((g, hfn) => {
        if (hfn >= 0) mappings.set(hfn, (mappings.get(hfn) ?? 0) + 1);
        else assert.ok(world.reclaimer.vm(m.id as never)?.away.has(g), where(`${m.id} page ${g} not present, held by nobody`));
      });
      const r = world.reclaimer.vm(m.id as never)!;
      assert.equal(pool.heldFramesOf(`reclaim:${m.id}`), r.heldFrames(), where(`${m.id} held frames`));
    }
    assert.equal(pool.framesAllocated, mappings.size, where('allocated frames = frames the guests map (no leak)'));
    for (const [h, n] of mappings) if (pool.refCount(h as never) !== n) assert.fail(where(`frame ${h}: refcount ${pool.refCount(h as never)}, mapped ${n} times`));
    const held = world.vms.reduce((s, m) => s + pool.heldFramesOf(`reclaim:${m.id}`), 0);
    assert.equal(mappings.size + held + pool.freeFrames, capacityFrames, where('consumed + held + free = host frames'));
  }

  function guestStep(m: VmModel): void {
    const b = m.guest.balloon;
    for (let k = 0; k < 32 && b.size < b.target; k++) { // the driver inflates from the guest's free pages
      const free: number[] = [];
      for (let g = m.workingSet; g < pages; g++) if (!m.pinned.has(g)) free.push(g);
      if (free.length <= 8) break;
      const g = free[rng.int(free.length)];
      b.pin(g); m.pinned.add(g); m.expect.delete(g);
    }
    for (let k = 0; k < 32 && b.size > b.target; k++) { const g = b.unpin()!; m.pinned.delete(g); }
    const ops = 1 + rng.int(24);
    for (let k = 0; k < ops; k++) {
      const g = chance(0.8) ? rng.int(m.workingSet) : m.workingSet + rng.int(pages - m.workingSet);
      if (m.pinned.has(g)) continue;
      if (chance(0.55)) {
        const r = rng.float();
        const kind = r < 0.1 ? ZERO : r < 0.4 ? COMMON : r < 0.75 ? TEXT : RANDOM;
        // a run's private contents come from a small set (pages of one guest may repeat, as real ones do)
        const key = kind === COMMON ? rng.int(4) : kind === ZERO ? 0 : 4 + seed * 64 + rng.int(64);
        const id = kind + 4 * key;
        const res = m.guest.write(g, contentOf(id, cache), chance(0.1) ? 'dma' : 'write');
        if (res !== 'ok') return; // the vCPU waits: no more work this slice
        m.expect.set(g, id);
      } else if (m.expect.has(g)) {
        const words = m.guest.read(g);
        if (words === 'wait') return;
        if (!sameBytes(words, contentOf(m.expect.get(g)!, cache))) t.corrupted++;
      }
    }
  }

  const snaps: Snapshot[] = [];
  let nowMs = 0;
  const steps = 30 + rng.int(30);
  for (let s = 0; s < steps; s++) {
    for (const m of world.vms) guestStep(m);
    if (chance(0.06)) {
      const vi = rng.int(nVm); const m = world.vms[vi];
      snaps.push({ vm: vi, mem: m.guest.snapshot(), captured: world.reclaimer.capture(m.id as never), expect: new Map(m.expect), balloon: m.guest.balloon.save() });
      t.snapshots++;
    }
    if (snaps.length && chance(0.05)) {
      const sn = snaps[rng.int(snaps.length)]; const m = world.vms[sn.vm];
      const away = world.reclaimer.capture(m.id as never);
      world.reclaimer.detach(m.id as never);
      if (m.guest.revert(sn.mem)) {
        world.reclaimer.adopt(m.id as never, asMachine(m.guest), seedOf(m.id), sn.captured);
        m.expect = new Map(sn.expect); m.guest.balloon.load(sn.balloon); m.pinned = new Set(sn.balloon.pinned);
        t.reverts++;
      } else { // refused: the VM runs on as it was, its pages out still held
        world.reclaimer.adopt(m.id as never, asMachine(m.guest), seedOf(m.id), away);
        t.revertsRefused++;
      }
      checkInvariants();
      verify(m, true);
    }
    if (chance(0.04)) { // save the host and load it into a fresh pool (frames shared between guests stay shared)
      const saved = structuredClone({
        mems: world.vms.map((m) => m.guest.snapshot()), reclaimer: world.reclaimer.save(), balloons: world.vms.map((m) => m.guest.balloon.save()),
      });
      world.pool = new HostMemory({ capacityBytes: capacityFrames * 4096 });
      world.vms = world.vms.map((m, i) => {
        const guest = new PageGuest(world.pool, pages, saved.mems[i]);
        guest.balloon.load(saved.balloons[i]);
        return { ...m, guest };
      });
      world.reclaimer = new HostReclaimer('host-1' as never, env, seed);
      world.reclaimer.restore(saved.reclaimer, new Map(world.vms.map((m) => [m.id as never, asMachine(m.guest)])), seedOf);
      t.loads++;
      checkInvariants();
      for (const m of world.vms) verify(m, true);
    }
    if (chance(0.05)) {
      const flip = (['sharing', 'interVmSharing', 'ballooning', 'compression'] as const)[rng.int(4)];
      // a change replaces the host's settings object, as the lab's reconfigure does (the reclaimer keys its cache by identity)
      settings = { ...settings, [flip]: !(settings[flip] ?? flip !== 'interVmSharing') };
      (host as { memoryReclamation?: Partial<MemReclamationSettings> }).memoryReclamation = settings;
    }
    nowMs += 20 + rng.int(80);
    world.reclaimer.atBarrier(nowMs);
    t.barriers++;
    checkInvariants();
    for (const m of world.vms) verify(m, false);
  }
  for (const m of world.vms) verify(m, true);
  for (const m of world.vms) {
    const c = world.reclaimer.vm(m.id as never)!.c;
    t.zipped += c.zipped; t.unzipped += c.unzipped; t.swapOut += c.swapOut; t.swapIn += c.swapIn; t.doublePaging += c.doublePaging; t.ballooned += c.balloonInflated;
    t.waits += m.guest.waits; t.frameWaits += m.guest.frameWaits; t.cowBreaks += m.guest.memory.sharedBreaks;
  }
  t.shared += world.reclaimer.sharing.counters.shared;
  return t;
}

const only = process.env.OVERCOMMIT_SEED;
test(only ? `overcommit run, seed ${only}` : `${RUNS} randomized overcommit runs: frame accounting, refcounts and every guest's own pages hold at every barrier`, (ctx) => {
  const seeds = only ? [Number(only)] : Array.from({ length: RUNS }, (_, i) => i + 1);
  const sum: Record<string, number> = {};
  for (const seed of seeds) {
    const t = overcommitRun(seed);
    assert.equal(t.corrupted, 0, `seed ${seed} (OVERCOMMIT_SEED=${seed}): ${t.corrupted} corrupted page reads`);
    for (const [k, v] of Object.entries(t)) sum[k] = (sum[k] ?? 0) + v;
  }
  ctx.diagnostic(`totals over ${seeds.length} runs: ${JSON.stringify(sum)}`);
  if (only) return;
  // the runs must exercise every mechanism and every operation, or they prove nothing about it
  for (const k of ['zipped', 'unzipped', 'swapOut', 'swapIn', 'doublePaging', 'ballooned', 'shared', 'cowBreaks', 'waits', 'frameWaits', 'snapshots', 'reverts', 'loads', 'hardOrLow']) {
    assert.ok(sum[k] > 0, `no run exercised ${k}: ${JSON.stringify(sum)}`);
  }
});
