/**
 * Events pushed from the engine to every connected client, past tense (`task.updated`, not `updateTask`).
 *
 * Rule: events carry small payloads; for bulky data they say what changed and clients query it.
 */
import type { TaskDto } from '../model/task';
import type { EventDto } from '../model/eventLog';
import type { VmId } from '../model/ids';
import type { EntityUpdate } from '../model/inventoryChanges';
import type { SimStatus } from './commands';
import type { LabDocumentDto } from '../model/labDocument';

export type EngineEvent =
  /** A task was created or changed state/progress. */
  | { type: 'task.updated'; task: TaskDto }
  /**
   * Inventory objects changed, property by property (`model/inventoryChanges.ts`). `version` grows by
   * one per event from one feed: a client at `version - 1` applies `updates`; one further behind asks
   * `inventory.changesSince`.
   */
  | { type: 'inventory.changed'; version: number; updates: EntityUpdate[] }
  /** New real-time samples exist up to `timeMs`. */
  | { type: 'metrics.sampled'; timeMs: number }
  /** The virtual clock moved or run/pause/speed changed. */
  | { type: 'sim.ticked'; status: SimStatus }
  /** A VM's console printed text starting at `offset`. */
  | { type: 'console.output'; vmId: VmId; offset: number; text: string }
  /** An event was logged. */
  | { type: 'event.logged'; event: EventDto }
  /** The whole lab was replaced (scenario load): clients reset their stores. */
  | { type: 'lab.loaded'; scenario: string }
  /** The open lab's document changed: it was saved or opened under a name, or it got unsaved changes. */
  | { type: 'lab.document'; document: LabDocumentDto };
