/**
 * SearchIndex methods scripts use to find one object: FindByInventoryPath ("DC0/vm/NAME"), FindChild,
 * FindByUuid (a VM's config.uuid / instanceUuid, or a host's hardware uuid), FindByIp and FindByDnsName
 * (VMs by their guest IP / host name as the lab reports them; hosts by name).
 *
 * Answers are a reference or nothing (unset), as in vSphere; a datacenter argument narrows the search.
 */
import { ref } from '../vimValues';
import type { EntityNode } from '../inventoryModel';
import { vmUuid } from '../vmProperties';
import { hostUuid } from '../hostProperties';
import { managedObjectNotFound } from '../faults';
import type { Call, MethodTable } from './methodTable';

const refOf = (n: EntityNode | undefined) => (n ? ref(n.type, n.id) : undefined);

function inDatacenter(c: Call): (n: EntityNode) => boolean {
  const dc = c.args.ref('datacenter');
  if (dc && !c.world.model.node(dc.id)) throw managedObjectNotFound(dc.type, dc.id);
  return (n) => !dc || n.dcId === dc.id;
}

function entities(c: Call, type: 'VirtualMachine' | 'HostSystem'): EntityNode[] {
  const keep = inDatacenter(c);
  return [...c.world.model.nodes()].filter((n) => n.type === type && keep(n));
}

export const SEARCH_METHODS: MethodTable = {
  FindByInventoryPath: {
    on: ['SearchIndex'],
    run: async (c) => {
      const steps = c.args.needStr('inventoryPath').split('/').filter((s) => s !== '');
      let node: EntityNode | undefined = c.world.model.root;
      for (const step of steps) {
        const name = decodeURIComponent(step);
        node = node && c.world.model.containedIn(node).find((n) => n.name === name);
      }
      return node === c.world.model.root && steps.length ? undefined : refOf(node);
    },
  },
  FindChild: {
    on: ['SearchIndex'],
    run: async (c) => {
      const e = c.args.needRef('entity');
      const parent = c.world.model.node(e.id);
      if (!parent) throw managedObjectNotFound(e.type, e.id);
      const name = c.args.needStr('name');
      return refOf(c.world.model.containedIn(parent).find((n) => n.name === name));
    },
  },
  FindByUuid: {
    on: ['SearchIndex'],
    run: async (c) => {
      const uuid = c.args.needStr('uuid').toLowerCase();
      const instance = c.args.bool('instanceUuid') ?? false;
      if (c.args.need('vmSearch').asBool()) {
        return refOf(entities(c, 'VirtualMachine').find((n) => vmUuid(n.vm!, instance ? '5001' : '4201') === uuid));
      }
      return refOf(entities(c, 'HostSystem').find((n) => hostUuid(n.host!) === uuid));
    },
  },
  FindByIp: {
    on: ['SearchIndex'],
    run: async (c) => {
      const ip = c.args.needStr('ip');
      if (c.args.need('vmSearch').asBool()) return refOf(entities(c, 'VirtualMachine').find((n) => n.vm!.ipAddress === ip));
      return undefined;
    },
  },
  FindByDnsName: {
    on: ['SearchIndex'],
    run: async (c) => {
      const name = c.args.needStr('dnsName');
      if (c.args.need('vmSearch').asBool()) return refOf(entities(c, 'VirtualMachine').find((n) => n.vm!.ipAddress !== undefined && n.name === name));
      return refOf(entities(c, 'HostSystem').find((n) => n.name === name));
    },
  },
};
