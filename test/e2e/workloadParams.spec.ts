/**
 * Workload parameters as fields against the real engine and guest catalogue: Edit Settings › VM Options
 * offers memwrite's parameters with their defaults, refuses an out-of-range value beside its field, and
 * the valid value reaches the VM through the reconfigure task. The New VM wizard offers the labos
 * kernel's `shell` switch with every program: an idle VM made with shell=1 greets its Web Console with
 * the shell's prompt and answers `top -n 2`.
 */
import { expect, test } from '@playwright/test';
import { expectTaskCompletes, openLab, runAction, selectVmInState, shot } from './lab';

test('Edit Settings: memwrite parameters as validated fields', async ({ page }) => {
  await openLab(page);
  const vm = await selectVmInState(page, 'poweredOff');
  await runAction(page, ['Edit Settings…']);
  await page.getByTestId('settings-tab-options').click();
  await page.getByTestId('settings-workload').selectOption('memwrite');
  const bytes = page.getByTestId('settings-param-write_bytes');
  await expect(bytes).toHaveAttribute('placeholder', '4');
  await bytes.fill('8192');
  await page.getByTestId('settings-ok').click();
  await expect(page.getByTestId('settings-param-error-write_bytes')).toHaveText('write_bytes must be between 4 and 4096.');
  await shot(page, 'workload-params');
  await bytes.fill('4096');
  await page.getByTestId('settings-param-wss_kib').fill('512');
  await expectTaskCompletes(page, 'vm.reconfigure', vm.id, () => page.getByTestId('settings-ok').click());
  await expect(page.getByTestId('recent-tasks').locator(`[data-testid=task-row][data-operation="vm.reconfigure"][data-target="${vm.id}"]`).first()).toHaveAttribute('data-state', 'success');
});

test('New VM: the shell field (shell=1) gives a powered-on idle VM the console prompt, and top -n 2 answers', async ({ page }) => {
  await openLab(page);
  const tree = page.getByTestId('inventory-tree-hosts');
  const host = tree.locator('[data-kind=host]').first();
  const hostId = (await host.getAttribute('data-testid'))!.replace('tree-node-', '');
  await host.click();
  await runAction(page, ['New Virtual Machine…']);
  const wiz = page.getByTestId('new-vm-wizard');
  await wiz.getByTestId('wizard-type-new').check();
  await wiz.getByTestId('wizard-next').click();
  const name = `shell-vm-${Date.now() % 100000}`;
  await wiz.getByTestId('wizard-name').fill(name);
  await wiz.getByTestId('wizard-next').click();
  await wiz.getByTestId('wizard-next').click(); // the host we started from
  await wiz.getByTestId('wizard-next').click(); // guest OS
  await wiz.getByTestId('wizard-workload').selectOption('idle');
  const shell = wiz.getByTestId('wizard-param-shell');
  await expect(shell).toHaveAttribute('placeholder', '0');
  await expect(shell).toHaveAttribute('max', '1');
  await shell.fill('1');
  await wiz.getByTestId('wizard-power-on').check();
  await wiz.getByTestId('wizard-next').click();
  await expectTaskCompletes(page, 'vm.create', hostId, async () => {
    await wiz.getByTestId('wizard-finish').click();
    await expect(wiz).toBeHidden();
  });
  await expect(page.getByTestId('object-name')).toHaveText(name, { timeout: 30_000 });
  await expect(page.getByTestId('summary-power-state')).toHaveText(/Powered On/, { timeout: 30_000 });

  await page.getByTestId('toolbar-console').click();
  const out = page.getByTestId('web-console').getByTestId('console-output');
  // shell=1: the prompt follows the boot banner before anything is typed
  await expect.poll(async () => (await out.textContent()) ?? '', { timeout: 45_000, message: 'the prompt after the banner' }).toMatch(/running idle( shell=1)?\nlabos\$ /);
  await out.click();
  await page.keyboard.type('top -n 2');
  await page.keyboard.press('Enter');
  await expect.poll(async () => ((await out.textContent()) ?? '').match(/top: CPU over the last/g)?.length ?? 0, { timeout: 60_000, message: 'two snapshots' }).toBe(2);
  await expect.poll(async () => (await out.textContent()) ?? '', { timeout: 30_000 }).toMatch(/ +1 +\d+ +\d+ {2}idle\nlabos\$ \u258c?$/); // the prompt after the second, then the cursor
  await shot(page, 'console-top');
});
