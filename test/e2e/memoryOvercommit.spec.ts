/**
 * Memory overcommitment in the client, on the built-in lab-memory-overcommit scenario: the host Summary
 * splits its memory (consumed, saved by sharing, ballooned, compressed, swapped) and shows the
 * free-memory state; a VM's Summary shows what the host reclaimed from it; host Configure edits the
 * memory reclamation settings, a bad value refused beside its field in the engine's words; the host's
 * Monitor › Performance › Overview stacks its memory (consumed + free = the host's memory at every sample,
 * then ballooned, compressed, swapped).
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { openLab, paintedPixels, selectByName, shot } from './lab';

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

test('host Performance Overview stacks memory: consumed and free make the host, reclaimed above', async ({ page }) => {
  await openOvercommitLab(page);
  await selectByName(page, 'esx-mem-01');
  await page.getByRole('tab', { name: 'Monitor', exact: true }).click();
  await page.getByTestId('monitor-section-performance-overview').click();
  const panel = page.getByTestId('perf-chart-mem-stacked');
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading')).toHaveText('Memory (KB)');
  const bands = ['mem.consumed.average', 'engine.memFree.latest', 'mem.vmmemctl.average', 'mem.compressed.average', 'mem.swapused.average'];
  await expect(panel.getByTestId('legend-row')).toHaveCount(bands.length);
  expect(await panel.getByTestId('legend-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-counter')))).toEqual(bands);
  await expect.poll(() => paintedPixels(panel.locator('canvas')), { timeout: 45_000, message: 'chart pixels' }).toBeGreaterThan(1000);
  await expect(panel.getByTestId('legend-latest').first()).not.toHaveText('—', { timeout: 45_000 });
  // A few samples (the second VM powers on at 20 s), faster than real time, for the screenshot.
  await page.getByTestId('sim-speed-10').click();
  await expect(panel.getByText(/· ([4-9]|\d\d+) samples/)).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('sim-speed-1').click();
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'host-memory-chart');

  // The samples behind the chart: consumed + free is the same, the host's memory, at every sample.
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('export-csv-mem-stacked').click()]);
  const rows = (await readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/).slice(1).map((l) => l.split(',').slice(2).map(Number));
  expect(rows.length).toBeGreaterThan(0);
  const hostKB = (0.39 * 1024 * 1024 * 1024) / 1024;
  for (const [consumed, free] of rows) expect(Math.abs(consumed + free - hostKB)).toBeLessThanOrEqual(4);
});
