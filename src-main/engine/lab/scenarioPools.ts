/**
 * scenarioPools — a scenario's resource pools (`resourcePools` of each cluster) built when the lab is
 * built, through the same operations as `resourcePool.create` and `vm.moveToPool`, before the VMs the
 * scenario powers on start (so they start under their pools' shares).
 *
 * Interface: `buildScenarioPools(ctx, scenario, toPowerOn)`; throws a `ScenarioProblem` naming the path
 * of the bad field (`scenario.datacenters[0].clusters[1].resourcePools[2].cpuReservationMhz`).
 *
 * Rules: a pool's `parent` names an earlier pool of the same cluster's list; names are unique within the
 * list; a VM is named in at most one pool and must be in that cluster. The VMs powered on at the start
 * pass the pools' reservation admission control like a power-on (a refusal names the pool, or the cluster's
 * last pool when the cluster itself has too little CPU).
 */
import type { ResourcePoolId, VmId } from '@shared/model/ids';
import { newOverflow, reservationState } from '@shared/model/poolReservation';
import type { OpContext } from './opContext';
import { createResourcePool, moveVmToPool, ScenarioProblem } from '../cluster/index';
import type { Scenario } from '../scenario/index';
import { reservationTreeOf } from '../vm/index';

export function buildScenarioPools(ctx: OpContext, scenario: Scenario, toPowerOn: readonly VmId[]): void {
  const reg = ctx.reg;
  scenario.datacenters.forEach((dc, d) => {
    const dcName = dc.name ?? `DC${d}`;
    (dc.clusters ?? []).forEach((c, i) => {
      const list = c.resourcePools ?? [];
      if (list.length === 0) return;
      const path = `scenario.datacenters[${d}].clusters[${i}].resourcePools`;
      const name = c.name ?? `${dcName}_C${i}`;
      const cluster = [...reg.clusters.values()].find((x) => x.name === name && reg.nameOf(x.datacenterId) === dcName);
      if (!cluster) return;
      const ids = new Map<string, ResourcePoolId>();
      const indexOf = new Map<string, number>();
      const placed = new Set<string>();
      list.forEach((p, j) => {
        const at = `${path}[${j}]`;
        if (ids.has(p.name)) throw new ScenarioProblem(`${at}.name`, `another resource pool of cluster ${name} is named "${p.name}"`);
        let parentPoolId: ResourcePoolId | undefined;
        if (p.parent !== undefined) {
          parentPoolId = ids.get(p.parent);
          if (!parentPoolId) throw new ScenarioProblem(`${at}.parent`, `no earlier resource pool of cluster ${name} is named "${p.parent}"`);
        }
        const { vms, parent, ...settings } = p;
        void parent;
        const made = createResourcePool(ctx, { ...settings, ...(parentPoolId ? { parentPoolId } : { clusterId: cluster.id }) });
        if ('error' in made) throw new ScenarioProblem(`${at}.${(made.error.field ?? 'params.name').replace(/^params\./, '').replace(/^(clusterId|parentPoolId)$/, 'parent')}`, made.error.message);
        ids.set(p.name, made.resourcePoolId);
        indexOf.set(made.resourcePoolId, j);
        (vms ?? []).forEach((vmName, k) => {
          const vm = reg.vmByName(vmName);
          if (!vm || !vm.hostId || reg.hosts.get(vm.hostId)?.clusterId !== cluster.id) throw new ScenarioProblem(`${at}.vms[${k}]`, `no VM named "${vmName}" in cluster ${name}`);
          if (placed.has(vm.id)) throw new ScenarioProblem(`${at}.vms[${k}]`, `VM ${vmName} is already in another resource pool`);
          placed.add(vm.id);
          const moved = moveVmToPool(ctx, vm.id, made.resourcePoolId);
          if ('error' in moved) throw new ScenarioProblem(`${at}.vms[${k}]`, moved.error.message);
        });
      });
      // The VMs the scenario powers on, as admission control would count them.
      const tree = reservationTreeOf(reg, { clusterId: cluster.id });
      const before = reservationState(tree);
      for (const id of toPowerOn) {
        const vm = reg.vms.get(id);
        if (!vm || !vm.hostId || reg.hosts.get(vm.hostId)?.clusterId !== cluster.id || vm.cpuReservationMhz === 0) continue;
        tree.vms.push({ id, reservationMhz: vm.cpuReservationMhz, ...(vm.resourcePoolId ? { poolId: vm.resourcePoolId } : {}) });
      }
      const over = newOverflow(before, reservationState(tree));
      if (over === undefined) return;
      const j = over === null ? list.length - 1 : indexOf.get(over) ?? list.length - 1;
      throw new ScenarioProblem(`${path}[${j}].cpuReservationMhz`, over === null
        ? `Insufficient CPU resources: the CPU reservations of the VMs powered on at the start exceed what cluster ${name} can reserve`
        : `Insufficient CPU resources: the CPU reservations of the VMs powered on at the start exceed what resource pool ${list[j].name} can reserve (its reservation is not expandable)`);
    });
  });
}
