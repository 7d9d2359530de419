// The real-host peers (scripts/real-host-peers.sh): a throwaway sshd and a libvirtd with one tiny QEMU
// domain, described by environment variables. Tests that need them call `libvirtPeers()`:
// - peers running → their description;
// - not running → `{ skip }`, a message saying how to start them (the test reports itself skipped);
// - HVLAB_REQUIRE_PEERS=1 (CI sets it after starting them) and not running → throws, so the run fails
//   instead of skipping: a CI that expected peers never passes without them.
// `esxSimulatorPeer()` does the same for the govmomi simulator standing in for an ESXi host;
// `outageSshd()` a second sshd of the peers that a test stops and starts to cut a real connection.
import { after, before } from 'node:test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulatorPeer } from '../vim25/helpers/peers';
import { simulatorBinary, startSimulator } from '../vim25/helpers/peers';

export interface LibvirtPeers {
  host: string;
  port: number;
  user: string;
  /** The login user's home folder on the peer (where remote commands start). */
  userHome: string;
  keyPath: string;
  /** `ssh-ed25519 AAAA…` of the sshd. */
  hostKey: string;
  uri: string;
  domain: string;
  dir: string;
}

const VARS = ['HVLAB_SSH_HOST', 'HVLAB_SSH_PORT', 'HVLAB_SSH_USER', 'HVLAB_SSH_USER_HOME', 'HVLAB_SSH_KEY', 'HVLAB_SSH_HOST_KEY', 'HVLAB_LIBVIRT_URI', 'HVLAB_LIBVIRT_DOMAIN', 'HVLAB_PEERS_DIR'] as const;

export function libvirtPeers(): { peers?: LibvirtPeers; skip?: string } {
  const missing = VARS.filter((v) => !process.env[v]);
  if (missing.length > 0) {
    const why = `real-host peers are not running (${missing.join(', ')} unset): start them with `
      + '`sudo scripts/real-host-peers.sh start` and `source /tmp/hvlab-peers/peers.env`';
    if (process.env.HVLAB_REQUIRE_PEERS === '1') throw new Error(`HVLAB_REQUIRE_PEERS=1 but ${why}`);
    return { skip: why };
  }
  const e = process.env as Record<(typeof VARS)[number], string>;
  return {
    peers: {
      host: e.HVLAB_SSH_HOST, port: Number(e.HVLAB_SSH_PORT), user: e.HVLAB_SSH_USER, userHome: e.HVLAB_SSH_USER_HOME, keyPath: e.HVLAB_SSH_KEY,
      hostKey: e.HVLAB_SSH_HOST_KEY, uri: e.HVLAB_LIBVIRT_URI, domain: e.HVLAB_LIBVIRT_DOMAIN, dir: e.HVLAB_PEERS_DIR,
    },
  };
}

/**
 * The govmomi simulator as an ESXi host, for one test file: started in the file's `before`, closed in its
 * `after`. `esx.sim` is the running peer; `esx.skip` says why there is none (a missing simulator skips,
 * or throws under HVLAB_REQUIRE_PEERS=1 like the libvirt peers).
 */
export function esxSimulatorPeer(): { readonly sim: SimulatorPeer | undefined; readonly skip: string | false } {
  const state: { sim: SimulatorPeer | undefined; skip: string | false } = { sim: undefined, skip: false };
  before(async () => {
    const bin = simulatorBinary();
    if (!bin.path) {
      if (process.env.HVLAB_REQUIRE_PEERS === '1') throw new Error(`HVLAB_REQUIRE_PEERS=1 but the govmomi simulator is missing: ${bin.skip}`);
      state.skip = `govmomi simulator unavailable: ${bin.skip}`;
      return;
    }
    state.sim = await startSimulator(bin.path, ['-model', 'esx']);
  });
  after(async () => { await state.sim?.close(); });
  return state;
}

/**
 * A second sshd of the peers (their configuration, host key and login user) on another port, that a test
 * starts and stops itself to cut a real connection: `stop()` ends its listener and every connection it
 * serves (by their process ids: the listener's pid file, then its children), as a host that goes away
 * does; `start()` brings it back on the same port. The shared peer's own sshd is never touched.
 * Needs root, as the peers do; `skip` says why not otherwise.
 */
export interface OutageSshd { port: number; start(): Promise<void>; stop(): void }

export function outageSshdSkip(): string | undefined {
  if (process.getuid?.() !== 0) return 'starting an sshd of the peers needs root';
  if (!existsSync('/usr/sbin/sshd')) return '/usr/sbin/sshd is missing';
  return undefined;
}

export function outageSshd(p: LibvirtPeers, port: number): OutageSshd {
  const dir = mkdtempSync(join(tmpdir(), 'hvlab-outage-sshd-'));
  const pidFile = join(dir, 'sshd.pid');
  const childrenOf = (pid: number): number[] => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid ? [Number(d)] : [];
    } catch { return []; }
  });
  const kill = (pid: number) => { try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ } };
  return {
    port,
    async start() {
      execFileSync('/usr/sbin/sshd', ['-f', join(p.dir, 'sshd_config'), '-o', `Port=${port}`, '-o', `PidFile=${pidFile}`, '-E', join(dir, 'sshd.log')]);
      for (let i = 0; i < 50 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
      if (!existsSync(pidFile)) throw new Error(`the outage sshd on port ${port} did not start (see ${dir}/sshd.log)`);
    },
    stop() {
      if (!existsSync(pidFile)) return;
      const listener = Number(readFileSync(pidFile, 'utf8').trim());
      const sessions = childrenOf(listener);
      const users = sessions.flatMap(childrenOf);
      kill(listener);
      for (const pid of [...sessions, ...users]) kill(pid);
      rmSync(pidFile, { force: true });
    },
  };
}
