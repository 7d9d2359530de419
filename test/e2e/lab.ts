/**
 * Helpers for the browser-mode e2e tests: open the lab, find and select objects, run ACTIONS menu
 * entries, wait for tasks in Recent Tasks, save screenshots to artifacts/screenshots/.
 *
 * Rule: the tests share one server (one worker); `openLab` first reloads the scenario through the
 * engine's own `lab.load` command, so every test starts from the same fresh lab whatever earlier tests
 * did, and still finds objects by state (e.g. "a powered-off VM") rather than by fixed ids.
 */
import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { API_VERSION } from '../../src-shared/api/channels';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SHOTS = `${ROOT}/artifacts/screenshots`;

export function labUrl(): string {
  const url = process.env.HVLAB_E2E_URL;
  if (!url) throw new Error('HVLAB_E2E_URL is not set: the Playwright global setup starts the server');
  return url;
}

/** Reloads the scenario (seed 1) through the contract, over the same token-guarded WebSocket the UI uses. */
export async function resetLab(): Promise<void> {
  const url = new URL(labUrl());
  const ws = new WebSocket(`ws://${url.host}/api/ws?token=${url.searchParams.get('token')}`, { headers: { Origin: `http://${url.host}` } });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  const reply = await new Promise<{ ok: boolean; error?: { message: string } }>((resolve) => {
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString());
      if (m.id === 1) resolve(m);
    });
    ws.send(JSON.stringify({ v: API_VERSION, id: 1, kind: 'command', name: 'lab.load', params: { scenario: process.env.HVLAB_E2E_SCENARIO ?? 'lab-small', seed: 1 } }));
  });
  ws.close();
  if (!reply.ok) throw new Error(`lab.load failed: ${reply.error?.message}`);
}

export async function openLab(page: Page, hash = ''): Promise<void> {
  await resetLab();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(labUrl() + hash);
  await expect(page.getByTestId('inventory-tree-hosts').locator('[role=treeitem]').first()).toBeVisible();
  expect(errors, 'no uncaught errors while loading').toEqual([]);
}

/**
 * Pauses the simulation and waits until it stands (Run shown and enabled). The page learns the engine's
 * state only after it loads, so a page just opened may show Run for a lab that is running and swap it
 * for Pause a moment later: the question "is Pause showing?" is asked again until Run stands enabled.
 */
export async function pauseSimulation(page: Page): Promise<void> {
  const pauseButton = page.getByTestId('sim-pause');
  await expect(async () => {
    if (await pauseButton.isVisible()) await pauseButton.click({ timeout: 2_000 });
    await expect(page.getByTestId('sim-run')).toBeEnabled({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
}

/**
 * Pauses the simulation and steps it `seconds` of virtual time with the header's Step (not waiting for
 * the step's end): a test that needs virtual time to pass (a sample, a timer) gets it whatever the
 * machine's load makes of 1× real time.
 */
export async function stepSimulation(page: Page, seconds: '1' | '20' | '300' | '3600' = '20'): Promise<void> {
  await pauseSimulation(page);
  await page.getByTestId('sim-step-size').selectOption(seconds);
  await page.getByTestId('sim-step').click();
}

/** `stepSimulation` by 20 s. */
export async function step20(page: Page): Promise<void> {
  await stepSimulation(page, '20');
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** Switches the navigator to VMs and Templates, where every VM is one level under its datacenter. */
export async function showVmsView(page: Page): Promise<void> {
  await page.getByTestId('nav-view-vms').click();
  await expect(page.getByTestId('inventory-tree-vms')).toBeVisible();
}

/** A VM row in the VMs and Templates view with the given power state (waits until one exists). */
export async function vmRowInState(page: Page, state: 'poweredOn' | 'poweredOff' | 'suspended'): Promise<Locator> {
  await showVmsView(page);
  const row = page.getByTestId('inventory-tree-vms').locator(`[data-kind=vm][data-power-state=${state}]`).first();
  await expect(row).toBeVisible();
  return row;
}

/** Selects a VM in a given power state; returns its id and name. */
export async function selectVmInState(page: Page, state: 'poweredOn' | 'poweredOff' | 'suspended'): Promise<{ id: string; name: string }> {
  const row = await vmRowInState(page, state);
  const id = (await row.getAttribute('data-testid'))!.replace('tree-node-', '');
  const name = (await row.getAttribute('data-name'))!;
  await row.click();
  await expect(page.getByTestId('object-name')).toHaveText(name);
  return { id, name };
}

/** Selects an object by name through the navigator filter. */
export async function selectByName(page: Page, name: string): Promise<void> {
  await page.getByTestId('tree-filter').fill(name);
  await page.locator(`[role=tree] [role=treeitem][data-name="${name}"]`).first().click();
  await page.getByTestId('tree-filter').fill('');
  await expect(page.getByTestId('object-name')).toHaveText(name);
}

/** Opens ACTIONS on the object header and clicks a path of entries, e.g. ['Power', 'Power On']. */
export async function runAction(page: Page, path: string[]): Promise<void> {
  await page.getByTestId('actions-button').click();
  for (const label of path) {
    const item = page.getByRole('menuitem', { name: label, exact: true }).last();
    await expect(item).toBeVisible();
    await item.click();
  }
}

export function taskRows(page: Page, operation: string, targetId: string): Locator {
  return page.getByTestId('recent-tasks').locator(`[data-testid=task-row][data-operation="${operation}"][data-target="${targetId}"]`);
}

/** Runs `act`, then waits for a new Recent Tasks row for (operation, target) to reach Completed. */
export async function expectTaskCompletes(page: Page, operation: string, targetId: string, act: () => Promise<void>): Promise<Locator> {
  const rows = taskRows(page, operation, targetId);
  const before = await rows.count();
  await act();
  await expect(rows).toHaveCount(before + 1, { timeout: 30_000 });
  const row = rows.first();
  await expect(row, `task ${operation} on ${targetId}`).toHaveAttribute('data-state', /success|error/, { timeout: 60_000 });
  const state = await row.getAttribute('data-state');
  if (state !== 'success') {
    const err = await row.getByTestId('task-error').textContent().catch(() => '');
    throw new Error(`task ${operation} on ${targetId} failed: ${err}`);
  }
  await expect(row.getByTestId('task-status')).toContainText('Completed');
  return row;
}

/** Counts non-transparent pixels of a canvas (proves Chart.js painted something). */
export async function paintedPixels(canvas: Locator): Promise<number> {
  return canvas.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
    return n;
  });
}
