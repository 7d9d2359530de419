/**
 * A student's first steps through practical 7 (Consolidation) in the exercise panel: the exercise's lab
 * loads (cluster Pack, five hosts), the capacities are answered from the hosts' Summary, and on
 * Pack › Configure › Placement the student computes FF, FFD and the exact plan — the page shows the
 * host counts the panel then accepts — and powers on batch-09, after which FFD needs a host more than
 * the proven optimum. Every UI name the handout uses for these steps is the one clicked here.
 */
import { test, expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { openLab, runAction, selectByName, shot } from './lab';

async function answerNumber(page: Page, question: string, value: number, verdict = 'Right'): Promise<void> {
  const q = page.getByTestId(`exercise-question-${question}`);
  await q.getByTestId('exercise-answer-input').fill(String(value));
  await q.getByTestId('exercise-answer-submit').click();
  await expect(q.getByTestId('exercise-answer-verdict')).toContainText(verdict);
}

async function answerChoice(page: Page, question: string, option: number): Promise<void> {
  const q = page.getByTestId(`exercise-question-${question}`);
  await q.getByTestId(`exercise-option-${option}`).check();
  await q.getByTestId('exercise-answer-submit').click();
  await expect(q.getByTestId('exercise-answer-verdict')).toHaveText('Right');
}

/** Algorithm › Compute plan on the Placement page; returns the summary's text once it names the hosts. */
async function computePlan(page: Page, algo: string, expected: string): Promise<void> {
  await page.getByTestId('placement-algo').selectOption(algo);
  await page.getByTestId('placement-compute').click();
  await expect(page.getByTestId('placement-summary')).toContainText(expected);
}

test('practical 7 in the exercise panel: FF, FFD and the optimum on the Placement page, then a ninth VM', async ({ page }) => {
  test.setTimeout(180_000);
  await openLab(page);
  await page.getByTestId('exercise-panel-toggle').click();
  const panel = page.getByTestId('exercise-panel');
  await panel.getByTestId('exercise-choose-consolidation').check();
  await panel.getByTestId('exercise-student-name').fill('Grace Hopper');
  await panel.getByTestId('exercise-start').click();

  // Step 1: the cluster as bins, read on the hosts' Summary.
  await expect(panel.getByTestId('exercise-step-bins')).toBeVisible();
  await selectByName(page, 'esx-01');
  await expect(page.getByTestId('object-name')).toHaveText('esx-01');
  await answerNumber(page, 'mem-capacity', 1280, 'your lab says 1024');
  await answerNumber(page, 'mem-capacity', 1024);
  await answerNumber(page, 'cpu-capacity', 80);
  await answerChoice(page, 'why-seven', 1);
  await expect(panel.getByTestId('exercise-check-0')).toHaveAttribute('data-state', 'pass');
  await shot(page, 'consolidation-step1');
  await panel.getByTestId('exercise-next').click();

  // Step 2: Pack › Configure › Placement — First fit, First fit decreasing, Exact.
  await expect(panel.getByTestId('exercise-step-compare')).toBeVisible();
  await selectByName(page, 'Pack');
  await page.getByRole('tab', { name: 'Configure', exact: true }).click();
  await expect(page.getByTestId('cluster-placement')).toBeVisible();
  await expect(page.getByTestId('placement-algo').locator('option', { hasText: 'First fit decreasing' })).toHaveCount(1);
  await computePlan(page, 'ff', '5 → 4 host(s)');
  await answerNumber(page, 'ff-hosts', 4);
  await computePlan(page, 'ffd', '5 → 3 host(s)');
  await answerNumber(page, 'ffd-hosts', 3);
  await computePlan(page, 'exact', '5 → 3 host(s)');
  await expect(page.getByTestId('placement-summary')).toContainText('Proven optimal (lower bound 3)');
  await answerNumber(page, 'opt-hosts', 3);
  await answerNumber(page, 'lower-bound', 3);
  await expect(page.getByTestId('placement-apply')).toBeVisible();
  await expect(page.getByTestId('placement-standby')).toBeChecked();
  await shot(page, 'consolidation-step2-exact');
  await panel.getByTestId('exercise-next').click();

  // Step 3: power on batch-09 (ACTIONS › Power › Power On); FFD now needs a host more than the optimum.
  await expect(panel.getByTestId('exercise-step-ninth')).toBeVisible();
  await selectByName(page, 'batch-09');
  await runAction(page, ['Power', 'Power On']);
  await expect(panel.getByTestId('exercise-check-0')).toHaveAttribute('data-state', 'pass', { timeout: 30_000 });
  await selectByName(page, 'Pack');
  await page.getByRole('tab', { name: 'Configure', exact: true }).click();
  await computePlan(page, 'ffd', '5 → 4 host(s)');
  await shot(page, 'consolidation-step3-ffd');
  await answerNumber(page, 'ffd-nine', 4);
  await computePlan(page, 'exact', '5 → 3 host(s)');
  await answerNumber(page, 'opt-nine', 3);
  await shot(page, 'consolidation-step3-exact');
});
