/** Cluster › Configure › Placement: the lecture's packing animation steps FFD through the cluster's VMs
 *  one at a time until they share one host; the workbench editor highlights the model and marks its
 *  mistake at line:col. */
import { expect, test } from '@playwright/test';
import { openLab, selectByName, shot } from './lab';

test('Packing animation: Step and Play place the VMs one by one; the workbench highlights and marks a mistake', async ({ page }) => {
  test.setTimeout(90_000);
  await openLab(page);
  await selectByName(page, 'DC0_C0');
  await page.getByRole('tab', { name: 'Configure', exact: true }).click();
  const anim = page.getByTestId('packing-animation');
  await anim.scrollIntoViewIfNeeded();
  await page.getByTestId('packing-algo').selectOption('ffd');
  await page.getByTestId('packing-trace').click();
  await expect(page.getByTestId('packing-progress')).toHaveText('Step 0 of 4');
  await page.getByTestId('packing-step').click();
  await expect(page.getByTestId('packing-progress')).toHaveText('Step 1 of 4');
  await expect(anim.locator('[data-look="chosen"][data-vms="1"]')).toHaveCount(1);
  await page.getByTestId('packing-play').click();
  await expect(page.getByTestId('packing-progress')).toHaveText('Step 4 of 4', { timeout: 10_000 });
  // lab-small: four 100 MHz VMs fit one 4 × 100 MHz host.
  await expect(anim.locator('[data-vms="4"]')).toHaveCount(1);
  await expect(page.getByTestId('packing-waiting')).toContainText('1 host(s) used');
  await anim.scrollIntoViewIfNeeded();
  await shot(page, 'packing-animation');

  await page.getByTestId('workbench-source').fill('var int x in 0..3; // x\nconstraint x == nHostz;\n');
  await page.getByTestId('workbench-solve').click();
  await expect(page.getByTestId('workbench-errors')).toContainText('line 2:');
  const hl = page.getByTestId('workbench-highlight');
  await expect(hl.locator('.hl-kw', { hasText: 'constraint' })).toHaveCount(1);
  await expect(hl.locator('.hl-comment')).toHaveText('// x');
  await expect(hl.locator('.hl-error')).toHaveText('nHostz');
  await page.getByTestId('placement-workbench').scrollIntoViewIfNeeded();
  await shot(page, 'workbench-highlight');
});
