/**
 * Cluster › Configure › VM/Host Rules (vSphere's list and Create/Edit dialog: a refusal beside its field,
 * a rule the placement breaks marked Violated and listed under Monitor › vSphere DRS › Faults, edit and
 * delete), and Monitor › Data-center availability (a design evaluated as it is typed, a field error
 * beside the field, parallel groups with the union's terms, SAVE DESIGN, the cluster as N+1 beside its
 * simulation).
 */
import { expect, test } from '@playwright/test';
import { openLab, selectByName, shot } from './lab';

test('VM/Host rules: create, a refused rule shows its error beside the field, a violated rule is marked, edit, delete', async ({ page }) => {
  await openLab(page);
  await selectByName(page, 'DC0_C0');
  await page.getByTestId('tab-configure').click();
  const rules = page.getByTestId('vm-host-rules');
  await expect(rules.getByTestId('rule-list')).toContainText('No VM/Host rules');

  // Keep together with one VM: the engine refuses it, beside the Members field.
  await rules.getByTestId('rule-add').click();
  const dialog = page.getByTestId('rule-dialog');
  await dialog.getByTestId('rule-name').fill('apart');
  await dialog.getByTestId('rule-vm-DC0_C0_H0_VM1').check();
  await dialog.getByTestId('rule-ok').click();
  await expect(dialog.getByTestId('rule-error-vmIds')).toContainText('Rule apart needs at least two virtual machines');

  // Separate two VMs that run on the same host: saved, and marked violated as vSphere marks it.
  await dialog.getByTestId('rule-type').selectOption('separate');
  await dialog.getByTestId('rule-vm-DC0_C0_H0_VM2').check();
  await dialog.getByTestId('rule-ok').click();
  await expect(dialog).toBeHidden();
  await expect(rules.getByTestId('rule-row-apart')).toContainText('Separate Virtual Machines');
  await expect(rules.getByTestId('rule-status-apart')).toContainText('Violated');
  await expect(rules.getByTestId('rule-violations')).toContainText('DC0_C0_H0_VM1 and DC0_C0_H0_VM2 are violating the anti-affinity rule apart: they run on the same host DC0_C0_H0');

  // VMs to hosts, must run on DC0_C0_H1, for a VM of H1: satisfied.
  await rules.getByTestId('rule-add').click();
  await dialog.getByTestId('rule-name').fill('pin');
  await dialog.getByTestId('rule-type').selectOption('vmToHosts');
  await dialog.getByTestId('rule-vm-DC0_C0_H1_VM1').check();
  await dialog.getByTestId('rule-relation').selectOption('mustRun');
  await dialog.getByTestId('rule-ok').click();
  await expect(dialog.getByTestId('rule-error-hostIds')).toContainText('Rule pin needs a host group');
  await dialog.getByTestId('rule-host-DC0_C0_H1').check();
  await dialog.getByTestId('rule-ok').click();
  await expect(rules.getByTestId('rule-row-pin')).toContainText('Must run on hosts in group');
  await expect(rules.getByTestId('rule-status-pin')).toContainText('Satisfied');

  // A duplicate name is refused beside the Name field.
  await rules.getByTestId('rule-add').click();
  await dialog.getByTestId('rule-name').fill('pin');
  await dialog.getByTestId('rule-vm-DC0_C0_H1_VM1').check();
  await dialog.getByTestId('rule-vm-DC0_C0_H1_VM2').check();
  await dialog.getByTestId('rule-ok').click();
  await expect(dialog.getByTestId('rule-error-name')).toContainText('A rule named pin already exists');
  await shot(page, 'cluster-rule-dialog-error');
  await dialog.getByTestId('rule-cancel').click();
  await shot(page, 'cluster-vm-host-rules');

  // Edit "pin" to must NOT run on DC0_C0_H1: now violated.
  await rules.getByTestId('rule-row-pin').click();
  await rules.getByTestId('rule-edit').click();
  await expect(dialog.getByTestId('rule-name')).toHaveValue('pin');
  await dialog.getByTestId('rule-relation').selectOption('mustNotRun');
  await dialog.getByTestId('rule-ok').click();
  await expect(rules.getByTestId('rule-status-pin')).toContainText('Violated');

  await page.getByTestId('tab-monitor').click();
  await expect(page.getByTestId('drs-faults')).toContainText('is violating the VM-Host rule pin: must not run on DC0_C0_H1');

  await page.getByTestId('tab-configure').click();
  await rules.getByTestId('rule-row-apart').click();
  await rules.getByTestId('rule-delete').click();
  await page.getByTestId('rule-delete-dialog').getByTestId('confirm-ok').click();
  await expect(rules.getByTestId('rule-row-apart')).toHaveCount(0);
  await expect(rules.getByTestId('rule-row-pin')).toBeVisible();
});

