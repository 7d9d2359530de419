/**
 * opContext — what an operation may touch: the small context power, inventory, host and snapshot
 * operations (and their task kinds) receive instead of the whole Lab.
 *
 * `OpContext`:
 *  - `reg` (inventory, incl. names reserved by tasks in flight), `events` (the event log), `tasks` (start
 *    and cancel tasks; the kind table is the lab's, `lab/taskKinds.ts`);
 *  - time: `nowMs()`, `nowNs()`; `jitter(ms)` — a task duration with ±10 % seeded jitter;
 *  - VMs' running side: `runtime(vmId)`, `setRuntime(vmId, rt)`, `forgetVm(vmId)` (a deleted VM: its
 *    runtime and its counter history);
 *  - hosts: `host(hostId)` — the host's `HostOwner` (`vm/hostOwner.ts`; its calls, `HostOwnerCalls`: the owner or a
 *    client sending them as messages, `vm/ownerTransport.ts`): every order to its scheduler,
 *    memory pool and guest machines, with plain-data arguments and replies (start, stop, capture, pause,
 *    resume, overhead, guest shutdown / reboot; CPU policy and throttle queued until its next segment).
 *    The context holds no scheduler, pool or guest machine: they are the host's side (`host/hostSide.ts`);
 *  - guests: `guestFactory` (absent → VMs run no guest), `seed` (per-boot guest seeds derive from it);
 *  - `provisionedBytes(datastoreId)`: the space its VMs' disks and snapshots take (a clone checks room);
 *  - publishing: `markChanged(...ids)` (one `inventory.changed` per command / advance), `emit(event)`;
 *  - counters: `vmop(vm, kind)`, `guestStarted(vmId, counters)` (the collector's baseline),
 *    `netBytes(hostId, tx, rx)` (host network traffic: live-migration streams);
 *  - `powerOnProblem(vm, initiator)`: the cluster services' refusal of a power-on (HA admission control,
 *    an inaccessible datastore), or undefined; `standbyProblem(host)`: their refusal of standby mode (the
 *    failover capacity HA admission control keeps needs the host), or undefined.
 *  - `migrations`: the live migrations in flight and finished (engine/migration), with the host's codecs;
 *  - memory reclamation: `overcommit` (the seed a guest's reclamation starts with, put in its start
 *    order; a host whose owner replied it made its reclaimer: `engine/overcommit/`). The guest hooks and
 *    the pages out are the host owner's.
 *
 * Rule: operations change the lab only through this context (and the inventory objects in `reg`); who
 * asked is passed to them explicitly (`initiator`) and recorded on the tasks they start.
 */
import type { EngineEvent } from '@shared/api/events';
import type { ApiError } from '@shared/api/errors';
import type { DatastoreId, HostId, InventoryObjectId, ManagedEntityId, VmId } from '@shared/model/ids';
import type { GuestParamDto } from '@shared/model/guestParams';
import type { Host, Registry, Vm } from '../cluster/index';
import type { EventLog } from '../cluster/index';
import type { TaskManager } from '../tasks/index';
import type { GuestFactory } from '../vm/guestFactory';
import type { HostOwnerCalls, VmRuntime } from '../vm/index';
import type { VmopKind } from '../metrics/index';
import type { MigrationService } from '../migration/index';
import type { MemoryOvercommit } from '../overcommit/index';

export interface OpContext {
  readonly reg: Registry;
  readonly events: EventLog;
  readonly tasks: TaskManager<OpContext>;
  readonly guestFactory: GuestFactory | undefined;
  /** Guest programs a VM may name as its workload (the catalogue); undefined = not checked. */
  readonly workloads: ReadonlySet<string> | undefined;
  /** Each guest program's declared parameters (key, range), by program name; undefined = not checked. */
  readonly guestParams: ReadonlyMap<string, readonly GuestParamDto[]> | undefined;
  readonly seed: number;
  nowMs(): number;
  nowNs(): number;
  jitter(ms: number): number;
  runtime(vmId: VmId): VmRuntime;
  setRuntime(vmId: VmId, rt: VmRuntime): void;
  forgetVm(vmId: VmId): void;
  host(hostId: HostId): HostOwnerCalls | undefined;
  markChanged(...ids: InventoryObjectId[]): void;
  emit(event: EngineEvent): void;
  vmop(vm: Vm, kind: VmopKind): void;
  guestStarted(vmId: VmId, counters: Record<string, number>): void;
  powerOnProblem(vm: Vm, initiator: string): ApiError | undefined;
  standbyProblem(host: Host): ApiError | undefined;
  netBytes(hostId: HostId, tx: number, rx: number): void;
  /** Bytes provisioned on a datastore: its VMs' thick disks and snapshot deltas. */
  provisionedBytes(datastoreId: DatastoreId): number;
  readonly migrations: MigrationService;
  readonly overcommit: Pick<MemoryOvercommit, 'vmSeed' | 'reclaiming'>;
}
