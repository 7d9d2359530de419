/**
 * migrationTask — live migration as the lab runs it: the `vm.migrate` command's checks, the task kind
 * `vm.migrate` ("Relocate virtual machine") that steps a `LiveMigration` at every barrier (and at the
 * times it asks for: the end of setup, the end of the switchover, the post-copy grid), its events and
 * counters, its cancel, and its resume after a lab is loaded.
 *
 * - `startMigration(ctx, spec, initiator)` → `{ taskId }` or a typed error naming the field: the VM
 *   (and the gang) must be powered on, on one host, free of other tasks; the destination powered on,
 *   connected, not in (or entering) maintenance mode, with hardware assist for `hw` VMs, the same CPU
 *   clock, and room for the VMs' memory and overhead (counting migrations already on their way there);
 *   the options valid (`resolveMigrationOptions`), compression only with the host's codecs.
 * - Events: "Migrating VM from A to B" (VmBeingMigratedEvent), "Migration of VM from A to B completed"
 *   (VmMigratedEvent), "Cannot migrate VM from A to B: why" (VmFailedMigrateEvent, an error), a warning
 *   when pre-copy is not converging. Counters: `vmop.numVMotion.latest` on the destination's cluster
 *   and datacenter at completion; `net.*` on both hosts (the stream's bytes, the return path).
 * - A destination that crashes (a simulated power loss) before the switch ends the migration in error; the
 *   VM goes on running on the source (after the switch the VM is the destination's, and stops with it).
 * - Serialised with everything else on the VM through its busy flag: power operations, snapshots,
 *   Edit Settings and another migration are refused while it runs (and it is refused while they run).
 * - `migrationStats(ctx, taskId)`, `listMigrations(ctx, vmId?)`: the live or final statistics.
 */
import type { ApiError } from '@shared/api/errors';
import { apiError } from '@shared/api/errors';
import type { HostId, TaskId, VmId } from '@shared/model/ids';
import { OPERATION_NAMES } from '@shared/model/taskNames';
import { isOptionsProblem, resolveMigrationOptions } from '@shared/model/migration';
import type { MigrationOptions, MigrationStats } from '@shared/model/migration';
import type { OpContext } from '../lab/index';
import type { Vm } from '../cluster/index';
import type { TaskKind, TaskView } from '../tasks/index';
import { LiveMigration } from './liveMigration';
import { LabMigrationEnv } from './labMigrationEnv';
import { framesNeeded, hostProblem, vmProblem } from './compatibility';
import type { InFlightMigration } from './migrationService';
import { resumeGuest } from '../vm/index';
import { configOf } from '../vm/index';

export interface MigrateSpec {
  vmId: VmId;
  hostId: HostId;
  options?: Partial<MigrationOptions>;
  /** Other VMs on the same host migrated together (gang migration). */
  gang?: VmId[];
}

export interface MigrateTaskState {
  vmIds: VmId[];
  sourceHostId: HostId;
  destHostId: HostId;
  options: MigrationOptions;
  netTx: number;
  netRx: number;
  warnedNonConvergence?: boolean;
  /** Loaded in post-copy and completed from the saved source copy. */
  completedAtLoad?: boolean;
  /** The statistics, kept once the migration ended (for the task's result). */
  final?: MigrationStats;
}

const MS = 1e6;

function vmsOf(ctx: OpContext, ids: readonly VmId[]): Vm[] {
  return ids.map((id) => ctx.reg.vms.get(id)).filter((v): v is Vm => v !== undefined);
}

export function checkMigration(ctx: OpContext, spec: MigrateSpec): { vms: Vm[]; options: MigrationOptions } | { error: ApiError } {
  const vm = ctx.reg.vms.get(spec.vmId);
  if (!vm) return { error: apiError('E_NOT_FOUND', `no VM ${spec.vmId}`, 'params.vmId') };
  const host = ctx.reg.hosts.get(spec.hostId);
  if (!host) return { error: apiError('E_NOT_FOUND', `no host ${spec.hostId}`, 'params.hostId') };
  const opts = resolveMigrationOptions(spec.options);
  if (isOptionsProblem(opts)) return { error: apiError('E_INVALID_ARGUMENT', opts.message, `params.options.${opts.field}`) };
  if (opts.compression !== 'none' && !ctx.migrations.codecs.available(opts.compression)) {
    return { error: apiError('E_INVALID_ARGUMENT', `compression ${opts.compression} needs the host's codecs, which this engine was started without`, 'params.options.compression') };
  }
  const vms = [vm];
  const p = vmProblem(ctx, vm);
  if (p) return { error: p };
  for (const [i, id] of (spec.gang ?? []).entries()) {
    const other = ctx.reg.vms.get(id);
    const field = `params.gang[${i}]`;
    if (!other) return { error: apiError('E_NOT_FOUND', `no VM ${id}`, field) };
    if (vms.includes(other)) return { error: apiError('E_INVALID_ARGUMENT', `${other.name} is listed twice`, field) };
    const q = vmProblem(ctx, other, field);
    if (q) return { error: q };
    if (other.hostId !== vm.hostId) return { error: apiError('E_INVALID_ARGUMENT', `${other.name} runs on another host than ${vm.name}: a gang migrates from one host`, field) };
    vms.push(other);
  }
  const hp = hostProblem(ctx, vms, host, 'params.hostId', ctx.migrations.reservedFrames(host.id));
  if (hp) return { error: hp };
  return { vms, options: opts };
}

