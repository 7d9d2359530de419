/** Monitor › Performance: a painted live chart, Advanced chart options, and CSV export of the chart data. */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { expectTaskCompletes, openLab, paintedPixels, runAction, selectVmInState, shot } from './lab';

test('Overview chart paints and exports CSV; Advanced chart options apply', async ({ page }) => {
  await openLab(page);
  let vm = await selectVmInState(page, 'poweredOff').catch(() => null);
  if (vm) await expectTaskCompletes(page, 'vm.powerOn', vm.id, () => runAction(page, ['Power', 'Power On']));
  else vm = await selectVmInState(page, 'poweredOn');

  await page.getByRole('tab', { name: 'Monitor', exact: true }).click();
  await page.getByTestId('monitor-section-performance-overview').click();
  const panel = page.locator('[data-testid^=perf-chart-]').first();
  await expect(panel).toBeVisible();
  const canvas = panel.locator('canvas');
  await expect.poll(() => paintedPixels(canvas), { timeout: 45_000, message: 'chart pixels' }).toBeGreaterThan(1000);
  // The legend reports a latest value once samples exist.
  await expect(panel.getByTestId('legend-latest').first()).not.toHaveText('—', { timeout: 45_000 });
  await shot(page, 'performance-overview');

  const key = (await panel.getAttribute('data-testid'))!.replace('perf-chart-', '');
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByTestId(`export-csv-${key}`).click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const csv = await readFile((await download.path())!, 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/^Time,Timestamp \(ms\),/);
  const counter = (await panel.getByTestId('legend-row').first().getAttribute('data-counter'))!;
  expect(lines[0]).toContain(counter);
  expect(lines.length).toBeGreaterThan(1);
  expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d,\d+,/);

  const [png] = await Promise.all([page.waitForEvent('download'), panel.getByTestId(`export-png-${key}`).click()]);
  expect(png.suggestedFilename()).toMatch(/\.png$/);
  const bytes = await readFile((await png.path())!);
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');

  // Advanced: Chart Options → pick counters → OK → a chart with those counters.
  await page.getByTestId('monitor-section-performance-advanced').click();
  await page.getByTestId('chart-options').click();
  const dialog = page.getByTestId('chart-options-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('[data-testid^=counter-row-]').first()).toBeVisible();
  await dialog.getByTestId('chart-type').selectOption('stacked');
  await dialog.getByTestId('chart-options-ok').click();
  await expect(dialog).toBeHidden();
  const adv = page.getByTestId('perf-chart-advanced');
  await expect.poll(() => paintedPixels(adv.locator('canvas')), { timeout: 45_000 }).toBeGreaterThan(1000);
  await shot(page, 'performance-advanced');
});

test('at 1600 px every legend column fits its chart card (no statistic clipped)', async ({ page }) => {
  await page.setViewportSize({ width: 1600, height: 1000 });
  await openLab(page);
  await selectVmInState(page, 'poweredOn').catch(() => selectVmInState(page, 'poweredOff'));
  await page.getByRole('tab', { name: 'Monitor', exact: true }).click();
  await page.getByTestId('monitor-section-performance-overview').click();
  const panels = page.locator('[data-testid^=perf-chart-]');
  await expect(panels.first().getByTestId('chart-legend')).toBeVisible();
  const overflow = await panels.evaluateAll((cards) => cards.map((card) => {
    const table = card.querySelector('[data-testid=chart-legend]');
    const cells = table ? Array.from(table.querySelectorAll('th')) : [];
    const right = card.getBoundingClientRect().right;
    return { card: card.getAttribute('data-testid'), clipped: cells.filter((c) => c.getBoundingClientRect().right > right + 1).map((c) => c.textContent) };
  }));
  await shot(page, 'performance-overview-1600');
  expect(overflow.length).toBeGreaterThan(0);
  for (const o of overflow) expect(o.clipped, `${o.card}: columns past the card's edge`).toEqual([]);
});
