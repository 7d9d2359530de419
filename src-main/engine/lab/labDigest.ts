/**
 * labDigest — what "the final state" of a run is, as plain data to hash: inventory (with power and guest
 * states), each guest's own digest (registers + memory), snapshot trees, a content hash of every disk,
 * the whole counter history, tasks and events. The node side hashes it (sha256), so two runs of the same
 * scenario and seed can be compared byte for byte (`hvlab scenario run`).
 *
 * - `digestInput(lab)` → plain, JSON-safe data in a deterministic order. Each guest's part is its host's
 *   owner's (`HostOwner.digestPart`), placed in the lab's runtime order.
 * - `diskHash(chain)` → 64-bit FNV-1a of a disk's contents (hex), block by block in index order.
 */
import type { VmId } from '@shared/model/ids';
import type { Lab } from './lab';
import { inventoryToDto } from '../api/index';
import type { DiskChain } from '../snapshot/index';
import { liveDisks, type GuestDigestPart } from '../vm/index';

export function diskHash(d: DiskChain): string {
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  const blocks = [...d.flatten()].sort((a, b) => a[0] - b[0]);
  for (const [index, data] of blocks) {
    h1 = Math.imul(h1 ^ index, 0x01000193) >>> 0;
    for (let i = 0; i < data.length; i++) {
      h1 = Math.imul(h1 ^ data[i], 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ data[i] ^ (h1 >>> 11), 0x5bd1e995) >>> 0;
    }
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

/**
 * What the digest reads of every guest machine, from each host's owner's part (`HostOwner.digestPart`):
 * the owner hashes its machines' memory with the pages its own memory reclamation took away, so no page
 * crosses; only the digests come back.
 */
function guestDigests(lab: Lab): Map<VmId, GuestDigestPart> {
  const out = new Map<VmId, GuestDigestPart>();
  lab.owners.forEach((owner) => {
    for (const [vmId, g] of lab.hostParts(owner.digestPart()).guests) out.set(vmId, g);
  });
  return out;
}

export function digestInput(lab: Lab): unknown {
  // Orders queued on the hosts (CPU policy, throttle) are part of the state: applied before it is read.
  lab.drainHostOrders();
  const guests = guestDigests(lab);
  const vms = [...lab.runtimes].map(([id, rt]) => ({
    id,
    // guest-visible memory: pages the host took away (swapped, compressed, sampled) hash as their contents
    guest: guests.get(id) ?? null,
    offsetNs: rt.offsetNs,
    disks: liveDisks(lab.ops, id).map(diskHash),
    snapshots: rt.snapshots.toDto(id),
    console: rt.console.read(0).text,
    suspended: rt.suspended ? { captureGuestNs: rt.suspended.captureGuestNs, touchedBytes: rt.suspended.touchedBytes } : null,
  }));
  // Not the change-feed version: it counts publish steps, which follow how the host slices time
  // (one advance of 200 s or two of 100 s), not what the run did.
  const { version: _feedVersion, ...inventory } = inventoryToDto(lab);
  return {
    timeMs: lab.clock.nowMs,
    inventory,
    vms,
    samples: lab.collector.samples.save(),
    vmops: lab.collector.vmopEntries(),
    tasks: lab.tasks.list(100_000),
    events: lab.events.list(100_000),
  };
}
