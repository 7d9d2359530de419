/**
 * The Lab: the whole simulated world behind the contract — inventory, tasks, event log, virtual clock and
 * counters — and the `advance(ms)` step that moves it forward in virtual time.
 *
 * - `new Lab(scenario, seed, emit)`; `advance(ms)`; fields `reg`, `tasks`, `events`, `clock`, `samples`.
 * - Power and lifecycle operations live in `vm/powerOps.ts`; the API handlers call them.
 *
 * Rules: deterministic (no wall clock, no Math.random); all time comes from `clock`; every change that
 * clients show is published through `emit`.
 */
import type { EngineEvent } from '@shared/api/events';
import type { ManagedEntityId } from '@shared/model/ids';
import { Registry } from '../cluster/registry';
import { TaskManager } from '../cluster/tasks';
import { EventLog } from '../cluster/eventLog';
import { VirtualClock } from '../sim/clock';
import { Rng } from '../sim/rng';
import { SampleStore, REALTIME_PERIOD_MS } from '../metrics/sampleStore';
import { buildInventory } from '../cluster/model';
import type { Scenario } from '../scenario/scenarioSchema';
import { uptimeMs } from '../vm/powerOps';

export class Lab {
  readonly reg = new Registry();
  readonly clock = new VirtualClock();
  readonly tasks: TaskManager;
  readonly events: EventLog;
  readonly samples = new SampleStore();
  readonly rng: Rng;
  /** vmop.* counters per cluster/datacenter id. */
  readonly vmops = new Map<ManagedEntityId, { poweron: number; poweroff: number }>();
  private nextSampleMs = REALTIME_PERIOD_MS;
  private changed = new Set<ManagedEntityId>();

  constructor(readonly scenario: Scenario, readonly seed: number, private readonly emit: (e: EngineEvent) => void) {
    this.rng = new Rng(seed);
    this.tasks = new TaskManager((task) => emit({ type: 'task.updated', task }));
    this.events = new EventLog((event) => emit({ type: 'event.logged', event }));
    buildInventory(this.reg, scenario, 0);
  }

  /** Marks entities changed; one `inventory.changed` is published per advance/command. */
  markChanged(...ids: ManagedEntityId[]): void {
    for (const id of ids) this.changed.add(id);
  }

  flushChanges(): void {
    if (this.changed.size === 0) return;
    const version = this.reg.touch();
    this.emit({ type: 'inventory.changed', version, entityIds: [...this.changed] });
    this.changed.clear();
  }

  /** Advances virtual time by `ms`, stopping at every task and sampling boundary on the way. */
  advance(ms: number): void {
    const target = this.clock.nowMs + ms;
    while (this.clock.nowMs < target) {
      let next = Math.min(target, this.nextSampleMs);
      const due = this.tasks.nextDueMs();
      if (due !== undefined && due > this.clock.nowMs) next = Math.min(next, due);
      this.clock.advanceTo(next);
      this.tasks.advance(this.clock.nowMs);
      if (this.clock.nowMs >= this.nextSampleMs) {
        this.sample(this.clock.nowMs);
        this.nextSampleMs += REALTIME_PERIOD_MS;
      }
    }
    this.tasks.advance(this.clock.nowMs);
    this.flushChanges();
  }

  vmop(entityId: ManagedEntityId | undefined, kind: 'poweron' | 'poweroff'): void {
    if (!entityId) return;
    const c = this.vmops.get(entityId) ?? { poweron: 0, poweroff: 0 };
    c[kind]++;
    this.vmops.set(entityId, c);
  }

  /** Takes one real-time sample of every counted counter for every entity (20 s period). */
  private sample(timeMs: number): void {
    for (const vm of this.reg.vms.values()) {
      if (vm.powerState !== 'poweredOn') continue;
      this.samples.record(vm.id, timeMs, { 'sys.uptime.latest': Math.floor(uptimeMs(vm, timeMs) / 1000) });
    }
    for (const host of this.reg.hosts.values()) {
      if (host.powerState !== 'poweredOn') continue;
      this.samples.record(host.id, timeMs, { 'sys.uptime.latest': Math.floor((timeMs - host.bootedAtMs) / 1000) });
    }
    for (const id of [...this.reg.clusters.keys(), ...this.reg.datacenters.keys()]) {
      const c = this.vmops.get(id) ?? { poweron: 0, poweroff: 0 };
      this.samples.record(id, timeMs, { 'vmop.numPoweron.latest': c.poweron, 'vmop.numPoweroff.latest': c.poweroff });
    }
    this.emit({ type: 'metrics.sampled', timeMs });
  }
}
