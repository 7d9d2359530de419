/**
 * The placement engine's door: put VMs on as few hosts as possible, under BtrPlace's constraints —
 * pure and deterministic (no Node, no packages, no UI). Reading order: `problem.ts` → `constraints.ts`
 * → `heuristics.ts` (+ `packingState.ts`) → `checker.ts` → `bounds.ts` → `exact.ts` (`arcFlow.ts`,
 * `assignmentModel.ts`, `milp.ts`) → `explain.ts`; standard instances in `instances/`; the course's
 * modelling language in `model/` (the workbench query on the lab: `modelOnLab.ts`); the view of a running lab in `clusterView.ts`; plans: `plan.ts` →
 * `planChecker.ts`, on the lab `planOnLab.ts` and the task that runs them `applyTask.ts`. Student docs:
 * docs/placement.md.
 */
export type { PlacementProblem, PlacementItem, PlacementBin, Placement, BinState, ProblemMistake } from './problem';
export { problemError, oneDimensional, binsUsed, suspendedCount } from './problem';
export type { PlacementConstraint, ConstraintKind } from './constraints';
export { CONSTRAINT_KINDS, constraintLabel } from './constraints';
export type { HeuristicName, HeuristicResult, PackStep, BinLook } from './heuristics';
export { HEURISTICS, HEURISTIC_TITLES, runHeuristic, stepHeuristic, itemOrder } from './heuristics';
export type { Violation } from './checker';
export { checkPlacement } from './checker';
export type { LowerBound } from './bounds';
export { lowerBound, martelloTothL2 } from './bounds';
export type { PlacementAlgo, PlacementOutcome, PlacementStatus, SolveOptions, SolverReport } from './exact';
export { solvePlacement, PLACEMENT_ALGOS } from './exact';
export type { Explanation } from './explain';
export { explainInfeasible } from './explain';
export type { MilpModel, MilpResult, MilpRow, MilpSolveOptions, MilpStatus } from './milp';
export { MilpBuilder, toLpText, nonzeros } from './milp';
export { arcFlowApplies, buildArcFlow } from './arcFlow';
export { buildAssignment } from './assignmentModel';
export { heuristicVirtualMs, exactVirtualMs, searchVirtualMs } from './costModel';
export { placementSolve } from './solveRequest';
export type { PlanAction, PlanActionKind, PlanDurations, PlanInput, ReconfigurationPlan } from './plan';
export { planReconfiguration, migrationEstimateMs, alignTarget, evacuationTarget, consolidationTarget } from './plan';
export { checkPlan } from './planChecker';
export { placementPlan, applyRequestPlan, planToTarget, liveMoveMs, PLAN_ESTIMATE_TEXT } from './planOnLab';
export type { ApplyAction } from './applyTask';
export { APPLY_PLAN_TASK_KIND, startApplyPlan } from './applyTask';
export type { Instance } from './instances/bpplib';
export { readInstances, instanceProblem, writeBpplib } from './instances/bpplib';
export type { StandardClass } from './instances/generator';
export { STANDARD_CLASSES, standardInstance } from './instances/generator';
export { formatSourceDiagnostics } from './diagnostics';
export type { ModelRun, Value } from './model/index';
export { solveModel } from './model/index';
export { placementModel, WORKBENCH_NODE_LIMIT } from './modelOnLab';
