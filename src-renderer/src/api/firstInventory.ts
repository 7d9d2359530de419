/**
 * The first `inventory.outline`, asked the moment the transport starts — before the rest of the client is
 * fetched and parsed — so that the engine builds and sends the navigator's data while the page loads the
 * code that shows it. The outline is the tree's fields (a fifth of the bytes at 2,000 VMs); the whole
 * inventory is asked by the inventory store once the outline is on screen (`stores/inventory.ts`), so its
 * answer (1.5 MB at 2,000 VMs: built, handed over and parsed) does not compete with the first paint.
 *
 * - `askFirstInventory(api)`: sends the query and records every engine event from then on.
 * - `takeFirstInventory()` → `{ outline, events }` once, then null: the answer (a promise) and the events
 *   that arrived since the query was sent, in order; recording stops when it is taken.
 *
 * Rule: only the inventory store takes it, when it is created, and applies the recorded events as if it
 * had been listening since the query went out (so no `inventory.changed` between the answer and the
 * store's own subscription is lost). Any later load (reconnect, `lab.loaded`) asks anew.
 */
import type { HvlabApi } from '@shared/api/index';
import type { EngineEvent } from '@shared/api/events';
import type { InventoryOutlineDto } from '@shared/model/inventoryOutline';

export interface FirstInventory {
  outline: Promise<InventoryOutlineDto>;
  events: EngineEvent[];
}

let first: (FirstInventory & { stop: () => void }) | null = null;

export function askFirstInventory(api: HvlabApi): void {
  if (first) return;
  const events: EngineEvent[] = [];
  const stop = api.onEvent((e) => { events.push(e); });
  const outline = api.query('inventory.outline', {});
  // Taken later (or never, if no inventory store is created): a failure here must not be unhandled.
  outline.catch(() => undefined);
  first = { outline, events, stop };
}

export function takeFirstInventory(): FirstInventory | null {
  if (!first) return null;
  const { outline, events, stop } = first;
  stop();
  first = null;
  return { outline, events };
}
