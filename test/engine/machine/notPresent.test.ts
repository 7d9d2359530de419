/**
 * Pages not present here, on small bare-metal programs: a device transfer (DMA) from or into such a
 * page waits on the vCPU that runs it (the disk completes later, never with zeros), and a page taken
 * away again after it arrived but before the waiting vCPU looked ends the wait (it faults anew to the
 * handler in charge then); a page marked not
 * present under a running vCPU's feet is fetched again (no stale decoded code); host code that cannot
 * wait (a monitor reading guest memory) must be supplied, or the machine crashes naming the page;
 * writePage from outside is seen by decoded code like a guest write; a disk read into memory on a host
 * with no free frame waits until frames are free, then moves the real bytes (no error, no partial
 * transfer).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cpu, Monitor, TrapDecision, TrapEvent } from '../../../src-main/engine/cpu/index';
import { CAUSE_SYSCALL } from '../../../src-main/engine/isa/index';
import { BinaryTranslationMonitor } from '../../../src-main/engine/monitors/index';
import { runMachine } from '../../../src-main/engine/machine/index';
import { HostScheduler } from '../../../src-main/engine/scheduler/index';
import type { VmId } from '../../../src-shared/model/ids';
import type { NotPresentFault } from '../../../src-main/engine/vm/guestMachine';
import { HostMemory } from '../../../src-main/engine/memory/index';
import { bootMachine, image, VEC, word } from '../../helpers/machineHarness';

const DMA = `${VEC({})}
  .org 0x2000
_start:
  li sp, 0x10000
  li r1, 0
  out r1, 0x30(r0)            ; SECTOR 0
  li r1, 0x9000
  out r1, 0x31(r0)            ; ADDR: the pattern page
  li r1, 8
  out r1, 0x32(r0)            ; COUNT: one page
  li r1, 2
  out r1, 0x33(r0)            ; memory -> disk
.w1:
  in r2, 0x34(r0)
  andi r2, r2, 4
  cmpi r2, 0
  beq .w1
  out r0, 0x35(r0)            ; ACK
  in r7, 0x42(r0)             ; uptime (µs) once the write is done
  li r1, 0xa000
  out r1, 0x31(r0)            ; ADDR: another page
  li r1, 1
  out r1, 0x33(r0)            ; disk -> memory
.w2:
  in r2, 0x34(r0)
  andi r2, r2, 4
  cmpi r2, 0
  beq .w2
  out r0, 0x35(r0)
  li r3, 0xa000
  ldw r4, 0(r3)
  ldw r5, 4092(r3)
  li r6, result
  stw r4, 0(r6)
  stw r5, 4(r6)
  stw r7, 8(r6)
  out r0, 0xf0(r0)            ; power off
  j .
fault:
  hlt
  .align 4
result: .word 0, 0, 0
  .org 0x9000
  .word 0x11223344
  .org 0x9ffc
  .word 0x55667788
`;

const RESULT = image(DMA).symbols.result;

test('DMA from and into pages not present: the disk waits on the vCPU, then moves the real bytes', () => {
  const ref = bootMachine(DMA, { memoryBytes: 1 << 20 });
  runMachine(ref, { untilNs: 1e9 });
  assert.equal(ref.state, 'off');
  const result = (m: typeof ref): number[] => [0, 4].map((k) => word(m, RESULT + k) >>> 0);
  assert.deepEqual(result(ref), [0x11223344, 0x55667788]);

  const m = bootMachine(DMA, { memoryBytes: 1 << 20 });
  const pattern = m.readPage(9)!.slice();
  m.markNotPresent(9);
  m.markNotPresent(10);
  const faults: NotPresentFault[] = [];
  m.setNotPresentHandler((f) => { faults.push(f); return { kind: 'wait' }; });
  for (let t = 1e6; m.state !== 'off' && t < 2e8; t += 1e6) {
    runMachine(m, { untilNs: t });
    for (const f of faults.splice(0)) {
      if (f.gpfn === 9) m.supplyPage(9, pattern);
      else if (f.gpfn === 10) m.supplyPage(10, new Uint8Array(4096)); // it held zeros
    }
  }
  assert.equal(m.state, 'off');
  assert.deepEqual(result(m), [0x11223344, 0x55667788], 'the guest read back what it wrote');
  const k = m.counters();
  assert.equal(k['notPresent.waits'], 2);
  assert.ok(k['notPresent.waitedNs'] > 0);
  assert.equal(k['disk.writes'], 1);
  assert.equal(k['disk.reads'], 1);
  const uptime = (x: typeof ref): number => word(x, RESULT + 8);
  assert.ok(uptime(m) >= uptime(ref) + 1000, `the write completed later (${uptime(ref)} → ${uptime(m)} µs): the guest saw a slower disk, nothing else`);
});

test('a page that arrives while a vCPU waits and is taken again before it looks: it faults anew to the handler in charge now', () => {
  // Post-copy delivers the page, ends and hands the VM to the host's reclamation, which samples that very
  // page before the waiting vCPU's next look: the vCPU must not wait on the finished migration forever.
  const m = bootMachine(DMA, { memoryBytes: 1 << 20 });
  const pattern = m.readPage(9)!.slice();
  m.markNotPresent(9);
  const waits: NotPresentFault[] = [];
  m.setNotPresentHandler((f) => { waits.push(f); return { kind: 'wait' }; });
  for (let t = 1e6; waits.length === 0 && t < 1e8; t += 1e6) runMachine(m, { untilNs: t });
  assert.equal(m.waitingForPage(0), 9, 'the vCPU waits for the page');
  m.supplyPage(9, pattern); // delivered; the vCPU has not looked since
  const held: number[] = [];
  m.setNotPresentHandler((f) => { held.push(f.gpfn); return { kind: 'supply', bytes: pattern }; });
  m.markNotPresent(9); // the new owner takes it away (an activity sample)
  assert.equal(m.waitingForPage(0), -1, 'its wait is over: the page came');
  runMachine(m, { untilNs: 1e9 });
  assert.equal(m.state, 'off', 'the guest finished');
  assert.deepEqual([0, 4].map((k) => word(m, RESULT + k) >>> 0), [0x11223344, 0x55667788]);
  assert.deepEqual(held, [9], 'the retried access asked the handler in charge now');
  assert.equal(m.counters()['notPresent.waits'], 1);
});

test('a disk read into memory on a host with no free frame waits for frames, then completes with the real bytes', () => {
  const ref = bootMachine(DMA, { memoryBytes: 1 << 20 });
  runMachine(ref, { untilNs: 1e9 });
  const pool = new HostMemory({ capacityBytes: 64 << 20 });
  const m = bootMachine(DMA, { memoryBytes: 1 << 20 }, { hostMemory: pool });
  runMachine(m, { untilNs: 2e5 });
  assert.notEqual(m.pageState(10), 'present', 'the read has not landed yet');
  const hog: number[] = [];
  for (let h = pool.allocFrame(); h !== -1; h = pool.allocFrame()) hog.push(h);
  assert.equal(pool.freeFrames, 0);
  runMachine(m, { untilNs: 5e7 });
  assert.notEqual(m.state, 'off', 'the guest still waits for its read');
  assert.notEqual(m.state, 'crashed');
  assert.equal(m.counters()['disk.reads'] ?? 0, 0, 'the read has not completed');
  assert.equal(m.counters()['disk.errors'] ?? 0, 0, 'nor failed');
  assert.ok(m.counters()['notPresent.frameWaits'] > 0, 'the wait is counted on the vCPU');
  for (const h of hog) pool.release(h as never);
  runMachine(m, { untilNs: 1e9 });
  assert.equal(m.state, 'off');
  assert.deepEqual([0, 4].map((k) => word(m, RESULT + k) >>> 0), [0x11223344, 0x55667788], 'the guest read back what it wrote');
  assert.equal(m.counters()['disk.reads'], 1);
  assert.equal(m.counters()['disk.errors'] ?? 0, 0);
  assert.ok(word(m, RESULT + 8) >= word(ref, RESULT + 8), 'the guest saw a slower disk, nothing else');
});

test('DMA with a handler that supplies on the spot: no wait, the stall is charged to the vCPU', () => {
  const m = bootMachine(DMA, { memoryBytes: 1 << 20 });
  const pattern = m.readPage(9)!.slice();
  m.markNotPresent(9);
  const seen: string[] = [];
  m.setNotPresentHandler((f) => { seen.push(`${f.gpfn}:${f.access}:${f.canWait}`); return { kind: 'supply', bytes: pattern, stallNs: 100_000 }; });
  runMachine(m, { untilNs: 1e9 });
  assert.equal(m.state, 'off');
  assert.deepEqual(seen, ['9:dma:true']);
  const k = m.counters();
  assert.equal(k['notPresent.supplied'], 1);
  assert.equal(k['notPresent.stallCycles'], Math.ceil(100_000 * m.cyclesPerNs));
});

const LOOP = `${VEC({})}
  .org 0x2000
_start:
  li r1, 0
.l:
  addi r1, r1, 1
  j .l
fault:
  hlt
`;

test('a code page marked not present under a running vCPU is fetched again, not run from a stale decoding', () => {
  const m = bootMachine(LOOP, { memoryBytes: 1 << 20 });
  m.runVcpu(0, 10_000, 0);
  assert.equal(m.slots[0].cpu.codeGpfn, 2, 'the vCPU executes page 2');
  const code = m.readPage(2)!.slice();
  m.markNotPresent(2);
  const faults: string[] = [];
  m.setNotPresentHandler((f) => { faults.push(`${f.gpfn}:${f.access}`); return { kind: 'wait' }; });
  const r = m.runVcpu(0, 10_000, m.vcpuNowNs(0));
  assert.deepEqual(faults, ['2:fetch']);
  assert.equal(r.waitingForPage, 2);
  assert.equal(r.instructions, 0);
  m.supplyPage(2, code);
  const r2 = m.runVcpu(0, 10_000, m.vcpuNowNs(0));
  assert.ok(r2.instructions > 1000);
});

for (const monitor of ['interp', 'bt']) test(`${monitor}: writePage over running code is seen at once, like a guest store to it (decoded and translated code follow)`, () => {
  const m = bootMachine(LOOP, { memoryBytes: 1 << 20, monitor }, monitor === 'bt' ? { createMonitor: (k) => (k === 'bt' ? new BinaryTranslationMonitor({ hotCycles: 0 }) : undefined) } : {});
  m.runVcpu(0, 10_000, 0);
  const bt = m.slots[0].cpu.monitor instanceof BinaryTranslationMonitor ? m.slots[0].cpu.monitor.cache(m.slots[0].cpu) : undefined;
  if (bt) assert.ok(bt.size > 0, 'the loop is translated');
  // the same page with `addi r1, r1, 2` in the loop
  const two = image(LOOP.replace('addi r1, r1, 1', 'addi r1, r1, 2'));
  const page = new Uint8Array(4096);
  page.set(two.bytes.subarray(0x2000 - two.loadAddress, 0x2000 - two.loadAddress + 4096));
  assert.notDeepEqual(page, m.readPage(2));
  const before = m.slots[0].cpu.state.regs[1];
  m.writePage(2, page);
  m.runVcpu(0, 10_000, m.vcpuNowNs(0));
  const after = m.slots[0].cpu.state.regs[1];
  assert.ok(after - before > 3000 && (after - before) % 2 === 0 && after % 2 === before % 2, `steps of 2 now: ${before} → ${after}`);
  if (bt) {
    assert.ok(bt.stats.invalidations > 0, 'the old translation was dropped');
    assert.deepEqual(bt.verify(), []);
  }
});

/** A monitor that reads guest memory on every syscall (host code in the middle of an operation). */
class PeekingMonitor implements Monitor {
  readonly name = 'peek';
  seen = 0;
  onTrap(cpu: Cpu, ev: TrapEvent): TrapDecision {
    if (ev.cause === CAUSE_SYSCALL) this.seen = cpu.mem.readWord(0x5000 as never);
    return 'deliver';
  }
}

