/**
 * The lab's inventory as vSphere models it: a tree of managed entities built from one InventoryDto.
 *
 *   Folder group-d1 "Datacenters" (rootFolder)
 *   └ Datacenter datacenter-N
 *     ├ Folder group-vN "vm"        → VirtualMachine vm-K (templates too)
 *     ├ Folder group-hN "host"      → ClusterComputeResource cluster-K → HostSystem host-K, ResourcePool resgroup-cK
 *     │                             → ComputeResource domain-sK (a standalone host) → HostSystem, ResourcePool resgroup-sK
 *     │                               (a root pool "Resources" → the lab's resource pools resgroup-N → their VMs)
 *     ├ Folder group-sN "datastore" → Datastore datastore-K
 *     └ Folder group-nN "network"   → Network network-K
 *
 * - `new InventoryModel(inv)`: `node(id)`, `nodes()`, `children(node)` (what a container view walks),
 *   `poolOfVm(vm)`, `computeResourceOfHost(host)`.
 * - Each node has a `revision`: the text of everything its properties are built from, so an unchanged
 *   node is not re-read by WaitForUpdates.
 *
 * Rules: the lab's own ids are the MoRef values (`vm-12`, `host-3`); objects the lab does not have
 * (folders, root resource pools, a standalone host's compute resource) get vCenter-style ids derived
 * from their owner's number, so they are stable across refetches. The lab's own pools keep their ids
 * (`resgroup-N`), as children of their cluster's or host's root pool; a VM in one of them is that pool's.
 */
import type {
  ClusterDto, DatacenterDto, DatastoreDto, HostDto, InventoryDto, NetworkDto, VmDto,
} from '@shared/model/inventory';
import type { ResourcePoolDto } from '@shared/model/resourcePool';

export type EntityType = 'Folder' | 'Datacenter' | 'ClusterComputeResource' | 'ComputeResource' | 'HostSystem'
  | 'ResourcePool' | 'VirtualMachine' | 'Datastore' | 'Network';

export type FolderKind = 'root' | 'vm' | 'host' | 'datastore' | 'network';

export interface EntityNode {
  type: EntityType;
  id: string;
  name: string;
  parent?: EntityNode;
  /** Folder.childEntity, Datacenter's folders, a compute resource's hosts and pool, a pool's VMs. */
  children: EntityNode[];
  revision: string;
  folderKind?: FolderKind;
  datacenter?: DatacenterDto;
  folders?: { vm: EntityNode; host: EntityNode; datastore: EntityNode; network: EntityNode };
  cluster?: ClusterDto;
  /** Compute resources: their hosts and root pool. */
  hosts?: EntityNode[];
  pool?: EntityNode;
  /** Resource pools: the compute resource that owns them and their VMs (a root pool's child pools are its `children`). */
  owner?: EntityNode;
  vms?: EntityNode[];
  /** A pool of the lab's (a root pool has none). */
  resourcePool?: ResourcePoolDto;
  host?: HostDto;
  vm?: VmDto;
  datastore?: DatastoreDto;
  network?: NetworkDto;
  /** The datacenter an entity lives in (datastores/networks/hosts/VMs list theirs by id). */
  dcId?: string;
}

const numberOf = (id: string): string => id.slice(id.lastIndexOf('-') + 1);

export const ROOT_FOLDER_ID = 'group-d1';

export class InventoryModel {
  readonly version: number;
  readonly root: EntityNode;
  private readonly byId = new Map<string, EntityNode>();

