/** Cluster › Configure › Placement: compute a consolidation plan, see the bins, apply it; the emptied host
 *  enters standby and the cluster's power.power.average falls. */
import { expect, test } from '@playwright/test';
import { WebSocket } from 'ws';
import { API_VERSION } from '../../src-shared/api/channels';
import { expectTaskCompletes, labUrl, openLab, selectByName, shot } from './lab';

/** One contract query over the same token-guarded WebSocket the UI uses. */
async function query(name: string, params: unknown): Promise<unknown> {
  const url = new URL(labUrl());
  const ws = new WebSocket(`ws://${url.host}/api/ws?token=${url.searchParams.get('token')}`, { headers: { Origin: `http://${url.host}` } });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  const reply = await new Promise<{ ok: boolean; result?: unknown; error?: { message: string } }>((resolve) => {
    ws.on('message', (data: Buffer) => { const m = JSON.parse(data.toString()); if (m.id === 7) resolve(m); });
    ws.send(JSON.stringify({ v: API_VERSION, id: 7, kind: 'query', name, params }));
  });
  ws.close();
  if (!reply.ok) throw new Error(`${name}: ${reply.error?.message}`);
  return reply.result;
}

async function latestWatts(entityId: string): Promise<{ t: number; w: number }> {
  const s = await query('metrics.query', { entityId, counters: ['power.power.average'], interval: 'realtime', maxSamples: 1 }) as { timestampsMs: number[]; values: Record<string, (number | null)[]> };
  return { t: s.timestampsMs.at(-1) ?? 0, w: s.values['power.power.average'].at(-1) ?? NaN };
}

test('Consolidate: FFD packs the cluster on one host, the plan applies, the freed host enters standby, power falls', async ({ page }) => {
  test.setTimeout(150_000);
  await openLab(page);
  await selectByName(page, 'DC0_C0');
  await page.getByRole('tab', { name: 'Configure', exact: true }).click();
  const panel = page.getByTestId('cluster-placement');
  await expect(panel).toBeVisible();
  await page.getByTestId('placement-algo').selectOption('ffd');
  await page.getByTestId('placement-compute').click();
  await expect(page.getByTestId('placement-summary')).toContainText('2 → 1 host(s)');
  await expect(page.getByTestId('placement-actions').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('placement-bins-proposed').locator('[data-vms="4"]')).toHaveCount(1);
  await expect(page.getByTestId('placement-bins-proposed').locator('[data-vms="0"]')).toHaveCount(1);
  await shot(page, 'placement-plan');

  const inv = await query('inventory.get', {}) as { clusters: { id: string }[]; hosts: { id: string }[] };
  const clusterId = inv.clusters[0].id;
  await expect.poll(async () => (await latestWatts(clusterId)).t, { timeout: 45_000 }).toBeGreaterThan(0);
  const before = await latestWatts(clusterId);

  await expectTaskCompletes(page, 'placement.apply', clusterId, () => page.getByTestId('placement-apply').click());
  const hosts = await query('inventory.get', {}) as { hosts: { id: string; powerState: string }[] };
  expect(hosts.hosts.filter((h) => h.powerState === 'standBy')).toHaveLength(1);

  // A sample taken wholly after the standby shows the fall (samples are 20 s apart).
  const doneAt = (await query('sim.status', {}) as { virtualTimeMs: number }).virtualTimeMs;
  await expect.poll(async () => (await latestWatts(clusterId)).t, { timeout: 60_000 }).toBeGreaterThan(doneAt + 20_000);
  const after = await latestWatts(clusterId);
  expect(after.w).toBeLessThan(before.w - 60);

  await page.getByTestId('placement-compute').click();
  await expect(page.getByTestId('placement-summary')).toContainText('1 → 1 host(s)');
  await shot(page, 'placement-applied');
});
