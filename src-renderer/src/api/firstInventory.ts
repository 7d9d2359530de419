/**
 * The first `inventory.outline` and `inventory.get`, asked the moment the transport starts — before the
 * rest of the client is fetched and parsed — so that the engine builds and sends a large lab's inventory
 * while the page loads the code that shows it. The outline (the tree's fields: a fifth of the bytes at
 * 2,000 VMs) is asked first, so the navigator can show before the whole inventory has arrived.
 *
 * - `askFirstInventory(api)`: sends both queries and records every engine event from then on.
 * - `takeFirstInventory()` → `{ outline, answer, events }` once, then null: the two answers (promises)
 *   and the events that arrived since the queries were sent, in order; recording stops when it is taken.
 *
 * Rule: only the inventory store takes it, when it is created, and applies the recorded events as if it
 * had been listening since the query went out (so no `inventory.changed` between the answer and the
 * store's own subscription is lost). Any later load (reconnect, `lab.loaded`) asks anew.
 */
import type { HvlabApi } from '@shared/api/index';
import type { EngineEvent } from '@shared/api/events';
import type { InventoryDto } from '@shared/model/inventory';
import type { InventoryOutlineDto } from '@shared/model/inventoryOutline';

export interface FirstInventory {
  outline: Promise<InventoryOutlineDto>;
  answer: Promise<InventoryDto>;
  events: EngineEvent[];
}

let first: (FirstInventory & { stop: () => void }) | null = null;

export function askFirstInventory(api: HvlabApi): void {
  if (first) return;
  const events: EngineEvent[] = [];
  const stop = api.onEvent((e) => { events.push(e); });
  const outline = api.query('inventory.outline', {});
  const answer = api.query('inventory.get', {});
  // Taken later (or never, if no inventory store is created): a failure here must not be unhandled.
  outline.catch(() => undefined);
  answer.catch(() => undefined);
  first = { outline, answer, events, stop };
}

export function takeFirstInventory(): FirstInventory | null {
  if (!first) return null;
  const { outline, answer, events, stop } = first;
  stop();
  first = null;
  return { outline, answer, events };
}
