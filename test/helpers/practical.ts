// Test helper: a student doing a practical through the engine contract only — commands, sim.step and
// queries, exactly what the client sends — with the exercise's progress kept in the lab.
import assert from 'node:assert/strict';
import type { HvlabApi } from '../../src-shared/api/index';
import type { ExerciseProgress } from '../../src-shared/api/commands';
import type { VmId } from '../../src-shared/model/ids';
import type { Exercise, RunGrade, StepStatus } from '../../src-shared/exercise/index';
import {
  LabView, evaluateStep, expectedValue, gradeAnswer, gradeRun, goToStep, passStep, startProgress, stepContext, withAnswer,
} from '../../src-shared/exercise/index';
import { findExercise } from '../../src-main/node/exercise/exerciseFiles';
import { startExerciseLab } from '../../src-main/node/exercise/labAccess';
import type { Engine } from '../../src-main/engine/index';
import { loadPageCodecs } from '../../src-main/node/codecs/pageCodecs';
import type { HostId, TaskId } from '../../src-shared/model/ids';
import type { MigrationOptions } from '../../src-shared/model/migration';

export class Student {
  progress: ExerciseProgress;
  private constructor(readonly exercise: Exercise, readonly engine: Engine, readonly api: HvlabApi) {
    this.progress = startProgress(exercise, 0, '2025-01-01T00:00:00.000Z', 'Test Student');
  }

  /**
   * Loads the built-in exercise, builds its lab (real guests, paused) and records the start. `codecs`: the
   * host's page codecs, as the app's engine has them (migrations that compress need them).
   */
  static async start(name: string, options: { codecs?: boolean } = {}): Promise<Student> {
    const { exercise } = findExercise(name);
    const { engine, api } = startExerciseLab(exercise, options.codecs ? { pageCodecs: await loadPageCodecs() } : {});
    const s = new Student(exercise, engine, api);
    await s.save();
    return s;
  }

  async save(): Promise<void> {
    await this.api.command('exercise.progress.set', { progress: this.progress });
  }

  async vmId(name: string): Promise<VmId> {
    const vm = (await this.api.query('inventory.get', {})).vms.find((v) => v.name === name);
    assert.ok(vm, `no VM ${name}`);
    return vm.id;
  }

  /** Runs a command that starts a task and lets the lab run until it finishes (at most 60 s virtual). */
  async task(name: 'vm.powerOn' | 'vm.powerOff' | 'vm.suspend', vm: string): Promise<void> {
    const { taskId } = await this.api.command(name, { vmId: await this.vmId(vm) });
    await this.waitTask(taskId);
  }

  async hostId(name: string): Promise<HostId> {
    const h = (await this.api.query('inventory.get', {})).hosts.find((x) => x.name === name);
    assert.ok(h, `no host ${name}`);
    return h.id;
  }

  /** VM ACTIONS › Migrate… as the wizard sends it (`vm.migrate`); waits for the task, which must end in `expect`. */
  async migrate(vm: string, host: string, options: Partial<MigrationOptions>, expect: 'success' | 'error' = 'success'): Promise<TaskId> {
    const { taskId } = await this.api.command('vm.migrate', { vmId: await this.vmId(vm), hostId: await this.hostId(host), options });
    await this.waitTask(taskId, expect);
    return taskId;
  }

  async waitTask(taskId: string, expect: 'success' | 'error' = 'success'): Promise<void> {
    for (let i = 0; i < 120; i++) {
      const t = (await this.api.query('tasks.list', { limit: 50 })).find((x) => x.id === taskId);
      if (t && (t.state === 'success' || t.state === 'error' || t.state === 'cancelled')) {
        assert.equal(t.state, expect, `${t.operation} on ${t.targetName}: ${t.error?.message ?? t.state}`);
        return;
      }
      await this.run(0.5);
    }
    assert.fail(`task ${taskId} did not finish`);
  }

  /** `sim.step` as the lab's host runs it: the step is recorded, then moved to its end in slices. */
  async run(seconds: number): Promise<void> {
    await this.api.command('sim.step', { seconds });
    while (!this.engine.stepSome(1000)) { /* each call advances at most 1 s of virtual time */ }
  }

  async now(): Promise<number> {
    return (await this.api.query('sim.status', {})).virtualTimeMs;
  }

  stepIndex(id: string): number {
    const i = this.exercise.steps.findIndex((s) => s.id === id);
    assert.ok(i >= 0, `no step ${id}`);
    return i;
  }

  /** Moves the progress to a step (as the panel's Next does), recording its start time. */
  async goTo(id: string): Promise<void> {
    this.progress = goToStep(this.progress, this.stepIndex(id), await this.now());
    await this.save();
  }

  async status(id: string): Promise<StepStatus> {
    return evaluateStep(this.exercise, this.stepIndex(id), this.api.query, this.progress);
  }

  /** Every check of the step passes (the message lists the failing ones with their reasons); the step is then marked passed. */
  async expectStepPasses(id: string): Promise<StepStatus> {
    const st = await this.status(id);
    const failed = st.checks.filter((c) => !c.pass).map((c) => `${c.label}: ${c.reason}`);
    assert.deepEqual(failed, [], `step ${id}`);
    this.progress = passStep(this.progress, this.stepIndex(id), await this.now());
    await this.save();
    return st;
  }

  /** What the lab computes for a number question now. */
  async expected(questionId: string): Promise<number> {
    const q = this.exercise.steps.flatMap((s) => s.questions ?? []).find((x) => x.id === questionId);
    assert.ok(q && 'number' in q, `no number question ${questionId}`);
    const idx = this.exercise.steps.findIndex((s) => s.questions?.includes(q));
    const e = await expectedValue(q, stepContext(new LabView(this.api.query), this.progress, idx));
    assert.ok(e.value !== undefined, `question ${questionId}: ${e.text}`);
    return e.value;
  }

  /** Records an answer as the panel does (with the lab's value at that moment) and returns whether it was right. */
  async answer(questionId: string, value: number | string | number[]): Promise<boolean | null> {
    const q = this.exercise.steps.flatMap((s) => s.questions ?? []).find((x) => x.id === questionId);
    assert.ok(q, `no question ${questionId}`);
    const expected = 'number' in q ? await this.expected(questionId) : undefined;
    const { correct } = gradeAnswer(q, value, expected);
    this.progress = withAnswer(this.progress, {
      question: questionId, value, atMs: await this.now(), ...(expected !== undefined ? { expected } : {}), ...(correct !== null ? { correct } : {}),
    });
    await this.save();
    return correct;
  }

  /** Answers every choice question with its correct options and every text question with its model answer. */
  async answerChoicesAndTexts(stepId: string): Promise<void> {
    for (const q of this.exercise.steps[this.stepIndex(stepId)].questions ?? []) {
      if ('choice' in q) assert.equal(await this.answer(q.id, q.choice.options.flatMap((o, i) => (o.correct ? [i] : []))), true);
      if ('text' in q) await this.answer(q.id, q.text?.modelAnswer ?? 'an answer for the instructor');
    }
  }

  async grade(): Promise<RunGrade> {
    return gradeRun(this.exercise, this.api.query, this.progress);
  }
}
