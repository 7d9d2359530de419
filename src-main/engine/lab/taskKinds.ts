/**
 * taskKinds — the lab's task kind table: every long operation the lab runs as a Task, by kind name
 * (the name a task's saved state carries). Adding a kind (migration, a placement plan) is adding a row.
 *
 * | kind | operations | cancellable |
 * |---|---|---|
 * | `vm.power` | power on / off, suspend / resume, reset, guest shutdown / reboot (`vm/powerOps.ts`) | no |
 * | `vm.create`, `vm.clone` | New Virtual Machine; clone, clone to template, deploy (`cluster/inventoryOps.ts`) | yes |
 * | `vm.reconfigure`, `vm.remove` | Edit Settings, Delete (`cluster/inventoryOps.ts`) | no |
 * | `vm.snapshot.create` / `.revert` / `.remove` / `.removeAll` | the Snapshot Manager (`snapshot/snapshotOps.ts`) | no |
 * | `host.enterMaintenance`, `host.exitMaintenance` | maintenance mode (`cluster/hostOps.ts`) | enter: yes |
 * | `host.enterStandby`, `host.exitStandby` | standby mode (`cluster/hostOps.ts`) | no |
 * | `placement.apply` | a placement plan, move by move, through `vm.power` sub-tasks (`placement/applyTask.ts`) | no |
 * | `vm.migrate` | live migration, stepped at every barrier (`migration/migrationTask.ts`) | until post-copy |
 *
 * All kinds but `placement.apply`, `vm.migrate` and `host.enterMaintenance` (which evacuates by migration)
 * are timed (`tasks/timedTask.ts`): they change the lab only when they complete, so a saved lab resumes them
 * with the time they had left, and a cancel has nothing to undo but what the task held (busy flags,
 * reserved names). The others say in their own module how a saved lab resumes them.
 */
import type { TaskKindTable } from '../tasks/index';
import { MIGRATE_TASK_KIND } from '../migration/index';
import type { OpContext } from './opContext';
import { POWER_TASK_KIND } from '../vm/index';
import { CLONE_TASK_KIND, CREATE_TASK_KIND, RECONFIGURE_TASK_KIND, REMOVE_TASK_KIND } from '../cluster/index';
import { ENTER_MAINTENANCE_TASK_KIND, EXIT_MAINTENANCE_TASK_KIND, ENTER_STANDBY_TASK_KIND, EXIT_STANDBY_TASK_KIND } from '../cluster/index';
import {
  REMOVE_ALL_SNAPSHOTS_TASK_KIND, REMOVE_SNAPSHOT_TASK_KIND, REVERT_SNAPSHOT_TASK_KIND, TAKE_SNAPSHOT_TASK_KIND,
} from '../snapshot/index';
import { APPLY_PLAN_TASK_KIND } from '../placement/index';

export const LAB_TASK_KINDS: TaskKindTable<OpContext> = {
  'vm.power': POWER_TASK_KIND,
  'vm.create': CREATE_TASK_KIND,
  'vm.clone': CLONE_TASK_KIND,
  'vm.reconfigure': RECONFIGURE_TASK_KIND,
  'vm.remove': REMOVE_TASK_KIND,
  'vm.snapshot.create': TAKE_SNAPSHOT_TASK_KIND,
  'vm.snapshot.revert': REVERT_SNAPSHOT_TASK_KIND,
  'vm.snapshot.remove': REMOVE_SNAPSHOT_TASK_KIND,
  'vm.snapshot.removeAll': REMOVE_ALL_SNAPSHOTS_TASK_KIND,
  'host.enterMaintenance': ENTER_MAINTENANCE_TASK_KIND,
  'host.exitMaintenance': EXIT_MAINTENANCE_TASK_KIND,
  'vm.migrate': MIGRATE_TASK_KIND,
  'host.enterStandby': ENTER_STANDBY_TASK_KIND,
  'host.exitStandby': EXIT_STANDBY_TASK_KIND,
  'placement.apply': APPLY_PLAN_TASK_KIND,
};
