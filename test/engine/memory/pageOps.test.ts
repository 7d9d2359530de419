/**
 * Page-level operations on guest-physical memory: read/write/discard a page, pages not present here
 * (no frame, no zeros: the resolver decides), supply, sharing a frame between memories, frame
 * statistics — and what each does to frames, watch hooks, the dirty log, save/restore and digests.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GuestPhysicalMemory, HostMemory, NotPresentError, bytesToWords, wordsToBytes, PAGE_BYTES } from '../../../src-main/engine/memory/index';
import type { Gpa, Gpfn } from '../../../src-main/engine/mmu/index';

const g = (n: number): Gpfn => n as Gpfn;
const a = (n: number): Gpa => n as Gpa;

function pageOf(seed: number): Int32Array {
  const w = new Int32Array(1024);
  for (let i = 0; i < 1024; i++) w[i] = Math.imul(seed + i, 0x9e3779b1);
  return w;
}

test('bytes and words: little-endian bytes of each word, both ways, into a given buffer', () => {
  const w = new Int32Array(1024);
  w[0] = 0x44332211;
  w[1023] = -1;
  const out = new Uint8Array(PAGE_BYTES);
  assert.equal(wordsToBytes(w, out), out);
  assert.deepEqual(Array.from(out.subarray(0, 4)), [0x11, 0x22, 0x33, 0x44]);
  assert.equal(out[4095], 255);
  assert.deepEqual(Array.from(bytesToWords(out)), Array.from(w));
  const unaligned = new Uint8Array(PAGE_BYTES + 1).subarray(1);
  unaligned.set(out);
  assert.deepEqual(Array.from(bytesToWords(unaligned)), Array.from(w), 'an unaligned buffer is copied');
  assert.throws(() => bytesToWords(new Uint8Array(100)), /4096 bytes/);
});

test('writePage runs the watch hooks and the dirty log like a DMA write; zero contents free the frame', () => {
  const host = new HostMemory();
  const m = new GuestPhysicalMemory(host, 1 << 20);
  const seen: [number, number, number][] = [];
  const bit = m.addWatcher((p, off, size) => seen.push([p, off, size]));
  m.watch(g(3), bit);
  m.enableDirtyLog();
  assert.equal(m.writePage(g(3), pageOf(1)), true);
  assert.deepEqual(seen, [[3, 0, 4096]]);
  assert.deepEqual(m.readAndClearDirty(), [3]);
  assert.deepEqual(Array.from(m.pageWords(g(3))!), Array.from(pageOf(1)));
  assert.equal(host.framesAllocated, 1);
  m.writePage(g(3), new Int32Array(1024));
  assert.equal(host.framesAllocated, 0, 'a page of zeros keeps no frame');
  assert.equal(m.isTouched(g(3)), false);
  assert.deepEqual(m.readAndClearDirty(), [3], 'it changed, so it is dirty');
  m.writePage(g(5), new Int32Array(1024));
  assert.deepEqual(m.readAndClearDirty(), [], 'zeros over an untouched page change nothing');
});

test('discardPage returns the frame and the page reads as zero (a content change: hooks, dirty)', () => {
  const host = new HostMemory();
  const m = new GuestPhysicalMemory(host, 1 << 20);
  m.writeWord(a(0x2000), 7);
  let hooks = 0;
  m.watch(g(2), m.addWatcher(() => hooks++));
  m.enableDirtyLog();
  const epoch = m.epoch;
  m.discardPage(g(2));
  assert.equal(host.framesAllocated, 0);
  assert.equal(m.readWord(a(0x2000)), 0);
  assert.equal(hooks, 1);
  assert.deepEqual(m.readAndClearDirty(), [2]);
  assert.ok(m.epoch > epoch, 'cached frame references are dropped');
  m.discardPage(g(9));
  assert.equal(hooks, 1, 'discarding an untouched page is a no-op');
});

test('a page not present has no frame and no zeros: readers ask the resolver, a host read that cannot wait throws', () => {
  const host = new HostMemory();
  const m = new GuestPhysicalMemory(host, 1 << 20);
  m.writePage(g(4), pageOf(4));
  const saved = Int32Array.from(m.pageWords(g(4))!);
  let hooks = 0;
  m.watch(g(4), m.addWatcher(() => hooks++));
  m.enableDirtyLog();
  m.markNotPresent(g(4));
  assert.equal(host.framesAllocated, 0, 'its frame went back to the host');
  assert.equal(m.isNotPresent(g(4)), true);
  assert.equal(m.notPresentCount, 1);
  assert.equal(m.pageWords(g(4)), undefined);
  assert.equal(m.fastWritable(g(4)), false);
  assert.throws(() => m.readWord(a(0x4000)), (e: unknown) => e instanceof NotPresentError && e.gpfn === 4);
  assert.throws(() => m.writeWord(a(0x4004), 1), NotPresentError);
  const asked: string[] = [];
  m.notPresentResolver = (p, access, canWait) => {
    asked.push(`${p}:${access}:${canWait}`);
    return m.supplyPage(g(p), saved);
  };
  assert.equal(m.readWord(a(0x4000)), saved[0], 'supplied on the spot, then read');
  assert.deepEqual(asked, ['4:host:false']);
  assert.equal(hooks, 0, 'supplying is content-preserving: no hooks');
  assert.deepEqual(m.readAndClearDirty(), [], 'and not dirty');
  assert.equal(m.notPresentCount, 0);
  assert.equal(host.framesAllocated, 1);
  assert.throws(() => m.supplyPage(g(4), saved), /is present/);
});

test('ensurePresent: the resolver may leave the page missing (the access waits); untouched and present pages need nothing', () => {
  const m = new GuestPhysicalMemory(new HostMemory(), 1 << 20);
  let calls = 0;
  m.notPresentResolver = () => { calls++; return false; };
  assert.equal(m.ensurePresent(1, 'read'), true);
  m.markNotPresent(g(1));
  assert.equal(m.ensurePresent(1, 'walk'), false);
  assert.equal(m.ensurePresent(2, 'walk'), true);
  assert.equal(calls, 1);
  m.writePage(g(1), pageOf(9));
  assert.equal(m.isNotPresent(g(1)), false, 'a write from outside makes it present');
  assert.equal(m.ensurePresent(1, 'read'), true);
});

test('remap listeners hear every change of a backing frame (shadow and nested tables depend on it)', () => {
  const m = new GuestPhysicalMemory(new HostMemory(), 1 << 20);
  const remaps: number[] = [];
  m.onRemap((p) => remaps.push(p));
  m.writePage(g(1), pageOf(1));
  m.markNotPresent(g(1));
  m.supplyPage(g(1), pageOf(1));
  m.discardPage(g(1));
  const other = new GuestPhysicalMemory(m.host, 1 << 20);
  other.writePage(g(0), pageOf(2));
  m.sharePage(g(1), other, g(0));
  assert.deepEqual(remaps, [1, 1, 1, 1, 1]);
});

test('sharePage maps another memory\'s frame copy-on-write; equal bytes are invisible, different bytes a write', () => {
  const host = new HostMemory();
  const x = new GuestPhysicalMemory(host, 1 << 20);
  const y = new GuestPhysicalMemory(host, 1 << 20);
  x.writePage(g(1), pageOf(7));
  y.writePage(g(2), pageOf(7));
  y.writePage(g(3), pageOf(8));
  let yHooks = 0;
  const bit = y.addWatcher(() => yHooks++);
  y.watch(g(2), bit);
  y.watch(g(3), bit);
  const xEpoch = x.epoch;
  assert.equal(x.fastWritable(g(1)), true);
  assert.equal(y.sharePage(g(2), x, g(1)), true);
  assert.equal(yHooks, 0, 'same bytes: nothing the guest can see');
  assert.equal(host.framesAllocated, 2, 'y\'s copy went back to the host');
  assert.ok(x.epoch > xEpoch, 'the owner drops its fast write entries');
  assert.equal(x.fastWritable(g(1)), false, 'the owner must copy before writing now');
  assert.deepEqual(y.frameStats(), { configuredPages: 256, mappedPages: 2, privateFrames: 1, sharedPages: 1, sharedFrames: 1, consumedFrames: 1.5, notPresentPages: 0, sharedBreaks: 0 });
  assert.equal(y.sharePage(g(3), x, g(1)), true);
  assert.equal(yHooks, 1, 'different bytes: a write');
  assert.deepEqual(x.frameStats(), { configuredPages: 256, mappedPages: 1, privateFrames: 0, sharedPages: 1, sharedFrames: 1, consumedFrames: 1 / 3, notPresentPages: 0, sharedBreaks: 0 });
  x.writeWord(a(0x1000), 123);
  assert.equal(y.readWord(a(0x2000)), pageOf(7)[0], 'a write by one side copies: the other keeps the shared bytes');
  assert.equal(y.readWord(a(0x3000)), pageOf(7)[0]);
  assert.equal(x.readWord(a(0x1000)), 123);
  assert.equal(y.sharePage(g(4), x, g(200)), false, 'an untouched page has no frame to share');
  assert.throws(() => y.sharePage(g(4), new GuestPhysicalMemory(new HostMemory(), 1 << 20), g(0)), /same host/);
  x.release();
  y.release();
  assert.equal(host.framesAllocated, 0);
});

test('scanPages and frameStats: frames with their reference counts, not-present pages as -1', () => {
  const host = new HostMemory();
  const m = new GuestPhysicalMemory(host, 8 << 20);
  m.writePage(g(10), pageOf(1));
  m.writePage(g(1500), pageOf(2));
  m.markNotPresent(g(700));
  const fork = m.fork();
  const seen: [number, number, number][] = [];
  m.scanPages((p, h, refs) => seen.push([p, h >= 0 ? 1 : -1, refs]));
  assert.deepEqual(seen, [[10, 1, 2], [700, -1, 0], [1500, 1, 2]]);
  assert.deepEqual(fork.frameStats(), { configuredPages: 2048, mappedPages: 2, privateFrames: 0, sharedPages: 2, sharedFrames: 2, consumedFrames: 1, notPresentPages: 1, sharedBreaks: 0 });
  assert.equal(fork.isNotPresent(g(700)), true, 'a clone keeps not-present pages not present');
  fork.release();
  assert.deepEqual(m.frameStats(), { configuredPages: 2048, mappedPages: 2, privateFrames: 2, sharedPages: 0, sharedFrames: 0, consumedFrames: 2, notPresentPages: 1, sharedBreaks: 0 });
});

test('save and restore keep not-present pages; the digest marks them (their bytes are not here)', () => {
  const host = new HostMemory();
  const m = new GuestPhysicalMemory(host, 1 << 20);
  m.writePage(g(1), pageOf(1));
  m.writePage(g(2), pageOf(2));
  const whole = m.digest();
  m.markNotPresent(g(2));
  const partial = m.digest();
  assert.notEqual(partial, whole);
  for (const state of [m.save(), m.saveShared()]) {
    assert.deepEqual(state.notPresent, [2]);
    for (const r of [GuestPhysicalMemory.restore(new HostMemory(), state), GuestPhysicalMemory.restoreShared(new HostMemory(), state)]) {
      assert.equal(r.isNotPresent(g(2)), true);
      assert.equal(r.digest(), partial);
      r.supplyPage(g(2), pageOf(2));
      assert.equal(r.digest(), whole);
    }
  }
  assert.equal(new GuestPhysicalMemory(host, 1 << 20).save().notPresent, undefined, 'states without such pages are as before');
});

test('release and markNotPresent never leak frames of saved states or clones', () => {
  const host = new HostMemory();
  const m = new GuestPhysicalMemory(host, 1 << 20);
  for (let p = 0; p < 8; p++) m.writePage(g(p), pageOf(p + 1));
  const state = m.saveShared();
  m.markNotPresent(g(0));
  m.discardPage(g(1));
  m.writeWord(a(0x2000), 1); // COW break of a saved page
  assert.equal(host.framesAllocated, 6);
  m.release();
  assert.equal(host.framesAllocated, 0);
  const r = GuestPhysicalMemory.restoreShared(host, state);
  assert.equal(r.readWord(a(0)), pageOf(1)[0], 'the saved state kept its bytes');
  assert.equal(host.framesAllocated, 8);
  r.release();
  assert.equal(host.framesAllocated, 0);
});
