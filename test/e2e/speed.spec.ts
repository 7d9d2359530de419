/**
 * Honest speed display against the real server: while the lab runs, the header shows the speed the
 * host measured ("running 10×", or "asked 100×, running N×" when the machine cannot keep up).
 */
import { expect, test } from '@playwright/test';
import { openLab, shot } from './lab';

test('the header shows the achieved speed while running', async ({ page }) => {
  await openLab(page);
  await page.getByTestId('sim-speed-10').click();
  if (await page.getByTestId('sim-run').isVisible()) await page.getByTestId('sim-run').click();
  const achieved = page.getByTestId('sim-achieved');
  await expect(achieved).toHaveText(/^(running [\d.]+×|asked 10×, running [\d.]+×)$/);
  await shot(page, 'header-achieved-speed');
  await page.getByTestId('sim-pause').click();
  await expect(achieved).toHaveCount(0);
});
