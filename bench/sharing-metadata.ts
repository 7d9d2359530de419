/**
 * Page-sharing metadata benchmark: how much host memory transparent page sharing's own structures take,
 * against Waldspurger's figure (< 0.5 % of the host's memory), measured from the engine's structures.
 *
 * Run: `node --expose-gc --import tsx bench/sharing-metadata.ts [--host-mib 512] [--vms 100]`. Prints one JSON object.
 * 1. Measured: a host of `host-mib` MiB whose memory is filled by `vms` equal guests (20 % zero pages,
 *    which hold no frame, 30 % pages common to all guests — one of 64 contents, as identical OS pages are —
 *    and 50 % private pages), inter-VM sharing on (the table then holds shared entries as well as hints),
 *    scanned by the engine's `HostSharing` until every page was visited three times. Reported: the hash
 *    table's bytes (its slot array, exact) and entries, and the rest of the scanner's state (per-VM
 *    scan records, zero-page sets), measured as the growth of V8's heap across attach and scan after a
 *    full collection (approximate: V8's accounting; the table and the frames live outside that heap).
 * 2. Scaled to the target host (64 GiB, `vms` VMs): the engine's `SharingTable` filled with as many
 *    entries per host page as run 1 measured (16 Mi pages), its slot array's bytes exact; the per-VM
 *    state scaled linearly from run 1.
 */
import { cpus, loadavg } from 'node:os';
import { HostMemory } from '../src-main/engine/memory/index';
import { IncomingMemory } from '../src-main/engine/machine/index';
import { HostSharing, SharingTable } from '../src-main/engine/overcommit/index';
import { memReclamationOf } from '../src-shared/model/memoryReclamation';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const HOST_MIB = arg('host-mib', 512);
const VMS = arg('vms', 100);
const TARGET_BYTES = 64 * 1024 ** 3;
const PAGE = 4096;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc (the heap figures need a collection first)');

function used(): number {
  gc!();
  return process.memoryUsage().heapUsed;
}

function fill(page: Uint8Array, kind: number, key: number): void {
  page.fill(0);
  if (kind === 0) return;
  const dv = new DataView(page.buffer);
  let x = (key * 2 + 1) >>> 0;
  for (let i = 0; i < PAGE; i += 4) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; dv.setUint32(i, x, true); }
}

const hostPages = (HOST_MIB * 1024 * 1024) / PAGE;
const vmPages = Math.floor(hostPages / VMS);
const pool = new HostMemory({ capacityBytes: HOST_MIB * 1024 * 1024 });
const guests: IncomingMemory[] = [];
const page = new Uint8Array(PAGE);
for (let v = 0; v < VMS; v++) {
  const g = new IncomingMemory(pool, vmPages * PAGE);
  for (let p = 0; p < vmPages; p++) {
    const r = ((p * 2654435761) >>> 0) % 10;
    if (r < 2) continue; // a zero page: no frame, nothing for the scanner
    if (r < 5) fill(page, 1, p % 64); else fill(page, 2, v * 1e6 + p + 1e4);
    if (!g.writePage(p, page)) throw new Error('host pool full while filling');
  }
  guests.push(g);
}
const framesBefore = pool.framesAllocated;
const before = used();
const sharing = new HostSharing();
guests.forEach((g, v) => sharing.attach(`vm-${v}` as never, g, v + 1));
const settings = memReclamationOf({ interVmSharing: true, shareScanVmPagesPerSec: 1_000_000, shareScanTotalPagesPerSec: 10_000_000 });
const t0 = process.hrtime.bigint();
while (sharing.counters.scanned < 3 * VMS * vmPages) sharing.scan(1000, settings);
const scanS = Number(process.hrtime.bigint() - t0) / 1e9;
const framesAfter = pool.framesAllocated;
const after = used();
const tableBytes = sharing.metadataBytes;
const entries = (sharing as unknown as { table: SharingTable }).table.size;
// JS objects only (the table and the frames are array buffers, outside V8's heap); the raw change is
// reported too: it can be negative when the collection also freed garbage of the filling
const heapDelta = after - before;
const otherBytes = Math.max(0, heapDelta);
const hostBytes = HOST_MIB * 1024 * 1024;

// Scaled: the real table holding the same entries per host page, for 64 GiB.
const targetPages = TARGET_BYTES / PAGE;
const targetEntries = Math.round((entries / hostPages) * targetPages);
const big = new SharingTable();
for (let i = 0; i < targetEntries; i++) big.insert(Math.imul(i, 0x9e3779b1) | 0, (i * 2654435761) | 0, i & 0xfffff);
const bigTable = big.bytes;
const scaledOther = otherBytes * (TARGET_BYTES / hostBytes);

const pct = (b: number, of: number): number => Math.round((b / of) * 1e5) / 1e3;
console.log(JSON.stringify({
  benchmark: 'sharing-metadata',
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, loadavg: loadavg().map((x) => Math.round(x * 10) / 10) },
  measured: {
    hostMiB: HOST_MIB, vms: VMS, pagesPerVm: vmPages, scanned: sharing.counters.scanned, shared: sharing.counters.shared,
    zeroCollapsed: sharing.counters.zeroCollapsed, framesBefore, framesAfter, scanSeconds: Math.round(scanS * 100) / 100,
    tableEntries: entries, tableBytes, tablePercent: pct(tableBytes, hostBytes),
    heapDeltaBytes: heapDelta, otherStateBytesApprox: otherBytes, totalPercentApprox: pct(tableBytes + otherBytes, hostBytes),
  },
  scaledTo64GiB: {
    vms: VMS, entries: targetEntries, tableBytes: bigTable, tablePercent: pct(bigTable, TARGET_BYTES),
    otherStateBytesApprox: Math.round(scaledOther), totalPercentApprox: pct(bigTable + scaledOther, TARGET_BYTES),
    goalPercent: 0.5,
  },
}, null, 2));
