// The reclaimer's copy of the host and VM fields it reads (reclaimView.ts): the view is plain data that
// crosses a real MessageChannel unchanged; a lab whose views travel through one gives the digests the
// engine gave when the reclaimer read the cluster inventory itself (pinned from that code), with
// settings and VM sizes changed along the run; a field changed on the inventory reaches the reclaimer
// only when the barrier sends the next view; a view is sent only when something in it changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { API_VERSION } from '../../../src-shared/api/channels';
import { Lab, digestInput } from '../../../src-main/engine/lab/index';
import { dispatch } from '../../../src-main/engine/api/dispatcher';
import { minFreeFrames, ReclaimViewSender, type HostReclaimView } from '../../../src-main/engine/overcommit/index';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { digestScenario } from '../../helpers/pinnedLabs';

/** 8 fakeGuest VMs on a host too small for them (hard and low), one host. */
const SCENARIO = digestScenario(8, 'interp', 0.27);

function newLab(): Lab {
  return new Lab(SCENARIO as never, 1, () => {}, { guestFactory: fakeGuestFactory, commands: dispatch });
}

function setReclamation(lab: Lab, settings: Record<string, unknown>): void {
  const hostId = lab.reg.hostByName('DC0_C0_H0')!.id;
  const r = dispatch(lab, { v: API_VERSION, id: 1, kind: 'command', name: 'host.updateMemoryReclamation', params: { hostId, settings } as never });
  assert.ok(r.ok, JSON.stringify(r));
}

/** A real channel used synchronously: what the receiving port gets is a structured clone made by Node. */
function messageChannelTransport(): { send: (v: HostReclaimView) => HostReclaimView; close: () => void; sent: number } {
  const ch = new MessageChannel();
  const t = {
    sent: 0,
    send: (v: HostReclaimView): HostReclaimView => {
      ch.port1.postMessage(v);
      const got = receiveMessageOnPort(ch.port2);
      assert.ok(got, 'the view arrived');
      t.sent++;
      return got.message as HostReclaimView;
    },
    close: () => { ch.port1.close(); ch.port2.close(); },
  };
  return t;
}

/** The run: settings changed twice and two VMs' memory sizes once (their shares) while the host swaps. */
function run(lab: Lab): string[] {
  const got: string[] = [];
  const mark = (t: number): void => { got.push(`${t / 1000}s ${createHash('sha256').update(JSON.stringify(digestInput(lab))).digest('hex').slice(0, 16)}`); };
  lab.advance(1500); mark(1500);
  setReclamation(lab, { idleTaxPercent: 0, compressionCachePercent: 30 });
  lab.advance(1000); mark(2500);
  lab.reg.vmByName('vm1')!.memoryBytes = 512 << 20; // more shares: the memwrite VM gives less back
  lab.reg.vmByName('vm3')!.memoryBytes = 16 << 20;
  lab.advance(1000); mark(3500);
  setReclamation(lab, { compression: false });
  lab.advance(1500); mark(5000);
  return got;
}

// the digests of `run` when the reclaimer read the cluster inventory's Host and Vm objects (main before the views)
const PINNED = ['1.5s 533b04fe8022e015', '2.5s 677f060683e9f4b2', '3.5s 18021a691c76ba5b', '5s 41a8e081c4eaf8b7'];

test('a view survives structuredClone and a real MessageChannel unchanged (plain data)', () => {
  const sender = new ReclaimViewSender();
  const settings = { idleTaxPercent: 20, compression: false };
  const view = sender.changed('host-1' as never, { memoryBytes: 1 << 30, memoryReclamation: settings }, ['vm-1', 'vm-2'] as never[],
    (id) => ({ memoryBytes: id === 'vm-1' ? 64 << 20 : 128 << 20 }))!;
  assert.deepEqual(structuredClone(view), view);
  const t = messageChannelTransport();
  try {
    assert.deepEqual(t.send(view), view);
  } finally { t.close(); }
  assert.deepEqual(view.vms, [['vm-1', { memoryBytes: 64 << 20 }], ['vm-2', { memoryBytes: 128 << 20 }]]);
  assert.notEqual(view.host.memoryReclamation, settings, 'the settings are a copy, not the host\'s object');
});