export function startMigration(ctx: OpContext, spec: MigrateSpec, initiator: string): { taskId: TaskId } | { error: ApiError } {
  const c = checkMigration(ctx, spec);
  if ('error' in c) return c;
  const vm = c.vms[0];
  const taskId = ctx.tasks.start<MigrateTaskState>(ctx.nowMs(), {
    kind: 'vm.migrate', operation: 'vm.migrate', name: OPERATION_NAMES['vm.migrate'], targetId: vm.id, targetName: vm.name, initiator,
    state: { vmIds: c.vms.map((v) => v.id), sourceHostId: vm.hostId!, destHostId: spec.hostId, options: c.options, netTx: 0, netRx: 0 },
  });
  for (const v of c.vms) v.busyTaskId = taskId;
  return { taskId };
}

function names(ctx: OpContext, s: MigrateTaskState): { vm: string; src: string; dst: string } {
  const vms = vmsOf(ctx, s.vmIds).map((v) => v.name);
  return { vm: vms.length > 1 ? `${vms[0]} (with ${vms.slice(1).join(', ')})` : vms[0] ?? s.vmIds[0], src: ctx.reg.nameOf(s.sourceHostId), dst: ctx.reg.nameOf(s.destHostId) };
}

/** The statistics of a live migration, with its identity. */
function describe(ctx: OpContext, taskId: TaskId, s: MigrateTaskState, m: LiveMigration): MigrationStats {
  const vm = ctx.reg.vms.get(s.vmIds[0]);
  const st = m.stats(ctx.nowNs());
  const nonConvergence = m.convergenceProblem();
  return {
    taskId, vmId: s.vmIds[0], vmName: vm?.name ?? s.vmIds[0], gang: s.vmIds.slice(1), sourceHostId: s.sourceHostId,
    destinationHostId: s.destHostId, options: { ...s.options }, ...st, ...(nonConvergence ? { nonConvergence } : {}),
  } as MigrationStats;
}

function reportNet(ctx: OpContext, s: MigrateTaskState, m: LiveMigration): void {
  const tx = m.link.wireBytes;
  const rx = m.counters.returnBytes;
  if (tx > s.netTx || rx > s.netRx) {
    // The stream leaves the source and arrives at the destination; the return path goes the other way.
    ctx.netBytes(s.sourceHostId, tx - s.netTx, rx - s.netRx);
    ctx.netBytes(s.destHostId, rx - s.netRx, tx - s.netTx);
    s.netTx = tx;
    s.netRx = rx;
  }
}

function progressOf(m: LiveMigration): number {
  const total = m.ramBytes;
  if (m.phase === 'postcopy') return 95 + 4 * (1 - m.remainingPages * 4096 / Math.max(1, total));
  if (m.phase === 'stopped') return 95;
  const sent = m.link.payloadBytes;
  const remaining = m.remainingPages * 4096;
  return Math.min(94, (90 * sent) / Math.max(1, sent + remaining));
}

function live(ctx: OpContext, task: TaskView<MigrateTaskState>): InFlightMigration | undefined {
  return ctx.migrations.live.get(task.id);
}

