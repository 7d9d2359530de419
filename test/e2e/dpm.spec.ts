/** Cluster › Configure › vSphere DRS › Power Management: DPM's settings through cluster.configure (a refusal
 *  beside the field it names), a manual recommendation applied — the host enters standby, the navigator
 *  shows it with the standby badge — and the host's ACTIONS › Power › Exit Standby Mode. */
import { expect, test } from '@playwright/test';
import { WebSocket } from 'ws';
import { API_VERSION } from '../../src-shared/api/channels';
import { expectTaskCompletes, labUrl, openLab, runAction, selectByName, shot } from './lab';

/** One contract request over the same token-guarded WebSocket the UI uses. */
async function request(kind: 'query' | 'command', name: string, params: unknown): Promise<unknown> {
  const url = new URL(labUrl());
  const ws = new WebSocket(`ws://${url.host}/api/ws?token=${url.searchParams.get('token')}`, { headers: { Origin: `http://${url.host}` } });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  const reply = await new Promise<{ ok: boolean; result?: unknown; error?: { message: string } }>((resolve) => {
    ws.on('message', (data: Buffer) => { const m = JSON.parse(data.toString()); if (m.id === 9) resolve(m); });
    ws.send(JSON.stringify({ v: API_VERSION, id: 9, kind, name, params }));
  });
  ws.close();
  if (!reply.ok) throw new Error(`${name}: ${reply.error?.message}`);
  return reply.result;
}

test('DPM: settings refused beside the field, a manual recommendation applied, standby shown, Exit Standby Mode', async ({ page }) => {
  test.setTimeout(180_000);
  await openLab(page);
  await selectByName(page, 'DC0_C0');
  await page.getByRole('tab', { name: 'Configure', exact: true }).click();
  const dpm = page.getByTestId('dpm-settings');
  await expect(dpm).toBeVisible();
  await expect(page.getByTestId('dpm-level')).toHaveText('Off');

  // DRS is off in lab-small: turning DPM on is refused, and the message stands beside the DPM field.
  await page.getByTestId('dpm-edit').click();
  await page.getByTestId('dpm-automation').selectOption('automatic');
  await page.getByTestId('dpm-save').click();
  await expect(page.getByTestId('dpm-automation-error')).toContainText('DRS');
  await shot(page, 'dpm-refused');

  // DRS on (its own page), then DPM manual, aggressive.
  await dpm.getByRole('button', { name: 'CANCEL' }).click();
  await page.getByTestId('drs-edit').click();
  await page.getByTestId('drs-enabled').check();
  await page.getByTestId('drs-automation').selectOption('manual');
  await page.getByTestId('drs-save').click();
  await expect(page.getByTestId('drs-state')).toContainText('ON');
  await page.getByTestId('dpm-edit').click();
  await page.getByTestId('dpm-automation').selectOption('manual');
  await page.getByTestId('dpm-threshold').fill('5');
  await page.getByTestId('dpm-save').click();
  await expect(page.getByTestId('dpm-level')).toHaveText('Manual');

  // A DRS pass once the VMs have a measured demand (the first 20 s sample): DPM recommends a standby.
  const inv = await request('query', 'inventory.get', {}) as { clusters: { id: string }[] };
  const clusterId = inv.clusters[0].id;
  await expect.poll(async () => (await request('query', 'sim.status', {}) as { virtualTimeMs: number }).virtualTimeMs, { timeout: 60_000 }).toBeGreaterThan(21_000);
  await request('command', 'cluster.drs.run', { clusterId });
  const rec = page.getByTestId('dpm-recommendations').locator('li[data-kind=powerOff]');
  await expect(rec).toHaveCount(1, { timeout: 30_000 });
  await expect(rec).toContainText('into standby mode');
  await expect(rec.locator('.reason')).toContainText('utilisation');
  await shot(page, 'dpm-recommendation');

  await expectTaskCompletes(page, 'placement.apply', clusterId, () => rec.getByTestId('dpm-apply').click());
  const standbyRow = page.getByTestId('inventory-tree-hosts').locator('[data-kind=host][data-host-status=standby]');
  await expect(standbyRow).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByTestId('dpm-standby-hosts')).not.toHaveText('none');
  await shot(page, 'dpm-standby');

  // The host's ACTIONS › Power › Exit Standby Mode wakes it.
  const name = await standbyRow.getAttribute('data-name');
  const hostId = (await standbyRow.getAttribute('data-testid'))!.replace('tree-node-', '');
  await selectByName(page, name!);
  await expectTaskCompletes(page, 'host.exitStandby', hostId, () => runAction(page, ['Power', 'Exit Standby Mode']));
  await expect(page.getByTestId('inventory-tree-hosts').locator('[data-kind=host][data-host-status=standby]')).toHaveCount(0, { timeout: 90_000 });
});
