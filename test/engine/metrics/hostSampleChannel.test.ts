// The collector reads each host only through the host's owner (vm/hostOwner.ts, vm/hostSample.ts): one
// sample order and one plain-data reply per host per 20 s sample, and the cycles of each quantum. A lab
// whose collector can reach neither the schedulers nor the memory pools nor any guest machine (reading
// one throws), and whose every order and reply cross a real MessageChannel (what arrives is the
// structured clone Node made, checked equal to what was sent), gives the state digests — the whole
// counter history included — pinned from the collector that read schedulers, pools and guests itself;
// over a run with pre-copy and post-copy migrations (one in flight at the sample), reconfigures, a
// suspend and resume, and a host under memory pressure. Memory reclamation's counters come inside the
// same reply (the host's owner reads its reclaimer and guests, overcommit/reclaimSample.ts): the
// collector's view of the lab's memory reclamation throws on any read, and a lab of real labos guests
// that shares, balloons, compresses and swaps gives the digests pinned from the collector that asked
// memory reclamation for its counters itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import type { VmId } from '../../../src-shared/model/ids';
import { Lab, digestInput } from '../../../src-main/engine/lab/index';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import type { VmRuntime } from '../../../src-main/engine/vm/index';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { reclaimScenario } from '../../helpers/reclaimScenario';

const CPU = { workload: 'cpu' };
const WRITE = { workload: 'memwrite', workloadParams: { wss_kib: 1024, rate_pps: 500, passes: 0 } };
const WRITE_MORE = { workload: 'memwrite', workloadParams: { wss_kib: 1024, rate_pps: 500, passes: 0, workingSetPages: 3000 } };
const IO = { workload: 'io', workloadParams: { rounds: 1000000 } };
const IDLE = { workload: 'idle' };

function vm(host: string, w: object, vcpus = 1): object {
  return { host, vcpus, memoryMiB: 64, monitor: 'interp', powerOn: true, ...w };
}

/** Two roomy hosts of four VMs that trade VMs, and a host too small for its six (hard, then low). */
const SCENARIO = {
  version: 1, name: 'samples', title: 'samples',
  datacenters: [{
    name: 'DC0',
    clusters: [
      { name: 'DC0_C0', hosts: { count: 2, sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: 64 } },
      { name: 'DC0_C1', hosts: { count: 1, sockets: 1, coresPerSocket: 8, cpuMhz: 100, memoryGiB: 0.27 } },
    ],
    vms: [
      vm('DC0_C0_H0', CPU), vm('DC0_C0_H0', WRITE), vm('DC0_C0_H0', IO, 2), vm('DC0_C0_H0', IDLE),
      vm('DC0_C0_H1', CPU), vm('DC0_C0_H1', WRITE), vm('DC0_C0_H1', IO), vm('DC0_C0_H1', IDLE),
      vm('DC0_C1_H0', CPU), vm('DC0_C1_H0', WRITE_MORE), vm('DC0_C1_H0', IO), vm('DC0_C1_H0', IDLE), vm('DC0_C1_H0', WRITE_MORE), vm('DC0_C1_H0', IDLE),
    ].map((v, i) => ({ name: `vm${i}`, ...v })),
  }],
  actions: [
    { at: '3s', do: 'migrate', vm: 'vm1', to: 'DC0_C0_H1', options: { mode: 'precopy' } },
    { at: '4s', do: 'reconfigure', vm: 'vm4', changes: { cpuShares: 8000 } },
    { at: '5s', do: 'suspend', vm: 'vm6' },
    { at: '7s', do: 'powerOn', vm: 'vm6' },
    { at: '9s', do: 'migrate', vm: 'vm5', to: 'DC0_C0_H0', options: { mode: 'postcopy' } },
    { at: '11s', do: 'reconfigure', vm: 'vm0', changes: { cpuLimitMhz: 50 } },
    // still moving when the 20 s sample is taken
    { at: '19990ms', do: 'migrate', vm: 'vm7', to: 'DC0_C0_H0', options: { mode: 'precopy' } },
  ],
};

// The digests when the collector read the schedulers, pools and guests itself (the tree before the owner's sample).
const PINNED = ['20.01s a572285f65c18495', '21s c7bb13b909b260d9'];

