// @vitest-environment happy-dom
// The recovery banner: shown while the host offers an autosave (with Restore and Discard) or reports a
// crash of the engine; hidden otherwise; its buttons send the recovery commands and it refetches.
import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { setApiForTests } from '@renderer/api/client';
import TheRecoveryBanner from '@renderer/components/layout/TheRecoveryBanner.vue';
import type { RecoveryInfo } from '@shared/api/queries';
import { fakeApi, flush } from './fakeApi';

let info: RecoveryInfo;
let api: ReturnType<typeof fakeApi>;

beforeEach(() => {
  info = { autosave: { scenario: 'lab-small', virtualTimeMs: 3_723_000, savedAt: '2026-01-02T03:04:05.000Z' }, offered: true, engineCrash: null };
  api = fakeApi({ 'lab.recovery': () => info });
  api.commandResults['lab.recovery.restore'] = () => { info = { autosave: null, offered: false, engineCrash: null }; return { ok: true }; };
  api.commandResults['lab.recovery.discard'] = () => { info = { autosave: null, offered: false, engineCrash: null }; return { ok: true }; };
  setApiForTests(api);
  setActivePinia(createPinia());
});

describe('TheRecoveryBanner', () => {
  it('offers the autosave with Restore and Discard, and hides once restored', async () => {
    const w = mount(TheRecoveryBanner);
    await flush();
    expect(w.find('[data-testid=recovery-offer]').text()).toContain('lab-small at 01:02:03');
    expect(w.find('[data-testid=recovery-crash]').exists()).toBe(false);
    await w.find('[data-testid=recovery-restore]').trigger('click');
    await flush();
    expect(api.commands.map((c) => c.name)).toEqual(['lab.recovery.restore']);
    expect(w.find('[data-testid=recovery-banner]').exists()).toBe(false);
  });

  it('reports a crash of the engine; Discard declines the offer', async () => {
    info = { ...info, engineCrash: 'the engine worker stopped (exit code 1)' };
    const w = mount(TheRecoveryBanner);
    await flush();
    expect(w.find('[data-testid=recovery-banner]').classes()).toContain('error');
    expect(w.find('[data-testid=recovery-crash]').text()).toContain('exit code 1');
    await w.find('[data-testid=recovery-discard]').trigger('click');
    await flush();
    expect(api.commands.map((c) => c.name)).toEqual(['lab.recovery.discard']);
    expect(w.find('[data-testid=recovery-banner]').exists()).toBe(false);
  });

  it('is hidden when nothing is offered, and when the host has no recovery at all', async () => {
    info = { autosave: null, offered: false, engineCrash: null };
    expect(mount(TheRecoveryBanner).find('[data-testid=recovery-banner]').exists()).toBe(false);
    delete api.queries['lab.recovery'];
    setActivePinia(createPinia());
    const w = mount(TheRecoveryBanner);
    await flush();
    expect(w.find('[data-testid=recovery-banner]').exists()).toBe(false);
  });
});
