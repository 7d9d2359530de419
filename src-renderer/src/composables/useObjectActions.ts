/**
 * useObjectActions(): the ACTIONS menu of each object type (same entries on right-click), in vSphere's
 * words, and what each entry does.
 *
 * - `ObjectActionKey`: every entry's key (the power commands are the contract's own names);
 *   `isObjectActionKey(key)` checks a key that comes back from a menu.
 * - `menuFor(id)` → MenuItem<ObjectActionKey>[] (with entries disabled when invalid for the current state).
 * - `run(id, key)`: performs an entry; `power(vm, command)`: a power operation as a task.
 *
 * Rule: enablement comes from logic/powerActions (the engine's own power-state data) and from the
 * capabilities of the entity's backend (an entry whose command the backend does not carry out is
 * disabled, saying so; the real-host entries — Add Host…, Reconnect, Remove from Inventory — are not
 * shown at all where the backend lacks them, as vSphere shows no Add Host on a standalone ESXi); the
 * engine's answer is final, and a refusal shows as a Failed row in Recent Tasks.
 */
import type { VmDto } from '@shared/model/inventory';
import type { CommandName } from '@shared/api/commands';
import type { HostId, ResourcePoolId, VmId } from '@shared/model/ids';
import { kindOfId } from '@shared/model/ids';
import type { PowerCommand } from '@shared/model/vmPower';
import { isPowerCommand } from '@shared/model/vmPower';
import { POWER_ACTIONS, powerActionEnabled } from '@renderer/logic/powerActions';
import type { MenuItem as BaseMenuItem } from '@renderer/components/base/menu';
import { useInventoryStore } from '@renderer/stores/inventory';
import { useTasksStore } from '@renderer/stores/tasks';
import { useSelectionStore } from '@renderer/stores/selection';
import { useBackendsStore } from '@renderer/stores/backends';
import { useDialogs } from './useDialogs';

/** Entries that do something when chosen (submenus and separators only group them). */
const COMMAND_KEYS = [
  'takeSnapshot', 'manageSnapshots', 'revertLatest', 'removeAllSnapshots', 'console', 'migrate', 'editSettings', 'rename', 'remove',
  'newFromTemplate', 'cloneToVm', 'cloneToTemplate', 'convertToTemplate', 'convertToVm', 'newVm', 'newResourcePool', 'editResourceSettings', 'deleteResourcePool', 'moveToPool', 'movePool', 'enterMaintenance', 'exitMaintenance', 'enterStandby', 'exitStandby', 'addHost', 'reconnectHost', 'removeHost',
] as const;
type GroupKey = 'power' | 'snapshots' | 'clone' | 'template' | 'maintenance' | 'hostPower' | 'sep1' | 'sep2';
export type ObjectActionKey = PowerCommand | (typeof COMMAND_KEYS)[number];
type MenuItem = BaseMenuItem<ObjectActionKey | GroupKey>;

export function isObjectActionKey(key: string): key is ObjectActionKey {
  return isPowerCommand(key) || (COMMAND_KEYS as readonly string[]).includes(key);
}

/** The contract command behind each entry that runs one (power entries are keyed by their command). */
const ENTRY_COMMANDS: Partial<Record<ObjectActionKey, CommandName>> = {
  takeSnapshot: 'vm.snapshot.create', revertLatest: 'vm.snapshot.revert', removeAllSnapshots: 'vm.snapshot.removeAll',
  migrate: 'vm.migrate', editSettings: 'vm.reconfigure', rename: 'vm.rename', remove: 'vm.remove', newFromTemplate: 'vm.clone',
  cloneToVm: 'vm.clone', cloneToTemplate: 'vm.clone', convertToTemplate: 'vm.markAsTemplate', convertToVm: 'vm.markAsVirtualMachine',
  newVm: 'vm.create', newResourcePool: 'resourcePool.create', editResourceSettings: 'resourcePool.update', deleteResourcePool: 'resourcePool.delete', moveToPool: 'vm.moveToPool', movePool: 'resourcePool.move',
  enterMaintenance: 'host.enterMaintenance', exitMaintenance: 'host.exitMaintenance',
  enterStandby: 'host.enterStandby', exitStandby: 'host.exitStandby',
  addHost: 'host.add', reconnectHost: 'host.reconnect', removeHost: 'host.remove',
  // A console is offered where the backend has one to type into (an ESXi host over vim25 offers none).
  console: 'vm.console.send',
};

