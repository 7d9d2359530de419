// The pv monitor's shared page under memory reclamation. The monitor reads and writes the shared area
// (event mask, PENDING, rings) in the middle of an interrupt delivery, where it cannot stop the vCPU
// to wait for a page: the host must never take that page away. A labos-pv guest runs alone on a host
// that is then pushed into the low state (every frame it had free is taken by other demand), so the
// reclaimer compresses and swaps nearly every page the guest has — but never its shared area, which
// stays present with its frame; the guest keeps a consistent event mask (lines the monitor holds back
// are flagged in PENDING, as the guest's unmask path needs), never crashes, and once the pressure is
// gone it takes its timer events and goes on checking its memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../../../src-main/engine/lab/lab';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import type { Machine } from '../../../src-main/engine/machine/index';
import { PV_LAYOUT, type ParavirtMonitor } from '../../../src-main/engine/monitors/index';
import { guestOf, hostPool } from '../../helpers/hostSides';

const factory = defaultGuestFactory().factory!;
/** Bit 31 of PENDING: the monitor holds lines back (the guest must ask with HC_EVTCHN_UNMASK). */
const PENDING_HELD = 0x80000000;
/** The disk line belongs to the pv backend, never held for the guest. */
const BACKEND_LINE = 1 << 2;

const SCENARIO = {
  version: 1, name: 'pv-shared-page', title: 'pv shared page under pressure',
  datacenters: [{
    // ballooning off: the host goes straight to compression and swapping, which take pages without the guest's help
    clusters: [{ hosts: [{ name: 'h', memoryGiB: 0.3, cpuMhz: 100, memoryReclamation: { ballooning: false } }] }],
    vms: [
      { name: 'pv', host: 'h', vcpus: 1, memoryMiB: 32, monitor: 'pv', workload: 'memwrite', workloadParams: { wss_kib: 256, rate_pps: 400, passes: 0, verify: 1 }, powerOn: true },
    ],
  }],
};

function word(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

test('a pv guest under swap pressure keeps its shared page and a correct event mask', () => {
  let lab: Lab | undefined;
  lab = new Lab(SCENARIO as never, 1, () => {}, { guestFactory: factory, commands: dispatch });
  const vm = lab.reg.vmByName('pv')!;
  const host = lab.reg.hostByName('h')!;
  const pool = hostPool(lab, host.id)!;
  const guest = () => guestOf(lab, vm.id) as unknown as Machine;
  const monitor = () => guest().slots[0].cpu.monitor as ParavirtMonitor;
  lab.advance(3000);
  const shared = monitor().shared;
  assert.ok(shared >= 0, 'the guest registered its shared area');
  const pages = [shared >>> 12, (shared + PV_LAYOUT.SIZE - 1) >>> 12].filter((g, i, a) => a.indexOf(g) === i);
  const console0 = lab.runtimes.get(vm.id)!.console.read(0).text;
  assert.match(console0, /memwrite: verified 64 pages, 0 corrupted/, 'the guest ran its checks before the pressure');

  const check = (when: string) => {
    const g = guest();
    assert.equal(vm.guestState, 'running', `${when}: ${vm.crashReason ?? ''}`);
    for (const p of pages) {
      assert.equal(g.pageState(p), 'present', `${when}: shared page ${p} stays present`);
      assert.ok(g.isPinned(p), `${when}: shared page ${p} is pinned`);
    }
    const m = monitor();
    const bytes = g.readPage(shared >>> 12)!;
    const pending = word(bytes, (shared & 0xfff) + PV_LAYOUT.PENDING);
    const mask = word(bytes, (shared & 0xfff) + PV_LAYOUT.MASK);
    assert.ok(mask === 0 || mask === 1, `${when}: the mask word is the guest's flag (${mask})`);
    // lines the monitor holds back for the guest are announced in PENDING, or the guest would never ask for them
    if ((m.maskedLines & 0xffff & ~BACKEND_LINE) !== 0 && !m.guestHalted) {
      assert.ok((pending & PENDING_HELD) !== 0, `${when}: held lines ${m.maskedLines.toString(16)} with PENDING ${pending.toString(16)}`);
    }
  };
  check('before the pressure');

  // other demand takes every free frame of the host: it goes low, the reclaimer takes the guest's pages
  const rc = lab.owners.get(host.id)!.reclaimer()!;
  const touched = guest().frameStats().mappedPages;
  pool.setHeldFrames('other-demand', pool.freeFrames);
  let deepest = 0;
  for (let t = 0; t < 20; t++) {
    lab.advance(100);
    check(`under pressure at +${(t + 1) * 100} ms`);
    const r = rc.vm(vm.id)!;
    deepest = Math.max(deepest, r.away.size);
  }
  assert.equal(rc.state, 'low', 'the host is in the low state');
  const c = rc.vm(vm.id)!.c;
  assert.ok(c.zipped + c.swapOut > 0 && deepest >= 0.8 * touched, `the host took most of the guest's ${touched} pages (at most ${deepest} out at once)`);

  // the demand goes away: the guest gets its pages back and runs on
  const delivered = monitor().counters()['pv.eventsDelivered'] ?? 0;
  pool.setHeldFrames('other-demand', 0);
  for (let t = 0; t < 30; t++) {
    lab.advance(200);
    check(`after the pressure at +${(t + 1) * 200} ms`);
  }
  assert.ok((monitor().counters()['pv.eventsDelivered'] ?? 0) > delivered + 1000, 'timer events are delivered again');
  const after = lab.runtimes.get(vm.id)!.console.read(0).text.slice(console0.length);
  const verified = [...after.matchAll(/memwrite: verified (\d+) pages, (\d+) corrupted/g)];
  assert.ok(verified.length > 0, `the guest checked its memory again: ${after}`);
  for (const v of verified) assert.deepEqual([v[1], v[2]], ['64', '0']);
});
