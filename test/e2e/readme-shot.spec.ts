/**
 * The README screenshot: a VM's Summary with the navigator, tasks pane and live data, the clock running
 * with its measured speed in the header; copied to docs/screenshot.png.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { ROOT, SHOTS, openLab, selectVmInState } from './lab';

test('README screenshot of the main screen', async ({ page }) => {
  await openLab(page);
  await page.emulateMedia({ colorScheme: 'light' });
  const vm = await selectVmInState(page, 'poweredOn').catch(() => selectVmInState(page, 'poweredOff'));
  await page.getByTestId('nav-view-hosts').click();
  await expect(page.getByTestId(`tree-node-${vm.id}`)).toBeVisible();
  await expect(page.getByTestId('vm-summary')).toBeVisible();
  if (await page.getByTestId('sim-run').isVisible()) await page.getByTestId('sim-run').click();
  await expect(page.getByTestId('sim-achieved')).toBeVisible();
  // Live usage needs a few real-time samples (20 s each): wait until the CPU meter reads a value.
  await expect(page.getByTestId('vm-usage')).not.toContainText('—', { timeout: 60_000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${SHOTS}/main.png` });
  await mkdir(`${ROOT}/docs`, { recursive: true });
  await copyFile(`${SHOTS}/main.png`, `${ROOT}/docs/screenshot.png`);
});
