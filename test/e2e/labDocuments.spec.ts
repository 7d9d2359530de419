/**
 * Labs as documents from the UI: File › New Lab… from a built-in scenario (its title and description in
 * the picker), Save As… into the lab library, unsaved changes in the header and the page title, the
 * unsaved-changes question, File › Open and Recent Labs bringing the saved lab back.
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { openLab, pauseSimulation, shot } from './lab';

async function fileMenu(page: Page, entry: string): Promise<void> {
  await page.getByTestId('file-menu-button').click();
  await page.getByTestId('file-menu').getByRole('menuitem', { name: entry, exact: true }).click();
}

test('new lab from a scenario, save it, change it, reopen it', async ({ page }) => {
  await openLab(page);
  await pauseSimulation(page);

  // File › New Lab…: the picker shows each scenario's title and description.
  await fileMenu(page, 'New Lab…');
  const confirm = page.getByTestId('confirm-discard');
  if (await confirm.isVisible().catch(() => false)) await confirm.getByTestId('confirm-ok').click();
  const picker = page.getByTestId('new-lab-dialog');
  await expect(picker).toBeVisible();
  await picker.getByTestId('scenario-lab-small').click();
  await expect(picker.getByTestId('scenario-detail')).toContainText('Small lab');
  await expect(picker.getByTestId('scenario-description')).not.toHaveText('');
  await expect(picker.getByTestId('scenario-description')).not.toHaveText('This scenario has no description.');
  await shot(page, 'file-new-lab');
  await picker.getByTestId('new-lab-ok').click();
  await expect(picker).toBeHidden();
  await expect(page.getByTestId('lab-document-name')).toHaveText('Untitled');
  await pauseSimulation(page);

  // Change it: the header and the title say so.
  await page.getByTestId('sim-step-size').selectOption('20');
  await page.getByTestId('sim-step').click();
  await expect(page.getByTestId('sim-step')).toBeEnabled(); // a step runs in slices: wait for its end
  await expect(page.getByTestId('lab-dirty')).toBeVisible();
  await expect(page).toHaveTitle(/^• (.* - )?Untitled \(Small lab\) — Hypervisor Lab$/);

  // Save As…: named, clean.
  await fileMenu(page, 'Save As…');
  const save = page.getByTestId('save-lab-dialog');
  await save.getByTestId('save-lab-name').fill('../outside');
  await save.getByTestId('save-lab-ok').click();
  await expect(save.getByTestId('save-lab-error')).toContainText('start with a letter or digit');
  await save.getByTestId('save-lab-name').fill('e2e week 1');
  await save.getByTestId('save-lab-ok').click();
  const replace = save.getByTestId('save-lab-error');
  if (await replace.isVisible().catch(() => false)) await save.getByTestId('save-lab-ok').click(); // an earlier run's save
  await expect(save).toBeHidden();
  await expect(page.getByTestId('lab-document-name')).toHaveText('e2e week 1');
  await expect(page.getByTestId('lab-dirty')).toHaveCount(0);
  await expect(page).toHaveTitle(/^(.* - )?e2e week 1 — Hypervisor Lab$/);
  const savedClock = (await page.getByTestId('sim-clock').textContent())!.trim();
  await shot(page, 'file-saved-lab');

  // Change it again; Open asks before discarding, then brings the saved lab back.
  await page.getByTestId('sim-step').click();
  await expect(page.getByTestId('sim-step')).toBeEnabled(); // a step runs in slices: wait for its end
  await expect(page.getByTestId('lab-dirty')).toBeVisible();
  await expect(page.getByTestId('sim-clock')).not.toContainText(savedClock);
  await fileMenu(page, 'Open Lab…');
  await expect(page.getByTestId('confirm-discard')).toContainText('unsaved changes');
  await shot(page, 'file-unsaved-changes');
  await page.getByTestId('confirm-discard').getByTestId('confirm-ok').click();
  const open = page.getByTestId('open-lab-dialog');
  await open.locator('[data-testid=saved-lab][data-name="e2e week 1"]').click();
  await shot(page, 'file-open-lab');
  await open.getByTestId('open-lab-ok').click();
  await expect(open).toBeHidden();
  await expect(page.getByTestId('lab-document-name')).toHaveText('e2e week 1');
  await expect(page.getByTestId('sim-clock')).toContainText(savedClock);
  await expect(page.getByTestId('lab-dirty')).toHaveCount(0);

  // Recent Labs lists it; Ctrl+S saves a named lab in place.
  await page.getByTestId('file-menu-button').click();
  await page.getByTestId('file-menu').getByRole('menuitem', { name: 'Recent Labs', exact: true }).hover();
  await expect(page.getByTestId('file-menu-sub').getByRole('menuitem', { name: 'e2e week 1', exact: true })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await pauseSimulation(page);
  await page.getByTestId('sim-step').click();
  await expect(page.getByTestId('sim-step')).toBeEnabled(); // a step runs in slices: wait for its end
  await expect(page.getByTestId('lab-dirty')).toBeVisible();
  await page.keyboard.press('Control+s');
  await expect(page.getByTestId('lab-dirty')).toHaveCount(0);
});