const SYSCALLS = `${VEC({ [CAUSE_SYSCALL]: 'onsys' })}
  .org 0x2000
_start:
  li sp, 0x10000
  sys
  out r0, 0xf0(r0)
  j .
onsys:
  iret
fault:
  hlt
  .org 0x5000
  .word 0x0badcafe
`;

test('host code that cannot wait: supplied, it goes on; told to wait, the machine crashes naming the page', () => {
  for (const mode of ['supply', 'wait'] as const) {
    const mon = new PeekingMonitor();
    const m = bootMachine(SYSCALLS, { memoryBytes: 1 << 20, monitor: 'peek' }, { createMonitor: (k) => (k === 'peek' ? mon : undefined) });
    const bytes = m.readPage(5)!.slice();
    m.markNotPresent(5);
    const seen: string[] = [];
    m.setNotPresentHandler((f) => {
      seen.push(`${f.gpfn}:${f.access}:${f.canWait}`);
      return mode === 'supply' ? { kind: 'supply', bytes } : { kind: 'wait' };
    });
    runMachine(m, { untilNs: 1e8 });
    assert.deepEqual(seen, ['5:host:false']);
    if (mode === 'supply') {
      assert.equal(m.state, 'off');
      assert.equal(mon.seen >>> 0, 0x0badcafe);
    } else {
      assert.equal(m.state, 'crashed');
      assert.match(m.crash!.reason, /guest page 5 is not present here/);
      assert.equal(m.counters().internalErrors, 0, 'a missing page is not an internal error');
    }
  }
});

