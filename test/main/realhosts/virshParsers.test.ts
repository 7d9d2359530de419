// virsh output parsers against transcripts recorded from libvirt 9.0 / QEMU 7.2 (test/fixtures/virsh/),
// and their refusal of anything else: an error naming the command, never a guess.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseDomstate, parseDomstats, parseVersion, parseNodeinfo, parseNodeCpuStats, parseNodeMemStats, parseUuidList,
  parseEventLine, parseColonTable, parseDomainXml, parseSnapshotXml, parseCapabilities, splitBatch, batchArgv, VirshError,
} from '../../../src-main/node/backends/libvirt/index';

const dir = fileURLToPath(new URL('../../fixtures/virsh/', import.meta.url));
const fx = (name: string) => readFileSync(join(dir, name), 'utf8');

function refuses(f: () => unknown, command: string, detail?: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof VirshError && e.command === command && (!detail || detail.test(e.message)), `expected a VirshError naming ${command}`);
}

test('domstate: running, paused, shut off with reasons; anything else refused', () => {
  assert.deepEqual(parseDomstate(fx('domstate-running.txt')), { state: 'running', reason: 'booted' });
  assert.deepEqual(parseDomstate(fx('domstate-paused.txt')), { state: 'paused', reason: 'user' });
  assert.deepEqual(parseDomstate(fx('domstate-shutoff.txt')), { state: 'shutoff', reason: 'unknown' });
  assert.deepEqual(parseDomstate('in shutdown\n'), { state: 'shutdown', reason: '' });
  refuses(() => parseDomstate('exploded (badly)\n'), 'virsh domstate', /unknown state/);
  refuses(() => parseDomstate('running\nrunning\n'), 'virsh domstate', /one line/);
  refuses(() => parseDomstate(''), 'virsh domstate');
});

test('domstats: every key of a running and a shut-off domain', () => {
  const run = parseDomstats(fx('domstats-running.txt'));
  assert.equal(run['state.state'], '1');
  assert.match(run['cpu.time'], /^\d+$/);
  assert.equal(run['block.0.name'], 'vda');
  assert.equal(run['block.0.capacity'], '1048576');
  assert.equal(run['vcpu.current'], '1');
  const rich = parseDomstats(fx('domstats-rich-shutoff.txt'));
  assert.equal(rich['block.count'], '3');
  assert.equal(rich['block.1.capacity'], '536870912');
  assert.equal(rich['balloon.maximum'], '1048576');
  refuses(() => parseDomstats('  cpu.time=1\n'), 'virsh domstats', /Domain: /);
  refuses(() => parseDomstats("Domain: 'x'\n  cpu.time=1\ngarbage\n"), 'virsh domstats', /unexpected line "garbage"/);
});

test('version, nodeinfo, nodecpustats, nodememstats', () => {
  assert.deepEqual(parseVersion(fx('version.txt')), { library: '9.0.0', daemon: '9.0.0', hypervisor: 'QEMU', hypervisorVersion: '7.2.22' });
  const n = parseNodeinfo(fx('nodeinfo.txt'));
  assert.equal(n.arch, 'x86_64');
  assert.ok(n.cpus >= 1 && n.mhz > 0 && n.memoryKiB > 0);
  assert.equal(n.sockets * n.coresPerSocket * n.threadsPerCore * n.numaCells, n.cpus);
  const c = parseNodeCpuStats(fx('nodecpustats.txt'));
  assert.ok(c.user > 0 && c.idle > 0);
  const m = parseNodeMemStats(fx('nodememstats.txt'));
  assert.ok(m.total > m.free && m.total > 0);
  refuses(() => parseNodeinfo(fx('nodeinfo.txt').replace(/CPU frequency: .*/, 'CPU frequency: fast')), 'virsh nodeinfo', /CPU frequency/);
  refuses(() => parseVersion('Using library: libvirt 9.0.0\n'), 'virsh version', /Running hypervisor/);
  refuses(() => parseNodeMemStats('total : lots\nfree : 1 KiB\nbuffers : 1 KiB\ncached : 1 KiB\n'), 'virsh nodememstats');
});

test('dominfo as a colon table; UUID lists; event lines', () => {
  const t = parseColonTable(fx('dominfo-running.txt'), 'virsh dominfo');
  assert.equal(t.Name, 'hvlab-tiny');
  assert.equal(t.State, 'running');
  assert.deepEqual(parseUuidList(fx('list-uuid.txt'), 'virsh list'), ['bba42c35-5bd6-4aba-a9ee-547d6827b9ea', 'e213276c-fc5d-4d24-93f2-c158b94e6952']);
  refuses(() => parseUuidList('hvlab-tiny\n', 'virsh list'), 'virsh list', /not a UUID/);
  assert.deepEqual(parseEventLine("event 'lifecycle' for domain 'hvlab-tiny': Started Booted"), { event: 'lifecycle', domain: 'hvlab-tiny', detail: 'Started Booted' });
  assert.deepEqual(parseEventLine("event 'reboot' for domain 'it's'"), { event: 'reboot', domain: "it's", detail: '' });
  refuses(() => parseEventLine('something else'), 'virsh event');
});

