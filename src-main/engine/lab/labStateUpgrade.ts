/**
 * labStateUpgrade — loads labs saved by the previous lab state format: `upgradeLabState(state, current)`
 * returns a state of the current version, or throws an Error whose message says the lab was saved by an
 * older (or newer) format this engine cannot read.
 *
 * Version 1 → 2 (the first format with resumable tasks): version 1 could not carry tasks in flight, and
 * loaded them as failed ("interrupted") with their objects as they were before — the upgrade does
 * exactly that, frees the busy flags they held, and moves the counter state (samples, vmop counts,
 * cluster usage range, next sample time, per-guest counter baselines) and the timeline into the barrier
 * services' states.
 */
import { apiError } from '@shared/api/errors';
import type { TaskDto } from '@shared/model/task';
import { isTaskFinished } from '@shared/model/task';
import type { LabState } from './labPersist';

type Loose = Record<string, unknown>;

export function upgradeLabState(state: LabState, current: number): LabState {
  const v = state.version;
  if (v === current) return state;
  if (typeof v !== 'number' || v > current) {
    throw new Error(`this lab was saved by a newer format (lab state version ${String(v)}); this engine reads versions 1 to ${current}`);
  }
  if (v === 1 && current === 2) return fromVersion1(state as unknown as Loose);
  throw new Error(`this lab was saved by an older format (lab state version ${v}) that this engine can no longer read (it reads versions 1 to ${current})`);
}

function fromVersion1(s: Loose): LabState {
  const clock = s.clock as { virtualTimeMs: number };
  const registry = s.registry as Loose;
  const hosts = (registry.hosts as Loose[]).map((h) => { const { busyTaskId: _b, ...rest } = h; return rest; });
  const vms = (registry.vms as Loose[]).map((x) => { const { busyTaskId: _b, ...rest } = x; return rest; });
  const oldTasks = s.tasks as { nextId: number; tasks: TaskDto[] };
  const tasks = oldTasks.tasks.map((dto) => (isTaskFinished(dto.state)
    ? { dto }
    : {
      dto: {
        ...dto, state: 'error' as const, completedAtMs: clock.virtualTimeMs, startedAtMs: dto.startedAtMs ?? clock.virtualTimeMs,
        error: apiError('E_CANCELLED', 'The task was interrupted: the lab was saved while it was in progress.'),
      },
    }));
  const runtimes = (s.runtimes as [string, Loose][]).map(([id, rt]) => {
    const { counterBase: _c, sampledSinceMs: _s, ...rest } = rt;
    return [id, rest];
  });
  const baselines = (s.runtimes as [string, Loose][]).map(([id, rt]) => [id, {
    counters: { ...(rt.counterBase as Record<string, number>) }, sinceMs: rt.sampledSinceMs as number,
  }]);
  return {
    format: s.format, version: 2, scenario: s.scenario, seed: s.seed, clock: s.clock, rng: s.rng, taskRng: s.taskRng,
    registry: { ...registry, hosts, vms, reservedNames: [] },
    events: s.events,
    services: {
      'guests.stopped': null,
      'collector.quantum': { clusterGrid: s.clusterGrid },
      timeline: s.timeline,
      tasks: { nextId: oldTasks.nextId, tasks },
      'collector.sample': { nextSampleMs: s.nextSampleMs, samples: s.samples, vmops: s.vmops, baselines },
    },
    layers: s.layers, runtimes, guests: s.guests, schedulers: s.schedulers,
  } as unknown as LabState;
}
