/** The README screenshot: a VM's Summary with the navigator, tasks pane and live data; copied to docs/screenshot.png. */
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
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${SHOTS}/main.png` });
  await mkdir(`${ROOT}/docs`, { recursive: true });
  await copyFile(`${SHOTS}/main.png`, `${ROOT}/docs/screenshot.png`);
});
