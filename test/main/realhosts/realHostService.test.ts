// One real host behind the contract's operations (the service the backend seam wraps), on the real
// peers: power on and off as Tasks, snapshots taken, reverted and deleted, cpu.usage.average that rises
// while the domain runs, the console, typed refusals; and a host that cannot be reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException } from '../../../src-shared/api/errors';
import type { TaskDto, TaskRef } from '../../../src-shared/model/task';
import type { MetricSeriesDto } from '../../../src-shared/model/metrics';
import type { SnapshotTreeDto } from '../../../src-shared/model/inventory';
import { KnownHosts } from '../../../src-main/node/backends/ssh/index';
import { LibvirtHost } from '../../../src-main/node/backends/libvirt/index';
import { RealHostService } from '../../../src-main/node/backends/realHost/realHostService';
import type { RealHostEvent } from '../../../src-main/node/backends/realHost/realHostService';
import { libvirtPeers } from '../../helpers/realHostPeers';

const { peers, skip } = libvirtPeers();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function service(port = peers?.port ?? 1): RealHostService {
  const path = join(mkdtempSync(join(tmpdir(), 'hvlab-kh-')), 'known_hosts');
  if (peers) writeFileSync(path, `[${peers.host}]:${peers.port} ${peers.hostKey}\n`);
  const driver = new LibvirtHost({
    ssh: {
      host: peers?.host ?? '127.0.0.1', port, username: peers?.user ?? 'nobody',
      // Without peers: a password, so that no key file is read and the refused TCP connection is what the host shows.
      auth: peers ? { method: 'key', privateKeyPath: peers.keyPath } : { method: 'password', password: 'unused' },
      knownHosts: KnownHosts.load(path), hostKeyPolicy: { mode: 'known' }, reconnect: false,
    },
  });
  return new RealHostService({ namespace: 'kvm1', name: 'Test KVM', driver });
}

async function task(s: RealHostService, ref: unknown): Promise<TaskDto> {
  const id = (ref as TaskRef).taskId;
  for (let i = 0; i < 1200; i++) {
    const t = s.query('task.get', { taskId: id }) as TaskDto;
    if (t.state === 'success' || t.state === 'error') return t;
    await sleep(100);
  }
  assert.fail(`task ${id} did not finish`);
}

function refused(f: () => unknown, code: string, field?: string): void {
  assert.throws(f, (e: unknown) => e instanceof ApiException && e.error.code === code && (field === undefined || e.error.field === field), code);
}

