/**
 * Progress through an exercise: pure operations on the contract's `ExerciseProgress` (kept in the lab by
 * `exercise.progress.set`, saved and restored with it), and answer grading.
 *
 * - `startProgress(exercise, nowMs, wallIso?, studentName?)` → progress at step 0.
 * - `withStep(progress, index, change)`, `passStep`, `skipStep`, `goToStep`, `revealHint`, `withAnswer`: new
 *   objects (never mutate the argument), so a UI store can keep the old one until the lab accepts the new.
 * - `gradeAnswer(question, value, expected?)` → `{ correct }` (null for free text: the instructor grades it).
 * - `parseTolerance`, `answerFor(progress, questionId)`.
 *
 * Rules: a passed step stays passed (its checks held at `passedAtMs`; the grader re-checks the saved lab
 * separately); a skipped step keeps the student's note.
 */
import type { ExerciseProgress } from '../api/commands';
import type { Exercise, Question } from './format';

export type AnswerValue = number | string | number[];
export type ProgressStep = ExerciseProgress['steps'][number];
export type ProgressAnswer = ExerciseProgress['answers'][number];

export function startProgress(exercise: Exercise, nowMs: number, wallIso?: string, studentName?: string): ExerciseProgress {
  const p: ExerciseProgress = {
    exercise: exercise.name,
    startedAtMs: nowMs,
    currentStep: 0,
    steps: exercise.steps.map((s, i) => ({ id: s.id, state: 'open', hintsShown: 0, ...(i === 0 ? { startedAtMs: nowMs } : {}) })),
    answers: [],
  };
  if (wallIso) p.startedAt = wallIso;
  if (studentName) p.studentName = studentName;
  return p;
}

function copy(p: ExerciseProgress): ExerciseProgress {
  return { ...p, steps: p.steps.map((s) => ({ ...s })), answers: p.answers.map((a) => ({ ...a, ...(Array.isArray(a.value) ? { value: [...a.value] } : {}) })) };
}

export function passStep(p: ExerciseProgress, index: number, nowMs: number, wallIso?: string): ExerciseProgress {
  const out = copy(p);
  const s = out.steps[index];
  if (!s || s.state === 'passed') return out;
  s.state = 'passed';
  s.passedAtMs = nowMs;
  if (wallIso) s.at = wallIso;
  return out;
}

export function skipStep(p: ExerciseProgress, index: number, note: string, nowMs: number, wallIso?: string): ExerciseProgress {
  const out = copy(p);
  const s = out.steps[index];
  if (!s || s.state === 'passed') return out;
  s.state = 'skipped';
  s.note = note.slice(0, 2000);
  s.passedAtMs = nowMs;
  if (wallIso) s.at = wallIso;
  return goToStep(out, Math.min(index + 1, out.steps.length - 1), nowMs);
}

export function goToStep(p: ExerciseProgress, index: number, nowMs: number): ExerciseProgress {
  const out = copy(p);
  if (index < 0 || index >= out.steps.length) return out;
  out.currentStep = index;
  if (out.steps[index].startedAtMs === undefined) out.steps[index].startedAtMs = nowMs;
  return out;
}

export function revealHint(p: ExerciseProgress, index: number, hintCount: number): ExerciseProgress {
  const out = copy(p);
  const s = out.steps[index];
  if (s && s.hintsShown < hintCount) s.hintsShown++;
  return out;
}

export function withAnswer(p: ExerciseProgress, answer: ProgressAnswer): ExerciseProgress {
  const out = copy(p);
  out.answers = out.answers.filter((a) => a.question !== answer.question);
  out.answers.push(answer);
  return out;
}

export function answerFor(p: ExerciseProgress | null | undefined, questionId: string): ProgressAnswer | undefined {
  return p?.answers.find((a) => a.question === questionId);
}

/** `5` → absolute 5; `"10%"` → relative 0.1. */
export function parseTolerance(t: number | string | undefined): { absolute: number; relative: number } {
  if (t === undefined) return { absolute: 0, relative: 0 };
  if (typeof t === 'number') return { absolute: t, relative: 0 };
  const n = Number(t.replace('%', ''));
  return { absolute: 0, relative: Number.isFinite(n) ? n / 100 : 0 };
}

export function withinTolerance(value: number, expected: number, t: number | string | undefined): boolean {
  const tol = parseTolerance(t);
  const allowed = Math.max(tol.absolute, Math.abs(expected) * tol.relative);
  return Math.abs(value - expected) <= allowed + 1e-9 * Math.max(1, Math.abs(expected));
}

/** Whether an answer is right: numbers against `expected` with the question's tolerance, choices against the correct set. */
export function gradeAnswer(q: Question, value: AnswerValue, expected?: number): { correct: boolean | null } {
  if ('number' in q) {
    if (typeof value !== 'number' || !Number.isFinite(value) || expected === undefined) return { correct: expected === undefined ? null : false };
    return { correct: withinTolerance(value, expected, q.number.tolerance) };
  }
  if ('choice' in q) {
    const chosen = new Set(Array.isArray(value) ? value : typeof value === 'number' ? [value] : []);
    const right = new Set(q.choice.options.map((o, i) => (o.correct ? i : -1)).filter((i) => i >= 0));
    return { correct: chosen.size === right.size && [...chosen].every((i) => right.has(i)) };
  }
  return { correct: null };
}

/** Text of an answer as a student gave it (choice indexes become the option texts). */
export function answerText(q: Question, value: AnswerValue | undefined): string {
  if (value === undefined) return '';
  if ('choice' in q) {
    const idx = Array.isArray(value) ? value : typeof value === 'number' ? [value] : [];
    return idx.map((i) => q.choice.options[i]?.text ?? `option ${i + 1}`).join('; ');
  }
  if ('number' in q && typeof value === 'number') return `${value}${q.number.unit ? ` ${q.number.unit}` : ''}`;
  return String(value);
}
