/**
 * The event log (Monitor › Tasks and Events › Events): what happened, in past tense, with severity.
 *
 * Rule: events are immutable once logged; ids increase with time.
 */
import type { EventId, ManagedEntityId, TaskId } from './ids';

export type EventSeverity = 'info' | 'warning' | 'error';

export interface EventDto {
  id: EventId;
  timeMs: number;
  severity: EventSeverity;
  /** Machine-readable type, e.g. `VmPoweredOnEvent`. */
  type: string;
  message: string;
  entityId?: ManagedEntityId;
  entityName?: string;
  taskId?: TaskId;
}
