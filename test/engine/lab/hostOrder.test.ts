// Hosts are independent inside a segment: the lab's result does not depend on the order in which the
// hosts' schedulers run a segment. This is the premise of spreading hosts over worker threads
// (docs/ARCHITECTURE.md, "Spreading hosts over worker threads"): if a host's segment could see another
// host's work of the same segment, K workers could not reproduce the one-thread run. Each lab runs
// twice — hosts in the loop's order, then every segment's hosts in the reverse order (the schedulers'
// segments are held back and run, reversed, just before the barrier's first service reads them) — and
// the state digests (`engine.digestInput()`) must agree at every checkpoint. The labs include what
// crosses hosts: live migrations (pre-copy and post-copy, whose destination faults reach the
// migration inside the destination's segment) and memory reclamation under pressure (whose
// not-present handler runs inside the segment).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type GuestFactory } from '../../../src-main/engine/index';
import { HostScheduler } from '../../../src-main/engine/scheduler/index';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { stateDigestsAt } from '../../helpers/stateDigests';

const MIX: { workload: string; workloadParams?: Record<string, number> }[] = [
  { workload: 'cpu' },
  { workload: 'memwrite', workloadParams: { wss_kib: 1024, rate_pps: 500, passes: 0 } },
  { workload: 'io', workloadParams: { rounds: 1000000 } },
  { workload: 'idle' },
];

/** vm1 moves pre-copy to the last host at 300 ms, vm6 post-copy to the first at 600 ms. */
const MIGRATIONS = (hosts: number): unknown[] => [
  { at: '300ms', do: 'migrate', vm: 'vm1', to: `DC0_C0_H${hosts - 1}`, options: { mode: 'precopy' } },
  { at: '600ms', do: 'migrate', vm: 'vm6', to: 'DC0_C0_H0', options: { mode: 'postcopy' } },
];

/** `hosts` hosts of 8 cores with `perHost` VMs each, cycling `mix`, and the timeline's `actions`. */
function scenario(hosts: number, perHost: number, monitor: string, hostMemoryGiB: number, mix: typeof MIX, actions: unknown[]): unknown {
  return {
    version: 1, name: 'order', title: 'order',
    datacenters: [{
      name: 'DC0',
      clusters: [{ name: 'DC0_C0', hosts: { count: hosts, sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: hostMemoryGiB } }],
      vms: Array.from({ length: hosts * perHost }, (_, i) => ({
        name: `vm${i}`, host: `DC0_C0_H${Math.floor(i / perHost)}`, vcpus: 1, memoryMiB: 64, monitor, powerOn: true, ...mix[i % mix.length],
      })),
    }],
    actions,
  };
}

type Order = 'loop' | 'reversed';

/**
 * Runs `fn` with every segment's host schedulers run in `order`: 'loop' leaves the simulation loop
 * alone; 'reversed' holds each segment's `runSegment` calls back and runs them last-first when the
 * barrier first asks a scheduler for its stopped VMs (the first thing any barrier service reads).
 */
function withHostOrder<T>(order: Order, fn: () => T): T {
  if (order === 'loop') return fn();
  const run = HostScheduler.prototype.runSegment;
  const stopped = HostScheduler.prototype.stoppedVms;
  let held: { sched: HostScheduler; t0: number; t1: number }[] = [];
  const flush = (): void => {
    const segment = held.reverse();
    held = [];
    for (const h of segment) run.call(h.sched, h.t0, h.t1);
  };
  HostScheduler.prototype.runSegment = function (this: HostScheduler, t0: number, t1: number): void {
    held.push({ sched: this, t0, t1 });
  };
  HostScheduler.prototype.stoppedVms = function (this: HostScheduler) {
    if (held.length) flush();
    return stopped.call(this);
  };
  try {
    return fn();
  } finally {
    HostScheduler.prototype.runSegment = run;
    HostScheduler.prototype.stoppedVms = stopped;
  }
}

function digests(content: unknown, factory: GuestFactory, atMs: number[], order: Order): { got: string[]; final: string } {
  return withHostOrder(order, () => {
    const engine = createEngine({ scenarios: { order: { file: 'order', content } }, guestFactory: factory }, { scenario: 'order', seed: 1 });
    return stateDigestsAt(engine, atMs);
  });
}

test('fakeGuest lab, 4 hosts, a pre-copy and a post-copy live migration: the same digests whatever order the hosts run a segment in', () => {
  const lab = scenario(4, 4, 'interp', 64, MIX, MIGRATIONS(4));
  const loop = digests(lab, fakeGuestFactory, [500, 1500, 3000], 'loop');
  assert.match(loop.final, /Migration of vm1 from DC0_C0_H0 to DC0_C0_H3 completed/, 'the pre-copy migration ran');
  assert.match(loop.final, /Migration of vm6 from DC0_C0_H1 to DC0_C0_H0 completed/, 'the post-copy migration ran');
  const reversed = digests(lab, fakeGuestFactory, [500, 1500, 3000], 'reversed');
  assert.deepEqual(reversed.got, loop.got);
});

test('fakeGuest lab, 2 hosts too small for their VMs (reclamation down to hard and low): the same digests whatever order the hosts run a segment in', () => {
  // as the digest test's small host: 8 VMs on 0.27 GiB, the memwrite VMs writing 3,000 pages
  const mix = [...MIX, ...MIX].map((m) => (m.workload === 'memwrite' ? { ...m, workloadParams: { ...m.workloadParams, workingSetPages: 3000 } } : m));
  const lab = scenario(2, 8, 'interp', 0.27, mix, []);
  const loop = digests(lab, fakeGuestFactory, [2000, 4000], 'loop');
  assert.match(loop.final, /free memory state hard → low/, 'a host went through hard to low');
  const reversed = digests(lab, fakeGuestFactory, [2000, 4000], 'reversed');
  assert.deepEqual(reversed.got, loop.got);
});

test('real labos guests under bt, 2 hosts, a pre-copy and a post-copy live migration: the same digests whatever order the hosts run a segment in', () => {
  const real = defaultGuestFactory().factory;
  assert.ok(real, 'the real guest machine is built');
  const lab = scenario(2, 4, 'bt', 64, MIX, MIGRATIONS(2));
  const loop = digests(lab, real, [1500], 'loop');
  assert.match(loop.final, /Migration of vm1 from DC0_C0_H0 to DC0_C0_H1 completed/, 'the pre-copy migration ran');
  assert.match(loop.final, /Migration of vm6 from DC0_C0_H1 to DC0_C0_H0 completed/, 'the post-copy migration ran');
  const reversed = digests(lab, real, [1500], 'reversed');
  assert.deepEqual(reversed.got, loop.got);
});
