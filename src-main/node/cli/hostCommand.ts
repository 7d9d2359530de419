/**
 * `hvlab host probe URL …`: connects to a real host as the lab would, verifies its identity, and prints
 * the host and its VMs as the lab's inventory shows them. Scripts depend on this shape.
 *
 *   hvlab host probe ssh://USER@HOST[:PORT] [--identity FILE] [--known-hosts FILE] [--accept-new]
 *                    [--password-env VAR] [--libvirt-uri URI] [--json]
 *   hvlab host probe vim25+https://USER@HOST[:PORT]/sdk --password-env VAR [--thumbprint SHA1|--accept-new]
 *                    [--thumbprints FILE] [--json]
 *
 * - SSH authentication: `--identity FILE` (a private key), else `--password-env VAR`, else the ssh-agent
 *   (SSH_AUTH_SOCK). Host keys: the lab's known-hosts file (`~/.hvlab/known_hosts`, or `--known-hosts`);
 *   an unknown key is refused unless `--accept-new` (then recorded), a changed key always.
 * - vim25: the password from `--password-env VAR`; the server certificate's SHA-1 thumbprint must be the
 *   one recorded (`~/.hvlab/known_vim25_thumbprints`), or `--thumbprint`, or unknown with `--accept-new`.
 * - JSON (`--json`): `{ kind, target, identity, host, hosts, vms }`; `host` is the (first) host with its
 *   CPU and memory facts, `vms` lists name, power state, vCPUs, memory and more.
 * - Exit codes: 0 done; 1 could not connect or read the host; 2 usage; 3 the host's identity was refused
 *   (unknown without --accept-new, changed, or not the given thumbprint) — the fingerprints are printed.
 */
import { parseArgs, UsageError } from './args';
import { HostUrlError, labKnownHostsPath, labThumbprintsPath, parseHostUrl } from '../backends/realHost/hostTarget';
import type { HostUrl } from '../backends/realHost/hostTarget';
import type { HostDriver, HostIdentity, RealInventory } from '../backends/realHost/hostDriver';
import { DriverError } from '../backends/realHost/hostDriver';
import { KnownHosts } from '../backends/ssh/index';
import type { SshAuth } from '../backends/ssh/index';
import { LibvirtHost } from '../backends/libvirt/index';
import { Vim25Host, ThumbprintStore } from '../backends/vim25/index';

const USAGE = [
  'usage: hvlab host probe ssh://USER@HOST[:PORT] [--identity FILE] [--known-hosts FILE] [--accept-new] [--password-env VAR] [--libvirt-uri URI] [--json]',
  '       hvlab host probe vim25+https://USER@HOST[:PORT]/sdk --password-env VAR [--thumbprint SHA1|--accept-new] [--thumbprints FILE] [--json]',
].join('\n');

/** Exit code for a refused host identity (key or certificate). */
export const EXIT_IDENTITY_REFUSED = 3;

interface ProbeFlags {
  identity?: string; 'known-hosts'?: string; 'accept-new'?: boolean; 'password-env'?: string; 'libvirt-uri'?: string;
  thumbprint?: string; thumbprints?: string; json?: boolean;
}

function password(flags: ProbeFlags): string | undefined {
  const name = flags['password-env'];
  if (name === undefined) return undefined;
  const value = process.env[name];
  if (value === undefined || value === '') throw new UsageError(`--password-env ${name}: the environment variable ${name} is not set`);
  return value;
}

function libvirtDriver(url: Extract<HostUrl, { kind: 'libvirt' }>, flags: ProbeFlags): LibvirtHost {
  if (flags.thumbprint || flags.thumbprints) throw new UsageError(`--thumbprint is for vim25 hosts; SSH hosts are checked by their host key\n${USAGE}`);
  const pw = password(flags);
  let auth: SshAuth;
  if (flags.identity) auth = { method: 'key', privateKeyPath: flags.identity };
  else if (pw !== undefined) auth = { method: 'password', password: pw };
  else if (process.env.SSH_AUTH_SOCK) auth = { method: 'agent' };
  else throw new UsageError(`no way to authenticate: give --identity FILE, --password-env VAR, or run an ssh-agent\n${USAGE}`);
  return new LibvirtHost({
    uri: flags['libvirt-uri'],
    ssh: {
      host: url.host, port: url.port, username: url.user, auth,
      knownHosts: KnownHosts.load(flags['known-hosts'] ?? labKnownHostsPath()),
      hostKeyPolicy: flags['accept-new'] ? { mode: 'acceptNew' } : { mode: 'known' },
      reconnect: false,
    },
  });
}

function vim25Driver(url: Extract<HostUrl, { kind: 'vim25' }>, flags: ProbeFlags): Vim25Host {
  if (flags.identity || flags['known-hosts'] || flags['libvirt-uri']) throw new UsageError(`--identity, --known-hosts and --libvirt-uri are for ssh:// hosts\n${USAGE}`);
  if (flags.thumbprint && flags['accept-new']) throw new UsageError(`give --thumbprint or --accept-new, not both\n${USAGE}`);
  const pw = password(flags);
  if (pw === undefined) throw new UsageError(`vim25 hosts need --password-env VAR\n${USAGE}`);
  return new Vim25Host({
    host: url.host, port: url.port, user: url.user, password: pw,
    thumbprints: ThumbprintStore.load(flags.thumbprints ?? labThumbprintsPath()),
    policy: flags.thumbprint ? { mode: 'expect', thumbprint: flags.thumbprint } : flags['accept-new'] ? { mode: 'acceptNew' } : { mode: 'known' },
  });
}

