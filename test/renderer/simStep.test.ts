// @vitest-environment happy-dom
// The header while a step runs on the server: the step returns at once with `stepToMs`; until the
// step's end arrives in `sim.ticked`, Step is disabled, Pause (which cancels the rest) replaces Run,
// and the clock shows where the step is going.
import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { setApiForTests } from '@renderer/api/client';
import TheHeader from '@renderer/components/layout/TheHeader.vue';
import type { SimStatus } from '@shared/api/commands';
import { fakeApi, flush } from './fakeApi';

let api: ReturnType<typeof fakeApi>;
let status: SimStatus;

beforeEach(() => {
  status = { virtualTimeMs: 1000, running: false, speed: 1 };
  api = fakeApi({ 'sim.status': () => status });
  api.commandResults['sim.step'] = (p: { seconds: number }) => { status = { ...status, stepToMs: status.virtualTimeMs + p.seconds * 1000 }; return status; };
  api.commandResults['sim.pause'] = () => { status = { virtualTimeMs: status.virtualTimeMs, running: false, speed: status.speed }; return status; };
  setApiForTests(api);
  setActivePinia(createPinia());
});

describe('TheHeader during a step', () => {
  it('disables Step and offers Pause until the step ends; Pause cancels it', async () => {
    const w = mount(TheHeader);
    await flush();
    await w.find('[data-testid=sim-step]').trigger('click');
    await flush();
    expect(api.commands.map((c) => c.name)).toEqual(['sim.step']);
    expect(w.find('[data-testid=sim-step]').attributes('disabled')).toBeDefined();
    expect(w.find('[data-testid=sim-run]').exists()).toBe(false);
    expect(w.find('[data-testid=sim-step-to]').text()).toMatch(/→/);

    api.emit({ type: 'sim.ticked', status: { ...status, virtualTimeMs: 5000 } });
    await flush();
    expect(w.find('[data-testid=sim-step]').attributes('disabled')).toBeDefined();

    await w.find('[data-testid=sim-pause]').trigger('click');
    await flush();
    expect(api.commands.map((c) => c.name)).toEqual(['sim.step', 'sim.pause']);
    expect(w.find('[data-testid=sim-step]').attributes('disabled')).toBeUndefined();
    expect(w.find('[data-testid=sim-run]').exists()).toBe(true);
    expect(w.find('[data-testid=sim-step-to]').exists()).toBe(false);
  });

  it('the step ending (a tick without stepToMs) re-enables Step', async () => {
    const w = mount(TheHeader);
    await flush();
    await w.find('[data-testid=sim-step]').trigger('click');
    await flush();
    api.emit({ type: 'sim.ticked', status: { virtualTimeMs: 21_000, running: false, speed: 1 } });
    await flush();
    expect(w.find('[data-testid=sim-step]').attributes('disabled')).toBeUndefined();
    expect(w.find('[data-testid=sim-step-to]').exists()).toBe(false);
  });
});