export const MIGRATE_TASK_KIND: TaskKind<MigrateTaskState, OpContext> = {
  start(ctx, task, nowMs) {
    const s = task.state;
    const vms = vmsOf(ctx, s.vmIds);
    if (vms.length !== s.vmIds.length) return { status: 'error', error: apiError('E_NOT_FOUND', 'a VM of this migration no longer exists', 'params.vmId') };
    for (const vm of vms) if (vm.busyTaskId === task.id) vm.busyTaskId = undefined;
    const again = checkMigration(ctx, { vmId: s.vmIds[0], hostId: s.destHostId, options: s.options, gang: s.vmIds.slice(1) });
    for (const vm of vms) vm.busyTaskId = task.id;
    if ('error' in again) return { status: 'error', error: again.error };
    let env: LabMigrationEnv;
    try {
      env = new LabMigrationEnv(ctx, s.vmIds, s.sourceHostId, s.destHostId);
    } catch (e) {
      return { status: 'error', error: apiError('E_INSUFFICIENT_RESOURCES', e instanceof Error ? e.message : String(e), 'params.hostId') };
    }
    const m = new LiveMigration(env, ctx.migrations.codecs, s.options, nowMs * MS);
    ctx.migrations.live.set(task.id, { migration: m, env, framesNeeded: framesNeeded(vms) });
    ctx.migrations.describe ??= (id, l) => describe(ctx, id, liveState(ctx, id)!, l.migration);
    const n = names(ctx, s);
    for (const vm of vms) {
      ctx.events.log(nowMs, 'info', 'VmBeingMigratedEvent', `Migrating ${vm.name} from ${n.src} to ${n.dst}`, { id: vm.id, name: vm.name }, task.id);
    }
    return stepMigration(ctx, task, nowMs);
  },
  step: (ctx, task, nowMs) => stepMigration(ctx, task, nowMs),
  cancel(ctx, task, nowMs) {
    const l = live(ctx, task);
    if (!l) return;
    l.migration.cancel(nowMs * MS);
    l.env.releaseDestination();
    task.state.final = describe(ctx, task.id, task.state, l.migration);
  },
  refuseCancel(ctx, task) {
    const l = live(ctx, task);
    if (l && !l.migration.cancellable) {
      return apiError('E_INVALID_STATE', `${task.dto.targetName} already runs on ${ctx.reg.nameOf(task.state.destHostId)} (post-copy): a post-copy migration cannot be cancelled, only finished.`, 'params.taskId');
    }
    return undefined;
  },
  finished(ctx, task, dto) {
    const s = task.state;
    const l = live(ctx, task);
    for (const vm of vmsOf(ctx, s.vmIds)) if (vm.busyTaskId === task.id) vm.busyTaskId = undefined;
    if (l) {
      if (l.migration.isFinished() === false) { l.migration.cancel(ctx.nowNs(), dto.error?.message ?? 'the task ended'); }
      if (l.migration.status !== 'completed' && !l.migration.vmLost) l.env.releaseDestination();
      reportNet(ctx, s, l.migration);
      s.final ??= describe(ctx, task.id, s, l.migration);
      ctx.migrations.live.delete(task.id);
    }
    if (s.final) ctx.migrations.record(s.final);
    const n = names(ctx, s);
    const first = ctx.reg.vms.get(s.vmIds[0]);
    const ent = first ? { id: first.id, name: first.name } : { id: s.vmIds[0], name: s.vmIds[0] };
    if (dto.state === 'success') {
      for (const vm of vmsOf(ctx, s.vmIds)) {
        ctx.events.log(ctx.nowMs(), 'info', 'VmMigratedEvent', `Migration of ${vm.name} from ${n.src} to ${n.dst} completed`, { id: vm.id, name: vm.name }, task.id);
        ctx.vmop(vm, 'vmotion');
      }
    } else if (dto.state === 'error') {
      ctx.events.log(ctx.nowMs(), 'error', 'VmFailedMigrateEvent', `Cannot migrate ${n.vm} from ${n.src} to ${n.dst}: ${dto.error?.message ?? 'failed'}`, ent, task.id);
    }
    ctx.markChanged(...s.vmIds, s.sourceHostId, s.destHostId);
  },
  resume(ctx, task) {
    const saved = ctx.migrations.restored.get(task.id);
    ctx.migrations.restored.delete(task.id);
    const s = task.state;
    const vms = vmsOf(ctx, s.vmIds);
    if (!saved) return apiError('E_CANCELLED', 'The migration was interrupted: the lab was loaded without its state; the VM stays where it was.');
    if (saved.switched && saved.postcopy) {
      // Post-copy: the VM runs on the destination; deliver what was still on the source from the saved copy,
      // read by the source host's owner (the paused source rebuilt there for a moment) and supplied by the
      // destination's to the pages its machine still misses.
      const srcOwner = ctx.host(s.sourceHostId);
      const destOwner = ctx.host(s.destHostId);
      const host = ctx.reg.hosts.get(s.sourceHostId);
      if (!ctx.guestFactory || !srcOwner || !destOwner || !host) return apiError('E_INTERNAL', 'no guest factory or source host to finish the post-copy migration');
      vms.forEach((vm, i) => {
        if (!destOwner.hasMachine(vm.id)) return;
        const rt = ctx.runtime(vm.id);
        const pages = destOwner.missingPages(vm.id, saved.postcopy!.pages[i]);
        destOwner.supplyPages(vm.id, srcOwner.readSavedSource({
          vmId: vm.id, config: configOf(vm, rt, undefined, rt.bootGuestNs), state: saved.postcopy!.sources[i],
          away: saved.postcopy!.away?.[i] ?? [], pages, hostClockHz: host.cpuMhz * 1e6,
        }));
      });
      s.completedAtLoad = true;
      s.final = { ...saved.stats, status: 'completed', 'error-desc': 'the lab was saved in post-copy and loaded: the pages still on the source were delivered from the saved copy at load, in no virtual time' } as MigrationStats;
      return undefined;
    }
    // Before the switch: roll back. A VM stopped for the switchover runs again on the source.
    vms.forEach((vm, i) => {
      if (saved.stopped && ctx.host(s.sourceHostId)?.hasMachine(vm.id)) resumeGuest(ctx, vm, saved.timings[i] ?? undefined);
      ctx.host(s.sourceHostId)?.setThrottle(vm.id, 0);
    });
    s.final = { ...saved.stats, status: 'cancelled', 'error-desc': 'rolled back: the lab was saved during the migration and loaded; the VM runs on the source host' } as MigrationStats;
    return apiError('E_CANCELLED', `The migration was rolled back when the lab was loaded: ${vms.map((v) => v.name).join(', ')} ${vms.length > 1 ? 'run' : 'runs'} on ${ctx.reg.nameOf(s.sourceHostId)} as before.`);
  },
};

