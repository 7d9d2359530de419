// Hosts own host-physical memory: every guest (real HV32 machines running labos) allocates its frames from
// its host's pool, overhead and the hypervisor's reserve are charged to the same pool, and the host
// memory counters are counts of what the pool holds — checked at every sample, through power-on,
// suspend / resume, a memory snapshot and its revert, reset and power-off (after which only the reserve
// is left: nothing leaks); the VMs' consumed memory, the overhead and the free memory add up to the host's
// memory at every sample. A full host refuses a power-on (overhead); a guest whose working set does not fit
// keeps running: the host goes hard, compresses and swaps its pages, and the guest's own check of its
// memory finds nothing corrupted; nothing over-allocates.
import { API_VERSION } from '../../../src-shared/api/channels';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../../../src-main/engine/lab/lab';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import type { EngineEvent } from '../../../src-shared/api/events';
import type { HostId } from '../../../src-shared/model/ids';
import { VMKERNEL_MEMORY_OWNER } from '../../../src-main/engine/metrics/resourceModels';
import { guestOf, hostPool } from '../../helpers/hostSides';

const factory = defaultGuestFactory().factory!;
const small = { vcpus: 1, memoryMiB: 32 };

const STORY = {
  version: 1, name: 'host-memory', title: 'Host memory from frames',
  datacenters: [{
    clusters: [{ hosts: { count: 2, cpuMhz: 100, memoryGiB: 1 } }],
    vms: [
      { name: 'mw-0', host: 'DC0_C0_H0', ...small, workload: 'memwrite', workloadParams: { wss_kib: 512, rate_pps: 400, passes: 0 }, powerOn: true },
      { name: 'idle-0', host: 'DC0_C0_H0', ...small, workload: 'idle', powerOn: true },
      { name: 'off-0', host: 'DC0_C0_H0', ...small, workload: 'memwrite', workloadParams: { wss_kib: 256, rate_pps: 400, passes: 0 }, monitor: 'te', paging: 'shadow' },
      { name: 'mw-1', host: 'DC0_C0_H1', ...small, workload: 'memwrite', workloadParams: { wss_kib: 768, rate_pps: 400, passes: 0 }, powerOn: true },
      { name: 'idle-1', host: 'DC0_C0_H1', ...small, workload: 'idle', powerOn: true },
    ],
  }],
  actions: [
    { at: '15s', do: 'suspend', vm: 'mw-0' },
    { at: '18s', do: 'snapshot', vm: 'mw-1', snapshot: 's1', memory: true },
    { at: '25s', do: 'powerOn', vm: 'off-0' },
    { at: '35s', do: 'powerOn', vm: 'mw-0' },
    { at: '45s', do: 'revert', vm: 'mw-1', snapshot: 's1' },
    { at: '55s', do: 'reset', vm: 'idle-1' },
    { at: '65s', do: 'powerOff', vms: ['mw-0', 'idle-0', 'off-0', 'mw-1', 'idle-1'] },
  ],
};

function labFor(scenario: unknown, onEvent: (lab: Lab, e: EngineEvent) => void): Lab {
  let lab: Lab | undefined;
  lab = new Lab(scenario as never, 3, (e) => { if (lab) onEvent(lab, e); }, { guestFactory: factory, commands: dispatch });
  return lab;
}

