/**
 * The guided exercise beside the inventory (the exercise panel): which exercise, the student's progress
 * (kept in the lab through `exercise.progress.set`, so it is saved and restored with the lab), and the
 * current step's checks evaluated live through the contract.
 *
 * - `catalogue` (`exercise.list`), `exercise`, `progress`, `status` (the current step's `StepStatus`).
 * - `start(name, studentName?)` / `restart()`: reload the exercise's scenario at its seed, then record a
 *   fresh progress; `leave()` clears it.
 * - `next()`, `previous()`, `skip(note)`, `showHint()`, `answer(questionId, value)`.
 * - `refresh()`: re-evaluates the current step; it runs by itself when the lab changes (events), at most
 *   every `REFRESH_MS`. A step whose checks all hold is marked passed (it stays passed).
 *
 * Rules: the progress is replaced only once the lab accepted the new one (a refused update leaves the
 * last good one on screen, with the reason in `error`); changes to it are applied one at a time, each to
 * the latest progress, so a step passing while an answer is recorded loses neither. Number answers are graded against the value the
 * student's own lab computes at the moment they answer (recorded with the answer).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { ExerciseProgress } from '@shared/api/commands';
import type { Exercise, ExerciseSummary, StepStatus, AnswerValue } from '@shared/exercise/index';
import {
  LabView, evaluateStep, expectedValue, goToStep, gradeAnswer, passStep, revealHint, skipStep, startProgress, stepContext, withAnswer,
} from '@shared/exercise/index';
import { useApi } from '@renderer/api/client';
import { useConnectionStore } from './connection';
import { message } from './sim';

/** Live checks are re-evaluated at most this often (wall ms) while the lab changes. */
export const REFRESH_MS = 400;

