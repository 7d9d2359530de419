// Walks over guest pages the reclaimer makes: its swap-out (overcommit/hostReclaimer.ts) walks each
// VM's pages once per pass (the revocation reads each guest's mapped pages from its count,
// `GuestPages.mappedPageCount`, not from `frameStats()`, and that count is the one `frameStats()` gives);
// a VM's part of the 20 s sample (overcommit/reclaimSample.ts) walks them once too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostReclaimer, takeVmReclaimSample } from '../../../src-main/engine/overcommit/index';
import type { ReclaimEnv } from '../../../src-main/engine/overcommit/hostReclaimer';
import { HostMemory } from '../../../src-main/engine/memory/index';
import type { Host, Vm } from '../../../src-main/engine/cluster/index';
import { asMachine, PageGuest } from '../../helpers/pageGuest';

test('a swap-out pass under pressure reads no guest\'s frameStats (one walk per VM: the victim scan); the count equals frameStats\' mappedPages', () => {
  const FRAMES = 96;
  const PAGES = 128;
  const pool = new HostMemory({ capacityBytes: FRAMES * 4096 });
  const host = { id: 'host-1', memoryBytes: FRAMES * 4096, memoryReclamation: { compression: false, ballooning: false } } as unknown as Host;
  const guests = [new PageGuest(pool, PAGES), new PageGuest(pool, PAGES)];
  let walks = 0;
  for (const g of guests) {
    const stats = g.frameStats.bind(g);
    g.frameStats = () => { walks++; return stats(); };
  }
  const env: ReclaimEnv = {
    host: () => host, pool: () => pool, vm: () => ({ memoryBytes: PAGES * 4096 }) as unknown as Vm,
    guest: (id) => asMachine(guests[Number(id.slice(3))]), stateChanged: () => {},
  };
  const r = new HostReclaimer('host-1' as never, env, 7);
  guests.forEach((g, i) => r.attach(`vm-${i}` as never, asMachine(g), i + 1));
  // each guest writes distinct pages until the host has no frame left
  let seq = 1;
  for (let k = 0; k < PAGES && pool.freeFrames > 0; k++) {
    for (const g of guests) if (pool.freeFrames > 0) g.write(k, new Int32Array(1024).fill(seq++));
  }
  assert.equal(pool.freeFrames, 0);
  const swappedBefore = (): number => guests.reduce((n, _g, i) => n + r.vm(`vm-${i}` as never)!.c.swapOut, 0);
  for (const g of guests) assert.equal(g.mappedPageCount, stats(g).mappedPages);
  walks = 0;
  r.atBarrier(1000);
  assert.ok(swappedBefore() > 0, 'the pass swapped pages out');
  assert.equal(walks, 0, 'frameStats walked no guest\'s pages during the pass');
  for (const g of guests) assert.equal(g.mappedPageCount, stats(g).mappedPages, 'the count after the pass is frameStats\' too');
});

/** frameStats of the page guest, past the counting wrapper. */
function stats(g: PageGuest): ReturnType<PageGuest['frameStats']> {
  return PageGuest.prototype.frameStats.call(g);
}

test('a VM\'s reclaim sample walks its guest\'s pages once (frameStats\' walk), with the counts a walk of its own gives', () => {
  const PAGES = 64;
  const pool = new HostMemory({ capacityBytes: 256 * 4096 });
  const host = { id: 'host-1', memoryBytes: 256 * 4096, memoryReclamation: { compression: false, ballooning: false } } as unknown as Host;
  const guests = [new PageGuest(pool, PAGES), new PageGuest(pool, PAGES)];
  const env: ReclaimEnv = {
    host: () => host, pool: () => pool, vm: () => ({ memoryBytes: PAGES * 4096 }) as unknown as Vm,
    guest: (id) => asMachine(guests[Number(id.slice(3))]), stateChanged: () => {},
  };
  const r = new HostReclaimer('host-1' as never, env, 7);
  guests.forEach((g, i) => r.attach(`vm-${i}` as never, asMachine(g), i + 1));
  const [a, b] = guests;
  for (let k = 0; k < 10; k++) a.write(k, new Int32Array(1024).fill(k + 1));
  b.write(0, new Int32Array(1024).fill(99));
  // frames mapped by two and three pages: a's page 3 by b's 1 and 2, a's page 5 by b's 3
  assert.ok(b.sharePage(1, a, 3) && b.sharePage(2, a, 3) && b.sharePage(3, a, 5));
  let walks = 0;
  const stats = a.frameStats.bind(a);
  const scan = a.scanPages.bind(a);
  a.frameStats = () => { walks++; return stats(); };
  a.scanPages = (fn) => { walks++; scan(fn); };
  const s = takeVmReclaimSample(r.vm('vm-0' as never)!, asMachine(a), 0);
  assert.equal(walks, 1, 'one walk over the guest\'s pages');
  let consumed = 0;
  let mapped = 0;
  let shared = 0;
  scan((_g, hfn, refs) => { if (hfn >= 0) { mapped++; consumed += 1 / refs; if (refs > 1) shared++; } });
  assert.deepEqual([s.consumedFrames, s.mappedPages, s.sharedPages], [consumed, mapped, shared]);
  assert.deepEqual([s.mappedPages, s.sharedPages], [10, 2]);
  assert.equal(s.consumedFrames, 8 + 1 / 3 + 1 / 2);
});
