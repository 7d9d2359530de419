import { describe, expect, it } from 'vitest';
import { buildTree, visibleRows, ancestorsOf, descendantsOfKind } from '@renderer/logic/inventoryTree';
import { makeInventory, makeHost, makeVm } from './fakeApi';

describe('inventory tree from InventoryDto', () => {
  it('builds Datacenter → Cluster → Host → VM in Hosts and Clusters', () => {
    const tree = buildTree(makeInventory(3), 'hosts');
    expect(tree.rootIds).toEqual(['datacenter-1']);
    expect(tree.nodes.get('datacenter-1')!.childIds).toEqual(['cluster-1']);
    expect(tree.nodes.get('cluster-1')!.childIds).toEqual(['host-1', 'host-2']);
    expect(tree.nodes.get('host-1')!.childIds).toEqual(['vm-1', 'vm-3']);
    expect(tree.nodes.get('vm-2')!.parentId).toBe('host-2');
    expect(ancestorsOf(tree, 'vm-2')).toEqual(['datacenter-1', 'cluster-1', 'host-2']);
    expect(descendantsOfKind(tree, 'cluster-1', 'vm').sort()).toEqual(['vm-1', 'vm-2', 'vm-3']);
  });

  it('puts standalone hosts under the datacenter, sorts names naturally, hides templates', () => {
    const inv = makeInventory(0);
    inv.hosts.push(makeHost(3, { clusterId: undefined, name: 'standalone' }));
    inv.vms.push(makeVm(10, { name: 'vm-10', hostId: 'host-1' }), makeVm(2, { name: 'vm-2', hostId: 'host-1' }));
    inv.vms.push(makeVm(11, { name: 'tmpl', isTemplate: true, hostId: undefined }));
    const tree = buildTree(inv, 'hosts');
    expect(tree.nodes.get('datacenter-1')!.childIds).toEqual(['cluster-1', 'host-3']);
    expect(tree.nodes.get('host-1')!.childIds.map((id) => tree.nodes.get(id)!.name)).toEqual(['vm-2', 'vm-10']);
    expect(tree.nodes.has('vm-11')).toBe(false);
    const vms = buildTree(inv, 'vms');
    expect(vms.nodes.get('vm-11')!.kind).toBe('template');
    expect(vms.nodes.get('datacenter-1')!.childIds).toHaveLength(3);
  });

  it('marks real hypervisors with their kind; simulated hosts carry none', () => {
    const inv = makeInventory(0);
    inv.hosts.push(makeHost(3, { clusterId: undefined, name: 'lab kvm', kind: 'libvirt' }), makeHost(4, { clusterId: undefined, name: 'esx', kind: 'esxi' }));
    const tree = buildTree(inv, 'hosts');
    expect(tree.nodes.get('host-3')!.hostKind).toBe('KVM');
    expect(tree.nodes.get('host-4')!.hostKind).toBe('ESXi');
    expect(tree.nodes.get('host-1')!.hostKind).toBeUndefined();
  });

  it('notes a host that is not responding or disconnected, and every VM on it as disconnected (vSphere\'s suffixes)', () => {
    const inv = makeInventory(0);
    inv.hosts.push(makeHost(3, { clusterId: undefined, name: 'kvm', kind: 'libvirt', connectionState: 'notResponding' }));
    inv.hosts.push(makeHost(4, { clusterId: undefined, name: 'esx', kind: 'esxi', connectionState: 'disconnected' }));
    inv.vms.push(makeVm(7, { hostId: 'host-3' }), makeVm(8, { hostId: 'host-1' }));
    const tree = buildTree(inv, 'hosts');
    expect([tree.nodes.get('host-3')!.hostStatus, tree.nodes.get('host-3')!.connectionNote]).toEqual(['notResponding', 'not responding']);
    expect([tree.nodes.get('host-4')!.hostStatus, tree.nodes.get('host-4')!.connectionNote]).toEqual(['disconnected', 'disconnected']);
    expect(tree.nodes.get('host-1')!.connectionNote).toBeUndefined();
    expect(tree.nodes.get('vm-7')!.connectionNote).toBe('disconnected');
    expect(tree.nodes.get('vm-8')!.connectionNote).toBeUndefined();
    expect(buildTree(inv, 'vms').nodes.get('vm-7')!.connectionNote).toBe('disconnected');
  });

  it('flattens only expanded nodes, with aria positions', () => {
    const tree = buildTree(makeInventory(3), 'hosts');
    expect(visibleRows(tree, new Set()).map((r) => r.node.id)).toEqual(['datacenter-1']);
    const rows = visibleRows(tree, new Set(['datacenter-1', 'cluster-1', 'host-2']));
    expect(rows.map((r) => [r.node.id, r.depth])).toEqual([
      ['datacenter-1', 1], ['cluster-1', 2], ['host-1', 3], ['host-2', 3], ['vm-2', 4],
    ]);
    expect(rows[2]).toMatchObject({ posInSet: 1, setSize: 2, hasChildren: true, expanded: false });
  });

  it('filter keeps matches and their ancestors, expanded', () => {
    const tree = buildTree(makeInventory(3), 'hosts');
    const rows = visibleRows(tree, new Set(), 'vm3');
    expect(rows.map((r) => r.node.id)).toEqual(['datacenter-1', 'cluster-1', 'host-1', 'vm-3']);
    expect(visibleRows(tree, new Set(), 'nothing')).toEqual([]);
  });

  it('handles 2,000 VMs quickly', () => {
    const inv = makeInventory(2000);
    const t0 = performance.now();
    const tree = buildTree(inv, 'hosts');
    const rows = visibleRows(tree, new Set(['datacenter-1', 'cluster-1', 'host-1', 'host-2']));
    expect(rows).toHaveLength(2004);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