test('a libvirt host through the contract: power, snapshots, counters, console, refusals', { skip, timeout: 300_000 }, async () => {
  const s = service();
  const events: RealHostEvent[] = [];
  s.onEvent((e) => events.push(e));
  await s.start();
  try {
    const inv = s.inventory();
    assert.equal(inv.hosts[0].connectionState, 'connected');
    assert.match(inv.hosts[0].id, /^kvm1:host-\d+$/);
    let vm = inv.vms.find((v) => v.name === peers!.domain)!;
    assert.ok(vm);
    if (vm.powerState !== 'poweredOff') assert.equal((await task(s, s.command('vm.powerOff', { vmId: vm.id }))).state, 'success');
    const tree0 = s.query('vm.snapshot.tree', { vmId: vm.id }) as SnapshotTreeDto;
    for (const r of tree0.rootIds) await task(s, s.command('vm.snapshot.remove', { vmId: vm.id, snapshotId: r, removeChildren: true }));

    refused(() => s.command('vm.suspend', { vmId: vm.id }), 'E_INVALID_STATE', 'params.vmId');
    refused(() => s.command('vm.snapshot.create', { vmId: vm.id, name: 'x', memory: true }), 'E_INVALID_STATE', 'params.memory');
    refused(() => s.command('vm.reconfigure', { vmId: vm.id, changes: { monitor: 'bt' } }), 'E_INVALID_ARGUMENT', 'params.changes.monitor');
    refused(() => s.command('vm.powerOn', { vmId: 'kvm1:vm-999' }), 'E_NOT_FOUND', 'params.vmId');

    // Power on: a Task that succeeds, the VM shows poweredOn, cpu.usage.average is read and above zero.
    const on = await task(s, s.command('vm.powerOn', { vmId: vm.id }));
    assert.deepEqual([on.state, on.name, on.targetId], ['success', 'Power On virtual machine', vm.id]);
    vm = s.query('vm.get', { vmId: vm.id }) as typeof vm;
    assert.equal(vm.powerState, 'poweredOn');
    refused(() => s.command('vm.snapshot.create', { vmId: vm.id, name: 'disk only', memory: false }), 'E_INVALID_STATE', 'params.memory');
    await s.sample();
    await sleep(5000);
    await s.sample();
    const series = s.query('metrics.query', { entityId: vm.id, counters: ['cpu.usage.average'], interval: 'realtime' }) as MetricSeriesDto;
    const usage = series.values['cpu.usage.average'].filter((x): x is number => x !== null);
    assert.ok(usage.length >= 1 && usage[usage.length - 1] > 0, `cpu.usage.average while running: ${JSON.stringify(series.values)}`);

    // Console: reading attaches; typed text comes back.
    s.query('vm.console.read', { vmId: vm.id });
    await sleep(1500);
    s.command('vm.console.send', { vmId: vm.id, text: 'lab-hello' });
    let text = '';
    for (let i = 0; i < 100 && !text.includes('lab-hello'); i++) { await sleep(200); text = (s.query('vm.console.read', { vmId: vm.id }) as { text: string }).text; }
    assert.ok(text.includes('lab-hello'), text.slice(-300));
    assert.ok(events.some((e) => e.type === 'console'));

    // Snapshot with memory, revert, delete.
    const snap = await task(s, s.command('vm.snapshot.create', { vmId: vm.id, name: 'lab snap', description: 'from the lab', memory: true }));
    assert.equal(snap.state, 'success', JSON.stringify(snap.error));
    let tree = s.query('vm.snapshot.tree', { vmId: vm.id }) as SnapshotTreeDto;
    assert.deepEqual(tree.snapshots.map((x) => [x.name, x.memory, x.powerState]), [['lab snap', true, 'poweredOn']]);
    assert.equal(tree.currentSnapshotId, tree.snapshots[0].id);
    refused(() => s.command('vm.snapshot.create', { vmId: vm.id, name: 'lab snap', memory: true }), 'E_DUPLICATE_NAME', 'params.name');
    assert.equal((await task(s, s.command('vm.powerOff', { vmId: vm.id }))).state, 'success');
    assert.equal((s.query('vm.get', { vmId: vm.id }) as typeof vm).powerState, 'poweredOff');
    assert.equal((await task(s, s.command('vm.snapshot.revert', { vmId: vm.id, snapshotId: tree.snapshots[0].id }))).state, 'success');
    assert.equal((s.query('vm.get', { vmId: vm.id }) as typeof vm).powerState, 'poweredOn', 'a memory snapshot brings the VM back running');
    assert.equal((await task(s, s.command('vm.snapshot.remove', { vmId: vm.id, snapshotId: tree.snapshots[0].id }))).state, 'success');
    tree = s.query('vm.snapshot.tree', { vmId: vm.id }) as SnapshotTreeDto;
    assert.deepEqual(tree.snapshots, []);
    assert.equal((await task(s, s.command('vm.powerOff', { vmId: vm.id }))).state, 'success');

    const tasks = s.query('tasks.list', { entityId: vm.id }) as TaskDto[];
    assert.ok(tasks.length >= 6 && tasks.every((t) => t.state === 'success'));
    assert.ok(tasks[0].queuedAtMs >= tasks[tasks.length - 1].queuedAtMs, 'newest first');
    assert.ok(events.some((e) => e.type === 'event' && e.event.type === 'VmPoweredOnEvent'));
  } finally {
    await s.close();
  }
});

test('a host nobody answers for: shown not responding with the reason; operations refused at once, typed', async () => {
  const s = service(1);
  await s.start();
  try {
    const inv = s.inventory();
    assert.equal(inv.hosts.length, 1);
    assert.equal(inv.hosts[0].connectionState, 'notResponding');
    assert.equal(s.info().state, 'notResponding');
    assert.match(s.info().stateReason ?? '', /cannot reach|connection to/);
    refused(() => s.command('host.reconnect', { hostId: 'kvm1:host-999' }), 'E_NOT_FOUND');
    const t = await task(s, s.command('host.reconnect', { hostId: inv.hosts[0].id }));
    assert.equal(t.state, 'error');
    assert.equal(t.error?.code, 'E_HOST_DISCONNECTED');
  } finally {
    await s.close();
  }
});
