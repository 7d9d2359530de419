/**
 * The ESXi path of Add Host… in the browser, against VMware's govmomi simulator standing in for an ESXi
 * host (vim25 over HTTPS, built from Debian's packages): the wizard shows the certificate's SHA-1
 * thumbprint (checked here against the one this test reads from the TLS handshake itself) under the
 * Security Alert, is trusted, and the host appears with its VMs in the tree, marked ESXi, beside the
 * simulated hosts; a Power Off of one of its VMs is a completed task of the host; the Add host task is in
 * Recent Tasks.
 *
 * Uses the run's shared lab server. Skips with the reason where the simulator cannot be built; with
 * HVLAB_REQUIRE_PEERS=1 (CI) that fails instead. The ESXi host it added leaves the lab at the end.
 */
import { expect, test } from '@playwright/test';
import { connect } from 'node:tls';
import { WebSocket } from 'ws';
import { API_VERSION } from '../../src-shared/api/channels';
import type { InventoryDto } from '../../src-shared/model/inventory';
import { expectTaskCompletes, labUrl, openLab, runAction, shot, taskRows } from './lab';
import { simulatorBinary, startSimulator } from '../vim25/helpers/peers';
import type { SimulatorPeer } from '../vim25/helpers/peers';

let sim: SimulatorPeer | undefined;
let skip: string | undefined;

/** One contract request over the UI's own token-guarded WebSocket. */
async function ask<T>(kind: 'query' | 'command', name: string, params: unknown): Promise<T> {
  const url = new URL(labUrl());
  const ws = new WebSocket(`ws://${url.host}/api/ws?token=${url.searchParams.get('token')}`, { headers: { Origin: `http://${url.host}` } });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  const reply = await new Promise<{ ok: boolean; result?: T; error?: { message: string } }>((resolve) => {
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString());
      if (m.id === 1) resolve(m);
    });
    ws.send(JSON.stringify({ v: API_VERSION, id: 1, kind, name, params }));
  });
  ws.close();
  if (!reply.ok) throw new Error(`${name}: ${reply.error?.message}`);
  return reply.result as T;
}

/** The server certificate's SHA-1 thumbprint as the TLS handshake presents it (`AB:CD:…`). */
function tlsThumbprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

test.beforeAll(async () => {
  test.setTimeout(900_000); // the first build of the simulator compiles govmomi
  const bin = simulatorBinary();
  if (!bin.path) {
    if (process.env.HVLAB_REQUIRE_PEERS === '1') throw new Error(`HVLAB_REQUIRE_PEERS=1 but the govmomi simulator is missing: ${bin.skip}`);
    skip = `govmomi simulator unavailable: ${bin.skip}`;
    return;
  }
  sim = await startSimulator(bin.path, ['-model', 'esx']);
});

test.afterAll(async () => {
  if (sim) {
    const inv = await ask<InventoryDto>('query', 'inventory.get', {});
    for (const h of inv.hosts.filter((x) => x.kind === 'esxi')) await ask('command', 'host.remove', { hostId: h.id });
  }
  await sim?.close();
});

test('Add an ESXi host (the govmomi simulator) through the wizard: thumbprint trusted, host and VMs in the tree, a power operation', async ({ page }) => {
  test.skip(!!skip, skip ?? '');
  test.setTimeout(180_000);
  const port = sim!.port;
  const thumbprint = await tlsThumbprint(port);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openLab(page);
  const dc = page.getByTestId('inventory-tree-hosts').locator('[role=treeitem][data-kind=datacenter]').first();
  const dcId = (await dc.getAttribute('data-testid'))!.replace('tree-node-', '');
  await dc.click();

  // 1 Name and location: the ESXi kind (port 443 by default; the simulator's own here).
  await runAction(page, ['Add Host…']);
  const wiz = page.getByTestId('add-host-wizard');
  await wiz.getByTestId('add-host-kind-vim25').check();
  await expect(wiz.getByTestId('add-host-port')).toHaveValue('443');
  await wiz.getByTestId('add-host-address').fill('127.0.0.1');
  await wiz.getByTestId('add-host-port').fill(String(port));
  await wiz.getByTestId('add-host-name').fill('Lab ESXi');
  await wiz.getByTestId('wizard-next').click();

  // 2 Connection settings: ESXi takes a user and password only.
  await expect(wiz.getByTestId('add-host-step-connection')).toBeVisible();
  await expect(wiz.getByTestId('add-host-auth-key')).toHaveCount(0);
  await wiz.getByTestId('add-host-user').fill('root');
  await wiz.getByTestId('add-host-password').fill('esx-pass-5');
  await wiz.getByTestId('wizard-next').click();

  // 3 Security Alert: the certificate's SHA-1 thumbprint, as the handshake shows it; trusted on first use.
  await expect(wiz.getByTestId('add-host-unknown')).toBeVisible({ timeout: 30_000 });
  await expect(wiz.getByTestId('add-host-fingerprint')).toHaveText(`SHA-1 ${thumbprint}`);
  await shot(page, 'add-host-esx-thumbprint');
  await wiz.getByTestId('add-host-accept').check();
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('add-host-summary')).toContainText(thumbprint);
  await wiz.getByTestId('wizard-finish').click();
  await expect(wiz).toBeHidden({ timeout: 60_000 });

  // The host with its VMs, marked ESXi, beside the simulated hosts; the add is a completed task.
  const inv = await ask<InventoryDto>('query', 'inventory.get', {});
  const host = inv.hosts.find((h) => h.kind === 'esxi')!;
  expect(host.id).toMatch(/^esx\d+:host-\d+$/);
  expect(inv.hosts.some((h) => !h.id.includes(':')), 'the simulated hosts are still there').toBe(true);
  const vms = inv.vms.filter((v) => v.hostId === host.id);
  expect(vms.length).toBeGreaterThan(0);
  await expect(page.getByTestId(`tree-host-kind-${host.id}`)).toHaveText('ESXi');
  await expect(page.getByTestId('object-name')).toHaveText(host.name);
  const added = taskRows(page, 'host.add', dcId).first();
  await expect(added).toHaveAttribute('data-state', 'success');

  // A power operation on one of its VMs: a task of the ESXi host, the tree follows.
  const vm = vms.find((v) => v.powerState === 'poweredOn') ?? vms[0];
  const [op, after] = vm.powerState === 'poweredOn' ? [['Power', 'Power Off'], 'poweredOff'] : [['Power', 'Power On'], 'poweredOn'];
  await page.getByTestId('tree-filter').fill(vm.name);
  await page.locator(`[data-testid="tree-node-${vm.id}"]`).click();
  await page.getByTestId('tree-filter').fill('');
  await expect(page.getByTestId('object-name')).toHaveText(vm.name);
  await expectTaskCompletes(page, after === 'poweredOff' ? 'vm.powerOff' : 'vm.powerOn', vm.id, () => runAction(page, op));
  await expect(page.locator(`[data-testid="tree-node-${vm.id}"]`)).toHaveAttribute('data-power-state', after, { timeout: 60_000 });
  await shot(page, 'real-host-esx-inventory');
  expect(errors, 'no uncaught errors').toEqual([]);
});
