/**
 * save → restore → run gives the same digest (and counters) as running straight through — with
 * timer interrupts, a disk command in flight, console output, SMP and host scheduling gaps; saved
 * states are plain (structuredClone) and share guest memory copy-on-write.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMachine, runMachine, type Machine, type MachineState } from '../../../src-main/engine/machine/index';
import { image, VEC, word } from '../../helpers/machineHarness';

const BUSY = `${VEC({ 16: 'tick', 18: 'diskirq' })}
  .org 0x2000
_start:
  in r1, 0x60(r0)
  cmpi r1, 0
  bne secondary
  li sp, 0x30000
  li r2, secondary
  out r2, 0x62(r0)
  li r2, 1
  out r2, 0x64(r0)              ; start vCPU 1 (if there is one)
secondary:
  li r3, 100                    ; 100 µs periodic timer on every vCPU
  out r3, 0x11(r0)
  li r3, 3
  out r3, 0x10(r0)
  in r9, 0x60(r0)               ; r9 = CPU_ID
  sti
  li r10, 0
.loop:
  addi r10, r10, 1
  andi r11, r10, 0x3ff
  slli r11, r11, 2
  li r12, 0x40000
  add r11, r11, r12
  stw r10, 0(r11)
  cmpi r9, 0
  bne .loop
  andi r13, r10, 0xff
  cmpi r13, 0
  bne .loop
  srli r13, r10, 8
  andi r13, r13, 63
  out r13, 0x30(r0)             ; DISK_SECTOR
  out r12, 0x31(r0)             ; DISK_ADDR
  li r14, 8
  out r14, 0x32(r0)             ; DISK_COUNT
  li r14, 2
  out r14, 0x33(r0)             ; write
  li r14, '.'
  out r14, 0x20(r0)
  j .loop
tick:
  mtcr scratch0, r1
  li r1, ticks
  ldw r2, 0(r1)
  addi r2, r2, 1
  stw r2, 0(r1)
  in r2, 0x42(r0)
  stw r2, 4(r1)
  out r0, 0x12(r0)
  mfcr r1, scratch0
  iret
diskirq:
  out r0, 0x35(r0)
  iret
fault:
  hlt
  .align 4
ticks: .word 0, 0
`;

const boot = (config = {}): Machine => buildMachine({ kind: 'boot', config: { memoryBytes: 1 << 20, ...config }, image: image(BUSY) });

function compare(a: Machine, b: Machine): void {
  assert.equal(b.digest(), a.digest());
  assert.deepEqual(b.counters(), a.counters());
  assert.equal(b.consoleRead(0).text, a.consoleRead(0).text);
  assert.equal(b.guestClockNs(), a.guestClockNs());
}

for (const [name, config] of [['1 vCPU, interp', {}], ['1 vCPU, te', { monitor: 'te' }], ['2 vCPUs, 4-level paging param', { vcpus: 2, levels: 4 }]] as const) {
  test(`save → restore → run equals running straight through (${name})`, () => {
    const straight = boot(config);
    runMachine(straight, { untilNs: 7.3e6 });
    const s = straight.save();
    runMachine(straight, { untilNs: 20e6 });
    assert.ok(straight.counters()['disk.writes'] > 0 && straight.counters().timerInterrupts > 50, 'the run exercises disk and timer');
    const restored = buildMachine({ kind: 'restore', state: structuredClone(s) });
    runMachine(restored, { untilNs: 20e6 });
    compare(straight, restored);
  });
}

test('driven like the host scheduler (slices with gaps), a restored machine continues identically', () => {
  const slices: [number, number][] = [[0, 2_000_000], [5e6, 1_500_000], [5.2e6, 800_000], [30e6, 3_000_000], [31e6, 500_000], [90e6, 2_000_000], [93e6, 1_000_000]];
  const drive = (m: Machine, from: number, to: number): void => {
    for (const [t, budget] of slices.slice(from, to)) for (let v = 0; v < m.vcpuCount; v++) m.runVcpu(v, budget, t);
  };
  const a = boot({ vcpus: 2, timing: { timerGiveUpNs: 40e6 } });
  drive(a, 0, 4);
  const s = a.save();
  drive(a, 4, slices.length);
  const c = a.counters();
  assert.ok(c['timer.ticksBacklogged'] > 0, 'gaps back timer ticks up');
  assert.ok(c['timer.ticksDropped'] > 0, 'the 59 ms gap exceeds the 40 ms give-up limit');
  assert.ok(c.worldSwitches > 0);
  const b = buildMachine({ kind: 'restore', state: structuredClone(s) });
  drive(b, 4, slices.length);
  compare(a, b);
});

test('saving shares guest memory copy-on-write: no page copied, later writes do not leak into the state', () => {
  const m = boot();
  runMachine(m, { untilNs: 2e6 });
  const s: MachineState = m.save();
  const page = s.memory.pages.find((p) => p.gpfn === 0x40);
  assert.ok(page, 'the data page is in the state');
  const before = Array.from(page.words.slice(0, 8));
  const hostFrame = m.mem.frameForRead(0x40 as never);
  assert.equal(page.words, hostFrame, 'the state holds the live frame itself (no copy)');
  runMachine(m, { untilNs: 4e6 });
  assert.notEqual(m.mem.frameForRead(0x40 as never), page.words, 'the live machine copied the page before writing it');
  assert.deepEqual(Array.from(page.words.slice(0, 8)), before, 'the saved page is unchanged');
  const r1 = buildMachine({ kind: 'restore', state: s });
  const r2 = buildMachine({ kind: 'restore', state: s });
  assert.equal(r1.digest(), r2.digest(), 'a state can be restored twice');
  runMachine(r1, { untilNs: 3e6 });
  assert.deepEqual(Array.from(page.words.slice(0, 8)), before, 'restored machines do not write into the state either');
  assert.ok(word(r1, 0x40000) !== 0);
});

test('a restored machine keeps the VM disk attached; the device\'s own disk is saved with the machine', () => {
  const m = boot();
  runMachine(m, { untilNs: 10e6 });
  const s = m.save();
  assert.ok(s.devices.disk.contents && s.devices.disk.contents.blocks.length > 0, 'own disk blocks are in the state');
  assert.throws(() => buildMachine({ kind: 'restore', state: { ...s, version: 99 as never } }), /version 99/);
  assert.throws(() => buildMachine({ kind: 'restore', state: { format: 'nope' } as never }), /not a saved machine/);
});
