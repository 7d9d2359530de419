/**
 * pv (paravirtualization): the hypercall ABI (r1 = number, r2.. = arguments, hcall, r1 = result),
 * interrupt masking through the shared flag with no trap (events pended, then delivered on
 * unmask), batched page-table updates, and the console/block rings — on a bare CPU and with the
 * PV build of labos.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IoPorts } from '../../../src-main/engine/cpu/index';
import { buildMachine, runMachine } from '../../../src-main/engine/machine/index';
import { HostMemory } from '../../../src-main/engine/memory/index';
import { HC, ParavirtMonitor, PV_LAYOUT } from '../../../src-main/engine/monitors/index';
import { boot, reg } from '../../helpers/cpuHarness';
import { labosImage, WORKLOADS } from '../../helpers/machineHarness';

const SHARED = 0x1800;
const VEC = (slots: Record<number, string>): string => `  .org 0\n${Array.from({ length: 32 }, (_, k) => `  j ${slots[k] ?? 'fault'}`).join('\n')}\n`;

const GUEST = `${VEC({ 16: 'event', 17: 'event' })}
  .org 0x2000
_start:
  li r2, ${SHARED}
  li r1, ${HC.SET_SHARED}
  hcall
  mov r9, r1               ; 0
  li r1, 77
  hcall                    ; unknown hypercall: -1
  mov r10, r1
  li r1, ${HC.VCPU_STATUS}
  hcall
  mov r11, r1              ; MSW_K (paging off)
  ; queue two PTE-like words and apply them with one batched update
  li r3, 0x5000
  li r4, 0x1234
  li r5, 0x4000
  stw r3, 0(r5)
  stw r4, 4(r5)
  li r3, 0x5004
  li r4, 0x5678
  stw r3, 8(r5)
  stw r4, 12(r5)
  mov r2, r5
  li r3, 2
  li r1, ${HC.MMU_UPDATE}
  hcall
  mov r12, r1              ; 2 entries applied
  ; events: masked by a plain store, then an interrupt arrives (raised through the test device)
  li r1, 1
  stw r1, ${SHARED + PV_LAYOUT.MASK}(r0)
  li r6, 1
  out r6, 0x70(r0)         ; not a PV guest's habit, but it raises IRQ1 (trapped, emulated)
  nop
  nop
  mov r13, r8              ; events delivered so far: 0
  stw r0, ${SHARED + PV_LAYOUT.MASK}(r0)
  ldw r7, ${SHARED + PV_LAYOUT.PENDING}(r0)
  li r1, ${HC.EVTCHN_UNMASK}
  hcall                    ; the pending event is delivered now
  nop
  li r1, 1
  stw r1, ${SHARED + PV_LAYOUT.MASK}(r0)
  li r1, 0
  hlt                      ; masked: nothing can wake it
event:
  addi r8, r8, 1
  li r6, 1
  out r6, 0x71(r0)         ; acknowledge
  iret
fault:
  hlt
`;

test('hypercall ABI, shared-flag masking with pended events, batched updates', () => {
  const io: IoPorts & { cpu?: { raiseIrq(l: number): void; lowerIrq(l: number): void } } = {
    read: () => 0,
    write: (port, v) => { if (port === 0x70) io.cpu?.raiseIrq(v & 3); else if (port === 0x71) io.cpu?.lowerIrq(v & 3); },
  };
  const pv = new ParavirtMonitor();
  const b = boot(GUEST, { monitor: pv, io });
  io.cpu = b.cpu;
  const r = b.cpu.run(100_000);
  assert.equal(r.reason, 'halted');
  assert.equal(reg(b, 9), 0, 'set_shared');
  assert.equal(reg(b, 10), -1, 'unknown hypercall');
  assert.equal(reg(b, 11), 1, 'vcpu_status: virtual kernel mode, paging off');
  assert.equal(reg(b, 12), 2, 'mmu_update applied 2 entries');
  assert.equal(b.mem.readWord(0x5000 as never), 0x1234);
  assert.equal(b.mem.readWord(0x5004 as never), 0x5678);
  assert.equal(reg(b, 13), 0, 'no event while masked');
  assert.notEqual(reg(b, 7), 0, 'PENDING told the guest to ask');
  assert.equal(reg(b, 8), 1, 'delivered once after unmask');
  const c = pv.counters();
  assert.equal(c['pv.hypercalls.mmu_update'], 1);
  assert.equal(c['pv.mmuUpdates'], 2);
  assert.ok((c['pv.eventsPended'] ?? 0) + (c['pv.eventsDelivered'] ?? 0) >= 1, JSON.stringify(c));
  assert.equal(c['pv.eventsDelivered'], 1);
  assert.equal(b.cpu.canWake(), false, 'halted with events masked: off');
});

function pvRun(cmdline: string) {
  const m = buildMachine({ kind: 'boot', config: { vcpus: 1, memoryBytes: 16 << 20, levels: 2, monitor: 'pv', cmdline, bootNs: 0 }, image: labosImage({}, 'labos-pv.s') });
  runMachine(m, { untilNs: 2e9 });
  const mon = m.slots[0].cpu.monitor as ParavirtMonitor;
  return { m, c: mon.counters(), text: m.consoleRead(0).text };
}

test('labos PV build: page-table updates are batched, console output goes through the ring a line at a time', () => {
  const { m, c, text } = pvRun(WORKLOADS.pagetable);
  assert.equal(m.state, 'off');
  assert.match(text, /^pagetable: 4 rounds x 16 pages mapped, touched, unmapped; 0 errors/m);
  assert.ok(c['pv.mmuUpdates'] > 2 * c['pv.mmuBatches'], `batches ${c['pv.mmuBatches']} for ${c['pv.mmuUpdates']} entries`);
  assert.ok(c['pv.consoleBytes'] >= text.length - 1);
  assert.ok(c['pv.hypercalls.evtchn_send'] * 10 < c['pv.consoleBytes'], 'far fewer notifications than bytes');
  assert.equal(c['pv.hypercalls.tlb_op'] > 0, true);
});

test('labos PV build: disk I/O through the block ring (requests, responses, the backend owns the device)', () => {
  const { m, c, text } = pvRun(WORKLOADS.io);
  assert.equal(m.state, 'off');
  assert.match(text, /^io: done, checksum/m);
  assert.ok(c['pv.blockRequests'] >= 4);
  assert.equal(m.report().disk.reads > 0 && m.report().disk.writes > 0, true);
});

test('labos PV build: after a memory snapshot on a full host, every event delivery still masks events (the shared page is pinned)', () => {
  // The snapshot shares the live frames copy-on-write, so the monitor's next write to the shared page
  // needs a copy; the host has no free frame left for one. The monitor writes the mask at each delivery
  // and cannot wait there: the pinned page is copied in place instead of the write being dropped.
  const host = new HostMemory({ capacityBytes: 32 << 20 });
  const m = buildMachine({ kind: 'boot', config: { vcpus: 1, memoryBytes: 16 << 20, levels: 2, monitor: 'pv', cmdline: 'idle ms=5000', bootNs: 0 }, image: labosImage({}, 'labos-pv.s') }, { hostMemory: host });
  runMachine(m, { untilNs: 0.5e9 });
  const mon = m.slots[0].cpu.monitor as ParavirtMonitor;
  assert.ok(mon.shared >= 0, 'the guest registered its shared area');
  assert.ok(m.isPinned(mon.shared >>> 12), 'its page is pinned');
  const masks: boolean[] = [];
  const reflect = mon.onReflect.bind(mon);
  mon.onReflect = () => { masks.push(mon.masked(m.slots[0].cpu)); reflect(); };
  m.save();
  host.setHeldFrames('other-demand', host.freeFrames);
  runMachine(m, { untilNs: 0.6e9 });
  assert.ok(masks.length >= 1, 'a timer event was delivered on the full host');
  assert.deepEqual(masks.filter((x) => !x), [], 'events are masked at every delivery');
  assert.equal(m.state === 'crashed', false, m.crash?.reason);
  host.setHeldFrames('other-demand', 0);
  const before = masks.length;
  runMachine(m, { untilNs: 1.5e9 });
  assert.ok(masks.length > before + 100, `the guest takes its timer events again (${masks.length - before})`);
  assert.deepEqual(masks.filter((x) => !x), [], 'events are masked at every delivery');
});
