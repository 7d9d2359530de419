/** Launch Web Console: guest output appears live; typed input is accepted; labos's shell answers `ps` typed on the screen. */
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

test('type ps on the Web Console of a running labos VM and read its process list', async ({ page }) => {
  await openLab(page);
  let vm = await selectVmInState(page, 'poweredOff').catch(() => null);
  if (vm) await expectTaskCompletes(page, 'vm.powerOn', vm.id, () => runAction(page, ['Power', 'Power On']));
  else vm = await selectVmInState(page, 'poweredOn');

  await page.getByTestId('toolbar-console').click();
  const con = page.getByTestId('web-console');
  const out = con.getByTestId('console-output');
  await expect.poll(async () => (await out.textContent()) ?? '', { timeout: 45_000, message: 'boot banner' }).toContain('labos:');
  // keys typed on the console screen itself, as a user would: p, s, a mistake erased, Enter
  await out.click();
  await page.keyboard.type('psx');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Enter');
  // The table, then the shell's prompt after it: the table arrives line by line, so the prompt is
  // waited for, not read the moment the first row shows.
  await expect.poll(async () => (await out.textContent()) ?? '', { timeout: 45_000, message: 'the answer to ps, then the prompt' })
    .toMatch(/ {2}PID STATE {4}CPU {5}TICKS {3}TIME\(s\) %CPU {2}NAME\n +\d+ (running|ready|sleeping|waiting|zombie) [\s\S]*labos\$ /);
  const text = (await out.textContent()) ?? '';
  // The shell ran "ps", so the Backspace reached it. The echo is not checked as "ps\n": the VM's own
  // progress lines can land between the keys (as on any terminal), and an erase then has no "x" on its
  // line to take back (the guest test checks the echo byte for byte).
  expect(text).not.toMatch(/unknown command/);
  await expect(con.getByTestId('console-error')).toHaveCount(0);
  await shot(page, 'web-console-ps');
});