function stepMigration(ctx: OpContext, task: TaskView<MigrateTaskState>, nowMs: number): ReturnType<TaskKind<MigrateTaskState, OpContext>['step']> {
  const s = task.state;
  if (s.completedAtLoad) return { status: 'success', result: summary(s) };
  const l = live(ctx, task);
  if (!l) return { status: 'error', error: apiError('E_INTERNAL', 'the migration is gone') };
  const m = l.migration;
  // A destination that lost power before the switch ends the migration: the VM goes on running on the source.
  const dest = ctx.reg.hosts.get(s.destHostId);
  if (dest?.fault?.kind === 'crash' && m.cancellable) {
    const why = `the destination host ${dest.name} failed (power loss) during the migration; the VM runs on ${ctx.reg.nameOf(s.sourceHostId)} as before`;
    m.cancel(nowMs * MS, why);
    s.final = describe(ctx, task.id, s, m);
    return { status: 'error', error: apiError('E_INVALID_STATE', why, 'params.hostId') };
  }
  const out = m.step(nowMs * MS);
  reportNet(ctx, s, m);
  if (!s.warnedNonConvergence && m.convergenceProblem()) {
    s.warnedNonConvergence = true;
    const vm = ctx.reg.vms.get(s.vmIds[0]);
    if (vm) ctx.events.log(nowMs, 'warning', 'VmMigrationNotConvergingEvent', `Migration of ${vm.name} is not converging: ${m.convergenceProblem()}`, { id: vm.id, name: vm.name }, task.id);
  }
  if (out.done) {
    s.final = describe(ctx, task.id, s, m);
    if (m.status === 'completed') return { status: 'success', result: summary(s) };
    const code = m.status === 'cancelled' ? 'E_CANCELLED' : 'E_INTERNAL';
    return { status: 'error', error: apiError(code, m.errorDesc ?? m.status) };
  }
  const wakeAtMs = out.wakeNs !== undefined ? Math.max(nowMs + 0.001, Math.ceil(out.wakeNs / MS)) : undefined;
  return { status: 'running', progress: progressOf(m), ...(wakeAtMs !== undefined ? { wakeAtMs } : {}), eachBarrier: true };
}

function summary(s: MigrateTaskState): unknown {
  const f = s.final;
  return f ? { vmId: f.vmId, hostId: s.destHostId, downtimeMs: f.downtime, totalTimeMs: f['total-time'], verified: f.verified } : { hostId: s.destHostId };
}

export function migrationStats(ctx: OpContext, taskId: TaskId): MigrationStats | undefined {
  const l = ctx.migrations.live.get(taskId);
  if (l) return describe(ctx, taskId, liveState(ctx, taskId)!, l.migration);
  return ctx.migrations.history.find((h) => h.taskId === taskId);
}

/** The task state of a live migration (the task manager owns it). */
function liveState(ctx: OpContext, taskId: TaskId): MigrateTaskState | undefined {
  const l = ctx.migrations.live.get(taskId);
  if (!l) return undefined;
  return {
    vmIds: [...l.env.vmIds], sourceHostId: l.env.sourceHostId, destHostId: l.env.destHostId, options: l.migration.options, netTx: 0, netRx: 0,
  };
}

export function listMigrations(ctx: OpContext, vmId?: VmId): MigrationStats[] {
  const out: MigrationStats[] = [];
  for (const h of ctx.migrations.history) if (!vmId || h.vmId === vmId || h.gang.includes(vmId)) out.push(h);
  for (const id of ctx.migrations.live.keys()) {
    const st = migrationStats(ctx, id);
    if (st && (!vmId || st.vmId === vmId || st.gang.includes(vmId))) out.push(st);
  }
  return out;
}
