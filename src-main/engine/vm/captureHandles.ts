/**
 * captureHandles — the coordinator's side of captures whose memory images stay with the owner of the host
 * they were taken on (`captureOrders.ts`; the coordinator's `GuestCapture` holds a handle, never an image).
 *
 * - `startImage(ctx, owner, image)` → the capture number the starting host's owner restores from, and what
 *   to do once the start is over: on the holder's host, the held image (nothing to do after); on another
 *   host, the image exported by the holder and imported by the starting owner (`exportCapture` →
 *   `importCapture`: the same bytes, so the same results), released there after the start (the machine
 *   built from it holds its own copy; the holder keeps the image for the next start).
 * - `releaseDropped(ctx, rt, dropped)`: the images of captures in `dropped` that the VM's runtime no longer
 *   holds (neither its suspended state nor a snapshot: one capture may be both) released by their holders;
 *   `dropSuspended(ctx, rt)`: the VM's suspended state is over (resumed, discarded, replaced by a revert):
 *   cleared, its image released unless a snapshot holds it too; `releaseAll(ctx, rt)`: every capture of a
 *   VM that goes.
 * - `savedCapture(c, image)`: a capture in a saved lab's format (`SavedGuestCapture`, its fields in the order
 *   the format always had), its image from the holder's save part.
 * - `CaptureIntake`: a restored lab's captures given handles: each image goes to the owner of the host the
 *   VM is on (`take`), gathered per host for the host's restore part (`imagesFor`).
 *
 * Rules: a saved lab does not record where a capture was taken, and hosts are never removed from a lab, so
 * a restored capture is held by the owner of the VM's host (where a revert or resume starts it; any other
 * host gets it by export on start, as before restore); a VM on no host known to the lab has its captures
 * held by the lab's first host (its captures load as before: such a VM cannot start). A saved capture
 * held twice (suspended state and snapshot: one object in the file) gets one handle.
 */
import type { HostId } from '@shared/model/ids';
import type { Registry, Vm } from '../cluster/index';
import type { OpContext } from '../lab/index';
import type { GuestCapture, SavedGuestCapture } from '../snapshot/index';
import type { CaptureHandle, CaptureImage } from './captureOrders';
import type { HostOwnerCalls } from './ownerCalls';
import type { VmRuntime } from './vmRuntime';

type HostOf = Pick<OpContext, 'host'>;

function holderOf(ctx: HostOf, image: CaptureHandle): HostOwnerCalls {
  const holder = ctx.host(image.hostId);
  if (!holder) throw new Error(`host ${image.hostId}, which holds a capture, is not in the lab`);
  return holder;
}

/** The capture number `owner` starts from, and the clean-up after the start. */
export function startImage(ctx: HostOf, owner: HostOwnerCalls, image: CaptureHandle): { captureId: number; done: () => void } {
  if (image.hostId === owner.hostId) return { captureId: image.captureId, done: () => {} };
  const here = owner.importCapture(holderOf(ctx, image).exportCapture(image.captureId));
  return { captureId: here.captureId, done: () => owner.releaseCapture(here.captureId) };
}

/** Releases the images of the captures in `dropped` that the VM holds no longer. */
export function releaseDropped(ctx: HostOf, rt: VmRuntime, dropped: Iterable<GuestCapture | undefined>): void {
  const held = rt.captures();
  const released = new Set<GuestCapture>();
  for (const c of dropped) {
    if (!c?.image || held.has(c) || released.has(c)) continue;
    released.add(c);
    holderOf(ctx, c.image).releaseCapture(c.image.captureId);
  }
}

/** The suspended state is over (resumed, discarded or replaced): its image goes unless a snapshot holds it too. */
export function dropSuspended(ctx: HostOf, rt: VmRuntime): void {
  const was = rt.suspended;
  rt.suspended = undefined;
  releaseDropped(ctx, rt, [was]);
}

/** The VM goes: every image it holds is released. */
export function releaseAll(ctx: HostOf, rt: VmRuntime): void {
  for (const c of rt.captures()) if (c.image) holderOf(ctx, c.image).releaseCapture(c.image.captureId);
}

/** A capture as a saved lab holds it: the image (from its holder's save part) in place of the handle. */
export function savedCapture(c: GuestCapture, image: (handle: CaptureHandle) => CaptureImage): SavedGuestCapture {
  const held = c.image ? image(c.image) : { guestState: null, reclaimed: undefined };
  return {
    guestState: held.guestState, timing: c.timing, bootGuestNs: c.bootGuestNs, captureGuestNs: c.captureGuestNs,
    touchedBytes: c.touchedBytes, consoleOffset: c.consoleOffset, reclaimed: held.reclaimed,
  };
}

/** A restored lab's captures: handles given, images gathered per host for the hosts' restore parts. */
export class CaptureIntake {
  private readonly taken = new Map<SavedGuestCapture, GuestCapture>();
  private readonly images = new Map<HostId, [number, CaptureImage][]>();

  constructor(private readonly reg: Registry) {}

  take(vm: Vm, saved: SavedGuestCapture): GuestCapture {
    const known = this.taken.get(saved);
    if (known) return known;
    const c: GuestCapture = {
      image: saved.guestState === null ? null : this.hold(vm, { guestState: saved.guestState, reclaimed: saved.reclaimed as CaptureImage['reclaimed'] }),
      timing: saved.timing, bootGuestNs: saved.bootGuestNs, captureGuestNs: saved.captureGuestNs, touchedBytes: saved.touchedBytes,
      consoleOffset: saved.consoleOffset,
    };
    this.taken.set(saved, c);
    return c;
  }

  /** The images for host `hostId`'s owner to hold, by the numbers their handles were given. */
  imagesFor(hostId: HostId): [number, CaptureImage][] {
    return this.images.get(hostId) ?? [];
  }

  private hold(vm: Vm, image: CaptureImage): CaptureHandle {
    const hostId = vm.hostId && this.reg.hosts.has(vm.hostId) ? vm.hostId : this.reg.hosts.keys().next().value;
    if (hostId === undefined) throw new Error(`lab state has a captured guest of ${vm.name}, but no host to hold it`);
    let list = this.images.get(hostId);
    if (!list) this.images.set(hostId, (list = []));
    const captureId = list.length + 1;
    list.push([captureId, image]);
    return { hostId, captureId };
  }
}
