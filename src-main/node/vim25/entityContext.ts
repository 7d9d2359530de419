/**
 * What property builders of inventory objects read besides their own DTO: the inventory model (names,
 * containment), the mirror (dates, snapshot trees, samples, tasks) and the product identity (`about`).
 */
import type { InventoryModel } from './inventoryModel';
import type { LabMirror } from './labMirror';
import type { VimValue } from './vimValues';

export interface EntityContext {
  model: InventoryModel;
  mirror: LabMirror;
  about: VimValue;
}
