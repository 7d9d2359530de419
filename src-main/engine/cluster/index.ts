/**
 * cluster — the inventory (registry of ids and objects), tasks, the event log, the model builder
 * (scenario → inventory), the one VM constructor, and the inventory, host and resource-pool operations. The door
 * other engine folders import.
 */
export { Registry, type Cluster, type Datacenter, type Datastore, type Host, type Network, type ResourcePool, type Vm, type VmDisk, type VmNic } from './registry';
export { EventLog } from './eventLog';
export { buildInventory, HOST_DEFAULTS, ScenarioProblem } from './model';
export { VM_DEFAULTS, fieldsOf, macFor, mergeFields, newVm, type VmPlacement } from './newVm';
export {
  CLONE_TASK_KIND, CREATE_TASK_KIND, RECONFIGURE_TASK_KIND, REMOVE_TASK_KIND,
  reconfigureProblem, startClone, startCreate, startReconfigure, startRemove,
} from './inventoryOps';
export { ENTER_MAINTENANCE_TASK_KIND, EXIT_MAINTENANCE_TASK_KIND, startEnterMaintenance, startExitMaintenance } from './hostOps';
export { ENTER_STANDBY_TASK_KIND, EXIT_STANDBY_TASK_KIND, startEnterStandby, startExitStandby } from './hostOps';
export { workloadProblem } from './newVm';
export { markAsTemplate, markAsVirtualMachine } from './templateOps';
export { createResourcePool, deleteResourcePool, movePoolToPool, moveVmToPool, updateResourcePool } from './resourcePoolOps';
