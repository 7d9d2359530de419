/**
 * The lab's event log as vSphere events: each EventDto becomes the vim25 event type of the same name
 * (`VmPoweredOnEvent`, `EnteredMaintenanceModeEvent`, …) with its entity arguments; lab events vSphere has
 * no type for (a scenario action that failed, a failed task) become `EventEx` with `eventTypeId`
 * `hvlab.<type>` and the lab's severity.
 *
 * - `vimEvent(e, ctx)` → Event data object; `eventKey(e)` → the integer key (the lab id's number).
 * - `readEventFilter(arg)` + `eventMatches(e, filter, ctx)`: EventFilterSpec (entity + recursion,
 *   time range, eventTypeId / type names, userName of the chain's task, maxCount).
 */
import type { EventDto } from '@shared/model/eventLog';
import type { VimValue } from './vimValues';
import { data, dateTime, int, ref, str } from './vimValues';
import type { Arg, MoRefArg } from './soapArgs';
import type { InventoryModel, EntityNode } from './inventoryModel';
import type { LabMirror } from './labMirror';
import { taskInfo } from './taskMapping';

/** vim25 event types the lab logs under the same name. */
const VIM_EVENT_TYPES = new Set([
  'TaskEvent', 'VmBeingClonedEvent', 'VmBeingCreatedEvent', 'VmBeingDeployedEvent', 'VmClonedEvent', 'VmCreatedEvent',
  'VmDeployedEvent', 'VmFailedToPowerOnEvent', 'VmGuestOSCrashedEvent', 'VmGuestRebootEvent', 'VmGuestShutdownEvent',
  'VmPoweredOffEvent', 'VmPoweredOnEvent', 'VmReconfiguredEvent', 'VmRemovedEvent', 'VmRenamedEvent', 'VmResettingEvent',
  'VmResumingEvent', 'VmStartingEvent', 'VmStoppingEvent', 'VmSuspendedEvent', 'VmSuspendingEvent',
  'EnteringMaintenanceModeEvent', 'EnteredMaintenanceModeEvent', 'ExitMaintenanceModeEvent',
]);

export function vimEventType(labType: string): string {
  return VIM_EVENT_TYPES.has(labType) ? labType : 'EventEx';
}

export const eventKey = (e: EventDto): number => Number(e.id.slice('event-'.length));

export interface EventContext { model: InventoryModel; mirror: LabMirror }

function entityArgs(e: EventDto, ctx: EventContext): Record<string, VimValue | undefined> {
  const node = e.entityId ? ctx.model.node(e.entityId) : undefined;
  const out: Record<string, VimValue | undefined> = {};
  const dc = node?.dcId ? ctx.model.node(node.dcId) : undefined;
  if (dc) out.datacenter = data('DatacenterEventArgument', { name: str(dc.name), datacenter: ref('Datacenter', dc.id) });
  let hostNode: EntityNode | undefined;
  if (node?.type === 'HostSystem') hostNode = node;
  if (node?.vm?.hostId) hostNode = ctx.model.node(node.vm.hostId);
  const cr = hostNode?.parent;
  if (cr) out.computeResource = data('ComputeResourceEventArgument', { name: str(cr.name), computeResource: ref(cr.type, cr.id) });
  if (hostNode) out.host = data('HostEventArgument', { name: str(hostNode.name), host: ref('HostSystem', hostNode.id) });
  if (e.entityId?.startsWith('vm-')) {
    out.vm = data('VmEventArgument', { name: str(e.entityName ?? node?.name ?? e.entityId), vm: ref('VirtualMachine', e.entityId) });
  }
  return out;
}

export function vimEvent(e: EventDto, ctx: EventContext): VimValue {
  const type = vimEventType(e.type);
  const task = e.taskId ? ctx.mirror.task(e.taskId) : undefined;
  const base: Record<string, VimValue | undefined> = {
    key: int(eventKey(e)),
    chainId: int(e.taskId ? Number(e.taskId.slice('task-'.length)) : eventKey(e)),
    createdTime: dateTime(ctx.mirror.toDateMs(e.timeMs)),
    userName: str(task?.initiator ?? ''),
    ...entityArgs(e, ctx),
    fullFormattedMessage: str(e.message),
  };
  if (type === 'TaskEvent' && task) base.info = taskInfo(task, ctx.mirror);
  if (type === 'EventEx') {
    base.eventTypeId = str(`hvlab.${e.type}`);
    base.severity = str(e.severity);
    base.message = str(e.message);
    if (e.entityId) { base.objectId = str(e.entityId); base.objectName = str(e.entityName ?? e.entityId); }
  }
  return data(type, base);
}

export interface EventFilter {
  entity?: MoRefArg;
  recursion: 'self' | 'children' | 'all';
  beginMs?: number;
  endMs?: number;
  types: string[];
  userNames: string[];
  maxCount?: number;
  chainId?: number;
}

export function readEventFilter(a: Arg | undefined): EventFilter {
  if (!a) return { recursion: 'all', types: [], userNames: [] };
  const ent = a.child('entity');
  const time = a.child('time');
  const user = a.child('userName');
  return {
    entity: ent?.needRef('entity'),
    recursion: (ent?.str('recursion') as EventFilter['recursion'] | undefined) ?? 'all',
    beginMs: time?.dateTimeMs('beginTime'),
    endMs: time?.dateTimeMs('endTime'),
    types: [...a.strs('type'), ...a.strs('eventTypeId')],
    userNames: user ? user.strs('userList') : [],
    maxCount: a.int('maxCount', 1, 1_000_000),
    chainId: a.int('eventChainId'),
  };
}

function within(model: InventoryModel, id: string | undefined, root: MoRefArg, recursion: EventFilter['recursion']): boolean {
  if (!id) return false;
  if (id === root.id) return recursion !== 'children';
  if (recursion === 'self') return false;
  let n = model.node(id);
  // A VM also lives under its host and pool; walk the folder path and the host path.
  const seen = new Set<string>();
  const up = (start: EntityNode | undefined, depth: number): boolean => {
    for (let x = start?.parent, d = 1; x; x = x.parent, d++) {
      if (seen.has(x.id)) break;
      seen.add(x.id);
      if (x.id === root.id) return recursion === 'all' || d === depth;
    }
    return false;
  };
  if (up(n, 1)) return true;
  if (n?.vm?.hostId) { n = model.node(n.vm.hostId); if (n && (n.id === root.id || up(n, 2))) return recursion === 'all' || n.id === root.id; }
  if (n?.owner && up(n.owner, 2)) return true;
  return false;
}

export function eventMatches(e: EventDto, f: EventFilter, ctx: EventContext): boolean {
  if (f.types.length && !f.types.includes(vimEventType(e.type)) && !f.types.includes(`hvlab.${e.type}`) && !f.types.includes(e.type)) return false;
  const t = ctx.mirror.toDateMs(e.timeMs);
  if (f.beginMs !== undefined && t < f.beginMs) return false;
  if (f.endMs !== undefined && t > f.endMs) return false;
  if (f.chainId !== undefined && !(e.taskId && Number(e.taskId.slice(5)) === f.chainId)) return false;
  if (f.userNames.length) {
    const task = e.taskId ? ctx.mirror.task(e.taskId) : undefined;
    if (!task || !f.userNames.includes(task.initiator)) return false;
  }
  if (f.entity && !within(ctx.model, e.entityId, f.entity, f.recursion)) return false;
  return true;
}
