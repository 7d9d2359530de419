/** Bus: port windows, per-vCPU banks, unmapped ports, the access context, interrupt routing in the target's time. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IoBus, IrqController, type IoContext, type IoDevice } from '../../../src-main/engine/devices/index';

class Reg implements IoDevice {
  last: { offset: number; value: number; ctx: IoContext } | undefined;
  constructor(readonly name: string, readonly value: number) {}
  read(offset: number): number { return this.value + offset; }
  write(offset: number, value: number, ctx: IoContext): void { this.last = { offset, value, ctx: { ...ctx } }; }
}

test('windows route ports to devices; unmapped reads float (−1) and writes are dropped', () => {
  const bus = new IoBus();
  const a = new Reg('a', 100);
  bus.map(0x20, 4, a);
  assert.equal(bus.read(0x22), 102);
  assert.equal(bus.read(0x24), -1);
  bus.write(0x99, 5);
  bus.context(0, 1234);
  bus.write(0x21, 7);
  assert.deepEqual(a.last, { offset: 1, value: 7, ctx: { cpu: 0, nowNs: 1234 } });
  assert.equal(bus.counters.unmappedReads, 1);
  assert.equal(bus.counters.unmappedWrites, 1);
  assert.equal(bus.counters.byDevice.a, 2);
  assert.throws(() => bus.map(0x23, 2, new Reg('b', 0)), /already mapped/);
  assert.equal(bus.read(0x10020), 100, 'ports are 16-bit');
});

test('per-vCPU windows reach the executing vCPU\'s device; the clock hook gives the access time', () => {
  const bus = new IoBus();
  bus.mapPerCpu(0x10, 2, [new Reg('t', 0), new Reg('t', 1000)]);
  let now = 5;
  bus.clock = () => now;
  const seen: IoContext[] = [];
  bus.beforeAccess = (ctx) => seen.push({ ...ctx });
  bus.context(1, 0);
  now = 77;
  assert.equal(bus.read(0x10), 1000);
  bus.context(0, 0);
  assert.equal(bus.read(0x11), 1);
  assert.deepEqual(seen, [{ cpu: 1, nowNs: 77 }, { cpu: 0, nowNs: 77 }]);
});

test('interrupts raised for a vCPU that is behind in time are held until its clock reaches them', () => {
  const lines = [0, 0];
  const times = [100, 0];
  const cpus = [0, 1].map((i) => ({ raiseIrq: (n: number) => { lines[i] |= 1 << n; }, lowerIrq: (n: number) => { lines[i] &= ~(1 << n); } }));
  const ctl = new IrqController((i) => cpus[i], (i) => times[i]);
  const l1 = ctl.line(1, 4);
  ctl.now = 50;
  l1.raise();
  assert.equal(lines[1], 0, 'vCPU 1 is at t=0: held');
  assert.equal(ctl.nextDue(1), 50);
  ctl.deliverDue(1, 49);
  assert.equal(lines[1], 0);
  ctl.deliverDue(1, 50);
  assert.equal(lines[1], 1 << 4);
  const l0 = ctl.line(0, 2);
  l0.raise(80);
  assert.equal(lines[0], 1 << 2, 'vCPU 0 is already past t=80: immediate');
  l1.lower();
  assert.equal(lines[1], 0);
  l1.raise(500);
  l1.lower();
  assert.equal(ctl.nextDue(1), Infinity, 'lower() cancels a held delivery');
  assert.deepEqual(ctl.counters.raised.slice(0, 5), [0, 0, 1, 0, 2]);
});

test('per-device access counts: one count per device name (banks share theirs), listed in first-access order, kept across save and restore', () => {
  const build = (): IoBus => {
    const bus = new IoBus();
    bus.mapPerCpu(0x10, 2, [new Reg('timer', 0), new Reg('timer', 1)]);
    bus.map(0x20, 4, new Reg('disk', 0));
    bus.map(0x30, 1, new Reg('console', 0));
    return bus;
  };
  const bus = build();
  bus.write(0x21, 1);
  bus.context(1, 0);
  bus.read(0x10);
  bus.context(0, 0);
  bus.write(0x11, 2);
  bus.read(0x22);
  bus.context(5, 0);
  bus.read(0x10); // no timer for vCPU 5: the access floats, like an unmapped port
  const c = bus.counters;
  assert.deepEqual(c, { reads: 3, writes: 2, unmappedReads: 1, unmappedWrites: 0, byDevice: { disk: 2, timer: 2 } });
  assert.deepEqual(Object.keys(c.byDevice), ['disk', 'timer'], 'names in the order of their first access; an untouched device is not listed');
  c.byDevice.disk = 99;
  c.reads = 99;
  assert.deepEqual(bus.counters.byDevice, { disk: 2, timer: 2 }, 'the counters are a copy');
  assert.equal(bus.counters.reads, 3);

  const saved = { ...bus.saveCounters(), byDevice: { ...bus.saveCounters().byDevice, gone: 4 } };
  const again = build();
  again.restoreCounters(saved);
  again.context(0, 0);
  again.write(0x30, 7);
  again.write(0x10, 1);
  const r = again.counters;
  assert.deepEqual(r, { reads: 3, writes: 4, unmappedReads: 1, unmappedWrites: 0, byDevice: { disk: 2, timer: 3, gone: 4, console: 1 } });
  assert.deepEqual(Object.keys(r.byDevice), ['disk', 'timer', 'gone', 'console'], 'restored names keep their order, new ones follow');
});