/** Entries offered only where the entity's backend carries out their command (else left out, not disabled). */
const ONLY_WHERE_SUPPORTED: ReadonlySet<string> = new Set<ObjectActionKey>(['addHost', 'reconnectHost', 'removeHost']);

export function useObjectActions() {
  const inventory = useInventoryStore();
  const backends = useBackendsStore();
  const tasks = useTasksStore();
  const selection = useSelectionStore();
  const { openDialog } = useDialogs();

  function powerItems(vm: VmDto): MenuItem[] {
    const host = inventory.host(vm.hostId);
    return POWER_ACTIONS.map((a) => {
      const en = powerActionEnabled(a.command, vm, host);
      return { key: a.command, label: a.label, icon: a.icon, disabled: !en.enabled, title: en.reason, testId: a.testId };
    });
  }

  /** Disables the entries whose command the entity's backend does not carry out (or leaves them out). */
  function withCapabilities(id: string, items: MenuItem[]): MenuItem[] {
    const commandOf = (item: MenuItem) => (isPowerCommand(item.key) ? item.key : isObjectActionKey(item.key) ? ENTRY_COMMANDS[item.key] : undefined);
    const kept = items.filter((item) => {
      const command = commandOf(item);
      return !(ONLY_WHERE_SUPPORTED.has(item.key) && command !== undefined && !backends.supports(id, command));
    });
    // A separator left first, last or doubled by what was left out goes too.
    const tidy = kept.filter((item, i) => !item.separator || (i > 0 && i < kept.length - 1 && !kept[i + 1].separator));
    return tidy.map((item) => {
      const children = item.children ? withCapabilities(id, item.children) : undefined;
      const command = commandOf(item);
      const unsupported = command !== undefined && !backends.supports(id, command);
      if (!children && !unsupported) return item;
      return {
        ...item, ...(children ? { children } : {}),
        ...(unsupported ? { disabled: true, title: `Not supported by ${backends.of(id)?.name ?? 'this backend'}` } : {}),
      };
    });
  }

  function menuFor(id: string): MenuItem[] {
    return withCapabilities(id, baseMenuFor(id));
  }

  function baseMenuFor(id: string): MenuItem[] {
    const kind = kindOfId(id);
    if (kind === 'vm') {
      const vm = inventory.vm(id);
      if (!vm) return [];
      if (vm.isTemplate) {
        return [
          { key: 'newFromTemplate', label: 'New VM from This Template…', icon: 'plus', testId: 'action-new-from-template' },
          { key: 'cloneToTemplate', label: 'Clone to Template…', testId: 'action-clone-to-template' },
          { key: 'convertToVm', label: 'Convert to Virtual Machine…', testId: 'action-convert-to-vm' },
          { key: 'sep1', label: '', separator: true },
          { key: 'remove', label: 'Delete from Disk', testId: 'action-delete', disabled: false },
        ];
      }
      const hasSnapshots = vm.snapshotCount > 0;
      const off = vm.powerState === 'poweredOff';
      const offReason = off ? undefined : 'Power off the virtual machine first';
      return [
        { key: 'power', label: 'Power', icon: 'power-on', testId: 'actions-power', children: powerItems(vm) },
        {
          key: 'snapshots', label: 'Snapshots', icon: 'snapshot', testId: 'actions-snapshots', children: [
            { key: 'takeSnapshot', label: 'Take Snapshot…', testId: 'action-take-snapshot' },
            { key: 'manageSnapshots', label: 'Manage Snapshots', testId: 'action-manage-snapshots' },
            { key: 'revertLatest', label: 'Revert to Latest Snapshot', disabled: !vm.currentSnapshotId, testId: 'action-revert-latest' },
            { key: 'removeAllSnapshots', label: 'Delete All Snapshots', disabled: !hasSnapshots, testId: 'action-delete-all-snapshots' },
          ],
        },
        { key: 'console', label: 'Launch Web Console', icon: 'console', testId: 'action-console' },
        { key: 'sep1', label: '', separator: true },
        { key: 'migrate', label: 'Migrate…', icon: 'migrate', testId: 'action-migrate' },
        { key: 'moveToPool', label: 'Move To…', icon: 'resourcePool', disabled: !vm.hostId, title: vm.hostId ? undefined : 'The virtual machine is on no host', testId: 'action-move-to-pool' },
        {
          key: 'clone', label: 'Clone', testId: 'actions-clone', children: [
            { key: 'cloneToVm', label: 'Clone to Virtual Machine…', disabled: !off, title: offReason, testId: 'action-clone-to-vm' },
            { key: 'cloneToTemplate', label: 'Clone to Template…', disabled: !off, title: offReason, testId: 'action-clone-to-template' },
          ],
        },
        {
          key: 'template', label: 'Template', icon: 'template', testId: 'actions-template', children: [
            { key: 'convertToTemplate', label: 'Convert to Template', disabled: !off, title: offReason, testId: 'action-convert-to-template' },
          ],
        },
        { key: 'editSettings', label: 'Edit Settings…', icon: 'settings', testId: 'action-edit-settings' },
        { key: 'rename', label: 'Rename…', testId: 'action-rename' },
        { key: 'sep2', label: '', separator: true },
        { key: 'remove', label: 'Delete from Disk', disabled: vm.powerState !== 'poweredOff', title: vm.powerState !== 'poweredOff' ? 'Power off the virtual machine first' : undefined, testId: 'action-delete' },
      ];
    }
    if (kind === 'host') {
      const host = inventory.host(id);
      if (!host) return [];
      return [
        { key: 'newVm', label: 'New Virtual Machine…', icon: 'plus', testId: 'action-new-vm' },
        // A host in a cluster shares the cluster's pools (vSphere offers New Resource Pool on the cluster).
        { key: 'newResourcePool', label: 'New Resource Pool…', icon: 'resourcePool', disabled: !!host.clusterId, title: host.clusterId ? 'The host is in a cluster: create the pool on the cluster' : undefined, testId: 'action-new-pool' },
        { key: 'sep1', label: '', separator: true },
        {
          key: 'hostPower', label: 'Power', testId: 'actions-host-power', children: [
            { key: 'enterStandby', label: 'Enter Standby Mode', disabled: host.powerState !== 'poweredOn', testId: 'action-enter-standby' },
            { key: 'exitStandby', label: 'Exit Standby Mode', disabled: host.powerState !== 'standBy', testId: 'action-exit-standby' },
          ],
        },
        {
          key: 'maintenance', label: 'Maintenance Mode', testId: 'actions-maintenance', children: [
            { key: 'enterMaintenance', label: 'Enter Maintenance Mode', disabled: host.inMaintenanceMode, testId: 'action-enter-maintenance' },
            { key: 'exitMaintenance', label: 'Exit Maintenance Mode', disabled: !host.inMaintenanceMode, testId: 'action-exit-maintenance' },
          ],
        },
        { key: 'sep2', label: '', separator: true },
        { key: 'reconnectHost', label: 'Reconnect', testId: 'action-reconnect-host' },
        { key: 'removeHost', label: 'Remove from Inventory', testId: 'action-remove-host' },
      ];
    }
    if (kind === 'cluster' || kind === 'datacenter') {
      return [
        { key: 'addHost', label: 'Add Host…', icon: 'plus', testId: 'action-add-host' },
        { key: 'newVm', label: 'New Virtual Machine…', icon: 'plus', testId: 'action-new-vm' },
        ...(kind === 'cluster' ? [{ key: 'newResourcePool' as const, label: 'New Resource Pool…', icon: 'resourcePool', testId: 'action-new-pool' }] : []),
      ];
    }
    if (kind === 'resgroup') {
      const pool = inventory.resourcePool(id);
      if (!pool) return [];
      return [
        { key: 'newResourcePool', label: 'New Resource Pool…', icon: 'resourcePool', testId: 'action-new-pool' },
        { key: 'editResourceSettings', label: 'Edit Resource Settings…', icon: 'settings', testId: 'action-edit-pool' },
        { key: 'movePool', label: 'Move To…', icon: 'resourcePool', testId: 'action-move-pool' },
        { key: 'sep1', label: '', separator: true },
        { key: 'deleteResourcePool', label: 'Delete', testId: 'action-delete-pool' },
      ];
    }
    return [];
  }

  async function power(vm: Pick<VmDto, 'id' | 'name'>, command: PowerCommand): Promise<void> {
    await tasks.run(command, { vmId: vm.id }, { id: vm.id, name: vm.name });
  }

  function run(id: string, key: ObjectActionKey): void {
    const vm = inventory.vm(id);
    if (isPowerCommand(key)) {
      if (vm) void power(vm, key);
      return;
    }
    const vmId = id as VmId;
    switch (key) {
      case 'takeSnapshot': openDialog({ kind: 'takeSnapshot', vmId }); break;
      case 'manageSnapshots': selection.select(id, 'snapshots'); break;
      case 'revertLatest':
        if (vm?.currentSnapshotId) void tasks.run('vm.snapshot.revert', { vmId, snapshotId: vm.currentSnapshotId }, { id, name: vm.name });
        break;
      case 'removeAllSnapshots':
        if (vm) {
          openDialog({
            kind: 'confirm', title: 'Delete All Snapshots', confirmLabel: 'Delete All', testId: 'confirm-delete-all',
            message: `All snapshots of ${vm.name} will be deleted. The current state of the virtual machine is kept.`,
            onConfirm: () => void tasks.run('vm.snapshot.removeAll', { vmId }, { id, name: vm.name }),
          });
        }
        break;
      case 'console': openDialog({ kind: 'console', vmId }); break;
      case 'migrate': openDialog({ kind: 'migrate', vmId }); break;
      case 'editSettings': openDialog({ kind: 'editSettings', vmId }); break;
      case 'rename': openDialog({ kind: 'rename', vmId }); break;
      case 'remove':
        if (vm) {
          openDialog({
            kind: 'confirm', title: 'Delete from Disk', confirmLabel: 'Yes', testId: 'confirm-delete-vm',
            message: `Are you sure you want to delete ${vm.name} and its files from the datastore?`,
            onConfirm: () => void tasks.run('vm.remove', { vmId }, { id, name: vm.name }),
          });
        }
        break;
      case 'newFromTemplate': openDialog({ kind: 'newVm', templateId: vmId }); break;
      case 'cloneToVm': openDialog({ kind: 'clone', vmId, target: 'vm' }); break;
      case 'cloneToTemplate': openDialog({ kind: 'clone', vmId, target: 'template' }); break;
      case 'convertToTemplate':
        if (vm) void tasks.run('vm.markAsTemplate', { vmId }, { id, name: vm.name });
        break;
      case 'convertToVm': openDialog({ kind: 'convertToVm', vmId }); break;
      case 'newVm': openDialog({ kind: 'newVm', targetId: id }); break;
      case 'newResourcePool': openDialog({ kind: 'newPool', parentId: id }); break;
      case 'editResourceSettings': openDialog({ kind: 'editPool', poolId: id as ResourcePoolId }); break;
      case 'deleteResourcePool': openDialog({ kind: 'deletePool', poolId: id as ResourcePoolId }); break;
      case 'moveToPool': openDialog({ kind: 'moveToPool', vmId }); break;
      case 'movePool': openDialog({ kind: 'movePool', poolId: id as ResourcePoolId }); break;
      case 'enterMaintenance':
        void tasks.run('host.enterMaintenance', { hostId: id as HostId }, { id, name: inventory.nameOf(id) });
        break;
      case 'exitMaintenance':
        void tasks.run('host.exitMaintenance', { hostId: id as HostId }, { id, name: inventory.nameOf(id) });
        break;
      case 'enterStandby':
        void tasks.run('host.enterStandby', { hostId: id as HostId }, { id, name: inventory.nameOf(id) });
        break;
      case 'exitStandby':
        void tasks.run('host.exitStandby', { hostId: id as HostId }, { id, name: inventory.nameOf(id) });
        break;
      case 'addHost': openDialog({ kind: 'addHost', targetId: id }); break;
      case 'reconnectHost':
        void tasks.run('host.reconnect', { hostId: id as HostId }, { id, name: inventory.nameOf(id) });
        break;
      case 'removeHost': {
        const name = inventory.nameOf(id);
        openDialog({
          kind: 'confirm', title: 'Remove from Inventory', confirmLabel: 'Yes', testId: 'confirm-remove-host',
          message: `Remove ${name} and its virtual machines from the lab's inventory? They keep running on the host; `
            + 'its key stays in the lab\'s known-hosts file, and Add Host brings it back.',
          onConfirm: () => void tasks.run('host.remove', { hostId: id as HostId }, { id, name }),
        });
        break;
      }
      default: {
        const unhandled: never = key; // every key of COMMAND_KEYS has its case
        return unhandled;
      }
    }
  }

  return { menuFor, run, power, powerItems };
}
