/** Launch Web Console: guest output appears live; typed input is accepted. */
import { expect, test } from '@playwright/test';
import { expectTaskCompletes, openLab, runAction, selectVmInState, shot } from './lab';

test('open the console of a running VM and see guest output', async ({ page }) => {
  await openLab(page);
  let vm = await selectVmInState(page, 'poweredOff').catch(() => null);
  if (vm) await expectTaskCompletes(page, 'vm.powerOn', vm.id, () => runAction(page, ['Power', 'Power On']));
  else vm = await selectVmInState(page, 'poweredOn');

  await page.getByTestId('toolbar-console').click();
  const con = page.getByTestId('web-console');
  await expect(con).toBeVisible();
  const out = con.getByTestId('console-output');
  // labos prints its boot banner ("labos: … KiB RAM, …") as soon as the VM runs.
  await expect.poll(async () => (await out.textContent()) ?? '', { timeout: 45_000, message: 'guest console output' }).toContain('labos:');
  await shot(page, 'web-console');

  await con.getByTestId('console-input').fill('help');
  await con.getByTestId('console-send').click();
  await expect(con.getByTestId('console-error')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(con).toBeHidden();
});