export interface ProbeReport {
  kind: 'libvirt' | 'vim25';
  target: string;
  identity: HostIdentity;
  host: ReturnType<typeof hostView> | undefined;
  hosts: ReturnType<typeof hostView>[];
  vms: ReturnType<typeof vmView>[];
}

function hostView(h: RealInventory['hosts'][number]) {
  return {
    name: h.name, vendor: h.vendor, model: h.model, cpuModel: h.cpuModel, sockets: h.sockets, coresPerSocket: h.coresPerSocket,
    threadsPerCore: h.threadsPerCore, cpuMhz: h.cpuMhz, memoryBytes: h.memoryBytes, hypervisorVersion: h.hypervisorVersion,
    connectionState: h.connected ? 'connected' : 'disconnected', inMaintenanceMode: h.inMaintenanceMode,
  };
}

function vmView(v: RealInventory['vms'][number], { hosts, datastores, networks }: RealInventory) {
  return {
    name: v.name, powerState: v.powerState, state: v.stateDetail, vcpus: v.vcpus, memoryBytes: v.memoryBytes, guestOs: v.guestOs,
    host: hosts.find((h) => h.key === v.hostKey)?.name,
    disks: v.disks.map((d) => ({ label: d.label, capacityBytes: d.capacityBytes, datastore: datastores.find((x) => x.key === d.datastoreKey)?.name ?? d.datastoreKey })),
    nics: v.nics.map((n) => ({ label: n.label, macAddress: n.macAddress, network: networks.find((x) => x.key === n.networkKey)?.name ?? n.networkKey, connected: n.connected })),
    snapshots: v.snapshots.length,
    hasConsole: v.hasConsole, isTemplate: v.isTemplate,
  };
}

function printText(r: ProbeReport): void {
  const id = 'fingerprint' in r.identity ? `host key ${r.identity.type} ${r.identity.fingerprint}` : `certificate thumbprint ${r.identity.thumbprint}`;
  console.log(`${r.target} (${r.kind}), ${id}`);
  const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;
  for (const h of r.hosts) {
    console.log(`host ${h.name}: ${h.hypervisorVersion}; ${h.cpuModel}, ${h.sockets} socket(s) × ${h.coresPerSocket} core(s) × ${h.threadsPerCore} thread(s) at ${h.cpuMhz} MHz; ${gib(h.memoryBytes)}`);
  }
  const mib = (b: number) => `${Math.round(b / 1024 ** 2)} MiB`;
  console.log(`${r.vms.length} VM(s)`);
  for (const v of r.vms) console.log(`  ${v.name}  ${v.powerState} (${v.state})  ${v.vcpus} vCPU  ${mib(v.memoryBytes)}  ${v.guestOs}`);
}

async function probe(argv: string[]): Promise<number> {
  const { flags: raw, positionals } = parseArgs(argv, {
    identity: 'string', 'known-hosts': 'string', 'accept-new': 'boolean', 'password-env': 'string', 'libvirt-uri': 'string',
    thumbprint: 'string', thumbprints: 'string', json: 'boolean',
  });
  const flags = raw as ProbeFlags;
  if (positionals.length !== 1) throw new UsageError(`host probe takes one URL\n${USAGE}`);
  let url: HostUrl;
  try {
    url = parseHostUrl(positionals[0]);
  } catch (e) {
    if (e instanceof HostUrlError) throw new UsageError(`${e.message}\n${USAGE}`);
    throw e;
  }
  const driver: HostDriver = url.kind === 'libvirt' ? libvirtDriver(url, flags) : vim25Driver(url, flags);
  try {
    await driver.connect();
    const inv = await driver.inventory();
    const hosts = inv.hosts.map(hostView);
    const report: ProbeReport = {
      kind: url.kind, target: driver.target, identity: driver.identity!, host: hosts[0], hosts, vms: inv.vms.map((v) => vmView(v, inv)),
    };
    if (flags.json) console.log(JSON.stringify(report, null, 2));
    else printText(report);
    return 0;
  } catch (e) {
    const identity = e instanceof DriverError && e.kind === 'hostKey';
    const message = e instanceof Error ? e.message : String(e);
    if (flags.json) {
      const details = e instanceof DriverError ? e.details : undefined;
      console.log(JSON.stringify({ error: { kind: e instanceof DriverError ? e.kind : 'error', message, ...details } }, null, 2));
    }
    console.error(`hvlab host probe: ${identity ? '' : 'error: '}${message}`);
    return identity ? EXIT_IDENTITY_REFUSED : 1;
  } finally {
    await driver.close();
  }
}

export async function host(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'probe') return probe(rest);
  throw new UsageError(`unknown host subcommand "${sub ?? ''}"\n${USAGE}`);
}
