/**
 * Everyday table features against the real engine: a header click sorts Recent Tasks (arrow shown),
 * Monitor › Tasks and Events export the rows shown as CSV, and a task's target link reveals its VM in a
 * collapsed navigator tree.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { expectTaskCompletes, openLab, runAction, selectVmInState, shot } from './lab';

test('sort Recent Tasks, export Tasks and Events as CSV, reveal a VM from a task link', async ({ page }) => {
  await openLab(page);
  const vm = await selectVmInState(page, 'poweredOff');
  await expectTaskCompletes(page, 'vm.powerOn', vm.id, () => runAction(page, ['Power', 'Power On']));
  await expectTaskCompletes(page, 'vm.powerOff', vm.id, () => page.getByTestId('toolbar-action-power-off').click());

  // Recent Tasks: Task Name ascending puts "Power Off…" before "Power On…", descending the reverse.
  const recent = page.getByTestId('recent-tasks');
  await recent.getByTestId('sort-name').click();
  await expect(recent.locator('th[data-sort-key=name]')).toHaveAttribute('aria-sort', 'ascending');
  const names = async () => recent.locator('[data-testid=task-row] .task-name').allTextContents();
  const asc = await names();
  expect(asc).toEqual([...asc].sort((a, b) => a.localeCompare(b, 'en')));
  await recent.getByTestId('sort-name').click();
  await expect(recent.locator('th[data-sort-key=name]')).toHaveAttribute('aria-sort', 'descending');
  const desc = await names();
  expect(desc).toEqual([...desc].sort((a, b) => b.localeCompare(a, 'en')));
  await shot(page, 'recent-tasks-sorted');

  // Monitor › Tasks: Export writes the columns shown, one record per row shown.
  await page.getByRole('tab', { name: 'Monitor', exact: true }).click();
  await page.getByTestId('monitor-section-tasks').click();
  const rowsShown = await page.getByTestId('monitor-tasks-table').locator('[data-testid=task-row]').count();
  const [tasksCsv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('monitor-tasks-export').click()]);
  expect(tasksCsv.suggestedFilename()).toBe(`Tasks_${vm.name}.csv`);
  const tasksLines = (await readFile((await tasksCsv.path())!, 'utf8')).split('\r\n');
  expect(tasksLines[0]).toBe('Task Name,Target,Status,Details,Initiator,Queued For,Start Time,Completion Time');
  expect(tasksLines.filter(Boolean)).toHaveLength(rowsShown + 1);
  expect(tasksLines.some((l) => l.startsWith(`Power On virtual machine,${vm.name},Completed,`))).toBe(true);

  await page.getByTestId('monitor-section-events').click();
  const events = page.getByTestId('events-table');
  await expect(events.locator('[data-testid=event-row]')).not.toHaveCount(0);
  await events.getByTestId('sort-time').click();
  await expect(events.locator('th[data-sort-key=time]')).toHaveAttribute('aria-sort', 'ascending');
  const [eventsCsv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('monitor-events-export').click()]);
  const eventLines = (await readFile((await eventsCsv.path())!, 'utf8')).split('\r\n').filter(Boolean);
  expect(eventLines[0]).toBe('Description,Type,Date Time,Target,Event Type ID');
  expect(eventLines).toHaveLength(await events.locator('[data-testid=event-row]').count() + 1);
  await shot(page, 'monitor-events-sorted');

  // Collapse the VM's folder in the navigator, then follow the task's Target link: the VM is revealed.
  const tree = page.getByTestId('inventory-tree-vms');
  const parent = await page.evaluate(() => document.querySelector('[data-testid=inventory-tree-vms] [data-kind=datacenter]')?.getAttribute('data-testid'));
  await page.getByTestId(parent!.replace('tree-node-', 'tree-toggle-')).click();
  await expect(tree.getByTestId(`tree-node-${vm.id}`)).toHaveCount(0);
  await recent.locator(`[data-testid=task-row][data-target="${vm.id}"] a.target`).first().click();
  await expect(tree.getByTestId(`tree-node-${vm.id}`)).toBeVisible();
  await expect(tree.getByTestId(`tree-node-${vm.id}`)).toHaveAttribute('aria-selected', 'true');
});
