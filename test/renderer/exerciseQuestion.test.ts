// @vitest-environment happy-dom
// An exercise question's answer field: it shows the recorded answer, and keeps what the student is typing when
// the progress is re-read and the same recorded answer arrives again as a new object (the panel re-reads
// progress as the lab changes); a newly recorded answer replaces the field.
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ExerciseQuestion from '@renderer/components/exercise/ExerciseQuestion.vue';
import type { ProgressAnswer, Question } from '@shared/exercise/index';

const question = { id: 'mem-capacity', prompt: 'How many MiB?', number: { answer: 1024, tolerance: 0, unit: 'MiB' } } as unknown as Question;
const recorded = (value: number, atMs: number): ProgressAnswer => ({ question: 'mem-capacity', value, atMs, expected: 1024, correct: value === 1024 });

describe('ExerciseQuestion', () => {
  it('keeps the typed answer when the same recorded answer is re-read, and shows a new one', async () => {
    const w = mount(ExerciseQuestion, { props: { question, answer: recorded(1280, 5000) } });
    const input = w.get('[data-testid="exercise-answer-input"]');
    expect((input.element as HTMLInputElement).value).toBe('1280');
    await input.setValue('1024');
    await w.setProps({ answer: recorded(1280, 5000) });
    expect((input.element as HTMLInputElement).value).toBe('1024');
    await w.get('[data-testid="exercise-answer-submit"]').trigger('click');
    expect(w.emitted('answer')).toEqual([[1024]]);
    await w.setProps({ answer: recorded(1000, 9000) });
    expect((input.element as HTMLInputElement).value).toBe('1000');
  });
});
