/**
 * migrationService — the lab's live migrations: the ones in flight (their mechanism and environment,
 * by task id) and the statistics of finished ones (for `migration.get` / `migration.list` and the
 * client's comparison view). A barrier service ('migrations') for its saved state only: the migration
 * tasks (`migrationTask.ts`) do the work at each barrier.
 *
 * Save / load mid-migration (docs/migration.md, "Saving a lab during a migration"): a saved lab keeps
 * every migration in flight as plain data — which VMs, the hosts, whether they were stopped for the
 * switchover (with their vCPU timing) and, in post-copy, the paused source machines (`save()`, copy-on-
 * write) and the pages still on the source. Loading it:
 *  - before the switch (setup, pre-copy, the stop): the migration is rolled back — the VMs run on the
 *    source as they were (a stopped VM is put back on its scheduler), the destination keeps nothing, and
 *    the task ends with an error saying so;
 *  - in post-copy (the VM already runs on the destination): the pages still on the source are delivered
 *    from the saved source copy at once, and the task completes (no virtual time passes for them; the
 *    statistics say so).
 */
import type { MigrationStats } from '@shared/model/migration';
import type { HostId, TaskId, VmId } from '@shared/model/ids';
import type { BarrierService } from '../sim/index';
import type { CaptureTiming } from '../scheduler/index';
import { clonePlain } from '../sim/index';
import type { LiveMigration } from './liveMigration';
import type { LabMigrationEnv } from './labMigrationEnv';
import type { PageCodecs } from './codecs';

/** Finished migrations kept for queries and the comparison view. */
const HISTORY = 200;

export interface InFlightMigration {
  migration: LiveMigration;
  env: LabMigrationEnv;
  framesNeeded: number;
}

export interface SavedInFlight {
  taskId: TaskId;
  vmIds: VmId[];
  sourceHostId: HostId;
  destHostId: HostId;
  phase: string;
  stopped: boolean;
  switched: boolean;
  timings: (CaptureTiming | null)[];
  /**
   * Post-copy: the paused source machines (`save()`), per VM the pages still on the source, and per VM
   * the bytes of source pages its host held outside the machine at the switch (memory reclamation;
   * absent in labs saved before it existed).
   */
  postcopy?: { sources: unknown[]; pages: number[][]; away?: [number, Uint8Array][][] };
  stats: MigrationStats;
}

export interface MigrationServiceState {
  history: MigrationStats[];
  inFlight: SavedInFlight[];
}

export class MigrationService implements BarrierService<MigrationServiceState | undefined> {
  readonly name = 'migrations';
  /** Labs saved before migrations existed have no state for this service: they restore with none in flight. */
  readonly stateOptional = true;
  readonly live = new Map<TaskId, InFlightMigration>();
  /** Migrations in flight when the lab was saved, waiting for their task's resume after a load. */
  readonly restored = new Map<TaskId, SavedInFlight>();
  history: MigrationStats[] = [];
  /** Describes a live migration for saving (set by the task module, which knows the stats' identity fields). */
  describe: ((taskId: TaskId, m: InFlightMigration) => MigrationStats) | undefined;

  constructor(readonly codecs: PageCodecs) {}

  /** Nothing in flight: quiet (a migration in flight steps in its task, which is never quiet meanwhile). */
  quietUntilMs(nowMs: number): number {
    return this.live.size === 0 && this.restored.size === 0 ? Infinity : nowMs;
  }

  atBarrier(): void {
    // The migration tasks step their migrations; this service only keeps them and their history.
  }

  record(stats: MigrationStats): void {
    this.history.push(stats);
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
  }

  /** Frames promised to migrations in flight towards `hostId` and not yet taken from its pool. */
  reservedFrames(hostId: HostId): number {
    let n = 0;
    for (const m of this.live.values()) if (m.env.destHostId === hostId) n += m.env.pendingFrames(m.framesNeeded);
    return n;
  }

  involving(hostId: HostId): TaskId[] {
    return [...this.live].filter(([, m]) => m.env.destHostId === hostId || m.env.sourceHostId === hostId).map(([id]) => id);
  }

  save(): MigrationServiceState {
    const inFlight: SavedInFlight[] = [];
    for (const [taskId, m] of this.live) {
      const env = m.env;
      const post = env.switched && m.migration.phase === 'postcopy';
      const held = post ? env.saveSources() : [];
      inFlight.push({
        taskId, vmIds: [...env.vmIds], sourceHostId: env.sourceHostId, destHostId: env.destHostId, phase: m.migration.phase,
        stopped: env.paused, switched: env.switched, timings: env.timings.map((t) => (t ? clonePlain(t) : null)),
        ...(post ? {
          postcopy: {
            sources: held.map((h) => h.state),
            pages: m.migration.bitmaps.map((b) => { const out: number[] = []; b.forEach((g) => out.push(g)); return out; }),
            away: held.map((h) => h.away),
          },
        } : {}),
        stats: clonePlain(this.describe ? this.describe(taskId, m) : ({} as MigrationStats)),
      });
    }
    return { history: clonePlain(this.history), inFlight };
  }

  restore(state: MigrationServiceState | undefined): void {
    this.live.clear();
    this.restored.clear();
    this.history = clonePlain(state?.history ?? []);
    for (const s of state?.inFlight ?? []) this.restored.set(s.taskId, s);
  }
}
