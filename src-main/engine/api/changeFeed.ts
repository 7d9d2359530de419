/**
 * changeFeed — the inventory change feed of one lab: turns "these entities changed" marks into
 * property-level updates (`model/inventoryChanges.ts`) under a growing version, publishes each batch as
 * one `inventory.changed` event, and answers `inventory.changesSince` from a bounded history.
 *
 * - `new ChangeFeed(lab, emit)` remembers every entity's DTO as it stands (the last published view).
 * - `publish(marked)`: diffs the marked entities and those whose DTOs derive from them (a VM's host and
 *   resource pool: `vmIds`; its datastores: `provisionedBytes`, `freeBytes`); when the clock has crossed a 20 s sample boundary, also the
 *   entities whose DTOs move with the clock without a mark — powered-on VMs (uptime, a guest going from
 *   running to halted) and hosts (uptime) — at the cadence vSphere refreshes its quick stats. Emits one
 *   event when anything changed; the version is the registry's, so it survives save and load.
 * - `since(version)` → the coalesced updates after `version`, or resync.
 *
 * Rules: every operation marks what it changes (`lab.markChanged`); the sweep covers only what changes
 * with time alone, because diffing all of a 2,000-VM lab costs about an `inventory.get`
 * (bench/change-feed.ts). The engine facade calls `publish` once per request and once per advance, so
 * clients see one event per step, never a half-done operation. Cached DTOs are replaced, never mutated,
 * and event payloads share them: listeners treat events as read-only (transports clone them anyway).
 */
import type { EngineEvent } from '@shared/api/events';
import { CHANGE_HISTORY_UPDATES } from '@shared/api/queries';
import type { EntityDto } from '@shared/model/inventory';
import type { InventoryObjectId, VmId } from '@shared/model/ids';
import { kindOfId } from '@shared/model/ids';
import { INTERVALS } from '@shared/model/metrics';
import type { EntityUpdate, InventoryChanges } from '@shared/model/inventoryChanges';
import { ChangeHistory, diffEntity } from '@shared/model/inventoryChanges';
import type { Lab } from '../lab/index';
import { entityToDto, inventoryToDto } from './toDto';

const SWEEP_PERIOD_MS = INTERVALS.realtime.periodSeconds * 1000;

export class ChangeFeed {
  private readonly published = new Map<string, EntityDto>();
  private readonly history: ChangeHistory;
  private sweptPeriod: number;

  constructor(private readonly lab: Lab, private readonly emit: (e: EngineEvent) => void) {
    const inv = inventoryToDto(lab);
    for (const list of [inv.datacenters, inv.clusters, inv.hosts, inv.vms, inv.datastores, inv.networks, inv.resourcePools ?? []]) {
      for (const x of list) this.published.set(x.id, x);
    }
    this.history = new ChangeHistory(lab.reg.version, CHANGE_HISTORY_UPDATES);
    this.sweptPeriod = Math.floor(lab.clock.nowMs / SWEEP_PERIOD_MS);
  }

  get version(): number {
    return this.history.version;
  }

  since(version: number): InventoryChanges {
    return this.history.since(version);
  }

  publish(marked: Iterable<InventoryObjectId>): void {
    const period = Math.floor(this.lab.clock.nowMs / SWEEP_PERIOD_MS);
    const ids = this.withDerived(marked);
    if (period !== this.sweptPeriod) {
      this.sweptPeriod = period;
      this.addClockDriven(ids);
    }
    const updates: EntityUpdate[] = [];
    for (const id of ids) {
      const before = this.published.get(id);
      const now = entityToDto(this.lab, id);
      const eid = id as InventoryObjectId;
      if (!now) {
        if (before) { this.published.delete(id); updates.push({ op: 'leave', id: eid }); }
      } else if (!before) {
        this.published.set(id, now);
        updates.push({ op: 'enter', id: eid, object: now });
      } else {
        const changes = diffEntity(before, now);
        if (changes.length) { this.published.set(id, now); updates.push({ op: 'modify', id: eid, changes }); }
      }
    }
    if (!updates.length) return;
    const version = this.lab.reg.touch();
    this.history.record(version, updates);
    this.emit({ type: 'inventory.changed', version, updates });
  }

  /** The marked ids plus the entities whose DTOs are computed from them, as they were and as they are. */
  private withDerived(marked: Iterable<InventoryObjectId>): Set<string> {
    const out = new Set<string>();
    for (const id of marked) {
      out.add(id);
      if (kindOfId(id) !== 'vm') continue;
      const was = this.published.get(id) as { hostId?: string; resourcePoolId?: string; disks?: { datastoreId: string }[] } | undefined;
      const vm = this.lab.reg.vms.get(id as VmId);
      for (const v of [was, vm]) {
        if (!v) continue;
        if (v.hostId) out.add(v.hostId);
        if (v.resourcePoolId) out.add(v.resourcePoolId);
        for (const d of v.disks ?? []) out.add(d.datastoreId);
      }
    }
    return out;
  }

  /** Entities whose DTOs change with the clock alone: powered-on VMs (uptime, guest run state) and hosts. */
  private addClockDriven(ids: Set<string>): void {
    for (const vm of this.lab.reg.vms.values()) if (vm.powerState === 'poweredOn') ids.add(vm.id);
    for (const id of this.lab.reg.hosts.keys()) ids.add(id);
  }
}