/** Real labos guests (a dirty log each): a memory writer whose pre-copy migration is in flight at the sample. */
const REAL_SCENARIO = {
  version: 1, name: 'real', title: 'real',
  datacenters: [{
    name: 'DC0', clusters: [{ name: 'DC0_C0', hosts: { count: 2, sockets: 1, coresPerSocket: 2, cpuMhz: 100, memoryGiB: 4 } }],
    vms: [
      { name: 'vm0', host: 'DC0_C0_H0', vcpus: 1, memoryMiB: 64, monitor: 'bt', powerOn: true, workload: 'memwrite', workloadParams: { wss_kib: 32768, rate_pps: 200, passes: 0 } },
      { name: 'vm1', host: 'DC0_C0_H0', vcpus: 1, memoryMiB: 64, monitor: 'bt', powerOn: true, workload: 'idle' },
    ],
  }],
  actions: [{ at: '19990ms', do: 'migrate', vm: 'vm0', to: 'DC0_C0_H1', options: { mode: 'precopy' } }],
};
const REAL_PINNED = ['20.01s 2aeb6ae3d7010615'];

/** A real channel used synchronously: the receiving port gets the structured clone Node made. */
function messageChannel(): { send: <T>(m: T) => T; sent: number; close: () => void } {
  const ch = new MessageChannel();
  const t = {
    sent: 0,
    send: <T>(m: T): T => {
      ch.port1.postMessage(m);
      const got = receiveMessageOnPort(ch.port2);
      assert.ok(got, 'the message arrived');
      assert.deepStrictEqual(got.message, m, 'the message crossed unchanged (plain data)');
      t.sent++;
      return got.message as T;
    },
    close: () => { ch.port1.close(); ch.port2.close(); },
  };
  return t;
}

const refuse = (what: string): never => { throw new Error(`the collector read ${what}`); };

