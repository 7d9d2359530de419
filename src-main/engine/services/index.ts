/**
 * services — the cluster services: vSphere HA (failure detection, restarts by priority, isolation
 * response, VM monitoring, admission control), DRS (imbalance, recommendations, automation levels), DPM
 * (hosts into and out of standby), the
 * lab's injected faults, and the data-center availability maths. The door other engine folders import.
 *
 * Reading order: `faults.ts` → `heartbeat.ts` (datastore heartbeating) → `admission.ts` → `restartPlan.ts` → `drsBalance.ts` → `dpm.ts` →
 * `clusterServices.ts` (the barrier service) → `availability.ts`.
 */
export { ClusterServices, DPM_INITIATOR, DRS_INITIATOR, HA_INITIATOR, type ClusterServicesEnv, type ClusterServicesState, type ConfigureChange } from './clusterServices';
export { activeFaults, injectFault, repairFault } from './faults';
export { feasibleDatastores, heartbeatDatastores, heartbeatDto, heartbeatProblem, heartbeatSeen } from './heartbeat';
export { admissionProblem, capacityView, failoverLevel, slotFigures } from './admission';
export { planRestarts, type RestartCandidate, type RestartHost, type RestartPlan } from './restartPlan';
export { hostLoads, imbalance, recommendMoves, recommendationPriority, targetImbalance, type DrsHost, type DrsVm, type DrsMove } from './drsBalance';
export { DPM_HIGH, DPM_LOW, clusterUtilization, dpmEvaluate, type DpmDecision, type DpmHost, type DpmInput } from './dpm';
export {
  HOURS_PER_YEAR, UPTIME_TIERS, clusterAvailability, designProblem, downtimeHours, evaluateDesign, fromMtbf, kOfN, parallel, redundancy, series,
  simulateCluster, simulationSteps, tierOf, type ClusterSimulation, type ComponentGroup, type DesignCombination, type DesignResult, type RedundancyScheme,
} from './availability';
