/**
 * Memory overcommitment in the client, on the built-in lab-memory-overcommit scenario: the host Summary
 * splits its memory (consumed, saved by sharing, ballooned, compressed, swapped) and shows the
 * free-memory state; a VM's Summary shows what the host reclaimed from it; host Configure edits the
 * memory reclamation settings, a bad value refused beside its field in the engine's words.
 */
import { expect, test } from '@playwright/test';
import { openLab, selectByName, shot } from './lab';

async function openOvercommitLab(page: import('@playwright/test').Page): Promise<void> {
  const before = process.env.HVLAB_E2E_SCENARIO;
  process.env.HVLAB_E2E_SCENARIO = 'lab-memory-overcommit';
  try {
    await openLab(page);
  } finally {
    if (before === undefined) delete process.env.HVLAB_E2E_SCENARIO;
    else process.env.HVLAB_E2E_SCENARIO = before;
  }
}

test('host Summary splits memory, VM Summary shows reclaimed memory, Configure edits reclamation', async ({ page }) => {
  await openOvercommitLab(page);
  await selectByName(page, 'esx-mem-01');
  const breakdown = page.getByTestId('host-memory-breakdown');
  await expect(breakdown).toBeVisible();
  await expect(page.getByTestId('host-mem-consumed')).toHaveText(/\d+(\.\d+)? (KB|MB|GB)/, { timeout: 60_000 });
  for (const k of ['shared', 'ballooned', 'compressed', 'swapped']) await expect(page.getByTestId(`host-mem-${k}`)).toHaveText(/\d+(\.\d+)? (B|KB|MB|GB)/);
  await expect(page.getByTestId('host-memory-state')).toHaveText(/State: (high|clear|soft|hard|low)/);
  await shot(page, 'host-memory-summary');

  await selectByName(page, 'mem-a');
  await expect(page.getByTestId('vm-memory-reclaimed')).toBeVisible({ timeout: 60_000 });
  for (const k of ['ballooned', 'compressed', 'swapped']) await expect(page.getByTestId(`vm-mem-${k}`)).toHaveText(/\d+(\.\d+)? (B|KB|MB|GB)/);
  await shot(page, 'vm-memory-reclaimed');

  await selectByName(page, 'esx-mem-01');
  await page.getByRole('tab', { name: 'Configure', exact: true }).click();
  const form = page.getByTestId('host-memory-reclamation');
  await expect(form).toBeVisible();
  await expect(page.getByTestId('memrec-ballooning')).toBeChecked();
  await page.getByTestId('memrec-idleTaxPercent').fill('100');
  await page.getByTestId('memrec-apply').click();
  await expect(page.getByTestId('memrec-error-idleTaxPercent')).toContainText('99');
  await page.getByTestId('memrec-idleTaxPercent').fill('50');
  await page.getByTestId('memrec-interVmSharing').check();
  await page.getByTestId('memrec-apply').click();
  await expect(page.getByTestId('memrec-status')).toContainText('Saved');
  await expect(page.getByTestId('memrec-idleTaxPercent')).toHaveValue('50');
  await expect(page.getByTestId('memrec-interVmSharing')).toBeChecked();
  await shot(page, 'host-memory-reclamation');
});
