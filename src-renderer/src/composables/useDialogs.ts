/**
 * useDialogs(): the one place that opens dialogs and the ACTIONS / right-click menu, so the object
 * header, the navigator and the tabs all open the same ones.
 *
 * - `menu`: `{ targetId, x, y }` or null; `openMenu(targetId, x, y)`, `closeMenu()`.
 * - `dialog`: which dialog is open (`takeSnapshot`, `editSnapshot`, `newVm`, `editSettings`, `console`,
 *   `rename`, `clone` (to a VM or a template), `convertToVm`, `addHost`, `migrate`, the resource pool dialogs `newPool`, `editPool`, `deletePool`, `moveToPool` (a VM's Move To…), `movePool` (a pool's), `confirm`, and File's `newLab`, `openLab`, `saveLab`; `exportReport`; Administration's `sdkEndpoint`) with its target; `openDialog(d)`, `closeDialog()`.
 */
import { shallowRef } from 'vue';
import type { ResourcePoolId, SnapshotId, VmId } from '@shared/model/ids';

export type DialogState =
  | { kind: 'takeSnapshot'; vmId: VmId }
  | { kind: 'editSnapshot'; vmId: VmId; snapshotId: SnapshotId }
  | { kind: 'newVm'; targetId?: string; templateId?: VmId }
  | { kind: 'editSettings'; vmId: VmId }
  | { kind: 'console'; vmId: VmId }
  | { kind: 'rename'; vmId: VmId }
  | { kind: 'clone'; vmId: VmId; target: 'vm' | 'template' }
  | { kind: 'convertToVm'; vmId: VmId }
  | { kind: 'newLab' }
  | { kind: 'openLab' }
  | { kind: 'saveLab' }
  | { kind: 'exportReport' }
  | { kind: 'sdkEndpoint' }
  | { kind: 'addHost'; targetId: string }
  | { kind: 'migrate'; vmId: VmId; hostId?: string }
  | { kind: 'newPool'; parentId: string }
  | { kind: 'editPool'; poolId: ResourcePoolId }
  | { kind: 'deletePool'; poolId: ResourcePoolId }
  | { kind: 'moveToPool'; vmId: VmId }
  | { kind: 'movePool'; poolId: ResourcePoolId }
  | { kind: 'confirm'; title: string; message: string; confirmLabel: string; onConfirm: () => void; testId?: string };

const menu = shallowRef<{ targetId: string; x: number; y: number } | null>(null);
const dialog = shallowRef<DialogState | null>(null);

export function useDialogs() {
  return {
    menu,
    dialog,
    openMenu: (targetId: string, x: number, y: number) => { menu.value = { targetId, x, y }; },
    closeMenu: () => { menu.value = null; },
    openDialog: (d: DialogState) => { menu.value = null; dialog.value = d; },
    closeDialog: () => { dialog.value = null; },
  };
}
