/**
 * Resource pools through vim25, each the lab's own command: CreateResourcePool on a cluster's or
 * standalone host's root pool, or on a lab pool for a child pool (`resourcePool.create`), UpdateConfig on
 * a lab pool (`resourcePool.update`), MoveIntoResourcePool (`vm.moveToPool` per VM, `resourcePool.move`
 * per pool), and Destroy_Task on a lab pool (`resourcePool.delete`; immediate in the lab, so the task is
 * already finished).
 *
 * - `poolSettingsOf(spec, field)`: a ResourceConfigSpec's CPU allocation (shares, reservation, expandable
 *   reservation, limit) as the contract's settings.
 *
 * Rules: what the lab cannot honour is refused with NotSupported naming it, never ignored: memory settings
 * other than vSphere's defaults for a pool (no reservation, unlimited, normal shares: pools divide CPU
 * only), and moving anything but VMs and resource pools. The engine's typed errors become vSphere faults
 * (DuplicateName, InvalidArgument, InsufficientResourcesFault for admission control).
 */
import type { ResourcePoolId } from '@shared/model/ids';
import { ref } from '../vimValues';
import type { Arg } from '../soapArgs';
import { invalidArgument, managedObjectNotFound, notSupported } from '../faults';
import type { EntityNode } from '../inventoryModel';
import type { Call, MethodTable } from './methodTable';
import { runCommand } from './methodTable';

const LEVELS = ['low', 'normal', 'high', 'custom'] as const;

function poolNode(c: Call): EntityNode {
  const node = c.world.model.node(c.self.id);
  if (!node || node.type !== 'ResourcePool') throw managedObjectNotFound(c.self.type, c.self.id);
  return node;
}

/** A lab pool (not a root pool), or NotSupported for a root pool. */
function labPool(c: Call, what: string): EntityNode & { resourcePool: NonNullable<EntityNode['resourcePool']> } {
  const node = poolNode(c);
  if (!node.resourcePool) throw notSupported(`${what}: the root resource pool "Resources" of a cluster or host is not a pool of the lab's`);
  return node as EntityNode & { resourcePool: NonNullable<EntityNode['resourcePool']> };
}

/** The CPU settings of a ResourceConfigSpec; memory settings must be vSphere's defaults (not modelled). */
export function poolSettingsOf(spec: Arg, field: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const cpu = spec.child('cpuAllocation');
  if (cpu) {
    const expandable = cpu.bool('expandableReservation');
    if (expandable !== undefined) out.cpuExpandableReservation = expandable;
    const reservation = cpu.int('reservation', 0, 1_000_000);
    const limit = cpu.int('limit', -1, 1_000_000);
    if (reservation !== undefined) out.cpuReservationMhz = reservation;
    if (limit !== undefined) out.cpuLimitMhz = limit;
    const shares = cpu.child('shares');
    if (shares) {
      const level = shares.needStr('level');
      if (!(LEVELS as readonly string[]).includes(level)) throw invalidArgument(`${field}.cpuAllocation.shares.level must be low, normal, high or custom, got "${level}"`, `${field}.cpuAllocation.shares.level`);
      out.cpuShareLevel = level;
      if (level === 'custom') out.cpuShares = shares.need('shares').asInt(1, 1_000_000);
    }
  }
  const mem = spec.child('memoryAllocation');
  if (mem) {
    const shares = mem.child('shares');
    const level = shares?.str('level');
    const defaults = (mem.int('reservation') ?? 0) === 0 && (mem.int('limit') ?? -1) === -1 && (level === undefined || level === 'normal');
    if (!defaults) throw notSupported(`${field}.memoryAllocation: memory settings of resource pools are not modelled in the lab: its pools divide CPU only (leave no reservation, unlimited, normal shares)`);
  }
  return out;
}

export const POOL_METHODS: MethodTable = {
  CreateResourcePool: {
    on: ['ResourcePool'],
    run: async (c) => {
      const node = poolNode(c);
      const name = c.args.needStr('name');
      const settings = poolSettingsOf(c.args.need('spec'), 'spec');
      const owner = node.owner!;
      const where = node.resourcePool ? { parentPoolId: node.id as ResourcePoolId } : owner.cluster ? { clusterId: owner.cluster.id } : { hostId: owner.hosts![0].id };
      const r = await runCommand<{ resourcePoolId: ResourcePoolId }>(c, 'resourcePool.create', { name, ...where, ...settings }, { name });
      return ref('ResourcePool', r.resourcePoolId);
    },
  },
  UpdateConfig: {
    on: ['ResourcePool'],
    run: async (c) => {
      const pool = labPool(c, 'UpdateConfig');
      const name = c.args.str('name');
      const config = c.args.child('config');
      const settings = config ? poolSettingsOf(config, 'config') : {};
      await runCommand(c, 'resourcePool.update', { resourcePoolId: pool.id, ...(name !== undefined ? { name } : {}), ...settings }, { name: name ?? pool.name });
      return undefined;
    },
  },
  MoveIntoResourcePool: {
    on: ['ResourcePool'],
    run: async (c) => {
      const node = poolNode(c);
      for (const [i, r] of c.args.refs('list').entries()) {
        if (r.type === 'ResourcePool') {
          await runCommand(c, 'resourcePool.move', node.resourcePool ? { resourcePoolId: r.id, parentPoolId: node.id } : { resourcePoolId: r.id });
          continue;
        }
        if (r.type !== 'VirtualMachine') throw notSupported(`list[${i}]: only virtual machines and resource pools move between the lab's resource pools`);
        await runCommand(c, 'vm.moveToPool', node.resourcePool ? { vmId: r.id, resourcePoolId: node.id } : { vmId: r.id });
      }
      return undefined;
    },
  },
};

/** Destroy_Task on a lab pool (the VM case stays in vmMethods). */
export async function destroyPool(c: Call): Promise<ReturnType<typeof ref>> {
  const pool = labPool(c, 'Destroy_Task');
  await runCommand(c, 'resourcePool.delete', { resourcePoolId: pool.id });
  return ref('Task', c.svc.completedTask(c, 'Destroy_Task', 'ResourcePool.destroy', pool.id, pool.name).id);
}
