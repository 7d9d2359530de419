// Ballooning end to end, on real labos guests: the host's soft state sets balloon targets, labos's
// driver gives pages from its own allocator, the host takes their frames (counted in mem.vmmemctl);
// a guest whose program then needs the ballooned memory gets a refused allocation and reports it
// (memgrow), while a guest checking its own memory (memwrite verify=1) finds nothing corrupted; a
// saved lab keeps its balloons; turning ballooning off deflates them and the memory is the guest's again.
import { API_VERSION } from '../../../src-shared/api/channels';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lab } from '../../../src-main/engine/lab/lab';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import type { Machine } from '../../../src-main/engine/machine/index';
import type { EngineEvent } from '../../../src-shared/api/events';
import { guestOf as machineOf, hostPool } from '../../helpers/hostSides';

const factory = defaultGuestFactory().factory!;

const SCENARIO = {
  version: 1, name: 'balloons', title: 'Balloons',
  datacenters: [{
    clusters: [{ hosts: [{ name: 'h', memoryGiB: 0.3, cpuMhz: 100 }] }],
    vms: [
      // used 16 MiB (memwrite, one pass) and freed it: labos's free list holds pages with host frames
      { name: 'giver', host: 'h', vcpus: 1, memoryMiB: 64, workload: 'mixed', workloadParams: { wss_kib: 16384, passes: 1, rate_pps: 0, pages: 8, rounds: 2, count: 200, touches: 2000 }, powerOn: true },
      { name: 'checker', host: 'h', vcpus: 1, memoryMiB: 32, workload: 'memwrite', workloadParams: { wss_kib: 4096, rate_pps: 2000, passes: 0, verify: 1 }, powerOn: true },
      // grows to 40 MiB, 256 KiB every 100 ms: the pressure that puts the host in soft
      { name: 'pusher', host: 'h', vcpus: 1, memoryMiB: 64, workload: 'memgrow', workloadParams: { kib: 40960, step_kib: 256, period_ms: 100 } },
    ],
  }],
  actions: [{ at: '10s', do: 'powerOn', vm: 'pusher' }],
};

function guestOf(lab: Lab, name: string): Machine {
  return machineOf(lab, lab.reg.vmByName(name)!.id) as unknown as Machine;
}

function consoleOf(lab: Lab, name: string): string {
  return lab.runtimes.get(lab.reg.vmByName(name)!.id)!.console.read(0).text;
}

function verifiedLines(lab: Lab): string[][] {
  return [...consoleOf(lab, 'checker').matchAll(/memwrite: verified (\d+) pages, (\d+) corrupted/g)].map((m) => [m[1], m[2]]);
}