/** The lab as the collector's sources, less every way to a host's machinery: reading one throws. */
function guarded(lab: Lab): Lab {
  const runtime = (rt: VmRuntime | undefined): VmRuntime | undefined => rt && new Proxy(rt, {
    get: (t, k) => (k === 'guest' || k === 'dirty' ? refuse(`a runtime's ${String(k)}`) : Reflect.get(t, k)),
  });
  const runtimes = new Proxy(lab.runtimes, {
    get: (t, k) => {
      if (k === 'get') return (id: VmId) => runtime(t.get(id));
      if (k === 'values' || k === 'entries' || k === 'forEach' || k === Symbol.iterator) return refuse('the runtimes (their guests)');
      const v = Reflect.get(t, k, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
  // memory reclamation holds the reclaimers and reaches the guests: every read of it throws
  const overcommit = new Proxy(lab.overcommit, { get: (_t, k) => refuse(`memory reclamation's ${String(k)}`) });
  return new Proxy(lab, {
    get: (t, k) => {
      if (k === 'schedulers' || k === 'hostMemory' || k === 'memories') return refuse(`the lab's ${String(k)}`);
      if (k === 'overcommit') return overcommit;
      if (k === 'runtimes') return runtimes;
      return Reflect.get(t, k);
    },
  });
}

function run(lab: Lab, wire: boolean, atMs: number[]): { got: string[]; final: string; sent: number } {
  const channel = messageChannel();
  if (wire) {
    (lab.collector as unknown as { src: Lab }).src = guarded(lab);
    lab.collector.hostTransport = channel.send;
  }
  const got: string[] = [];
  let final = '';
  let now = 0;
  try {
    for (const t of atMs) {
      lab.advance(t - now);
      now = t;
      final = JSON.stringify(digestInput(lab));
      got.push(`${t / 1000}s ${createHash('sha256').update(final).digest('hex').slice(0, 16)}`);
    }
  } finally {
    channel.close();
  }
  return { got, final, sent: channel.sent };
}

test('a lab whose collector reaches hosts only through their owners, every sample order and reply through a real MessageChannel, gives the pinned digests', () => {
  const lab = new Lab(SCENARIO as never, 1, () => {}, { guestFactory: fakeGuestFactory, commands: dispatch });
  const { got, final, sent } = run(lab, true, [20_010, 21_000]);
  assert.match(final, /Migration of vm1 from DC0_C0_H0 to DC0_C0_H1 completed/, 'the pre-copy migration ran');
  assert.match(final, /Migration of vm5 from DC0_C0_H1 to DC0_C0_H0 completed/, 'the post-copy migration ran');
  assert.match(final, /Migration of vm7 from DC0_C0_H1 to DC0_C0_H0 completed/, 'the migration across the sample ran');
  assert.match(final, /Reconfigured vm4 on DC0_C0_H1: cpuShares/, 'the shares reconfigure ran');
  assert.match(final, /vm6 on DC0_C0_H1 is resuming/, 'the suspended VM resumed');
  assert.match(final, /free memory state hard → low/, 'the small host went through hard to low');
  assert.equal(sent, 3 * 2, 'one order and one reply per host for the one sample (at 20 s)');
  assert.deepEqual(got, PINNED, `the run's digests:\n${got.join('\n')}`);
});

test('real guests: the dirty log the counters share with a migration in flight, through the owner and a real MessageChannel, gives the pinned digest', () => {
  const real = defaultGuestFactory().factory;
  assert.ok(real, 'the real guest machine is built');
  const lab = new Lab(REAL_SCENARIO as never, 1, () => {}, { guestFactory: real, commands: dispatch });
  const { got, sent } = run(lab, true, [20_010]);
  assert.equal(sent, 2 * 2, 'one order and one reply per host');
  const writer = lab.collector.samples.latest(lab.reg.vmByName('vm0')!.id)?.values;
  assert.ok((writer?.['engine.dirtyRate.average'] ?? 0) > 50, `the writer's dirty rate is counted: ${writer?.['engine.dirtyRate.average']}`);
  assert.ok(lab.tasks.list(100).some((t) => t.operation === 'vm.migrate' && t.state === 'running'), 'the migration is in flight at the sample');
  assert.deepEqual(got, REAL_PINNED, `the run's digests:\n${got.join('\n')}`);
});

test('the guard is real: a collector source that reads a runtime\'s guest throws', () => {
  const lab = new Lab(SCENARIO as never, 1, () => {}, { guestFactory: fakeGuestFactory, commands: dispatch });
  const src = guarded(lab);
  const someVm = lab.reg.vmByName('vm0')!.id;
  // the lab no longer has these fields (its hosts' sides hold them); the guard refuses the names all the same
  assert.throws(() => (src.runtimes.get(someVm) as unknown as Record<string, unknown>).guest, /the collector read a runtime's guest/);
  assert.throws(() => (src as unknown as Record<string, unknown>).schedulers, /the collector read the lab's schedulers/);
  assert.throws(() => src.overcommit.hostState, /the collector read memory reclamation's hostState/);
  assert.equal(src.runtimes.get(someVm)!.offsetNs, 0, 'time bases stay readable');
});

/** Real labos guests on a host too small for them beside a roomy host: every reclamation counter has something to count. */
const RECLAIM_SCENARIO = reclaimScenario('10s');
// The digests when the collector asked memory reclamation for its counters (MemoryOvercommit.vmValues / hostValues).
const RECLAIM_PINNED = ['20.01s 6c5e7ea7f9292ad0', '40.01s 5deac988fd13bdf3'];

test('memory reclamation\'s counters (sharing, balloon, compression, swap) come in the host\'s sample through a real MessageChannel; the collector cannot reach memory reclamation; the pinned digests', () => {
  const real = defaultGuestFactory().factory;
  assert.ok(real, 'the real guest machine is built');
  const lab = new Lab(RECLAIM_SCENARIO as never, 1, () => {}, { guestFactory: real, commands: dispatch });
  const { got, sent } = run(lab, true, [20_010, 40_010]);
  assert.equal(sent, 2 * 2 * 2, 'one order and one reply per host per sample');
  const latest = (name: string): Record<string, number> => {
    const e = lab.reg.vmByName(name) ?? lab.reg.hostByName(name);
    return lab.collector.samples.latest(e!.id)?.values ?? {};
  };
  const h = latest('h');
  assert.ok(h['mem.vmmemctl.average'] > 0, `balloons hold memory: ${h['mem.vmmemctl.average']}`);
  assert.ok(h['mem.compressed.average'] > 0, `compression caches hold pages: ${h['mem.compressed.average']}`);
  assert.ok(h['mem.swapused.average'] > 0 && latest('giver')['mem.swapped.average'] > 0, 'pages are swapped');
  assert.ok(h['mem.swapinRate.average'] > 0 && h['mem.compressionRate.average'] > 0, 'rates over the period are counted');
  assert.ok(latest('giver')['mem.shared.average'] > 0 && latest('roomy')['mem.sharedcommon.average'] > 0, 'pages are shared');
  assert.ok(latest('giver')['mem.active.average'] > 0, 'active memory is estimated by sampling');
  assert.deepEqual(got, RECLAIM_PINNED, `the run's digests:\n${got.join('\n')}`);
});
