// @vitest-environment happy-dom
// The Migrate wizard's compute resource page: a host with compatibility warnings reads "Compatible, with
// warnings", its warnings show in yellow under the checks that succeeded, and Next goes on; a host with
// an error and a warning shows both and Next stays on the page with the error beside the host list.
import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import type { HostCompatibilityDto } from '@shared/api/queries';
import { setApiForTests } from '@renderer/api/client';
import MigrateVmWizard from '@renderer/components/wizard/MigrateVmWizard.vue';
import { fakeApi, flush, makeInventory } from './fakeApi';

const TIGHT = 'Memory on H2 would be tight: 17 MB free after the move, below its minFree of 21 MB, so the host would start reclaiming memory from its VMs (ballooning, then compression and swapping).';
const CLUSTER = 'Host H3 is a standalone host, not in cluster DC0_C0 with H1: after the move VM1 leaves DC0_C0, whose DRS and HA no longer manage it.';
const rows: HostCompatibilityDto[] = [
  { hostId: 'host-1', hostName: 'H1', compatible: false, messages: ['VM1 runs on this host.'], warnings: [] },
  { hostId: 'host-2', hostName: 'H2', compatible: true, messages: ['Compatibility checks succeeded.'], warnings: [TIGHT] },
  { hostId: 'host-3', hostName: 'H3', compatible: false, messages: ['Host H3 has 10 MB of free memory; VM1 needs 80 MB (memory and overhead).'], warnings: [CLUSTER] },
];

async function openOnComputePage() {
  const inv = makeInventory(1);
  inv.vms[0] = { ...inv.vms[0], powerState: 'poweredOn' };
  setApiForTests(fakeApi({ 'inventory.get': () => inv, 'migration.compatibility': () => rows }));
  const pinia = createPinia();
  setActivePinia(pinia);
  const w = mount(MigrateVmWizard, { props: { vmId: 'vm-1' }, global: { plugins: [pinia], stubs: { teleport: true } } });
  await flush();
  await flush();
  await w.get('form#migrate-form').trigger('submit');
  await nextTick();
  expect(w.find('[data-testid=migrate-step-compute]').exists()).toBe(true);
  return w;
}

describe('Migrate wizard: compatibility warnings', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('shows a warned host as compatible with warnings, its warnings in yellow, and lets Next go on', async () => {
    const w = await openOnComputePage();
    const cell = w.get('[data-testid=migrate-host-row-host-2] [data-warnings]');
    expect(cell.text()).toBe('Compatible, with warnings');
    expect(cell.classes()).toContain('state-warn');
    await w.get('[data-testid=migrate-host-host-2]').setValue(true);
    const panel = w.get('[data-testid=migrate-compatibility]');
    expect(panel.get('[data-testid=migrate-compat-message]').text()).toContain('Compatibility checks succeeded.');
    const warnings = panel.findAll('[data-testid=migrate-compat-warning]');
    expect(warnings.map((x) => x.text())).toEqual([`⚠ Warning: ${TIGHT}`]);
    expect(warnings[0].classes()).toContain('warn');
    await w.get('form#migrate-form').trigger('submit');
    await nextTick();
    expect(w.find('[data-testid=migrate-step-priority]').exists()).toBe(true);
    expect(w.find('[data-testid=migrate-error-hostId]').exists()).toBe(false);
  });

  it('shows an error and a warning together, and the error keeps the user on the page', async () => {
    const w = await openOnComputePage();
    expect(w.get('[data-testid=migrate-host-row-host-3] td:last-child').text()).toBe('Incompatible');
    await w.get('[data-testid=migrate-host-host-3]').setValue(true);
    const panel = w.get('[data-testid=migrate-compatibility]');
    expect(panel.get('[data-testid=migrate-compat-message]').classes()).toContain('bad');
    expect(panel.get('[data-testid=migrate-compat-warning]').text()).toContain(CLUSTER);
    await w.get('form#migrate-form').trigger('submit');
    await nextTick();
    expect(w.find('[data-testid=migrate-step-compute]').exists()).toBe(true);
    expect(w.get('[data-testid=migrate-error-hostId]').text()).toBe('H3 cannot take this VM: Host H3 has 10 MB of free memory; VM1 needs 80 MB (memory and overhead).');
  });
});