test('Data-center availability: a design as it is typed, an error beside its field, parallel groups, SAVE DESIGN, the cluster as N+1', async ({ page }) => {
  await openLab(page);
  await selectByName(page, 'DC0');
  await page.getByTestId('tab-monitor').click();
  await page.getByTestId('monitor-section-availability').click();
  const panel = page.getByTestId('availability-panel');
  // The example design: utility 2N, UPS N+1 (MTBF/MTTR), cooling N+1 — in series.
  await expect(panel.getByTestId('av-availability')).toHaveText(/^99\.\d{5} %$/);
  await expect(panel.getByTestId('av-tier')).toHaveText(/Tier (III|IV)/);

  // An MTTR left empty: the engine's message beside the MTTR field; nothing evaluated.
  await panel.getByTestId('av-mttr-1').fill('');
  await expect(panel.getByTestId('av-error-mttr-1')).toContainText('"UPS" has an MTBF but no MTTR');
  await expect(panel.getByTestId('av-result')).toHaveCount(0);
  await panel.getByTestId('av-mttr-1').fill('8');
  await expect(panel.getByTestId('av-error-mttr-1')).toHaveCount(0);

  // An availability above 1: the schema's limit, in words beside the field.
  await panel.getByTestId('av-availability-0').fill('1.5');
  await expect(panel.getByTestId('av-error-0')).toContainText('Availability must be ≤ 1');
  await panel.getByTestId('av-availability-0').fill('0.99');
  await panel.getByTestId('av-scheme-0').selectOption('N');

  // Two groups in parallel: P(A∪B) = P(A) + P(B) − P(A∩B).
  await panel.getByTestId('av-group-2').getByRole('button', { name: 'Remove group 3' }).click();
  await panel.getByTestId('av-by-1').selectOption('availability');
  await panel.getByTestId('av-availability-1').fill('0.99');
  await panel.getByTestId('av-need-1').fill('1');
  await panel.getByTestId('av-scheme-1').selectOption('N');
  await panel.getByTestId('av-combine').selectOption('parallel');
  await expect(panel.getByTestId('av-union')).toHaveText('0.990000 + 0.990000 − 0.980100');
  await expect(panel.getByTestId('av-availability')).toHaveText('99.99000 %');
  await expect(panel.getByTestId('av-downtime')).toContainText('0.88 h');
  await expect(panel.getByTestId('av-tier')).toHaveText('Tier III');
  await panel.getByTestId('av-save').click();
  await expect(panel.getByTestId('av-saved')).toContainText('Saved with the lab');
  await page.getByTestId('monitor-section-availability').scrollIntoViewIfNeeded();
  await shot(page, 'datacenter-availability-design');

  // The cluster as N+k: lab-small's cluster has HA off, so k = 0 (both hosts needed).
  await panel.getByTestId('av-host-mtbf').fill('0');
  await panel.getByTestId('av-calculate').click();
  await expect(panel.getByTestId('av-host-mtbf-error')).toContainText('MTBF must be ≥ 1');
  await panel.getByTestId('av-host-mtbf').fill('2000');
  await panel.getByTestId('av-calculate').click();
  await expect(panel.getByTestId('av-host-availability')).toHaveText('97.65625 %');
  await expect(panel.getByTestId('av-formula')).toContainText('95.36743 %');
  await expect(panel.getByTestId('av-simulated')).toContainText('± ');
  await panel.getByTestId('av-cluster-result').scrollIntoViewIfNeeded();
  await shot(page, 'datacenter-availability-cluster');

  // The saved design comes back when the page is opened again.
  await page.reload();
  await expect(page.getByTestId('availability-panel').getByTestId('av-combine')).toHaveValue('parallel');
  await expect(page.getByTestId('availability-panel').getByTestId('av-availability')).toHaveText('99.99000 %');
});