  constructor(readonly inv: InventoryDto) {
    this.version = inv.version;
    this.root = this.add({ type: 'Folder', id: ROOT_FOLDER_ID, name: 'Datacenters', children: [], revision: '', folderKind: 'root' });
    const hostNodes = new Map<string, EntityNode>();
    for (const dc of inv.datacenters) {
      const n = numberOf(dc.id);
      const folder = (kind: FolderKind, letter: string, name: string): EntityNode =>
        this.add({ type: 'Folder', id: `group-${letter}${n}`, name, children: [], revision: '', folderKind: kind, dcId: dc.id });
      const folders = { vm: folder('vm', 'v', 'vm'), host: folder('host', 'h', 'host'), datastore: folder('datastore', 's', 'datastore'), network: folder('network', 'n', 'network') };
      const dcNode = this.add({ type: 'Datacenter', id: dc.id, name: dc.name, children: Object.values(folders), revision: JSON.stringify(dc), datacenter: dc, folders, dcId: dc.id });
      for (const f of Object.values(folders)) f.parent = dcNode;
      this.attach(this.root, dcNode);
    }
    const dcNode = (id: string) => this.byId.get(id);
    for (const c of inv.clusters) {
      const dc = dcNode(c.datacenterId);
      if (!dc?.folders) continue;
      const node = this.add({ type: 'ClusterComputeResource', id: c.id, name: c.name, children: [], revision: '', cluster: c, hosts: [], dcId: c.datacenterId });
      const pool = this.add({ type: 'ResourcePool', id: `resgroup-c${numberOf(c.id)}`, name: 'Resources', children: [], revision: '', owner: node, vms: [], dcId: c.datacenterId });
      node.pool = pool;
      pool.parent = node;
      this.attach(dc.folders.host, node);
    }
    for (const h of inv.hosts) {
      const dc = dcNode(h.datacenterId);
      if (!dc?.folders) continue;
      const hostNode = this.add({ type: 'HostSystem', id: h.id, name: h.name, children: [], revision: JSON.stringify(h), host: h, dcId: h.datacenterId });
      hostNodes.set(h.id, hostNode);
      const cluster = h.clusterId ? this.byId.get(h.clusterId) : undefined;
      if (cluster) {
        cluster.hosts!.push(hostNode);
        hostNode.parent = cluster;
      } else {
        const cr = this.add({ type: 'ComputeResource', id: `domain-s${numberOf(h.id)}`, name: h.name, children: [], revision: '', hosts: [hostNode], dcId: h.datacenterId });
        const pool = this.add({ type: 'ResourcePool', id: `resgroup-s${numberOf(h.id)}`, name: 'Resources', children: [], revision: '', owner: cr, vms: [], dcId: h.datacenterId });
        cr.pool = pool;
        pool.parent = cr;
        hostNode.parent = cr;
        this.attach(dc.folders.host, cr);
      }
    }
    // Every pool's node first, then each under its parent pool (or its tree's root pool), whatever the order.
    const poolNodes: [EntityNode, EntityNode][] = [];
    for (const p of inv.resourcePools ?? []) {
      const owner = p.clusterId ? this.byId.get(p.clusterId) : p.hostId ? this.byId.get(p.hostId)?.parent : undefined;
      const root = owner?.pool;
      if (!owner || !root) continue;
      poolNodes.push([this.add({ type: 'ResourcePool', id: p.id, name: p.name, children: [], revision: '', owner, vms: [], resourcePool: p, dcId: owner.dcId }), root]);
    }
    for (const [node, root] of poolNodes) {
      const parentId = node.resourcePool!.parentPoolId;
      const parent = parentId ? this.byId.get(parentId) : undefined;
      this.attach(parent?.type === 'ResourcePool' ? parent : root, node);
    }
    for (const d of inv.datastores) {
      const dc = dcNode(d.datacenterId);
      if (dc?.folders) this.attach(dc.folders.datastore, this.add({ type: 'Datastore', id: d.id, name: d.name, children: [], revision: JSON.stringify(d), datastore: d, dcId: d.datacenterId }));
    }
    for (const nw of inv.networks) {
      const dc = dcNode(nw.datacenterId);
      if (dc?.folders) this.attach(dc.folders.network, this.add({ type: 'Network', id: nw.id, name: nw.name, children: [], revision: JSON.stringify(nw), network: nw, dcId: nw.datacenterId }));
    }
    for (const vm of inv.vms) {
      const dc = dcNode(vm.datacenterId);
      if (!dc?.folders) continue;
      const node = this.add({ type: 'VirtualMachine', id: vm.id, name: vm.name, children: [], revision: '', vm, dcId: vm.datacenterId });
      this.attach(dc.folders.vm, node);
      const own = vm.resourcePoolId ? this.byId.get(vm.resourcePoolId) : undefined;
      const pool = vm.isTemplate ? undefined : own?.type === 'ResourcePool' ? own : this.poolOfHost(vm.hostId);
      if (pool) { pool.vms!.push(node); node.owner = pool; }
      // Everything a VM's properties read from elsewhere: its pool, its host (name, clock), datastore and network names.
      const host = vm.hostId ? hostNodes.get(vm.hostId)?.host : undefined;
      const names = [...vm.disks.map((d) => d.datastoreId), ...vm.nics.map((n) => n.networkId)].map((id) => inv.datastores.find((d) => d.id === id)?.name ?? inv.networks.find((n) => n.id === id)?.name ?? id);
      node.revision = `${JSON.stringify(vm)}|${pool?.id ?? ''}|${host?.name ?? ''}|${host?.cpuMhz ?? ''}|${names.join(',')}`;
    }
    // Containers' revisions: what they list (children by id) and their own record.
    for (const node of this.byId.values()) {
      if (node.type === 'Folder') node.revision = node.children.map((c) => c.id).join(',');
      else if (node.type === 'ClusterComputeResource' || node.type === 'ComputeResource') {
        node.revision = `${JSON.stringify(node.cluster ?? null)}|${node.hosts!.map((h) => h.revision).join('|')}`;
      } else if (node.type === 'ResourcePool') {
        node.revision = `${node.vms!.map((v) => v.id).join(',')}|${node.children.map((c) => c.id).join(',')}|${JSON.stringify(node.resourcePool ?? null)}`;
      }
    }
  }

  private add(n: EntityNode): EntityNode {
    this.byId.set(n.id, n);
    return n;
  }

  private attach(parent: EntityNode, child: EntityNode): void {
    parent.children.push(child);
    child.parent = parent;
  }

  private poolOfHost(hostId: string | undefined): EntityNode | undefined {
    if (!hostId) return undefined;
    const host = this.byId.get(hostId);
    return host?.parent?.pool;
  }

  node(id: string): EntityNode | undefined { return this.byId.get(id); }
  nodes(): IterableIterator<EntityNode> { return this.byId.values(); }

  /** What a container view descends into: folders' children, a datacenter's folders, a compute resource's
   *  hosts and pool, a pool's child pools and VMs, a host's VMs (vSphere's containment). */
  containedIn(node: EntityNode): EntityNode[] {
    switch (node.type) {
      case 'Folder':
      case 'Datacenter':
        return node.children;
      case 'ClusterComputeResource':
      case 'ComputeResource':
        return [...node.hosts!, node.pool!];
      case 'ResourcePool':
        return [...node.children, ...node.vms!];
      case 'HostSystem':
        return (node.host?.vmIds ?? []).map((id) => this.byId.get(id)).filter((n): n is EntityNode => n !== undefined);
      default:
        return [];
    }
  }
}
