// The reclaimer's swap-out (overcommit/hostReclaimer.ts) walks each VM's pages once per pass: the
// revocation reads each guest's mapped pages from its count (`GuestPages.mappedPageCount`), not from
// `frameStats()` (a walk over every page), and that count is the one `frameStats()` gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostReclaimer } from '../../../src-main/engine/overcommit/index';
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