test('host memory counters equal the frames the host pool holds, at every sample; power-off returns every frame', () => {
  let checked = 0;
  let guestFramesSeen = 0;
  const lab = labFor(STORY, (l, e) => {
    if (e.type !== 'metrics.sampled') return;
    for (const host of l.reg.hosts.values()) {
      const pool = hostPool(l, host.id)!;
      const st = pool.stats();
      const s = l.collector.samples.latest(host.id)!;
      assert.equal(s.timeMs, e.timeMs);
      const v = s.values;
      assert.equal(v['mem.consumed.average'], (st.framesAllocated + st.heldFrames + st.overheadFrames) * 4, `${host.name} consumed at ${e.timeMs}`);
      assert.equal(v['mem.overhead.average'], st.overheadFrames * 4, `${host.name} overhead at ${e.timeMs}`);
      assert.equal(v['mem.sysUsage.average'], pool.overheadFramesOf(VMKERNEL_MEMORY_OWNER) * 4);
      // Granted = guest pages mapped for the host's VMs (pages on the shared zero page included); the
      // frames they map are the pool's guest frames (page sharing maps one frame from several pages).
      let mapped = 0; let vmOverhead = 0; let vmConsumedKB = 0;
      const frames = new Set<number>();
      const sharing = l.owners.get(host.id)!.reclaimer()!.sharing;
      for (const vm of l.reg.vmsOnHost(host.id)) {
        const g = guestOf(l, vm.id);
        if (g) {
          g.scanPages((_p, hfn) => { if (hfn >= 0) { mapped++; frames.add(hfn); } });
          mapped += sharing.zeroPagesOf(vm.id);
          vmConsumedKB += l.collector.samples.latest(vm.id)!.values['mem.consumed.average'];
        }
        if (vm.powerState === 'poweredOn') {
          vmOverhead += pool.overheadFramesOf(vm.id);
          assert.equal(l.collector.samples.latest(vm.id)!.values['mem.overhead.average'], pool.overheadFramesOf(vm.id) * 4, `${vm.name} overhead`);
        } else assert.equal(pool.overheadFramesOf(vm.id), 0, `${vm.name} (${vm.powerState}) holds no overhead`);
      }
      assert.equal(v['mem.granted.average'], mapped * 4, `${host.name} granted at ${e.timeMs}`);
      assert.equal(frames.size, st.framesAllocated, `${host.name}: every frame of the pool is a frame some guest maps`);
      // the VMs' consumed memory + overhead + free memory = the host's memory, exactly (frames, in KB)
      const freeKB = v['engine.memFree.latest'];
      assert.equal(freeKB, pool.freeFrames * 4);
      assert.ok(Math.abs(vmConsumedKB + v['mem.overhead.average'] + freeKB - st.capacityFrames * 4) < 1e-6,
        `${host.name} at ${e.timeMs}: VMs consumed ${vmConsumedKB} + overhead ${v['mem.overhead.average']} + free ${freeKB} = ${st.capacityFrames * 4} KB`);
      assert.equal(st.overheadFrames, vmOverhead + pool.overheadFramesOf(VMKERNEL_MEMORY_OWNER));
      assert.equal(v['mem.usage.average'], ((st.framesAllocated + st.heldFrames + st.overheadFrames) * 4096 / host.memoryBytes) * 100);
      assert.ok(st.framesAllocated + st.heldFrames + st.overheadFrames <= st.capacityFrames);
      guestFramesSeen = Math.max(guestFramesSeen, st.framesAllocated);
      checked++;
    }
  });
  lab.advance(90_000);
  assert.equal(checked, 2 * 4, 'four samples of two hosts');
  assert.ok(guestFramesSeen > 200, `guests really held frames (${guestFramesSeen})`);
  const tasks = lab.tasks.list();
  assert.ok(tasks.length >= 7 && tasks.every((t) => t.state === 'success'), tasks.map((t) => `${t.operation} ${t.state} ${t.error?.message ?? ''}`).join('; '));
  for (const host of lab.reg.hosts.values()) {
    const st = hostPool(lab, host.id)!.stats();
    assert.equal(st.framesAllocated, 0, `${host.name}: powered-off guests returned every frame`);
    assert.equal(st.overheadFrames, hostPool(lab, host.id)!.overheadFramesOf(VMKERNEL_MEMORY_OWNER), 'only the hypervisor reserve is left');
  }
});

