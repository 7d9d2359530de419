/**
 * The page-level seam (vm/guestMachine.ts GuestPages, saveCore, incomingMemory, not-present pages)
 * behaves the same on the real machine factory and on the test double the datacenter tests use:
 * a guest moved page by page through `factory.incomingMemory` + `restoreState: saveCore()` has the
 * source's digest and runs on identically; a page taken away makes a vCPU wait until supplied.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMachineFactory } from '../../../src-main/engine/machine/index';
import { HostMemory } from '../../../src-main/engine/memory/index';
import { loadGuestCatalogue, loadGuestSources } from '../../../src-main/node/resources';
import type { GuestConfig, GuestFactory } from '../../../src-main/engine/vm/guestFactory';
import type { GuestMachine } from '../../../src-main/engine/vm/guestMachine';
import { fakeGuestFactory } from '../../helpers/fakeGuest';

const HZ = 100e6;
const FACTORIES: [string, GuestFactory][] = [
  ['machine', createMachineFactory({ sources: loadGuestSources(), catalogue: loadGuestCatalogue() })],
  ['fakeGuest', fakeGuestFactory],
];

const config = (hostMemory: HostMemory): GuestConfig => ({
  vmId: 'vm-1', name: 'one', vcpus: 1, memoryBytes: 16 << 20, guestOs: 'labos', monitor: 'interp', paging: 'shadow', pageTableLevels: 2,
  workload: 'memwrite', workloadParams: { wss_kib: 64, rate_pps: 20000, passes: 0, writeEvery: 500, workingSetPages: 16 }, nowNs: 0, hostMemory,
});

/** Runs vCPU 0 from `from` to `to` (ns) as the scheduler would: 1 ms at a time, honouring halts. */
function run(g: GuestMachine, from: number, to: number): void {
  for (let t = from; t < to; t += 1e6) {
    const at = g.isHalted(0) ? Math.max(t, g.nextWakeNs(0)) : t;
    if (at < t + 1e6) g.runVcpu(0, Math.ceil((t + 1e6 - at) * HZ / 1e9), at);
  }
}

for (const [name, factory] of FACTORIES) {
  test(`${name}: moved page by page into another pool, the guest has the same digest and runs on the same`, () => {
    const src = factory(config(new HostMemory()), HZ, 1);
    const twin = factory(config(new HostMemory()), HZ, 1);
    run(src, 0, 20e6);
    run(twin, 0, 20e6);
    assert.equal(src.digest(), twin.digest());
    const pool = new HostMemory();
    const inc = factory.incomingMemory!(config(pool));
    assert.equal(inc.pageCount, src.pageCount);
    const buf = new Uint8Array(4096);
    let pages = 0;
    src.scanPages((gpfn, hfn) => {
      assert.ok(hfn >= 0);
      assert.equal(src.pageState(gpfn), 'present');
      inc.writePage(gpfn, src.readPage(gpfn, buf)!);
      pages++;
    });
    assert.ok(pages > 0);
    const dst = factory({ ...config(pool), restoreState: src.saveCore(), incoming: inc }, HZ, 1);
    assert.equal(dst.digest(), src.digest());
    assert.ok(dst.frameStats().mappedPages <= src.frameStats().mappedPages, 'pages of zeros need no frame at the destination');
    src.dispose();
    run(dst, 20e6, 40e6);
    run(twin, 20e6, 40e6);
    assert.equal(dst.digest(), twin.digest());
    dst.dispose();
  });

  test(`${name}: a page taken away makes the vCPU that needs it wait (no progress) until it is supplied`, () => {
    const g = factory(config(new HostMemory()), HZ, 1);
    run(g, 0, 20e6);
    const taken = new Map<number, Uint8Array>();
    g.scanPages((gpfn) => { taken.set(gpfn, g.readPage(gpfn)!.slice()); });
    for (const gpfn of taken.keys()) g.markNotPresent(gpfn);
    assert.equal(g.frameStats().notPresentPages, taken.size);
    assert.equal(g.frameStats().mappedPages, 0);
    const asked: number[] = [];
    g.setNotPresentHandler((f) => { asked.push(f.gpfn); return { kind: 'wait' }; });
    let waited = -1;
    for (let t = 20e6; t < 60e6 && waited < 0; t += 1e6) {
      const r = g.runVcpu(0, 100_000, Math.max(t, g.isHalted(0) ? g.nextWakeNs(0) : t));
      if (r.waitingForPage !== undefined) waited = r.waitingForPage;
    }
    assert.ok(waited >= 0, 'it needed a page');
    assert.deepEqual(asked, [waited]);
    assert.equal(g.waitingForPage(0), waited);
    assert.equal(g.isHalted(0), true);
    const stuck = g.runVcpu(0, 100_000, 70e6);
    assert.deepEqual([stuck.cyclesUsed, stuck.waitingForPage], [0, waited]);
    g.setNotPresentHandler((f) => ({ kind: 'supply', bytes: taken.get(f.gpfn)! }));
    g.supplyPage(waited, taken.get(waited)!);
    const on = g.runVcpu(0, 100_000, 80e6);
    assert.ok(on.cyclesUsed > 0, 'it runs again');
    assert.ok(g.counters()['notPresent.faults'] >= 1);
    g.dispose();
  });
}
