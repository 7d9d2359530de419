/**
 * A real KVM host in the UI, on the real-host peers (scripts/real-host-peers.sh: a throwaway sshd and
 * libvirtd with the tiny QEMU domain): Add Host… on a datacenter — the wizard first meets a changed host
 * key (the lab's known-hosts file holds another key for the peer) and refuses it, then, the stale entry
 * removed, shows the sshd's real fingerprint (checked here against the key the peers printed) to be
 * accepted; a password the host refuses is shown at the password field (and is in no page storage), a
 * key file then works; the KVM host and its domain appear in the tree beside the simulated hosts; power on, take /
 * revert / delete a snapshot, the Monitor tab, power off, Remove from Inventory.
 *
 * Uses the run's shared lab server; the known-hosts file it edits is in that server's own data folder
 * (HVLAB_E2E_DATA_DIR, set by the global setup). Skips with the reason where the peers are not running;
 * with HVLAB_REQUIRE_PEERS=1 (CI) missing peers fail instead. Whatever happens, the real hosts it added
 * leave the lab at the end (the other specs see the simulated lab only).
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { API_VERSION } from '../../src-shared/api/channels';
import type { BackendInfo } from '../../src-shared/model/backends';
import type { InventoryDto } from '../../src-shared/model/inventory';
import { expectTaskCompletes, labUrl, openLab, runAction, shot } from './lab';
import { libvirtPeers } from '../helpers/realHostPeers';

const { peers, skip } = libvirtPeers();
const WRONG_PASSWORD = 'not-the-peer-password-7e2';
const dataDir = process.env.HVLAB_E2E_DATA_DIR;
test.skip(!!skip, skip ?? '');
test.skip(!skip && !dataDir, 'HVLAB_E2E_DATA_DIR is unset (a server started by hand): the spec needs the lab server\'s data folder to set up a changed host key');

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

/** Removes every real host from the lab (the next spec sees the simulated lab only). */
async function removeRealHosts(): Promise<void> {
  const backends = await ask<BackendInfo[]>('query', 'backends.list', {});
  const inv = await ask<InventoryDto>('query', 'inventory.get', {});
  for (const b of backends.filter((x) => x.namespace !== '')) {
    const host = inv.hosts.find((h) => h.id.startsWith(`${b.namespace}:`));
    if (host) await ask('command', 'host.remove', { hostId: host.id });
  }
}

test.afterAll(async () => {
  if (!skip && dataDir) await removeRealHosts();
});

