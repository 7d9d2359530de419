/**
 * cluster — the inventory (registry of ids and objects), tasks, the event log, the model builder
 * (scenario → inventory), the one VM constructor, and the inventory and host operations. The door
 * other engine folders import.
 */
export { Registry, type Cluster, type Datacenter, type Datastore, type Host, type Network, type Vm, type VmDisk, type VmNic } from './registry';
export { TaskManager, type TaskOutcome, type TaskSpec } from './tasks';
export { EventLog } from './eventLog';
export { buildInventory, HOST_DEFAULTS, ScenarioProblem } from './model';
export { VM_DEFAULTS, fieldsOf, macFor, mergeFields, newVm, type VmFields, type VmPlacement } from './newVm';
export { reconfigureProblem, startClone, startCreate, startReconfigure, startRemove } from './inventoryOps';
export { startEnterMaintenance, startExitMaintenance } from './hostOps';
