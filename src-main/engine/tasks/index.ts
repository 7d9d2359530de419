/**
 * tasks — long operations as vSphere-style Tasks whose kinds are a table: plain, serializable state, a
 * `step` the simulation loop advances at barriers, progress, cancel with roll-back, and save/load that
 * resumes tasks in flight. The only door into this folder. The lab registers its kinds in
 * `lab/taskKinds.ts`.
 */
export { TaskManager } from './taskManager';
export type { TaskStart, TaskManagerState, SavedTask, TaskHooks } from './taskManager';
export type { TaskKind, TaskKindTable, TaskView, StepResult } from './taskKind';
export { timedKind } from './timedTask';
export type { TimedState, TimedOperation, TaskOutcome } from './timedTask';
