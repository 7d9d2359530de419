/**
 * Guided exercises (docs/exercises.md): the file format, its validator, the checker that evaluates a
 * step's predicates and a whole run against a lab through the engine contract, progress, and the
 * Markdown subset. Used by the client (live checks in the exercise panel) and by the Node side (the CLI's
 * `exercise check`, reports, the loader).
 *
 * Rules: imports only src-shared (the contract); reads labs through `LabQuery` (any `HvlabApi.query`),
 * never through engine objects, so it works the same on a live lab, a saved one, or a remote one.
 */
export * from './format';
export { durationMs, formatDuration } from './duration';
export { validateExercise, formatPath } from './validate';
export type { ExerciseProblem, ExerciseKnowledge, Path } from './validate';
export { LabView } from './labView';
export type { LabQuery } from './labView';
export { evaluateExpr, readCounter, describeCounter, describeMatch, describeMigrations, round, selectMigrations, SAMPLE_PERIOD_MS } from './expressions';
export type { MigrationRun } from './expressions';
export type { EvalContext, ExprResult } from './expressions';
export { evaluateCheck, describeCheck } from './checks';
export type { CheckResult } from './checks';
export { evaluateStep, gradeRun, expectedValue, stepContext } from './grading';
export type { StepStatus, StepGrade, RunGrade, AnswerGrade, CheckStatus } from './grading';
export * from './progress';
export { renderMarkdown, renderInline, escapeHtml, markdownToText } from './markdown';
