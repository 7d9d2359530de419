/**
 * captureOrders — the plain data of a capture (a memory snapshot, a suspended VM) crossing between the
 * coordinator and the owner of the host it was taken on (`HostOwner`'s "captures" group): the memory
 * image itself never crosses in the normal course; the coordinator holds a handle to it.
 *
 * - `CaptureHandle`: where an image is held: the owner of host `hostId`, under `captureId` (that owner's
 *   number, never reused by it).
 * - `CaptureImage`: the image itself: the machine's `GuestMachine.save()` (sharing its frames
 *   copy-on-write with the host's pool: cheap only where the memory is) and the bytes of the pages
 *   memory reclamation held away at capture. It crosses only when a capture starts on another host
 *   (`exportCapture` → `importCapture`), when a lab is saved (`HostSavePart.captures`) and when one is
 *   restored (`HostRestorePart.captures`): structured-cloneable, its buffers copied when it leaves the
 *   holder (the holder keeps its image) and transferable from that copy on.
 * - `GuestCaptureReply`: the owner's part of a capture: the handle (null: the VM runs no guest machine,
 *   so there is no image), the vCPUs' timing and the memory touched (the memory file's size).
 *
 * Rules: an image is released only by `releaseCapture` (the coordinator's last holder of the handle went);
 * a start from a handle on the same host reads the held image, leaving it held.
 */
import type { HostId } from '@shared/model/ids';
import type { CaptureTiming } from '../scheduler/index';
import type { CapturedPages } from '../overcommit/index';

export interface CaptureHandle {
  hostId: HostId;
  captureId: number;
}

export interface CaptureImage {
  /** `GuestMachine.save()` at capture. */
  guestState: unknown;
  /** The bytes of the pages memory reclamation held away at capture (not present in `guestState`). */
  reclaimed: CapturedPages | undefined;
}

/** The machine's part of a capture (the coordinator adds time base and console offset). */
export interface GuestCaptureReply {
  /** The image held by this host's owner; null when no guest machine runs here. */
  image: CaptureHandle | null;
  timing: CaptureTiming | undefined;
  touchedBytes: number;
}
