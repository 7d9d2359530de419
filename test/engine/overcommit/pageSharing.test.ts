/**
 * Transparent page sharing on real labos guests: N identical idle VMs on one host share toward (N−1)/N of
 * their shareable pages (N = 2, 4, 8); with salting (the default) nothing is shared across VMs; random-content
 * workloads leave only the zero pages; a forced hash collision never shares two different pages; a write
 * breaks sharing with a private copy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../../../src-main/engine/lab/lab';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { HostSharing } from '../../../src-main/engine/overcommit/index';
import { memReclamationOf } from '../../../src-shared/model/memoryReclamation';
import type { GuestMachine } from '../../../src-main/engine/vm/guestMachine';
import { guestOf } from '../../helpers/hostSides';

const factory = defaultGuestFactory().factory!;

function lab(n: number, reclaim: Record<string, unknown>, workload = 'idle', params: Record<string, number> = {}, seeded = false): Lab {
  const scenario = {
    version: 1, name: `tps-${n}`, title: 'page sharing',
    datacenters: [{
      hosts: [{ name: 'esx', cpuMhz: 100, memoryGiB: 1, sockets: 1, coresPerSocket: 4, memoryReclamation: reclaim }],
      vms: Array.from({ length: n }, (_, i) => ({ name: `vm${i}`, host: 'esx', vcpus: 1, memoryMiB: 8, workload, workloadParams: seeded ? { ...params, seed: i + 1 } : params, powerOn: true })),
    }],
  };
  return new Lab(scenario as never, 1, () => {}, { guestFactory: factory, commands: dispatch });
}

function guests(l: Lab): GuestMachine[] {
  return [...l.reg.vms.values()].map((vm) => guestOf(l, vm.id)!);
}

/** Pages whose non-zero content also appears in another VM, and the frames an ideal sharer would save. */
function shareable(gs: GuestMachine[]): { shareablePages: number; idealSaved: number } {
  const where = new Map<string, Set<number>>();
  const count = new Map<string, number>();
  gs.forEach((g, i) => g.scanPages((gpfn, hfn) => {
    if (hfn < 0) return;
    const b = g.readPage(gpfn)!;
    if (b.every((x) => x === 0)) return;
    const k = Buffer.from(b).toString('base64');
    (where.get(k) ?? where.set(k, new Set()).get(k)!).add(i);
    count.set(k, (count.get(k) ?? 0) + 1);
  }));
  let shareablePages = 0; let idealSaved = 0;
  for (const [k, vms] of where) {
    if (vms.size < 2) continue;
    shareablePages += count.get(k)!;
    idealSaved += count.get(k)! - 1;
  }
  return { shareablePages, idealSaved };
}

function savedFrames(gs: GuestMachine[]): number {
  let mapped = 0;
  const frames = new Set<number>();
  for (const g of gs) g.scanPages((_p, hfn) => { if (hfn >= 0) { mapped++; frames.add(hfn); } });
  return mapped - frames.size;
}

for (const n of [2, 4, 8]) {
  test(`${n} identical idle labos VMs share toward (N−1)/N of their shareable pages`, () => {
    const l = lab(n, { interVmSharing: true, shareScanVmPagesPerSec: 20_000, shareScanTotalPagesPerSec: 1_000_000 });
    l.advance(3000); // booted and idle
    const before = shareable(guests(l));
    l.advance(4000); // several passes of the scanner over every VM
    const gs = guests(l);
    const after = shareable(gs);
    const saved = savedFrames(gs);
    const fraction = saved / before.shareablePages;
    const ideal = before.idealSaved / before.shareablePages;
    const expected = (n - 1) / n;
    assert.ok(before.shareablePages > 20, `labos leaves identical pages (${before.shareablePages})`);
    assert.ok(Math.abs(ideal - expected) < 0.1, `identical guests: each shareable content about N times (${ideal.toFixed(3)} vs ${expected.toFixed(3)})`);
    assert.ok(fraction >= 0.9 * ideal && saved <= before.idealSaved, `N=${n}: saved ${saved} of ${before.shareablePages} shareable pages = ${fraction.toFixed(3)}; ideal ${ideal.toFixed(3)}, (N−1)/N = ${expected.toFixed(3)}`);
    assert.ok(after.shareablePages >= 0);
    const host = [...l.reg.hosts.values()][0];
    assert.ok(l.owners.get(host.id)!.reclaimer()!.sharing.counters.shared > 0);
    assert.equal(l.owners.get(host.id)!.reclaimer()!.sharing.counters.collisions, 0);
  });
}