export const useExerciseStore = defineStore('exercise', () => {
  const api = useApi();
  const catalogue = ref<ExerciseSummary[]>([]);
  const exercise = shallowRef<Exercise | null>(null);
  const progress = shallowRef<ExerciseProgress | null>(null);
  const status = shallowRef<StepStatus | null>(null);
  const error = ref<string | null>(null);
  const busy = ref(false);
  const panelOpen = ref(false);
  const instructorView = ref(false);

  const stepIndex = computed(() => progress.value?.currentStep ?? 0);
  const step = computed(() => exercise.value?.steps[stepIndex.value] ?? null);
  const stepProgress = computed(() => progress.value?.steps[stepIndex.value] ?? null);
  const done = computed(() => progress.value?.steps.filter((s) => s.state !== 'open').length ?? 0);

  const now = async (): Promise<number> => (await api.query('sim.status', {})).virtualTimeMs;

  async function save(next: ExerciseProgress | null): Promise<boolean> {
    try {
      await api.command('exercise.progress.set', next ? { progress: next } : {});
      progress.value = next;
      error.value = null;
      return true;
    } catch (e) {
      error.value = message(e);
      return false;
    }
  }

  // Every change to the progress goes through `update`: one at a time, each built from the progress as it
  // is when its turn comes. A live check passing a step and an answer being recorded at the same moment
  // would otherwise each start from the same old progress, and the later save would undo the other.
  // `build` returns undefined when, seen against the latest progress, there is nothing to change.
  // Re-reading the progress from the lab (`load`) waits its turn too: a read answered before an answer
  // was saved and applied after it would put the old progress back on screen.
  type Build = (current: ExerciseProgress | null) => Promise<ExerciseProgress | null | undefined> | ExerciseProgress | null | undefined;
  let updates: Promise<unknown> = Promise.resolve();
  function inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = updates.then(work);
    updates = run.catch(() => undefined);
    return run;
  }
  function update(build: Build): Promise<boolean> {
    return inTurn(async () => {
      const next = await build(progress.value);
      return next === undefined ? false : save(next);
    });
  }

  async function load(): Promise<void> {
    try {
      catalogue.value = await api.query('exercise.list', {});
      const p = await inTurn(async () => {
        const read = await api.query('exercise.progress.get', {});
        if (read && read.exercise !== exercise.value?.name) exercise.value = await api.query('exercise.get', { name: read.exercise });
        progress.value = read;
        return read;
      });
      if (!p) { exercise.value = null; status.value = null; }
      if (p) panelOpen.value = true;
      error.value = null;
      await refresh();
    } catch (e) {
      error.value = message(e);
    }
  }

  async function start(name: string, studentName?: string): Promise<void> {
    busy.value = true;
    try {
      const ex = await api.query('exercise.get', { name });
      await api.command('lab.load', { scenario: ex.scenario, seed: ex.seed ?? 1 });
      exercise.value = ex;
      status.value = null;
      const who = studentName?.trim() || progress.value?.studentName;
      await update(async () => startProgress(ex, await now(), new Date().toISOString(), who || undefined));
      panelOpen.value = true;
      await refresh();
    } catch (e) {
      error.value = message(e);
    } finally {
      busy.value = false;
    }
  }

  const restart = () => (exercise.value ? start(exercise.value.name) : Promise.resolve());

  async function leave(): Promise<void> {
    if (await update(() => null)) { exercise.value = null; status.value = null; }
  }

  let evaluating: Promise<void> | null = null;
  let again = false;
  async function evaluate(): Promise<void> {
    const ex = exercise.value;
    const p = progress.value;
    if (!ex || !p) return;
    const index = p.currentStep;
    const st = await evaluateStep(ex, index, api.query, p);
    if (progress.value !== p) return; // the student moved on meanwhile: this answer is stale
    status.value = st;
    const rec = p.steps[index];
    if (st.checksPass && (ex.steps[index].checks?.length ?? 0) > 0 && rec?.state === 'open') {
      await update(async (cur) => (cur && cur.currentStep === index && cur.steps[index]?.state === 'open'
        ? passStep(cur, index, await now(), new Date().toISOString()) : undefined));
    }
  }

  /** Re-evaluates the current step (coalesced: one pass at a time, one more if asked meanwhile). */
  async function refresh(): Promise<void> {
    if (evaluating) { again = true; return evaluating; }
    evaluating = (async () => {
      try {
        do { again = false; await evaluate(); } while (again);
      } catch (e) {
        error.value = message(e);
      } finally {
        evaluating = null;
      }
    })();
    return evaluating;
  }

  async function move(to: number): Promise<void> {
    if (!progress.value) return;
    status.value = null;
    if (await update(async (cur) => (cur ? goToStep(cur, to, await now()) : undefined))) await refresh();
  }
  const next = () => move(stepIndex.value + 1);
  const previous = () => move(stepIndex.value - 1);

  async function skip(note: string): Promise<void> {
    if (!progress.value) return;
    const index = stepIndex.value;
    status.value = null;
    if (await update(async (cur) => (cur ? skipStep(cur, index, note, await now(), new Date().toISOString()) : undefined))) await refresh();
  }

  async function showHint(): Promise<void> {
    const index = stepIndex.value;
    const hints = step.value?.hints?.length ?? 0;
    if (progress.value && step.value) await update((cur) => (cur ? revealHint(cur, index, hints) : undefined));
  }

  /** Records an answer; returns whether it was right (null: free text, for the instructor). */
  async function answer(questionId: string, value: AnswerValue): Promise<boolean | null> {
    const ex = exercise.value;
    const p = progress.value;
    if (!ex || !p) return null;
    const index = ex.steps.findIndex((s) => s.questions?.some((q) => q.id === questionId));
    const q = ex.steps[index]?.questions?.find((x) => x.id === questionId);
    if (!q) return null;
    let expected: number | undefined;
    if ('number' in q) {
      const e = await expectedValue(q, stepContext(new LabView(api.query), p, index));
      if (e.value === undefined) { error.value = `the lab cannot compute this answer yet: ${e.text}`; return null; }
      expected = e.value;
    }
    const { correct } = gradeAnswer(q, value, expected);
    const ok = await update(async (cur) => (cur ? withAnswer(cur, {
      question: questionId, value, atMs: await now(), at: new Date().toISOString(),
      ...(expected !== undefined ? { expected } : {}), ...(correct !== null ? { correct } : {}),
    }) : undefined));
    if (ok) await refresh();
    return correct;
  }

  // Live checks: anything that can change a check's answer triggers a (throttled) re-evaluation.
  let timer: ReturnType<typeof setTimeout> | null = null;
  function soon(): void {
    if (timer || !exercise.value) return;
    timer = setTimeout(() => { timer = null; void refresh(); }, REFRESH_MS);
  }
  api.onEvent((e) => {
    if (e.type === 'lab.loaded') { if (!busy.value) void load(); return; }
    if (e.type === 'task.updated' || e.type === 'inventory.changed' || e.type === 'metrics.sampled' || e.type === 'event.logged') soon();
  });
  const conn = useConnectionStore();
  watch(() => conn.generation, (g) => { if (g > 0) void load(); }, { immediate: true });

  return {
    catalogue, exercise, progress, status, error, busy, panelOpen, instructorView, stepIndex, step, stepProgress, done,
    load, start, restart, leave, refresh, next, previous, skip, showHint, answer,
  };
});
