/**
 * captureStore — the capture images a host's owner holds (`captureOrders.ts`), by the owner's capture
 * number: `put(image)` → a new number; `get(id)` (throws for an id not held: a handle that outlived its
 * release is a bug), `release(id)`, `entries()` in number order (a saved lab's part), `restore(entries)`
 * (a restored lab's part: its numbers kept, new ones after them), `size`.
 *
 * Rules: numbers start at 1 and are never reused by this store, so a stale handle is never confused with
 * a later capture.
 */
import type { CaptureImage } from './captureOrders';

export class CaptureStore {
  private readonly images = new Map<number, CaptureImage>();
  private lastId = 0;

  get size(): number {
    return this.images.size;
  }

  put(image: CaptureImage): number {
    const id = ++this.lastId;
    this.images.set(id, image);
    return id;
  }

  get(id: number): CaptureImage {
    const image = this.images.get(id);
    if (!image) throw new Error(`no capture ${id} is held here`);
    return image;
  }

  release(id: number): void {
    this.images.delete(id);
  }

  entries(): [number, CaptureImage][] {
    return [...this.images].sort((a, b) => a[0] - b[0]);
  }

  restore(entries: readonly [number, CaptureImage][]): void {
    for (const [id, image] of entries) {
      this.images.set(id, image);
      if (id > this.lastId) this.lastId = id;
    }
  }
}