test('soft state inflates labos balloons: frames go back (mem.vmmemctl), checksums hold, a program needing the memory is refused and says so; save/load and deflate', () => {
  const events: EngineEvent[] = [];
  let sampled = 0;
  let lab: Lab | undefined;
  const onEvent = (e: EngineEvent): void => {
    events.push(e);
    if (e.type !== 'metrics.sampled' || !lab) return;
    for (const vm of lab.reg.vms.values()) {
      const balloon: { readonly size: number } | undefined = machineOf(lab, vm.id)?.balloon;
      if (!balloon) continue;
      assert.equal(lab.collector.samples.latest(vm.id)!.values['mem.vmmemctl.average'], balloon.size * 4, `${vm.name} mem.vmmemctl at ${e.timeMs}`);
      sampled++;
    }
  };
  lab = new Lab(SCENARIO as never, 1, onEvent, { guestFactory: factory, commands: dispatch });
  lab.advance(26_000);
  const host = lab.reg.hostByName('h')!;
  assert.ok(events.some((e) => e.type === 'event.logged' && e.event.type === 'HostMemoryStateChangedEvent' && /→ soft/.test(e.event.message)), 'the host went soft');
  assert.ok(sampled > 0);
  const rc = lab.owners.get(host.id)!.reclaimer()!;
  const giver = guestOf(lab, 'giver');
  const dev = giver.devices.balloon;
  assert.ok(dev.size > 2000, `the giver's balloon inflated (${dev.size} pages)`);
  assert.equal(rc.vm(lab.reg.vmByName('giver')!.id)!.balloonTarget, dev.target);
  assert.ok(rc.vm(lab.reg.vmByName('giver')!.id)!.c.balloonInflated >= dev.size - dev.pending.size, 'the host collected every page given');
  let withFrame = 0;
  for (const g of dev.held) if (!dev.pending.has(g) && giver.pageState(g) === 'present') withFrame++;
  assert.equal(withFrame, 0, 'no page in the balloon keeps a host frame');
  const pusherText = consoleOf(lab, 'pusher');
  assert.match(pusherText, /memgrow: allocation failed at \d+ KiB/, pusherText);
  assert.equal(lab.reg.vmByName('pusher')!.guestState, 'running');
  const before = verifiedLines(lab);
  assert.ok(before.length >= 3, consoleOf(lab, 'checker'));
  for (const v of before) assert.deepEqual(v, ['1024', '0'], 'the checker finds its memory intact');

  // a saved lab keeps its balloons (the pages stay given, the frames stay with the host)
  const restored = Lab.restore(structuredClone(lab.save()), () => {}, { guestFactory: factory, commands: dispatch });
  const giver2 = guestOf(restored, 'giver');
  assert.deepEqual([...giver2.devices.balloon.held], [...dev.held]);
  assert.deepEqual(hostPool(restored, host.id)!.stats().framesAllocated, hostPool(lab, host.id)!.stats().framesAllocated);
  restored.advance(3_000);
  assert.ok(verifiedLines(restored).length > before.length);

  // ballooning off: every balloon deflates, and the program gets its memory
  const r = dispatch(restored, { v: API_VERSION, id: 1, kind: 'command', name: 'host.updateMemoryReclamation', params: { hostId: host.id, settings: { ballooning: false } } });
  assert.ok(r.ok, JSON.stringify(r));
  restored.advance(4_000);
  for (const name of ['giver', 'checker', 'pusher']) assert.equal(guestOf(restored, name).devices.balloon.size, 0, `${name}'s balloon deflated`);
  assert.match(consoleOf(restored, 'pusher'), /memgrow: memory available again at \d+ KiB/);
  const after = verifiedLines(restored);
  for (const v of after) assert.deepEqual(v, ['1024', '0'], 'intact through inflate, save, load and deflate');
  for (const name of ['giver', 'checker', 'pusher']) assert.equal(restored.reg.vmByName(name)!.guestState, 'running', name);
});

test('host.updateMemoryReclamation: bad values are refused by name, nothing given is refused, values equal to the defaults are not kept', () => {
  const lab = new Lab({ ...SCENARIO, actions: [] } as never, 1, () => {}, { guestFactory: factory, commands: dispatch });
  const host = lab.reg.hostByName('h')!;
  const call = (settings: unknown): ReturnType<typeof dispatch> =>
    dispatch(lab, { v: API_VERSION, id: 1, kind: 'command', name: 'host.updateMemoryReclamation', params: { hostId: host.id, settings } as never });
  const bad = call({ idleTaxPercent: 100 });
  assert.ok(!bad.ok && bad.error.field?.includes('idleTaxPercent'), JSON.stringify(bad));
  const none = call({});
  assert.ok(!none.ok && none.error.code === 'E_INVALID_ARGUMENT');
  assert.ok(call({ idleTaxPercent: 50, ballooning: false }).ok);
  assert.deepEqual(host.memoryReclamation, { idleTaxPercent: 50, ballooning: false });
  assert.ok(call({ ballooning: true }).ok);
  assert.deepEqual(host.memoryReclamation, { idleTaxPercent: 50 });
  const dto = dispatch(lab, { v: API_VERSION, id: 2, kind: 'query', name: 'host.get', params: { hostId: host.id } });
  assert.ok(dto.ok && (dto.result as { memoryReclamation: { idleTaxPercent: number; ballooning: boolean } }).memoryReclamation.idleTaxPercent === 50);
});
