/**
 * The practical's SDK programs drive the lab the client shows: `examples/power.py` and
 * `examples/snapshots.py` (pyvmomi, unchanged) run against the lab's own vim25 endpoint (the shared
 * server's, `HVLAB_E2E_VIM25` from the global setup) while the page is open, and their operations appear
 * live in Recent Tasks — the lab's own tasks, on the VM they name, with the API user as initiator, reaching
 * Completed — and the VM's power state in the tree follows. No reload: the rows arrive through the
 * client's event feed.
 *
 * Skips with the reason where pyvmomi is missing (Debian's python3-pyvmomi; CI installs it).
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { openLab, selectVmInState, shot, taskRows } from './lab';
import { pyvmomiAvailable, runPython } from '../vim25/helpers/peers';

const sdk = process.env.HVLAB_E2E_VIM25 ? JSON.parse(process.env.HVLAB_E2E_VIM25) as { port: number; user: string; password: string } : undefined;
const skip = !pyvmomiAvailable() ? 'pyvmomi is missing (apt-get install python3-pyvmomi)'
  : !sdk ? 'HVLAB_E2E_VIM25 is unset (a server started by hand without --vim25-port)' : undefined;
test.skip(!!skip, skip ?? '');

/** Waits until `count` rows of `operation` on `targetId` are Completed, by `initiator`. */
async function expectCompletedRows(page: Page, operation: string, targetId: string, count: number, initiator: string): Promise<void> {
  const rows = taskRows(page, operation, targetId);
  await expect(rows.and(page.locator('[data-state=success]'))).toHaveCount(count, { timeout: 120_000 });
  for (let i = 0; i < count; i++) await expect(rows.nth(i).locator('td').nth(4)).toHaveText(initiator);
}

test('operations started by the pyvmomi examples appear live in Recent Tasks, by the API user', async ({ page }) => {
  test.setTimeout(300_000);
  const { port, user, password } = sdk!;
  await openLab(page);
  const vm = await selectVmInState(page, 'poweredOff');

  // power.py: power on, suspend, resume (a power on), power off — then a refused suspend (no task row).
  const power = await runPython('examples/power.py', ['127.0.0.1', user, password, '--port', String(port), '--vm', vm.name, '--json']);
  expect(power.code, power.stderr).toBe(0);
  const steps = (JSON.parse(power.stdout) as { steps: { step: string; state?: string; fault?: string }[] }).steps;
  expect(steps.map((s) => s.state ?? s.fault)).toEqual(['success', 'success', 'success', 'success', 'InvalidPowerState']);
  await expectCompletedRows(page, 'vm.powerOn', vm.id, 2, user);
  await expectCompletedRows(page, 'vm.suspend', vm.id, 1, user);
  await expectCompletedRows(page, 'vm.powerOff', vm.id, 1, user);
  await expect(page.locator(`[data-testid="tree-node-${vm.id}"]`)).toHaveAttribute('data-power-state', 'poweredOff');
  await shot(page, 'vim25-examples-recent-tasks');

  // snapshots.py: its snapshot tasks are the VM's (the entity pyvmomi's WaitForTask reads), in Recent Tasks too.
  const snaps = await runPython('examples/snapshots.py', ['127.0.0.1', user, password, '--port', String(port), '--vm', vm.name, '--json']);
  expect(snaps.code, snaps.stderr).toBe(0);
  await expect(taskRows(page, 'vm.snapshot.create', vm.id).and(page.locator('[data-state=success]')).first()).toBeVisible({ timeout: 120_000 });
  await expect(taskRows(page, 'vm.snapshot.create', vm.id).first().locator('td').nth(4)).toHaveText(user);
});