/** The SSH wire form of an ed25519 public key: string "ssh-ed25519", string key. */
function ed25519Blob(raw: Buffer): Buffer {
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
}
/** OpenSSH's fingerprint of a key blob: SHA256, base64 without padding. */
const fingerprintOf = (blob: Buffer) => `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;

async function treeRowByName(page: Page, name: string) {
  await page.getByTestId('tree-filter').fill(name);
  const row = page.locator(`[role=tree] [role=treeitem][data-name="${name}"]`).first();
  await expect(row).toBeVisible({ timeout: 30_000 });
  return row;
}

test('Add a KVM host through the wizard (a changed key refused, the real one accepted), power and snapshot its VM, remove it', async ({ page }) => {
  test.setTimeout(240_000);
  const p = peers!;
  const realFingerprint = fingerprintOf(Buffer.from(p.hostKey.split(' ')[1], 'base64'));
  // The lab's known-hosts file holds another key for the peer's address: a "changed" host key.
  const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!;
  const otherBlob = ed25519Blob(Buffer.from(other, 'base64url'));
  const knownHosts = join(dataDir!, 'known_hosts');
  const pattern = p.port === 22 ? p.host : `[${p.host}]:${p.port}`;
  writeFileSync(knownHosts, `${pattern} ssh-ed25519 ${otherBlob.toString('base64')}\n`, { mode: 0o600 });

  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openLab(page);
  const dc = page.getByTestId('inventory-tree-hosts').locator('[role=treeitem][data-kind=datacenter]').first();
  await dc.click();

  // 1 Name and location: a bad address is refused at its field before anything is sent.
  await runAction(page, ['Add Host…']);
  const wiz = page.getByTestId('add-host-wizard');
  await expect(wiz.getByTestId('add-host-step-name')).toBeVisible();
  await wiz.getByTestId('add-host-kind-libvirt').check();
  await wiz.getByTestId('add-host-address').fill('kvm host; reboot');
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('add-host-error-address')).toContainText('Enter the host\'s name or IP address');
  await wiz.getByTestId('add-host-address').fill(p.host);
  await wiz.getByTestId('add-host-port').fill(String(p.port));
  await wiz.getByTestId('add-host-name').fill('Lab KVM');
  await shot(page, 'add-host-1-name');
  await wiz.getByTestId('wizard-next').click();

  // 2 Connection settings: first a password the peer will not accept (its sshd takes keys only).
  await expect(wiz.getByTestId('add-host-step-connection')).toBeVisible();
  await wiz.getByTestId('add-host-user').fill(p.user);
  await wiz.getByTestId('add-host-auth-password').check();
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('add-host-error-password')).toBeVisible();
  await wiz.getByTestId('add-host-password').fill(WRONG_PASSWORD);
  await wiz.getByTestId('wizard-next').click();

  // 3 Host summary: the changed key is refused — the warning names the recorded key, Next is disabled.
  await expect(wiz.getByTestId('add-host-changed')).toBeVisible({ timeout: 30_000 });
  await expect(wiz.getByTestId('add-host-fingerprint')).toContainText(realFingerprint);
  await expect(wiz.getByTestId('add-host-known-identity')).toHaveText(fingerprintOf(otherBlob));
  await expect(wiz.getByTestId('wizard-next')).toBeDisabled();
  await shot(page, 'add-host-3-changed-key');

  // Whoever knows the change is genuine removes the stale line; the wizard reads the key again: unknown.
  writeFileSync(knownHosts, '', { mode: 0o600 });
  await wiz.getByTestId('add-host-check-again').click();
  await expect(wiz.getByTestId('add-host-unknown')).toBeVisible({ timeout: 30_000 });
  await expect(wiz.getByTestId('add-host-fingerprint')).toContainText(realFingerprint);
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('add-host-error-acceptedIdentity')).toContainText('Compare the fingerprint');
  await wiz.getByTestId('add-host-accept').check();
  await shot(page, 'add-host-3-security-alert');
  await wiz.getByTestId('wizard-next').click();

  // Finish with the password: the host refuses it, and the wizard says so beside the password field, on
  // its step; the password is in none of the page's storage.
  await wiz.getByTestId('wizard-finish').click();
  await expect(wiz.getByTestId('add-host-error-password')).toContainText('The host did not accept this user name and password', { timeout: 30_000 });
  await expect(wiz.getByTestId('add-host-step-connection')).toBeVisible();
  await shot(page, 'add-host-2-password-refused');
  const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
  expect(stored).not.toContain(WRONG_PASSWORD);

  // The private key file instead. The host was not added, but the key accepted on the way stays trusted
  // (the host proved it holds it before the password was refused, as OpenSSH's accept-new records it).
  await wiz.getByTestId('add-host-auth-key').check();
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('add-host-error-keyPath')).toBeVisible();
  await wiz.getByTestId('add-host-key').fill(p.keyPath);
  await shot(page, 'add-host-2-connection');
  await wiz.getByTestId('wizard-next').click();
  await expect(wiz.getByTestId('add-host-known')).toBeVisible({ timeout: 30_000 });
  await expect(wiz.getByTestId('add-host-fingerprint')).toContainText(realFingerprint);
  await wiz.getByTestId('wizard-next').click();

  // 4 Ready to complete → Finish (host.add with the accepted fingerprint).
  await expect(wiz.getByTestId('add-host-summary')).toContainText('Lab KVM');
  await expect(wiz.getByTestId('add-host-summary')).toContainText(realFingerprint);
  await shot(page, 'add-host-4-ready');
  await wiz.getByTestId('wizard-finish').click();
  await expect(wiz).toBeHidden({ timeout: 60_000 });

  // The KVM host beside the simulated ones, in a datacenter named as the wizard said, marked KVM, selected;
  // its domain under it.
  const dcRow = await treeRowByName(page, 'Lab KVM');
  expect(await dcRow.getAttribute('data-kind')).toBe('datacenter');
  await page.getByTestId('tree-filter').fill('');
  const hostRow = page.locator('[role=tree] [role=treeitem][data-kind=host][data-testid^="tree-node-kvm"]');
  await expect(hostRow).toHaveCount(1);
  const hostId = (await hostRow.getAttribute('data-testid'))!.replace('tree-node-', '');
  expect(hostId).toMatch(/^kvm\d+:host-\d+$/);
  const hostName = (await hostRow.getAttribute('data-name'))!;
  await expect(page.getByTestId('object-name')).toHaveText(hostName);
  await expect(page.getByTestId(`tree-host-kind-${hostId}`)).toHaveText('KVM');
  const vmRow = await treeRowByName(page, p.domain);
  const vmId = (await vmRow.getAttribute('data-testid'))!.replace('tree-node-', '');
  expect(vmId.split(':')[0]).toBe(hostId.split(':')[0]);
  await vmRow.click();
  await page.getByTestId('tree-filter').fill('');
  await expect(page.getByTestId('object-name')).toHaveText(p.domain);
  // What differs from a simulated VM follows the backend's capabilities: no machine-model fields.
  await expect(page.getByTestId('summary-real-backend')).toBeVisible();
  await expect(page.getByTestId('summary-monitor')).toHaveCount(0);
  await shot(page, 'real-host-inventory');

  if ((await page.locator(`[data-testid="tree-node-${vmId}"]`).getAttribute('data-power-state')) !== 'poweredOff') {
    await expectTaskCompletes(page, 'vm.powerOff', vmId, () => runAction(page, ['Power', 'Power Off']));
  }
  const onRow = await expectTaskCompletes(page, 'vm.powerOn', vmId, () => runAction(page, ['Power', 'Power On']));
  // A real host's task carries its own date and time (Start Time), not the lab's virtual clock.
  await expect(onRow.locator('td').nth(6)).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  await expect(page.locator(`[data-testid="tree-node-${vmId}"]`)).toHaveAttribute('data-power-state', 'poweredOn', { timeout: 30_000 });

  // Snapshot (a running libvirt domain's internal snapshot always has its memory), revert, delete.
  await expectTaskCompletes(page, 'vm.snapshot.create', vmId, async () => {
    await runAction(page, ['Snapshots', 'Take Snapshot…']);
    const dlg = page.getByTestId('take-snapshot-dialog');
    await dlg.getByTestId('snapshot-name').fill('e2e-real');
    await dlg.getByTestId('snapshot-create').click();
    await expect(dlg).toBeHidden();
  });
  await page.getByRole('tab', { name: 'Snapshots', exact: true }).click();
  const mgr = page.getByTestId('snapshot-manager');
  const node = mgr.locator('[data-testid=snapshot-node][data-name="e2e-real"]');
  await expect(node).toBeVisible({ timeout: 30_000 });
  await node.click();
  await expect(mgr.getByTestId('snapshot-detail-memory')).toHaveText('Yes');
  await shot(page, 'real-host-snapshots');
  await expectTaskCompletes(page, 'vm.snapshot.revert', vmId, async () => {
    await mgr.getByTestId('snapshot-revert').click();
    await page.getByTestId('confirm-revert').getByTestId('confirm-ok').click();
  });
  await node.click();
  await expectTaskCompletes(page, 'vm.snapshot.remove', vmId, async () => {
    await mgr.getByTestId('snapshot-delete').click();
    await page.getByTestId('confirm-delete-snapshot').getByTestId('confirm-ok').click();
  });
  await expect(node).toHaveCount(0, { timeout: 30_000 });

  await expectTaskCompletes(page, 'vm.powerOff', vmId, () => runAction(page, ['Power', 'Power Off']));
  await expect(page.locator(`[data-testid="tree-node-${vmId}"]`)).toHaveAttribute('data-power-state', 'poweredOff', { timeout: 30_000 });

  // The real host's ACTIONS: Reconnect and Remove from Inventory (a simulated host offers neither).
  await (await treeRowByName(page, hostName)).click();
  await page.getByTestId('tree-filter').fill('');
  await page.getByTestId('actions-button').click();
  await expect(page.getByRole('menuitem', { name: 'Reconnect', exact: true })).toBeVisible();
  await shot(page, 'real-host-actions');
  await page.getByRole('menuitem', { name: 'Remove from Inventory', exact: true }).click();
  await page.getByTestId('confirm-remove-host').getByTestId('confirm-ok').click();
  await expect(page.locator(`[data-testid="tree-node-${hostId}"]`)).toHaveCount(0, { timeout: 30_000 });
  await expect(page.locator(`[data-testid="tree-node-${vmId}"]`)).toHaveCount(0);
  expect(errors, 'no uncaught errors').toEqual([]);
});
