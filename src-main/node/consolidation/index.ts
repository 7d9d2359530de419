/**
 * Consolidation runs: a cluster run on a timeline of workload phases while a policy (none, periodic FFD,
 * periodic exact, threshold) re-packs it with live migrations and standby, and what that cost, counted
 * from the run. Reading order: `runFile.ts` (the experiment's file) → `policies.ts` (the decisions) →
 * `consolidationRun.ts` (the run and its measures). docs/placement.md, "Consolidation runs".
 */
export { runConsolidation, SAMPLE_MS, SHORT_OF_CPU_SHARE } from './consolidationRun';
export type { ConsolidationOptions, ConsolidationReport, ConsolidationDecision } from './consolidationRun';
export { POLICIES, DEFAULT_POLICY_PARAMS, thresholdDecision, alignToCurrent, packingBins } from './policies';
export type { PolicyName, PolicyParams, ClusterSnapshot, Decision } from './policies';
export { parseRunFile, RunFileError, RUN_MAX_MS } from './runFile';
export type { RunFile, RunPhase } from './runFile';
