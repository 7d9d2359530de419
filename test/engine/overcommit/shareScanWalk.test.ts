/**
 * The page-sharing scanner's two walks are one behaviour: walking a VM page by page and walking it
 * sparsely (listing its pages with a frame, jumping between them) visit the same pages in the same order,
 * skip the same count, start the same passes and leave the same saved state — for memories from empty
 * to full, with pages gaining and losing frames between barriers, zero pages collapsing during a scan,
 * memories that list their pages in order (`scanPages`) or unordered (`forEachFramedPage`), memories
 * that count the frames they gain (`framesGained`: the sparse walk keeps its listing across barriers
 * while no page gained a frame), and rates from a fraction of a page to several passes (of 300 pages)
 * per barrier.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostSharing } from '../../../src-main/engine/overcommit/index';
import type { GuestPages, GuestPageState, GuestFrameStats } from '../../../src-main/engine/vm/guestMachine';
import { memReclamationOf } from '../../../src-shared/model/memoryReclamation';
import type { VmId } from '../../../src-shared/model/ids';

const PAGE = 4096;

/** A small in-memory guest memory: page values (word 0; 0 = all-zero page with a frame), recording reads. */
class RecordingPages implements GuestPages {
  readonly values = new Map<number, number>();
  readonly reads: number[] = [];
  constructor(readonly pageCount: number) {}
  readPage(gpfn: number, out: Uint8Array = new Uint8Array(PAGE)): Uint8Array | undefined {
    this.reads.push(gpfn);
    out.fill(0);
    const v = this.values.get(gpfn) ?? 0;
    new DataView(out.buffer, out.byteOffset).setUint32(0, v, true);
    return out;
  }
  writePage(gpfn: number, b: Uint8Array): boolean { this.values.set(gpfn, new DataView(b.buffer, b.byteOffset).getUint32(0, true)); return true; }
  discardPage(gpfn: number): void { this.values.delete(gpfn); }
  markNotPresent(gpfn: number): void { this.values.delete(gpfn); }
  supplyPage(gpfn: number, b: Uint8Array): boolean { return this.writePage(gpfn, b); }
  sharePage(_gpfn: number, from: GuestPages, fromGpfn: number): boolean { return from.pageState(fromGpfn) === 'present'; }
  dropZeroPage(gpfn: number): boolean {
    if (this.values.get(gpfn) !== 0) return false;
    this.values.delete(gpfn);
    return true;
  }
  pageState(gpfn: number): GuestPageState { return this.values.has(gpfn) ? 'present' : 'untouched'; }
  scanPages(fn: (gpfn: number, hfn: number, refCount: number) => void): void {
    for (const g of [...this.values.keys()].sort((a, b) => a - b)) fn(g, g, 1);
  }
  frameStats(): GuestFrameStats {
    return { configuredPages: this.pageCount, mappedPages: this.values.size, privateFrames: this.values.size, sharedPages: 0, sharedFrames: 0, consumedFrames: this.values.size, notPresentPages: 0, sharedBreaks: 0 };
  }
}

/** The same memory listing its pages with a frame unordered (`forEachFramedPage`) instead of through `scanPages`. */
class UnorderedPages extends RecordingPages {
  forEachFramedPage(fn: (gpfn: number) => void): void {
    for (const g of this.values.keys()) fn(g);
  }
}

/** Unordered, and counting the frames it gains: the sparse walk may reuse a listing while the count stays. */
class GainCountingPages extends UnorderedPages {
  framesGained = 0;
  set(gpfn: number, value: number): void {
    if (!this.values.has(gpfn)) this.framesGained++;
    this.values.set(gpfn, value);
  }
  override writePage(gpfn: number, b: Uint8Array): boolean { this.set(gpfn, new DataView(b.buffer, b.byteOffset).getUint32(0, true)); return true; }
}

/** Sets a page's value (it gains a frame if it had none), through the memory's own counting where it has one. */
function setValue(pages: RecordingPages, gpfn: number, value: number): void {
  if (pages instanceof GainCountingPages) pages.set(gpfn, value);
  else pages.values.set(gpfn, value);
}

/** A deterministic stream for the test's own choices (which pages change between barriers). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; return x / 2 ** 32; };
}

function run(walk: 'auto' | 'dense' | 'sparse', density: number, pagesPerSec: number, pageCount: number, seed: number): { reads: number[][]; states: string[] } {
  const rand = lcg(seed);
  const sh = new HostSharing(undefined, walk);
  const vms = [0, 1, 2, 3].map((i) => ({
    id: `vm-${i}` as VmId,
    pages: i === 1 ? new UnorderedPages(pageCount + i) : i === 3 ? new GainCountingPages(pageCount + i) : new RecordingPages(pageCount + i),
  }));
  for (const v of vms) {
    for (let g = 0; g < v.pages.pageCount; g++) {
      if (rand() < density) setValue(v.pages, g, rand() < 0.2 ? 0 : 1 + Math.floor(rand() * 50)); // some zero pages, many duplicates
    }
  }
  vms.forEach((v, i) => sh.attach(v.id, v.pages, 100 + i));
  const settings = memReclamationOf({ interVmSharing: true, shareScanVmPagesPerSec: pagesPerSec, shareScanTotalPagesPerSec: 10 * pagesPerSec });
  const states: string[] = [];
  for (let barrier = 0; barrier < 60; barrier++) {
    sh.scan(barrier % 7 === 0 ? 0 : 10 + (barrier % 3) * 5, settings);
    states.push(JSON.stringify(sh.save()));
    // the guests run: some pages gain a frame, some lose it (and every third barrier none changes,
    // so a listing kept across barriers is used)
    if (barrier % 3 === 2) continue;
    for (const v of vms) {
      for (let k = 0; k < 3; k++) {
        const g = Math.floor(rand() * v.pages.pageCount);
        if (rand() < 0.5) setValue(v.pages, g, Math.floor(rand() * 4)); else v.pages.values.delete(g);
      }
    }
  }
  return { reads: vms.map((v) => v.pages.reads), states };
}

for (const density of [0, 0.002, 0.03, 0.2, 0.7, 1]) {
  for (const rate of [30, 400, 5000, 60_000]) {
    test(`sparse and page-by-page walks agree: ${density * 100} % of pages with a frame, ${rate} pages/s`, () => {
      const dense = run('dense', density, rate, 300, 7);
      const sparse = run('sparse', density, rate, 300, 7);
      const auto = run('auto', density, rate, 300, 7);
      assert.deepEqual(sparse.reads, dense.reads, 'the same pages read in the same order');
      assert.deepEqual(sparse.states, dense.states, 'the same saved state after every barrier');
      assert.deepEqual(auto.reads, dense.reads);
      assert.deepEqual(auto.states, dense.states);
      if (density > 0 && rate >= 400) assert.ok(dense.reads.some((r) => r.length > 0), 'pages were visited');
    });
  }
}

test('a memory of one page and an empty memory are walked alike', () => {
  for (const n of [1, 2, 3]) {
    const dense = run('dense', 0.5, 1000, n, 3);
    const sparse = run('sparse', 0.5, 1000, n, 3);
    assert.deepEqual(sparse.reads, dense.reads);
    assert.deepEqual(sparse.states, dense.states);
  }
});
