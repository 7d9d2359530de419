// @vitest-environment happy-dom
// Honest speed display: the header shows the speed the host measured ("asked 10×, running 2.1×" when
// the lab cannot keep up), nothing while paused or unmeasured, and a step's progress while it runs.
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { setApiForTests } from '@renderer/api/client';
import TheHeader from '@renderer/components/layout/TheHeader.vue';
import { speedReport, stepProgress } from '@renderer/logic/simSpeed';
import { fakeApi, flush } from './fakeApi';

describe('achieved speed', () => {
  it('says what was measured, and whether it is behind the asked speed', () => {
    expect(speedReport({ virtualTimeMs: 0, running: true, speed: 10, achievedSpeed: 2.1 })).toEqual({ text: 'asked 10×, running 2.1×', behind: true });
    expect(speedReport({ virtualTimeMs: 0, running: true, speed: 10, achievedSpeed: 9.97 })).toEqual({ text: 'running 9.97×', behind: false });
    expect(speedReport({ virtualTimeMs: 0, running: true, speed: 'max', achievedSpeed: 37.4 })).toEqual({ text: 'Max: running 37.4×', behind: false });
    expect(speedReport({ virtualTimeMs: 0, running: true, speed: 10 })).toBeUndefined();
    expect(speedReport({ virtualTimeMs: 0, running: false, speed: 10, achievedSpeed: 3 })).toBeUndefined();
    expect(stepProgress(1000, { virtualTimeMs: 76_000, running: false, speed: 1, stepToMs: 301_000 })).toBe(0.25);
    expect(stepProgress(undefined, { virtualTimeMs: 0, running: false, speed: 1, stepToMs: 10 })).toBeUndefined();
  });

  it('the header shows "asked 10×, running 2.1×" from sim.ticked, and a 5-minute step\'s progress', async () => {
    const api = fakeApi({ 'sim.status': () => ({ virtualTimeMs: 1000, running: false, speed: 10 }) });
    api.commandResults['sim.step'] = () => ({ virtualTimeMs: 1000, running: false, speed: 10, stepToMs: 301_000 });
    setApiForTests(api);
    const pinia = createPinia();
    setActivePinia(pinia);
    const w = mount(TheHeader, { global: { plugins: [pinia] } });
    await flush();
    expect(w.get('[data-testid=sim-speed-max]').attributes('title')).toBe('As fast as this computer can run the lab: never slower than any fixed speed');
    expect(w.find('[data-testid=sim-achieved]').exists()).toBe(false);
    api.emit({ type: 'sim.ticked', status: { virtualTimeMs: 5000, running: true, speed: 10, achievedSpeed: 2.1 } });
    await nextTick();
    expect(w.get('[data-testid=sim-achieved]').text()).toBe('asked 10×, running 2.1×');
    expect(w.get('[data-testid=sim-achieved]').classes()).toContain('behind');

    api.emit({ type: 'sim.ticked', status: { virtualTimeMs: 1000, running: false, speed: 10 } });
    await nextTick();
    await w.get('[data-testid=sim-step-size]').setValue('300');
    await w.get('[data-testid=sim-step]').trigger('click');
    await flush();
    expect(w.get('[data-testid=sim-step-progress]').attributes('aria-valuenow')).toBe('0');
    api.emit({ type: 'sim.ticked', status: { virtualTimeMs: 151_000, running: false, speed: 10, stepToMs: 301_000 } });
    await nextTick();
    expect(w.get('[data-testid=sim-step-progress]').attributes('aria-valuenow')).toBe('50');
    expect(w.get('[data-testid=sim-step-progress]').text()).toContain('50%');
    api.emit({ type: 'sim.ticked', status: { virtualTimeMs: 301_000, running: false, speed: 10 } });
    await nextTick();
    expect(w.find('[data-testid=sim-step-progress]').exists()).toBe(false);
    w.unmount();
  });
});