test('an overcommit lab whose views travel through a MessageChannel gives the digests of the reclaimer that read the inventory', () => {
  const lab = newLab();
  const copy = lab.owners.get(lab.reg.hostByName('DC0_C0_H0')!.id)!.reclaimViewCopy()!;
  const before = copy.generation; // the views of the lab's construction (its VMs power on there)
  const t = messageChannelTransport();
  lab.overcommit.viewTransport = t.send;
  try {
    assert.deepEqual(run(lab), PINNED);
  } finally { t.close(); }
  // sent when something changed only (the VMs attaching, two settings changes, two VM sizes at one
  // barrier): a handful, not one per barrier
  assert.equal(copy.generation, before + t.sent, 'every view sent reached the copy');
  assert.ok(t.sent >= 3 && t.sent <= 8, `${t.sent} views sent in 5 s of barriers`);
  assert.equal(copy.host()!.memoryReclamation?.compression, false);
  assert.equal(copy.vm(lab.reg.vmByName('vm1')!.id)!.memoryBytes, 512 << 20);
  // and the default transport (a plain copy) gives the same
  assert.deepEqual(run(newLab()), PINNED);
});

test('a field changed on the inventory reaches the reclaimer only through the next view, sent at the barrier', () => {
  const lab = newLab();
  lab.advance(500);
  const host = lab.reg.hostByName('DC0_C0_H0')!;
  const rc = lab.owners.get(host.id)!.reclaimer()!;
  const copy = lab.owners.get(host.id)!.reclaimViewCopy()!;
  const vm = lab.reg.vmByName('vm2')!;
  const gen = copy.generation;
  const minFreeBefore = rc.minFree;
  assert.equal(minFreeBefore, minFreeFrames(host.memoryBytes));
  assert.equal(rc.settings().idleTaxPercent, 75);

  setReclamation(lab, { idleTaxPercent: 10 });
  host.memoryBytes *= 2;
  vm.memoryBytes = 256 << 20;
  // between barriers the reclaimer still sees what the last view said
  assert.equal(rc.settings().idleTaxPercent, 75, 'a settings change is not seen before the barrier');
  assert.equal(rc.minFree, minFreeBefore, 'a capacity change is not seen before the barrier');
  assert.equal(copy.vm(vm.id)!.memoryBytes, 64 << 20, 'a VM size change is not seen before the barrier');
  assert.equal(copy.generation, gen);

  lab.advance(100);
  assert.equal(copy.generation, gen + 1, 'one view carried the three changes');
  assert.equal(rc.settings().idleTaxPercent, 10);
  assert.equal(rc.minFree, minFreeFrames(host.memoryBytes));
  assert.equal(copy.vm(vm.id)!.memoryBytes, 256 << 20);
  lab.advance(100);
  assert.equal(copy.generation, gen + 1, 'nothing changed: nothing sent');
});

test('the sender: nothing sent while nothing changed; each field, the attached set and a new settings object send a new generation', () => {
  const sender = new ReclaimViewSender();
  const vms = new Map<string, { memoryBytes: number }>([['vm-1', { memoryBytes: 64 }], ['vm-2', { memoryBytes: 64 }]]);
  const host: { memoryBytes: number; memoryReclamation?: Record<string, unknown> } = { memoryBytes: 1000, memoryReclamation: { idleTaxPercent: 10 } };
  let ids = ['vm-1', 'vm-2'];
  const ask = (): HostReclaimView | undefined => sender.changed('h' as never, host as never, ids as never[], (id) => vms.get(id));
  assert.equal(ask()?.generation, 1);
  assert.equal(ask(), undefined);
  host.memoryBytes = 2000;
  assert.equal(ask()?.generation, 2);
  vms.get('vm-2')!.memoryBytes = 128;
  assert.deepEqual(ask()?.vms, [['vm-1', { memoryBytes: 64 }], ['vm-2', { memoryBytes: 128 }]]);
  ids = ['vm-1'];
  assert.deepEqual(ask()?.vms, [['vm-1', { memoryBytes: 64 }]]);
  vms.delete('vm-1'); // gone from the inventory: absent from the view, as the inventory would answer
  assert.deepEqual(ask()?.vms, []);
  assert.equal(ask(), undefined);
  host.memoryReclamation = { idleTaxPercent: 20 };
  const v = ask()!;
  assert.deepEqual(v.host.memoryReclamation, { idleTaxPercent: 20 });
  // the settings were copied when the object changed: a later view for another field carries that copy
  host.memoryBytes = 3000;
  assert.equal(ask()!.host.memoryReclamation, v.host.memoryReclamation);
});