test('salting (the default): identical VMs share nothing across VMs, only within each', () => {
  const l = lab(4, { shareScanVmPagesPerSec: 20_000, shareScanTotalPagesPerSec: 1_000_000 });
  l.advance(7000);
  const gs = guests(l);
  const owner = new Map<number, number>();
  gs.forEach((g, i) => g.scanPages((_p, hfn) => {
    if (hfn < 0) return;
    assert.ok(!owner.has(hfn) || owner.get(hfn) === i, 'a frame mapped by two VMs');
    owner.set(hfn, i);
  }));
});

test('random-content memwrite guests share nothing but their zero pages', () => {
  const l = lab(4, { interVmSharing: true, shareScanVmPagesPerSec: 20_000, shareScanTotalPagesPerSec: 1_000_000 }, 'memwrite', { wss_kib: 2048, rate_pps: 0, passes: 0, content: 2 }, true);
  l.advance(7000);
  const gs = guests(l);
  const host = [...l.reg.hosts.values()][0];
  const sh = l.owners.get(host.id)!.reclaimer()!.sharing;
  let zero = 0;
  for (const vm of l.reg.vms.values()) zero += sh.zeroPagesOf(vm.id);
  const { shareablePages } = shareable(gs);
  const wss = 512 * 4;
  assert.ok(zero > 0, 'zero pages are collapsed');
  assert.ok(savedFrames(gs) < 0.05 * wss, `random pages are not shared (${savedFrames(gs)} saved, ${shareablePages} shareable)`);
});

test('a forced hash collision never shares two different pages; equal pages still share', () => {
  const l = lab(2, { sharing: false });
  l.advance(2000);
  const [a, b] = guests(l);
  const ids = [...l.reg.vms.keys()];
  const sh = new HostSharing((_w, out) => { out[0] = 7; out[1] = 7; }); // every page collides
  sh.attach(ids[0], a, 1);
  sh.attach(ids[1], b, 2);
  const settings = memReclamationOf({ interVmSharing: true });
  const pagesA: number[] = [];
  a.scanPages((g, h) => { if (h >= 0) pagesA.push(g); });
  const before = pagesA.map((g) => Buffer.from(a.readPage(g)!));
  const beforeB = new Map<number, Buffer>();
  b.scanPages((g, h) => { if (h >= 0) beforeB.set(g, Buffer.from(b.readPage(g)!)); });
  for (const g of pagesA) sh.scanPage(ids[0], g, settings);
  for (const g of beforeB.keys()) sh.scanPage(ids[1], g, settings);
  assert.ok(sh.counters.collisions > 0, 'collisions were met');
  pagesA.forEach((g, i) => assert.ok(Buffer.from(a.readPage(g)!).equals(before[i]), `page ${g} of A unchanged`));
  for (const [g, bytes] of beforeB) assert.ok(Buffer.from(b.readPage(g)!).equals(bytes), `page ${g} of B unchanged`);
  assert.ok(sh.counters.shared > 0, 'pages equal to the one in the table still share');
});

test('a write to a shared page breaks sharing with a private copy (counted)', () => {
  const l = lab(2, { interVmSharing: true, shareScanVmPagesPerSec: 20_000, shareScanTotalPagesPerSec: 1_000_000 }, 'memwrite', { wss_kib: 64, rate_pps: 50, passes: 0 });
  l.advance(8000);
  const gs = guests(l);
  const breaks = gs.reduce((n, g) => n + (g.frameStats().sharedBreaks ?? 0), 0);
  assert.ok(breaks > 0, `memwrite rewrites pages that were shared (${breaks} COW breaks)`);
  assert.ok(savedFrames(gs) > 0);
});
