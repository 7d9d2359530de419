// The exercise store records the student's progress one change at a time, each applied to the latest
// progress: a live check that passes the step while an answer is being recorded must keep both (before,
// the check's save started from the progress it had read and silently dropped the answer).
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { ExerciseProgress } from '@shared/api/commands';
import type { Exercise } from '@shared/exercise/index';
import { startProgress } from '@shared/exercise/index';
import { setApiForTests } from '@renderer/api/client';
import { useExerciseStore } from '@renderer/stores/exercise';
import { fakeApi, flush, makeInventory } from './fakeApi';
import type { FakeApi } from './fakeApi';

const exercise = {
  exercise: 1, name: 'bins', title: 'Bins', summary: 'one step', scenario: 'lab-small',
  steps: [{
    id: 'first', title: 'First', instructions: 'Power on VM1.',
    checks: [{ vm: { name: 'VM1', powerState: 'poweredOn' } }],
    questions: [{ id: 'hosts', prompt: 'How many hosts?', number: { answer: 3 } }],
  }],
} as unknown as Exercise;

describe('exercise store: progress changes never undo each other', () => {
  let api: FakeApi;
  let saved: ExerciseProgress | null;
  let slowClock: number;
  beforeEach(() => {
    saved = startProgress(exercise, 1000);
    slowClock = 0;
    api = fakeApi({
      'exercise.list': () => [],
      'exercise.get': () => exercise,
      'exercise.progress.get': () => saved,
      'inventory.get': () => makeInventory(2),
      // The virtual clock answers late when asked to, so that the check's save and the answer's overlap.
      'sim.status': () => new Promise((r) => setTimeout(() => r({ virtualTimeMs: 2000, running: true, speed: 1 }), slowClock-- > 0 ? 30 : 0)),
    });
    api.commandResults['exercise.progress.set'] = (p: { progress?: ExerciseProgress }) => { saved = p.progress ?? null; return { ok: true }; };
    setApiForTests(api);
    setActivePinia(createPinia());
  });

  it('an answer recorded while the step passes is kept, and the step is passed', async () => {
    const store = useExerciseStore();
    await store.load();
    expect(store.progress?.steps[0].state).toBe('open');
    // VM1 is on now: the live check passes the step (its clock read is slow) while the student answers.
    api.queries['inventory.get'] = () => {
      const inv = makeInventory(2);
      inv.vms[0] = { ...inv.vms[0], powerState: 'poweredOn' };
      return inv;
    };
    slowClock = 1;
    const checking = store.refresh();
    await flush();
    const answering = store.answer('hosts', 3);
    await Promise.all([checking, answering]);
    await flush();
    expect(store.progress?.steps[0].state).toBe('passed');
    expect(store.progress?.answers.map((a) => [a.question, a.value, a.correct])).toEqual([['hosts', 3, true]]);
    expect(saved).toEqual(store.progress);
  });

  it('a re-read of the progress answered late (the lab was loaded) does not put back the progress before an answer', async () => {
    const store = useExerciseStore();
    await store.load();
    // The lab answers the read with the progress it holds when asked, late.
    api.queries['exercise.progress.get'] = () => { const held = saved; return new Promise((r) => setTimeout(() => r(held), 30)); };
    const answering = store.answer('hosts', 3);
    const rereading = store.load();
    await Promise.all([answering, rereading]);
    await flush();
    expect(store.progress?.answers.map((a) => a.question)).toEqual(['hosts']);
  });
});
