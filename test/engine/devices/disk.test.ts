/**
 * Disk: 512-byte sectors, DMA between the disk and guest-physical memory, completion after the
 * modelled latency with IRQ2 until ACK, errors, busy rejection, and copy-on-write block storage.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BlockMap, DEFAULT_DEVICE_TIMING, DISK_ACK, DISK_ADDR, DISK_CAPACITY, DISK_CMD, DISK_COUNT, DISK_SECTOR, DISK_STATUS, DiskDevice, restoreDisk, saveDisk,
} from '../../../src-main/engine/devices/index';
import { at, FakeDma, FakeLine } from './fakes';

function disk(capacityBytes = 1 << 20): { d: DiskDevice; irq: FakeLine; dma: FakeDma; store: BlockMap } {
  const irq = new FakeLine();
  const dma = new FakeDma(1 << 16);
  const store = new BlockMap(capacityBytes);
  return { d: new DiskDevice(store, dma, irq, DEFAULT_DEVICE_TIMING), irq, dma, store };
}

function command(d: DiskDevice, cmd: number, sector: number, addr: number, count: number, t: number): void {
  d.write(DISK_SECTOR, sector, at(t));
  d.write(DISK_ADDR, addr, at(t));
  d.write(DISK_COUNT, count, at(t));
  d.write(DISK_CMD, cmd, at(t));
}

test('write then read back through DMA, completing after command + per-sector latency with IRQ2', () => {
  const { d, irq, dma } = disk();
  assert.equal(d.read(DISK_CAPACITY, at(0)), 2048);
  for (let i = 0; i < 1024; i++) dma.bytes[0x1000 + i] = (i * 7) & 255;
  command(d, 2, 5, 0x1000, 2, 0); // write sectors 5,6 (crosses no block) from 0x1000
  const done = DEFAULT_DEVICE_TIMING.diskCommandNs + 2 * DEFAULT_DEVICE_TIMING.diskSectorNs;
  assert.equal(d.read(DISK_STATUS, at(0)), 1, 'busy');
  assert.equal(d.nextEventNs(), done);
  d.update(done - 1);
  assert.equal(irq.level, false);
  d.update(done);
  assert.equal(irq.level, true);
  assert.equal(d.read(DISK_STATUS, at(done)), 4, 'done');
  d.write(DISK_ACK, 0, at(done));
  assert.equal(irq.level, false);
  assert.equal(d.read(DISK_STATUS, at(done)), 0);
  command(d, 1, 5, 0x3000, 2, done);
  d.update(2 * done);
  assert.deepEqual(dma.bytes.subarray(0x3000, 0x3400), dma.bytes.subarray(0x1000, 0x1400));
  assert.deepEqual({ ...d.metrics, busyNs: 0 }, { reads: 1, writes: 1, readBytes: 1024, writeBytes: 1024, errors: 0, rejected: 0, busyNs: 0 });
});

test('a transfer spanning store blocks is read-modify-write and leaves neighbours intact', () => {
  const { d, dma, store } = disk();
  dma.bytes.fill(0xaa, 0, 512 * 3);
  command(d, 2, 7, 0, 3, 0); // sectors 7..9: the end of block 0 and the start of block 1
  d.update(1e9);
  const b0 = new Uint8Array(4096);
  const b1 = new Uint8Array(4096);
  store.read(0, b0);
  store.read(1, b1);
  assert.equal(b0[7 * 512 - 1], 0);
  assert.equal(b0[7 * 512], 0xaa);
  assert.equal(b1[2 * 512 - 1], 0xaa);
  assert.equal(b1[2 * 512], 0);
});

test('bad commands complete with the error bit; a command while busy is rejected', () => {
  const { d, irq } = disk(4096);
  command(d, 1, 7, 0, 2, 0); // past the end of an 8-sector disk
  command(d, 1, 0, 0, 1, 0); // busy → rejected
  assert.equal(d.metrics.rejected, 1);
  d.update(DEFAULT_DEVICE_TIMING.diskCommandNs);
  assert.equal(d.read(DISK_STATUS, at(1e9)), 4 | 2);
  assert.equal(irq.level, true);
  d.write(DISK_ACK, 0, at(1e9));
  command(d, 9, 0, 0, 1, 1e9); // unknown command
  d.update(2e9);
  assert.equal(d.read(DISK_STATUS, at(2e9)) & 2, 2);
  d.write(DISK_ACK, 0, at(2e9));
  command(d, 1, 0, 0xfff0, 1, 2e9); // DMA outside RAM (64 KiB)
  d.update(3e9);
  assert.equal(d.read(DISK_STATUS, at(3e9)) & 2, 2);
  assert.equal(d.metrics.errors, 3);
});

test('block storage is copy-on-write: forks and saved states share blocks and never see later writes', () => {
  const m = new BlockMap(1 << 20);
  const blk = new Uint8Array(4096).fill(1);
  m.write(3, blk);
  const fork = m.fork();
  const saved = m.save();
  assert.equal(saved.blocks[0][1], (m as unknown as { blocks: Map<number, Uint8Array> }).blocks.get(3), 'saving shares the buffer (no copy)');
  m.write(3, new Uint8Array(4096).fill(2));
  const out = new Uint8Array(4096);
  fork.read(3, out);
  assert.equal(out[0], 1);
  BlockMap.restore(saved).read(3, out);
  assert.equal(out[0], 1);
  m.read(3, out);
  assert.equal(out[0], 2);
  m.read(9, out);
  assert.equal(out[0], 0, 'unwritten blocks read as zeros');
  blk.fill(7);
  fork.read(3, out);
  assert.equal(out[0], 1, 'write() stores a copy of the caller buffer');
});

test('disk state round-trips: registers, the command in flight and own contents', () => {
  const { d, dma } = disk();
  dma.bytes.fill(5, 0, 512);
  command(d, 2, 0, 0, 1, 0);
  d.update(1e9);
  d.write(DISK_ACK, 0, at(1e9));
  command(d, 1, 0, 0x800, 1, 1e9);
  const s = structuredClone(saveDisk(d));
  const dma2 = new FakeDma(1 << 16);
  const r = restoreDisk(undefined, dma2, new FakeLine(), DEFAULT_DEVICE_TIMING, s);
  r.update(2e9);
  assert.equal(dma2.bytes[0x800], 5, 'the in-flight read completes after restore, from the saved contents');
  assert.ok(s.contents, 'own contents are saved');
});

test('transfers reuse one buffer: a busy disk allocates nothing per command, and a shorter command sees only its own bytes', () => {
  const { d, dma } = disk();
  const seen: Uint8Array[] = [];
  const write = dma.write.bind(dma);
  dma.write = (gpa, data) => { seen.push(data); return write(gpa, data); };
  for (let i = 0; i < 4096; i++) dma.bytes[i] = (i * 13 + 1) & 255;
  command(d, 2, 8, 0, 8, 0); // one whole block (sectors 8..15) from memory to the disk
  d.update(1e9);
  command(d, 1, 8, 0x2000, 8, 1e9); // and back: a whole block straight from the store
  d.update(2e9);
  command(d, 1, 9, 0x4000, 1, 2e9); // one sector of it: part of a block
  d.update(3e9);
  command(d, 1, 100, 0x5000, 8, 3e9); // a block never written: zeros, not the last command's bytes
  d.update(4e9);
  assert.deepEqual(dma.bytes.subarray(0x2000, 0x3000), dma.bytes.subarray(0, 0x1000));
  assert.deepEqual(dma.bytes.subarray(0x4000, 0x4200), dma.bytes.subarray(0x200, 0x400));
  assert.ok(dma.bytes.subarray(0x5000, 0x6000).every((b) => b === 0));
  assert.deepEqual(seen.map((b) => b.length), [4096, 512, 4096]);
  assert.ok(seen.every((b) => b.buffer === seen[0].buffer), 'every transfer into memory went through the one kept buffer');
});
