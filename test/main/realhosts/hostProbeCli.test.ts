// `hvlab host probe`: the shape scripts depend on (JSON `host` with CPU/memory facts, `vms` with name,
// power state, vCPUs, memory) and the exit codes (0 done, 1 failure, 2 usage, 3 identity refused), for
// an SSH/libvirt host (the real peers) and a vim25 endpoint (the govmomi simulator).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { esxSimulatorPeer, libvirtPeers } from '../../helpers/realHostPeers';
import { ROOT } from '../../vim25/helpers/peers';
import { sshKeyPair } from '../../helpers/sshKeyPair';

const { peers, skip } = libvirtPeers();
const esx = esxSimulatorPeer();

function hvlab(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/hvlab.mjs'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const dataDir = () => mkdtempSync(join(tmpdir(), 'hvlab-data-'));

test('usage mistakes exit 2 with a message; nothing is tried', async () => {
  const cases: [string[], RegExp][] = [
    [['host', 'probe'], /takes one URL/],
    [['host', 'probe', 'http://x/sdk'], /not a host URL/],
    [['host', 'probe', 'ssh://127.0.0.1'], /names no user/],
    [['host', 'probe', 'ssh://root:secret@127.0.0.1'], /carries a password/],
    [['host', 'probe', 'vim25+https://root@127.0.0.1/api'], /must end in \/sdk/],
    [['host', 'probe', 'vim25+https://root@127.0.0.1/sdk'], /need --password-env/],
    [['host', 'probe', 'vim25+https://root@127.0.0.1/sdk', '--password-env', 'HVLAB_UNSET_VAR_X'], /HVLAB_UNSET_VAR_X is not set/],
    [['host', 'probe', 'ssh://root@127.0.0.1', '--thumbprint', 'AB'], /--thumbprint is for vim25/],
    [['host', 'frobnicate'], /unknown host subcommand/],
  ];
  for (const [args, message] of cases) {
    const r = await hvlab(args, { SSH_AUTH_SOCK: '' });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /secret/);
  }
});

test('ssh: an unknown key exits 3 with its fingerprint; --accept-new records it and prints the inventory; a changed key exits 3 with both', { skip }, async () => {
  const dir = dataDir();
  const url = `ssh://${peers!.user}@${peers!.host}:${peers!.port}`;
  const unknown = await hvlab(['host', 'probe', url, '--identity', peers!.keyPath, '--json'], { HVLAB_DATA_DIR: dir });
  assert.equal(unknown.code, 3, unknown.stderr);
  const fingerprint = /SHA256:[A-Za-z0-9+/]{43}/.exec(unknown.stderr)?.[0];
  assert.ok(fingerprint, unknown.stderr);
  assert.equal(JSON.parse(unknown.stdout).error.fingerprint, fingerprint);

  const ok = await hvlab(['host', 'probe', url, '--identity', peers!.keyPath, '--accept-new', '--json'], { HVLAB_DATA_DIR: dir });
  assert.equal(ok.code, 0, ok.stderr);
  const report = JSON.parse(ok.stdout);
  assert.equal(report.kind, 'libvirt');
  assert.deepEqual(report.identity, { type: 'ssh-ed25519', fingerprint });
  for (const k of ['name', 'cpuModel', 'sockets', 'coresPerSocket', 'threadsPerCore', 'cpuMhz', 'memoryBytes', 'hypervisorVersion']) assert.ok(k in report.host, k);
  const vm = report.vms.find((v: { name: string }) => v.name === peers!.domain);
  assert.deepEqual([vm.powerState === 'poweredOff' || vm.powerState === 'poweredOn', vm.vcpus, vm.memoryBytes], [true, 1, 32 * 1024 * 1024]);
  assert.match(readFileSync(join(dir, 'known_hosts'), 'utf8'), /^\[127\.0\.0\.1\]:\d+ ssh-ed25519 /);

  // Known now: no flag needed.
  assert.equal((await hvlab(['host', 'probe', url, '--identity', peers!.keyPath], { HVLAB_DATA_DIR: dir })).code, 0);

  const other = sshKeyPair();
  const blob = (ssh2.utils.parseKey(other.public) as ssh2.ParsedKey).getPublicSSH();
  const kh = join(dataDir(), 'known_hosts');
  writeFileSync(kh, `[${peers!.host}]:${peers!.port} ssh-ed25519 ${blob.toString('base64')}\n`);
  const changed = await hvlab(['host', 'probe', url, '--identity', peers!.keyPath, '--known-hosts', kh, '--accept-new', '--json']);
  assert.equal(changed.code, 3, changed.stderr);
  assert.match(changed.stderr, /WARNING: the host key of \[127\.0\.0\.1\]:\d+ has changed/);
  assert.ok(changed.stderr.includes(fingerprint!));
  assert.equal(JSON.parse(changed.stdout).error.knownFingerprints.length, 1);
});

test('vim25: the simulator\'s ESXi with --accept-new, then pinned by --thumbprint; a wrong thumbprint exits 3', async (t) => {
  if (esx.skip) return t.skip(esx.skip);
  const dir = dataDir();
  const url = `vim25+https://root@127.0.0.1:${esx.sim!.port}/sdk`;
  const env = { HVLAB_DATA_DIR: dir, VIM_PW: 'any-password' };
  const ok = await hvlab(['host', 'probe', url, '--password-env', 'VIM_PW', '--accept-new', '--json'], env);
  assert.equal(ok.code, 0, ok.stderr);
  const report = JSON.parse(ok.stdout);
  assert.equal(report.kind, 'vim25');
  assert.match(report.host.hypervisorVersion, /^VMware ESXi/);
  assert.ok(report.vms.length >= 1 && report.vms.every((v: { vcpus: number; memoryBytes: number }) => v.vcpus >= 1 && v.memoryBytes > 0));
  assert.doesNotMatch(ok.stdout + ok.stderr, /any-password/);
  const thumbprint = report.identity.thumbprint as string;
  const pinned = await hvlab(['host', 'probe', url, '--password-env', 'VIM_PW', '--thumbprint', thumbprint, '--json'], { ...env, HVLAB_DATA_DIR: dataDir() });
  assert.equal(pinned.code, 0, pinned.stderr);
  const wrong = await hvlab(['host', 'probe', url, '--password-env', 'VIM_PW', '--thumbprint', '11'.repeat(20)], { ...env, HVLAB_DATA_DIR: dataDir() });
  assert.equal(wrong.code, 3, wrong.stderr);
  assert.ok(wrong.stderr.includes(thumbprint));
});
