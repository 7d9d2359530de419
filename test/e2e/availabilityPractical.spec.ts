/**
 * Practical 8 (availability) in the exercise panel, past its first steps: the student pulls ha-H0's plug
 * with the host's Simulate failure portlet, steps the lab, and the failover checks turn green as HA
 * restarts the VMs; the downtime answer is graded against their own run; spare-01's power-on is refused
 * by admission control and that step's checks turn green too.
 */
import { test, expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { openLab, runAction, selectByName, shot, step20 } from './lab';

async function answerNumber(page: Page, question: string, value: number): Promise<void> {
  const q = page.getByTestId(`exercise-question-${question}`);
  await q.getByTestId('exercise-answer-input').fill(String(value));
  await q.getByTestId('exercise-answer-submit').click();
  await expect(q.getByTestId('exercise-answer-verdict')).toContainText('Right');
}

test('practical 8 in the exercise panel: a power loss, HA restarts by priority, admission control refuses a power-on', async ({ page }) => {
  test.setTimeout(180_000);
  await openLab(page);
  await page.getByTestId('exercise-panel-toggle').click();
  const panel = page.getByTestId('exercise-panel');
  await panel.getByTestId('exercise-choose-availability').check();
  await panel.getByTestId('exercise-student-name').fill('Grace Hopper');
  await panel.getByTestId('exercise-start').click();

  await expect(panel.getByTestId('exercise-step-protect')).toBeVisible();
  await expect(panel.getByTestId('exercise-check-0')).toHaveAttribute('data-state', 'pass');
  await answerNumber(page, 'slots-per-host', 2);
  await answerNumber(page, 'slots-free', 1);
  await panel.getByTestId('exercise-next').click();

  await expect(panel.getByTestId('exercise-step-failover')).toBeVisible();
  await expect(panel.getByTestId('exercise-check-0')).toHaveAttribute('data-state', 'fail');
  await selectByName(page, 'ha-H0');
  await page.getByTestId('fail-crash').click();
  await expect(page.getByTestId('summary-host-state')).toHaveText('Not responding');
  await step20(page);
  await step20(page);
  for (const i of [0, 1, 2]) await expect(panel.getByTestId(`exercise-check-${i}`)).toHaveAttribute('data-state', 'pass', { timeout: 60_000 });
  await answerNumber(page, 'detect', 15);
  await shot(page, 'exercise-availability-failover');
  await panel.getByTestId('exercise-next').click();

  await expect(panel.getByTestId('exercise-step-admission')).toBeVisible();
  await selectByName(page, 'spare-01');
  await runAction(page, ['Power', 'Power On']);
  await expect(page.getByText(/Insufficient resources to satisfy the configured failover level/).first()).toBeVisible();
  await expect(panel.getByTestId('exercise-check-0')).toHaveAttribute('data-state', 'pass');
  await expect(panel.getByTestId('exercise-check-1')).toHaveAttribute('data-state', 'pass');
  await answerNumber(page, 'slots-after', 6);
  await shot(page, 'exercise-availability-admission');
});