test('a saved lab rebuilds its pools: the same frames after loading as before', () => {
  const lab = labFor({ ...STORY, actions: STORY.actions.slice(0, 2) }, () => {});
  lab.advance(30_000);
  const before = [...lab.reg.hosts.keys()].map((id) => hostPool(lab, id)!.stats());
  const restored = Lab.restore(structuredClone(lab.save()), () => {}, { guestFactory: factory, commands: dispatch });
  const after = [...restored.reg.hosts.keys()].map((id) => hostPool(restored, id as HostId)!.stats());
  assert.deepEqual(after.map((s) => [s.framesAllocated, s.overheadFrames]), before.map((s) => [s.framesAllocated, s.overheadFrames]));
});

test('a full host: no room for the overhead refuses the power-on; a working set that does not fit is compressed and swapped, intact; nothing over-allocates', () => {
  const events: EngineEvent[] = [];
  const lab = labFor({
    version: 1, name: 'full-host', title: 'Full hosts',
    datacenters: [{
      clusters: [{ hosts: [{ name: 'tiny', memoryGiB: 0.25, cpuMhz: 100 }, { name: 'snug', memoryGiB: 0.27, cpuMhz: 100 }] }],
      vms: [
        { name: 'no-room', host: 'tiny', ...small, workload: 'idle' },
        { name: 'hungry', host: 'snug', vcpus: 1, memoryMiB: 64, workload: 'memwrite', workloadParams: { wss_kib: 16384, rate_pps: 4000, passes: 0, verify: 1 } },
      ],
    }],
  }, (_l, e) => events.push(e));
  const tiny = lab.reg.hostByName('tiny')!;
  const snug = lab.reg.hostByName('snug')!;
  const r = dispatch(lab, { v: API_VERSION, id: 1, kind: 'command', name: 'vm.powerOn', params: { vmId: lab.reg.vmByName('no-room')!.id } });
  assert.ok(r.ok);
  dispatch(lab, { v: API_VERSION, id: 2, kind: 'command', name: 'vm.powerOn', params: { vmId: lab.reg.vmByName('hungry')!.id } });
  const snugPool = hostPool(lab, snug.id)!;
  let worst = 0;
  for (let t = 0; t < 60; t++) {
    lab.advance(500);
    const s = snugPool.stats();
    worst = Math.max(worst, s.framesAllocated + s.overheadFrames + s.heldFrames);
  }
  const [refused, hungryTask] = lab.tasks.list().reverse();
  assert.equal(refused.state, 'error');
  assert.equal(refused.error?.code, 'E_INSUFFICIENT_RESOURCES');
  assert.match(refused.error!.message, /Host tiny has not enough free memory for the \d+ MB overhead of no-room/);
  assert.equal(lab.reg.vmByName('no-room')!.powerState, 'poweredOff');
  assert.equal(hostPool(lab, tiny.id)!.overheadFramesOf(lab.reg.vmByName('no-room')!.id), 0, 'nothing was charged');
  assert.equal(hungryTask.state, 'success');
  const hungry = lab.reg.vmByName('hungry')!;
  assert.equal(hungry.guestState, 'running', hungry.crashReason);
  assert.ok(worst <= snugPool.capacityFrames, 'the pool never gave more than it has');
  assert.ok(events.some((e) => e.type === 'event.logged' && e.event.type === 'HostMemoryStateChangedEvent' && /→ hard/.test(e.event.message)), 'the host went hard');
  const c = lab.owners.get(snug.id)!.reclaimer()!.vm(hungry.id)!.c;
  assert.ok(c.zipped > 0 && c.swapOut > 0 && c.unzipped > 0 && c.swapIn > 0, `compressed, swapped and read back: ${JSON.stringify(c)}`);
  const text = lab.runtimes.get(hungry.id)!.console.read(0).text;
  const verified = [...text.matchAll(/memwrite: verified (\d+) pages, (\d+) corrupted/g)];
  assert.ok(verified.length > 0, `the guest checked its memory at least once: ${text}`);
  for (const m of verified) assert.deepEqual([m[1], m[2]], ['4096', '0'], 'no page corrupted');
  assert.ok(!events.some((e) => e.type === 'event.logged' && e.event.type === 'VmGuestOSCrashedEvent'));
});
