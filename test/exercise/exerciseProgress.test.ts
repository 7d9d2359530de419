// Exercise progress is kept in the lab through the contract: validated like any input, saved and
// restored with the lab (and refused when a saved one is malformed), cleared by loading a scenario,
// and left out of the run's digest (recording an answer does not change what the lab computed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { harness } from '../helpers/labHarness';
import type { Engine } from '../../src-main/engine/index';
import type { ExerciseProgress } from '../../src-shared/api/commands';
import { API_VERSION } from '../../src-shared/api/channels';

const labEngine = (scenario: string): Engine => harness(scenario).engine;

const call = (e: Engine, kind: 'command' | 'query', name: string, params: unknown) => e.handle({ v: API_VERSION, id: 1, kind, name, params });

const PROGRESS: ExerciseProgress = {
  exercise: 'client-tour', studentName: 'Ada', startedAtMs: 0, startedAt: '2025-01-01T10:00:00.000Z', currentStep: 1,
  steps: [{ id: 'inventory', state: 'passed', startedAtMs: 0, passedAtMs: 1200, hintsShown: 1 }, { id: 'host-hardware', state: 'open', startedAtMs: 1200, hintsShown: 0 }],
  answers: [{ question: 'host-count', value: 2, atMs: 1100, expected: 2, correct: true }, { question: 'why-ht', value: [1], atMs: 1150 }, { question: 'web-mac', value: '00:50:56:00:00:01', atMs: 1190 }],
};

test('progress set → get, saved and restored with the lab, not part of the digest', () => {
  const e = labEngine('lab-small');
  assert.deepEqual(call(e, 'query', 'exercise.progress.get', {}), { id: 1, ok: true, result: null });
  const digestBefore = createHash('sha256').update(JSON.stringify(e.digestInput())).digest('hex');
  assert.deepEqual(call(e, 'command', 'exercise.progress.set', { progress: PROGRESS }), { id: 1, ok: true, result: { ok: true } });
  assert.equal(createHash('sha256').update(JSON.stringify(e.digestInput())).digest('hex'), digestBefore);
  const state = structuredClone(e.saveState());
  const e2 = labEngine('lab-small');
  assert.equal(e2.loadState(state), undefined);
  assert.deepEqual((call(e2, 'query', 'exercise.progress.get', {}) as { result: unknown }).result, PROGRESS);
  call(e2, 'command', 'exercise.progress.set', {});
  assert.equal((call(e2, 'query', 'exercise.progress.get', {}) as { result: unknown }).result, null);
});

test('a malformed progress is refused with the field named, and changes nothing', () => {
  const e = labEngine('lab-small');
  call(e, 'command', 'exercise.progress.set', { progress: PROGRESS });
  const bad = { ...PROGRESS, steps: [{ ...PROGRESS.steps[0], state: 'done' }] };
  const r = call(e, 'command', 'exercise.progress.set', { progress: bad });
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && [r.error.code, r.error.field], ['E_INVALID_ARGUMENT', 'params.progress.steps[0].state']);
  const huge = { ...PROGRESS, answers: [{ question: 'q', value: 'x'.repeat(5000), atMs: 0 }] };
  assert.equal(call(e, 'command', 'exercise.progress.set', { progress: huge }).ok, false);
  assert.deepEqual((call(e, 'query', 'exercise.progress.get', {}) as { result: unknown }).result, PROGRESS);
});

test('a saved lab whose progress is malformed does not load; loading a scenario clears the progress', () => {
  const e = labEngine('lab-small');
  call(e, 'command', 'exercise.progress.set', { progress: PROGRESS });
  const state = structuredClone(e.saveState()) as unknown as { exerciseProgress: { currentStep: unknown } };
  state.exerciseProgress.currentStep = 'two';
  const err = labEngine('lab-small').loadState(state);
  assert.match(err?.message ?? '', /exerciseProgress\.currentStep: expected an integer/);
  call(e, 'command', 'lab.load', { scenario: 'lab-small', seed: 1 });
  assert.equal((call(e, 'query', 'exercise.progress.get', {}) as { result: unknown }).result, null);
});
