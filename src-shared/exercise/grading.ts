/**
 * Grading: a step's checks evaluated now (the live panel), and a whole run — every step's checks against
 * the lab as it is, plus every answer against what the lab computes (the CLI's `exercise check`, the
 * lab report, the instructor view).
 *
 * - `evaluateStep(exercise, index, query, progress?)` → `StepStatus`.
 * - `gradeRun(exercise, query, progress?)` → `RunGrade` (per step: checks with pass/fail and why, the
 *   recorded state from the progress, answers with expected values and correctness; totals).
 * - `expectedValue(question, ctx)`: the number a number question expects, from the student's own lab.
 * - `stepContext(view, progress, index)`: the evaluation context of a step (its window: from its start to
 *   the next step's start, or to now while it is current).
 *
 * Rules: one `LabView` per pass (consistent reads); the exercise's start and each step's start come from
 * the progress (0 without one); a lab built from another scenario is flagged, not failed outright.
 */
import type { ExerciseProgress } from '../api/commands';
import type { Exercise, Question } from './format';
import { questionKind } from './format';
import type { LabQuery } from './labView';
import { LabView } from './labView';
import type { CheckResult } from './checks';
import { describeCheck, evaluateCheck } from './checks';
import type { EvalContext } from './expressions';
import { evaluateExpr, round } from './expressions';
import { answerFor, answerText, gradeAnswer } from './progress';

export interface CheckStatus extends CheckResult {
  label: string;
}

export interface StepStatus {
  index: number;
  id: string;
  checks: CheckStatus[];
  /** Every check holds (a step without checks holds trivially). */
  checksPass: boolean;
  /** Every question has an answer. */
  answered: boolean;
}

export interface AnswerGrade {
  id: string;
  kind: 'number' | 'choice' | 'text';
  prompt: string;
  answer?: string;
  value?: number | string | number[];
  /** Number questions: what the lab computes now, or why it cannot. */
  expected?: number;
  expectedText?: string;
  /** What the lab computed when the student answered (recorded in the progress). */
  expectedAtAnswer?: number;
  correct: boolean | null;
  explain?: string;
  answeredAtMs?: number;
  answeredAt?: string;
}

export interface StepGrade extends StepStatus {
  title: string;
  recorded: { state: 'open' | 'passed' | 'skipped'; passedAtMs?: number; at?: string; note?: string; hintsShown: number } | undefined;
  answers: AnswerGrade[];
}

export interface RunGrade {
  exercise: string;
  title: string;
  scenario: { expected: string; actual: string; seed: number; matches: boolean };
  virtualTimeMs: number;
  studentName?: string;
  startedAtMs: number;
  startedAt?: string;
  steps: StepGrade[];
  totals: { steps: number; stepsPassed: number; checks: number; checksPassed: number; questions: number; answered: number; correct: number; graded: number };
}

export function stepContext(view: LabView, progress: ExerciseProgress | null | undefined, index: number): EvalContext {
  const start = progress?.startedAtMs ?? 0;
  const stepStart = progress?.steps[index]?.startedAtMs ?? start;
  // A step's own window closes when the student moved on to the next step (measurements stay the step's).
  const next = progress && progress.currentStep > index ? progress.steps[index + 1]?.startedAtMs : undefined;
  const ctx: EvalContext = { view, exerciseStartMs: start, stepStartMs: stepStart };
  if (next !== undefined && next > stepStart) ctx.stepEndMs = next;
  return ctx;
}

async function stepStatus(exercise: Exercise, index: number, view: LabView, progress: ExerciseProgress | null | undefined): Promise<StepStatus> {
  const step = exercise.steps[index];
  const ctx = stepContext(view, progress, index);
  const checks: CheckStatus[] = [];
  for (const c of step.checks ?? []) checks.push({ label: describeCheck(c), ...(await evaluateCheck(c, ctx)) });
  const answered = (step.questions ?? []).every((q) => answerFor(progress, q.id) !== undefined);
  return { index, id: step.id, checks, checksPass: checks.every((c) => c.pass), answered };
}

export async function evaluateStep(exercise: Exercise, index: number, query: LabQuery, progress?: ExerciseProgress | null): Promise<StepStatus> {
  return stepStatus(exercise, index, new LabView(query), progress);
}

export async function expectedValue(q: Question, ctx: EvalContext): Promise<{ value?: number; text: string }> {
  if (!('number' in q)) return { text: '' };
  const r = await evaluateExpr(q.number.answer, ctx);
  if ('error' in r) return { text: r.error };
  return { value: r.value, text: r.text };
}

export async function gradeRun(exercise: Exercise, query: LabQuery, progress?: ExerciseProgress | null): Promise<RunGrade> {
  const view = new LabView(query);
  const [info, status] = await Promise.all([view.info(), view.status()]);
  const p = progress && progress.exercise === exercise.name ? progress : null;
  const steps: StepGrade[] = [];
  for (let i = 0; i < exercise.steps.length; i++) {
    const step = exercise.steps[i];
    const st = await stepStatus(exercise, i, view, p);
    const ctx = stepContext(view, p, i);
    const answers: AnswerGrade[] = [];
    for (const q of step.questions ?? []) {
      const a = answerFor(p, q.id);
      const g: AnswerGrade = { id: q.id, kind: questionKind(q), prompt: q.prompt, correct: null };
      if (q.explain) g.explain = q.explain;
      if ('number' in q) {
        const e = await expectedValue(q, ctx);
        if (e.value !== undefined) g.expected = e.value;
        const shown = e.value !== undefined ? `${round(e.value)}${q.number.unit ? ` ${q.number.unit}` : ''}` : '';
        g.expectedText = e.value === undefined ? e.text : e.text === String(e.value) ? shown : `${shown} (${e.text})`;
      }
      if (a) {
        g.value = a.value;
        g.answer = answerText(q, a.value);
        g.answeredAtMs = a.atMs;
        if (a.at) g.answeredAt = a.at;
        if (a.expected !== undefined) g.expectedAtAnswer = a.expected;
        g.correct = gradeAnswer(q, a.value, g.expected).correct;
      } else if (questionKind(q) !== 'text') g.correct = false;
      answers.push(g);
    }
    const rec = p?.steps.find((s) => s.id === step.id);
    steps.push({
      ...st,
      title: step.title,
      recorded: rec ? { state: rec.state, hintsShown: rec.hintsShown, ...(rec.passedAtMs !== undefined ? { passedAtMs: rec.passedAtMs } : {}), ...(rec.at ? { at: rec.at } : {}), ...(rec.note ? { note: rec.note } : {}) } : undefined,
      answers,
    });
  }
  const all = steps.flatMap((s) => s.checks);
  const qs = steps.flatMap((s) => s.answers);
  const grade: RunGrade = {
    exercise: exercise.name,
    title: exercise.title,
    scenario: { expected: exercise.scenario, actual: info.scenario, seed: info.seed, matches: info.scenario === exercise.scenario },
    virtualTimeMs: status.virtualTimeMs,
    startedAtMs: p?.startedAtMs ?? 0,
    steps,
    totals: {
      steps: steps.length,
      stepsPassed: steps.filter((s) => s.checksPass).length,
      checks: all.length,
      checksPassed: all.filter((c) => c.pass).length,
      questions: qs.length,
      answered: qs.filter((q) => q.value !== undefined).length,
      correct: qs.filter((q) => q.correct === true).length,
      graded: qs.filter((q) => q.kind !== 'text').length,
    },
  };
  if (p?.studentName) grade.studentName = p.studentName;
  if (p?.startedAt) grade.startedAt = p.startedAt;
  return grade;
}
