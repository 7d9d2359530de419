// The libvirt driver against the real peers (sshd + libvirtd + the tiny QEMU domain): facts, inventory,
// power, snapshots with and without memory, reconfigure, rename to hostile names, counters that rise
// while the guest runs, the serial console, and events. One sequence, since it drives one domain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KnownHosts } from '../../../src-main/node/backends/ssh/index';
import { LibvirtHost } from '../../../src-main/node/backends/libvirt/index';
import type { RealVm } from '../../../src-main/node/backends/realHost/hostDriver';
import { libvirtPeers } from '../../helpers/realHostPeers';

const { peers, skip } = libvirtPeers();

function driver(): LibvirtHost {
  const path = join(mkdtempSync(join(tmpdir(), 'hvlab-kh-')), 'known_hosts');
  writeFileSync(path, `[${peers!.host}]:${peers!.port} ${peers!.hostKey}\n`);
  return new LibvirtHost({
    ssh: {
      host: peers!.host, port: peers!.port, username: peers!.user, auth: { method: 'key', privateKeyPath: peers!.keyPath },
      knownHosts: KnownHosts.load(path), hostKeyPolicy: { mode: 'known' }, reconnect: false,
    },
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tiny(h: LibvirtHost): Promise<RealVm> {
  const vm = (await h.inventory()).vms.find((v) => v.name === peers!.domain);
  assert.ok(vm, `${peers!.domain} is in the inventory`);
  return vm;
}

async function until(h: LibvirtHost, what: string, ok: (vm: RealVm) => boolean, ms = 30_000): Promise<RealVm> {
  const deadline = Date.now() + ms;
  for (;;) {
    const vm = await tiny(h);
    if (ok(vm)) return vm;
    if (Date.now() > deadline) assert.fail(`${what}: still ${vm.stateDetail}`);
    await sleep(300);
  }
}

test('libvirt host: facts, inventory, power, snapshots, reconfigure, counters, console, events', { skip, timeout: 300_000 }, async () => {
  const h = driver();
  await h.connect();
  try {
    const inv = await h.inventory();
    const host = inv.hosts[0];
    assert.match(host.hypervisorVersion, /^QEMU \d+\.\d+\.\d+ \(libvirt \d+\.\d+\.\d+\)$/);
    assert.ok(host.memoryBytes > 0 && host.cpuMhz > 0 && host.sockets * host.coresPerSocket * host.threadsPerCore >= 1);
    let vm = await tiny(h);
    if (vm.powerState !== 'poweredOff') { await h.power(vm.key, 'powerOff'); vm = await until(h, 'off', (v) => v.powerState === 'poweredOff'); }
    assert.equal(vm.vcpus, 1);
    assert.equal(vm.memoryBytes, 32 * 1024 * 1024);
    assert.deepEqual(vm.disks, [{ label: 'Hard disk 1 (vda)', capacityBytes: 1024 * 1024, datastoreKey: peers!.dir }]);
    const ds = inv.datastores.find((d) => d.key === peers!.dir);
    assert.ok(ds && ds.capacityBytes > 0 && ds.freeBytes > 0 && ds.freeBytes <= ds.capacityBytes, 'the folder of the disk image is a datastore, sized by df');
    assert.equal(vm.hasConsole, true);
    for (const s of vm.snapshots.filter((x) => !vm.snapshots.some((p) => p.key === x.parentKey))) await h.snapshotRemove(vm.key, s.key, true);

    // Powered off: a disk-only snapshot; a memory snapshot is refused.
    await assert.rejects(h.snapshotCreate(vm.key, { name: 'mem', description: '', memory: true, quiesce: false }), /no memory to snapshot/);
    await h.snapshotCreate(vm.key, { name: 'cold', description: 'taken while off', memory: false, quiesce: false });

    // Events: starting the domain is announced by libvirt.
    let changes = 0;
    h.onChange(() => { changes++; });
    await sleep(500);
    await h.power(vm.key, 'powerOn');
    vm = await until(h, 'on', (v) => v.powerState === 'poweredOn');
    const baseChanges = changes;
    await sleep(1500);
    assert.ok(changes >= baseChanges, 'change notifications arrive');

    // Console: the guest prints ticks and echoes what is typed.
    const con = await h.openConsole(vm.key);
    let out = '';
    con.onData((t) => { out += t; });
    const deadline = Date.now() + 20_000;
    while (!/tick [0-9A-F]{4}/.test(out) && Date.now() < deadline) await sleep(200);
    assert.match(out, /hvlab tiny guest: tick [0-9A-F]{4}/);
    con.write('ping-from-lab');
    while (!out.includes('ping-from-lab') && Date.now() < deadline + 10_000) await sleep(200);
    assert.ok(out.includes('ping-from-lab'), `echo seen in: ${out.slice(-200)}`);
    assert.doesNotMatch(out, /Escape character|Connected to domain/);
    con.close();

    // Counters: the first sample sets the baseline, the second has rates.
    await h.sample();
    await sleep(4000);
    const s = await h.sample();
    const vmValues = s.entities.find((e) => e.kind === 'vm' && e.key === vm.key)?.values;
    assert.ok(vmValues, 'the running domain is sampled');
    assert.ok((vmValues['cpu.usage.average'] ?? 0) > 0, `cpu.usage.average ${vmValues['cpu.usage.average']}`);
    assert.ok((vmValues['mem.consumed.average'] ?? 0) > 0);
    assert.equal(vmValues['mem.usage.average'], undefined, 'no guest balloon driver: no active-memory figure is invented');
    const hostValues = s.entities.find((e) => e.kind === 'host')?.values;
    assert.ok(hostValues && hostValues['cpu.usage.average'] !== undefined && hostValues['mem.consumed.average'] > 0);

    // Running: a memory snapshot; a disk-only one is refused (libvirt cannot revert external snapshots).
    await assert.rejects(h.snapshotCreate(vm.key, { name: 'disk', description: '', memory: false, quiesce: false }), /always includes its memory/);
    await h.snapshotCreate(vm.key, { name: "live 'one'", description: 'with memory', memory: true, quiesce: false });
    vm = await tiny(h);
    const live = vm.snapshots.find((x) => x.name === "live 'one'");
    assert.ok(live && live.memory && live.powerState === 'poweredOn' && live.parentKey === 'cold');
    assert.equal(vm.currentSnapshotKey, "live 'one'");

    // Suspend (pause) and power on (resume).
    await h.power(vm.key, 'suspend');
    vm = await until(h, 'suspended', (v) => v.powerState === 'suspended');
    assert.match(vm.stateDetail, /^paused/);
    await h.power(vm.key, 'powerOn');
    await until(h, 'resumed', (v) => v.powerState === 'poweredOn');
    await h.power(vm.key, 'reset');

    // Revert to the cold snapshot: the domain is off again; then back to the live one: running.
    await h.snapshotRevert(vm.key, 'cold');
    vm = await until(h, 'reverted off', (v) => v.powerState === 'poweredOff');
    await h.snapshotRevert(vm.key, "live 'one'");
    vm = await until(h, 'reverted on', (v) => v.powerState === 'poweredOn');
    await h.power(vm.key, 'powerOff');
    vm = await until(h, 'off again', (v) => v.powerState === 'poweredOff');

    // Reconfigure while off, and back.
    await h.reconfigure(vm.key, { vcpus: 2, memoryBytes: 48 * 1024 * 1024 });
    vm = await tiny(h);
    assert.deepEqual([vm.vcpus, vm.memoryBytes], [2, 48 * 1024 * 1024]);
    await h.reconfigure(vm.key, { vcpus: 1, memoryBytes: 32 * 1024 * 1024 });
    vm = await tiny(h);
    assert.deepEqual([vm.vcpus, vm.memoryBytes], [1, 32 * 1024 * 1024]);

    // Hostile names are names: rename the domain to shell syntax and back; nothing runs. (libvirt
    // refuses '/' in names, so the would-be command touches a file in the SSH user's home folder.)
    const file = `hvlab-pwned-${process.pid}`;
    const marker = join(peers!.userHome, file);
    for (const hostile of [`x; touch ${file}`, `$(touch ${file})`, `\`touch ${file}\``]) {
      await h.rename(vm.key, hostile);
      const renamed = (await h.inventory()).vms.find((v) => v.key === vm.key);
      assert.equal(renamed?.name, hostile);
      await h.snapshotCreate(vm.key, { name: `$(touch ${file})`, description: `'; touch ${file}; '`, memory: false, quiesce: false });
      await h.snapshotRemove(vm.key, `$(touch ${file})`, false);
    }
    await h.rename(vm.key, peers!.domain);
    assert.equal(existsSync(marker), false);

    // Delete the snapshots (the tree: cold → live 'one').
    await h.snapshotRemove(vm.key, 'cold', true);
    vm = await tiny(h);
    assert.deepEqual(vm.snapshots, []);
  } finally {
    await h.close();
  }
});

test('operations on a domain that does not exist fail with virsh\'s own words', { skip }, async () => {
  const h = driver();
  await h.connect();
  try {
    await assert.rejects(h.power('00000000-0000-0000-0000-000000000001', 'powerOn'), /virsh domstate failed: failed to get domain/);
    await assert.rejects(h.power('not-a-uuid', 'powerOn'), /not a libvirt domain UUID/);
  } finally {
    await h.close();
  }
});
