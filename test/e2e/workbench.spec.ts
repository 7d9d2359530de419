/** Cluster › Configure › Placement workbench: a model with a mistake shows it at line:col; the example
 *  model bound to the cluster is solved exactly (proven, objective = hosts), its solution names the VMs
 *  and hosts, and APPLY AS PLAN runs it as a placement plan. */
import { expect, test } from '@playwright/test';
import { expectTaskCompletes, openLab, selectByName, shot } from './lab';

test('Workbench: a mistake at line:col, the example solved and proven on the cluster, applied as a plan', async ({ page }) => {
  test.setTimeout(150_000);
  await openLab(page);
  await selectByName(page, 'DC0_C0');
  await page.getByRole('tab', { name: 'Configure', exact: true }).click();
  const wb = page.getByTestId('placement-workbench');
  await wb.scrollIntoViewIfNeeded();
  await expect(wb).toBeVisible();

  await page.getByTestId('workbench-source').fill('var int x in 0..3;\nconstraint x == nHostz;\n');
  await page.getByTestId('workbench-solve').click();
  await expect(page.getByTestId('workbench-errors')).toContainText('line 2:');
  await expect(page.getByTestId('workbench-errors')).toContainText('nHostz');

  await wb.getByRole('button', { name: 'EXAMPLE' }).click();
  await page.getByTestId('workbench-solve').click();
  await expect(page.getByTestId('workbench-status')).toHaveText('Optimal (proven: gap 0)');
  // lab-small: four running 1-vCPU VMs of 100 MHz fit one 4 × 100 MHz host.
  await expect(page.getByTestId('workbench-objective')).toHaveText('1');
  await expect(page.getByTestId('workbench-solution')).toContainText('DC0_C0_H0_VM1: DC0_C0_H');
  await page.getByText('Constants from the cluster').click();
  await expect(page.getByTestId('workbench-prelude')).toContainText('const nVms = 4;');
  await wb.scrollIntoViewIfNeeded();
  await shot(page, 'workbench-solved');

  const clusterId = (await page.locator('[role=treeitem][data-name="DC0_C0"]').getAttribute('data-testid'))!.replace('tree-node-', '');
  await expectTaskCompletes(page, 'placement.apply', clusterId, () => page.getByTestId('workbench-apply').click());
  await expect(page.getByTestId('inventory-tree-hosts').locator('[data-kind=host][data-host-status=standby]')).toHaveCount(1, { timeout: 30_000 });
});