test('without a handler a vCPU waits; dispose returns every frame and the machine does nothing afterwards', () => {
  const m = bootMachine(LOOP, { memoryBytes: 1 << 20 });
  m.runVcpu(0, 10_000, 0);
  assert.ok(m.host.framesAllocated > 0);
  m.markNotPresent(2);
  const r = m.runVcpu(0, 10_000, m.vcpuNowNs(0));
  assert.equal(r.waitingForPage, 2);
  m.dispose();
  assert.equal(m.host.framesAllocated, 0);
  const after = m.runVcpu(0, 10_000, m.vcpuNowNs(0) + 1e6);
  assert.deepEqual([after.cyclesUsed, after.halted], [0, true]);
  assert.equal(m.nextWakeNs(0), Infinity);
  assert.throws(() => m.save(), /disposed/);
  m.dispose();
});

test('under the host scheduler a waiting vCPU counts as waiting (cpu.wait), not running, and runs again once its page is here', () => {
  const m = bootMachine(LOOP, { memoryBytes: 1 << 20, clockHz: 100e6 });
  const s = new HostScheduler({ sockets: 1, coresPerSocket: 1, threadsPerCore: 1, cpuMhz: 100 });
  s.addVm('vm-1' as VmId, 1, m, { shares: 1000, reservationMhz: 0, limitMhz: -1 }, 0, 0);
  const q = 10_000_000;
  const segment = (t: number): void => { s.runSegment(t, t + q); s.endGridQuantum(q); };
  segment(0);
  s.sample(q);
  const code = m.readPage(2)!.slice();
  m.markNotPresent(2); // at a barrier, as the lab would
  for (let t = q; t < 5 * q; t += q) segment(t);
  const waiting = s.sample(5 * q).vms.get('vm-1' as VmId)!;
  assert.ok(waiting.runNs < 1e6, `it barely ran: ${waiting.runNs} ns`);
  assert.ok(waiting.waitNs > 39e6, `it waited: ${waiting.waitNs} ns`);
  assert.equal(m.waitingForPage(0), 2);
  m.supplyPage(2, code); // the page arrives at the next barrier
  segment(5 * q);
  const back = s.sample(6 * q).vms.get('vm-1' as VmId)!;
  assert.ok(back.runNs > 8e6, `it runs again: ${back.runNs} ns`);
  const waited = m.counters()['notPresent.waitedNs'];
  assert.ok(waited >= 40e6 && waited <= 41e6 + 1e6, `time waiting counted: ${waited} ns`);
});