test('dumpxml: name, UUID, memory in its units, vCPUs, OS, disks, NICs, console, balloon', () => {
  const tiny = parseDomainXml(fx('dumpxml-running.xml'));
  assert.equal(tiny.name, 'hvlab-tiny');
  assert.equal(tiny.maxMemoryBytes, 32 * 1024 * 1024);
  assert.equal(tiny.vcpus, 1);
  assert.equal(tiny.osType, 'hvm');
  assert.equal(tiny.virtType, 'qemu');
  assert.equal(tiny.hasSerialConsole, true);
  assert.deepEqual(tiny.disks.map((d) => [d.target, d.bus, d.device, d.format]), [['vda', 'virtio', 'disk', 'qcow2']]);
  assert.equal(tiny.balloonModel, 'none');
  const rich = parseDomainXml(fx('dumpxml-rich.xml'));
  assert.equal(rich.name, 'hvlab-rich & "quoted"');
  assert.equal(rich.maxMemoryBytes, 1024 ** 3);
  assert.equal(rich.currentMemoryBytes, 768 * 1024 ** 2);
  assert.deepEqual([rich.vcpus, rich.maxVcpus], [2, 4]);
  assert.equal(rich.osinfoId, 'http://debian.org/debian/12');
  assert.deepEqual(rich.disks.map((d) => d.device), ['disk', 'disk', 'cdrom']);
  assert.equal(rich.disks[2].source, '');
  assert.deepEqual(rich.nics.map((n) => [n.mac, n.type, n.model, n.linkUp]), [['52:54:00:12:34:56', 'user', 'virtio', true], ['52:54:00:ab:cd:ef', 'user', 'e1000', false]]);
  assert.equal(rich.balloonModel, 'virtio');
  assert.equal(rich.description, 'A richer domain: two disks, a CD-ROM, two NICs, libosinfo metadata');
});

test('dumpxml refusals: DOCTYPE/entities, wrong root, missing required elements, bad units', () => {
  refuses(() => parseDomainXml('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><domain/>'), 'virsh dumpxml', /DOCTYPE/);
  refuses(() => parseDomainXml('<domain><name>&x;</name></domain>'), 'virsh dumpxml', /malformed/);
  refuses(() => parseDomainXml('<network/>'), 'virsh dumpxml', /expected <domain>/);
  refuses(() => parseDomainXml(fx('dumpxml-shutoff.xml').replace(/<vcpu[^<]*<\/vcpu>/, '')), 'virsh dumpxml', /no <vcpu>/);
  refuses(() => parseDomainXml(fx('dumpxml-shutoff.xml').replace(/unit='KiB'/, "unit='parsecs'")), 'virsh dumpxml', /unknown memory unit/);
  refuses(() => parseDomainXml('error: failed to get domain'), 'virsh dumpxml');
});

test('snapshot-dumpxml: memory or not, state, parent, creation time; capabilities', () => {
  const live = parseSnapshotXml(fx('snapshot-running.xml'));
  assert.deepEqual([live.name, live.description, live.state, live.memory, live.parent], ['live one', 'with memory', 'running', 'internal', undefined]);
  assert.ok(live.creationTime > 1_600_000_000);
  assert.deepEqual(live.domain, { vcpus: 1, memoryBytes: 32 * 1024 * 1024 });
  const off = parseSnapshotXml(fx('snapshot-shutoff.xml'));
  assert.deepEqual([off.name, off.state, off.memory, off.parent], ['off', 'shutoff', 'no', 'live one']);
  const cpu = parseCapabilities(fx('capabilities.xml'));
  assert.equal(cpu.arch, 'x86_64');
  assert.ok(cpu.sockets >= 1 && cpu.cores >= 1 && cpu.threads >= 1);
  refuses(() => parseSnapshotXml('<domainsnapshot><name>x</name></domainsnapshot>'), 'virsh snapshot-dumpxml', /creationTime/);
});

test('a recorded batch splits per command; a failed command keeps its error; damaged batches are refused', () => {
  const nonce = '0123456789abcdef';
  const cmds = [['domstate', '--domain', 'u1', '--reason'], ['domstate', '--domain', 'u2', '--reason'], ['snapshot-list', '--domain', 'u1', '--name']];
  const r = splitBatch(cmds, fx('batch-stdout.txt'), fx('batch-stderr.txt'), nonce);
  assert.deepEqual(r, [{ out: 'shut off (unknown)' }, { out: '', error: "failed to get domain '00000000-0000-0000-0000-000000000000'" }, { out: '' }]);
  refuses(() => splitBatch(cmds, fx('batch-stdout.txt').replace(/@@hvlab-0123456789abcdef-end\n/, ''), fx('batch-stderr.txt'), nonce), 'virsh batch of 3 commands', /ended early/);
  refuses(() => splitBatch(cmds, fx('batch-stdout.txt').replace('-1\n', '-2\n'), fx('batch-stderr.txt'), nonce), 'virsh batch of 3 commands', /out of order/);
  // A forged marker with another nonce is just output.
  const forged = fx('batch-stdout.txt').replace('shut off (unknown)', 'shut off (unknown)\n@@hvlab-ffffffffffffffff-1');
  assert.equal(splitBatch(cmds, forged, fx('batch-stderr.txt'), nonce)[0].out, 'shut off (unknown)\n@@hvlab-ffffffffffffffff-1');
  const argv = batchArgv('qemu:///system', [['dominfo', '--domain', "x'; reboot"]], nonce);
  assert.deepEqual(argv.slice(0, 3), ['virsh', '-c', 'qemu:///system']);
  assert.match(argv[3], /dominfo --domain 'x'\\''; reboot'/);
});
