/**
 * `hvlab migrate GUEST [--param k=v …] [--ram SIZE] [--monitor M] [--paging P] [--after DURATION]
 *  [--mode stop-copy|precopy|postcopy|hybrid] [--stop-rule qemu|xen|xen-classic] [--bandwidth RATE]
 *  [--latency DURATION] [--downtime-limit DURATION] [--auto-converge] [--postcopy-after DURATION]
 *  [--compress none|zlib|zstd|lz4[:LEVEL]] [--xbzrle] [--xbzrle-cache SIZE] [--dedup] [--fault cut@DURATION]
 *  [--gang N] [--timeout DURATION] [--json]` (plus `--link RATE`, `--loss P`, `--seed N`, `--mhz N`): a live-migration
 * experiment in a two-host lab, run headless through the same contract as the client (`vm.migrate`).
 *
 * Boots GUEST (a catalogue guest, e.g. memwrite, with its parameters) on host esx-src (1 GHz CPUs, see
 * CLI_HOST_MHZ) in a VM of --ram (default 256MiB), runs it for --after (default 1 s), migrates it live to esx-dst with the options, and
 * prints the final statistics. With --gang N, N identical VMs migrate together (deduplication across
 * them shows with --dedup). --timeout (default 60 s of virtual time) cancels a migration that has not
 * finished: status `cancelled`, the VM still on the source, `verified` for the source.
 *
 * Units: sizes 256MiB, 1GiB, 64MB; rates 100MiB/s, 1Gbit/s, 125MB/s (bytes/s unless bit); durations
 * 300ms, 1s, 2m. `--json` prints ONE object: QEMU's query-migrate fields at the top level (status,
 * total-time, setup-time, downtime, expected-downtime, ram{…}, xbzrle-cache{…}, compression{…},
 * dedup{…}, cpu-throttle-percentage, postcopy-blocktime), plus rounds, verified, sourceDigest,
 * destinationDigest, options, and vm / source / destination / vmHost (where the VM runs at the end).
 * Exit status: 0 when verified (the destination after a completed migration, the source after a
 * cancel), 1 otherwise (a failure, a lost VM, a verification mismatch) or on an error; 2 for usage.
 */
import { createEngine } from '../../engine/index';
import type { Engine } from '../../engine/index';
import { findGuest, paramValue } from '../../engine/index';
import { COMPRESSION_CODECS, MIGRATION_MODES, STOP_RULES } from '@shared/model/migration';
import type { CompressionCodec, MigrationOptions, MigrationStats } from '@shared/model/migration';
import { MONITOR_KINDS } from '@shared/model/inventory';
import { loadGuestCatalogue } from '../resources';
import { defaultGuestFactory } from '../guestFactories';
import { loadPageCodecs } from '../codecs/pageCodecs';
import { UsageError } from './args';
import { API_VERSION } from '@shared/api/channels';

const USAGE = `usage: hvlab migrate GUEST [--param k=v …] [--ram SIZE] [--monitor M] [--paging P] [--after DURATION]
         [--mode stop-copy|precopy|postcopy|hybrid] [--stop-rule qemu|xen|xen-classic] [--bandwidth RATE]
         [--latency DURATION] [--downtime-limit DURATION] [--auto-converge] [--postcopy-after DURATION]
         [--compress none|zlib|zstd|lz4[:LEVEL]] [--xbzrle] [--xbzrle-cache SIZE] [--dedup] [--fault cut@DURATION]
         [--gang N] [--timeout DURATION] [--json]   (also --link RATE, --loss P, --seed N, --mhz N)`;

/**
 * The experiment's hosts run their CPUs at 1 GHz (the lab's default is a 100 MHz teaching CPU): a guest
 * that fills a large working set is in its steady loop well before the migration starts, and a paced
 * guest costs the same wall time at any clock. `--mhz` changes it.
 */
const CLI_HOST_MHZ = 1000;

const SIZE_UNITS: Record<string, number> = {
  b: 1, k: 1024, kb: 1000, kib: 1024, m: 1048576, mb: 1e6, mib: 1048576, g: 1073741824, gb: 1e9, gib: 1073741824,
};

export function parseSize(raw: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = m ? (m[2] || 'b').toLowerCase() : '';
  if (!m || !(unit in SIZE_UNITS)) throw new UsageError(`--${option} needs a size like 256MiB, 1GiB or 64MB, got "${raw}"`);
  return Number(m[1]) * SIZE_UNITS[unit];
}

/** Bytes per second: 100MiB/s, 125MB/s (bytes), 1Gbit/s, 10Gbps (bits). */
export function parseRate(raw: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)(i?)(B|bit|b)(\/s|ps)\s*$/.exec(raw);
  if (!m) throw new UsageError(`--${option} needs a rate like 100MiB/s, 1Gbit/s or 125MB/s, got "${raw}"`);
  const exp = { '': 0, k: 1, m: 2, g: 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  const v = Number(m[1]) * (m[3] ? 1024 : 1000) ** exp / (m[4] === 'B' ? 1 : 8);
  if (!(v > 0)) throw new UsageError(`--${option} must be positive, got "${raw}"`);
  return v;
}

/** Milliseconds. */
export function parseDurationMs(raw: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)?\s*$/i.exec(raw);
  if (!m) throw new UsageError(`--${option} needs a duration like 300ms, 1s or 2m, got "${raw}"`);
  const v = Number(m[1]);
  const u = (m[2] ?? 's').toLowerCase();
  return u === 'us' || u === 'µs' ? v / 1000 : u === 'ms' ? v : u === 's' ? v * 1000 : u === 'm' ? v * 60_000 : v * 3_600_000;
}

interface MigrateArgs {
  guest?: string;
  params: Record<string, string>;
  ramBytes: number;
  monitor?: string;
  paging?: string;
  afterMs: number;
  json: boolean;
  gang: number;
  seed: number;
  mhz: number;
  options: Partial<MigrationOptions>;
}

export function parseMigrateArgs(argv: string[]): MigrateArgs {
  const a: MigrateArgs = { params: {}, ramBytes: 256 * 1048576, afterMs: 1000, json: false, gang: 1, seed: 1, mhz: CLI_HOST_MHZ, options: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      if (a.guest !== undefined) throw new UsageError(`one GUEST only (got "${a.guest}" and "${arg}")\n${USAGE}`);
      a.guest = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const value = (): string => {
      const v = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`--${name} needs a value\n${USAGE}`);
      return v;
    };
    const oneOf = <T extends string>(list: readonly T[]): T => {
      const v = value();
      if (!(list as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${list.join(', ')}, got "${v}"`);
      return v as T;
    };
    const o = a.options;
    switch (name) {
      case 'param': {
        const v = value();
        const m = /^([A-Za-z_][\w.-]*)=(\S*)$/.exec(v);
        if (!m) throw new UsageError(`--param needs key=value (no spaces), got "${v}"`);
        a.params[m[1]] = m[2];
        break;
      }
      case 'ram': a.ramBytes = parseSize(value(), 'ram'); break;
      case 'monitor': a.monitor = oneOf(MONITOR_KINDS); break;
      case 'paging': a.paging = oneOf(['shadow', 'nested'] as const); break;
      case 'after': a.afterMs = parseDurationMs(value(), 'after'); break;
      case 'mode': o.mode = oneOf(MIGRATION_MODES); break;
      case 'stop-rule': o.stopRule = oneOf(STOP_RULES); break;
      case 'bandwidth': o.bandwidthBytesPerS = parseRate(value(), 'bandwidth'); break;
      case 'link': o.linkBytesPerS = parseRate(value(), 'link'); break;
      case 'latency': o.latencyMs = parseDurationMs(value(), 'latency'); break;
      case 'loss': {
        const v = Number(value());
        if (!(v >= 0 && v <= 0.5)) throw new UsageError('--loss needs a share from 0 to 0.5');
        o.loss = v;
        break;
      }
      case 'downtime-limit': o.downtimeLimitMs = parseDurationMs(value(), 'downtime-limit'); break;
      case 'auto-converge': o.autoConverge = true; break;
      case 'postcopy-after': o.postcopyAfterMs = parseDurationMs(value(), 'postcopy-after'); break;
      case 'compress': {
        const v = value();
        const [codec, level] = v.split(':');
        if (!(COMPRESSION_CODECS as readonly string[]).includes(codec)) throw new UsageError(`--compress must be none, zlib, zstd or lz4 (with :LEVEL), got "${v}"`);
        o.compression = codec as CompressionCodec;
        if (level !== undefined) {
          const n = Number(level);
          if (!Number.isInteger(n)) throw new UsageError(`--compress ${codec}:LEVEL needs a whole number, got "${level}"`);
          o.compressionLevel = n;
        }
        break;
      }
      case 'xbzrle': o.xbzrle = true; break;
      case 'xbzrle-cache': o.xbzrleCacheBytes = parseSize(value(), 'xbzrle-cache'); o.xbzrle = true; break;
      case 'dedup': o.dedup = true; break;
      case 'fault': {
        const v = value();
        const m = /^cut@(.+)$/.exec(v);
        if (!m) throw new UsageError(`--fault needs cut@DURATION (the link is cut that long after the migration starts), got "${v}"`);
        o.cutAtMs = parseDurationMs(m[1], 'fault');
        break;
      }
      case 'gang': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError('--gang needs a number of VMs from 1 to 64');
        a.gang = n;
        break;
      }
      case 'timeout': o.timeoutMs = parseDurationMs(value(), 'timeout'); break;
      case 'seed': a.seed = Number(value()); break;
      case 'mhz': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new UsageError('--mhz needs a whole number of MHz from 1 to 10000');
        a.mhz = n;
        break;
      }
      case 'json': a.json = true; break;
      case 'help': console.log(USAGE); process.exit(0); break;
      default: throw new UsageError(`unknown option --${name}\n${USAGE}`);
    }
  }
  if (!a.guest) throw new UsageError(`hvlab migrate needs a GUEST\n${USAGE}`);
  if (a.options.postcopyAfterMs !== undefined && a.options.mode === undefined) a.options.mode = 'hybrid';
  return a;
}

export interface MigrateRun {
  stats: MigrationStats;
  vmHost: string;
  console: string;
  engine: Engine;
}

/** Points of a run a caller may observe (the migration benchmark times the migration alone and samples memory). */
export interface MigrateObserver {
  /** The guest ran for --after; the migration is about to be asked for. */
  beforeMigrate?(): void;
  /** After each 100 ms of virtual time while the migration runs. */
  step?(): void;
  /** The migration's task ended (or the wait for it ran out). */
  afterMigrate?(): void;
}

/** Builds the two-host lab, runs the guest, migrates it; the engine stays available to the caller (tests). */
export async function runMigrationExperiment(a: MigrateArgs, observe: MigrateObserver = {}): Promise<MigrateRun> {
  const catalogue = loadGuestCatalogue();
  const entry = findGuest(catalogue, a.guest!);
  if (!entry) throw new UsageError(`unknown guest "${a.guest}" (one of: ${catalogue.guests.map((g) => g.name).join(', ')})`);
  const workloadParams: Record<string, number> = {};
  for (const [k, v] of Object.entries(a.params)) {
    const n = paramValue(entry, k, v);
    if (typeof n !== 'number') throw new UsageError(`--param ${n.message}`);
    workloadParams[k] = n;
  }
  const ramMiB = Math.ceil(a.ramBytes / 1048576);
  const hostGiB = Math.max(2, Math.ceil((a.gang * ramMiB * 1.15 + 768) / 1024));
  const vms = Array.from({ length: a.gang }, (_, i) => ({
    name: a.gang > 1 ? `${a.guest}-${i + 1}` : a.guest!, host: 'esx-src', vcpus: 1, memoryMiB: ramMiB, workload: a.guest!, workloadParams,
    ...(a.monitor ? { monitor: a.monitor } : {}), ...(a.paging ? { paging: a.paging } : {}), powerOn: true,
  }));
  const scenario = {
    version: 1, name: 'migrate', title: 'hvlab migrate', description: 'two hosts and the guest to migrate',
    datacenters: [{
      name: 'DC0',
      clusters: [{ name: 'lab', hosts: [{ name: 'esx-src' }, { name: 'esx-dst' }].map((h) => ({ ...h, cpuMhz: a.mhz, memoryGiB: hostGiB, coresPerSocket: Math.max(4, a.gang) })) }],
      vms,
    }],
  };
  const guests = defaultGuestFactory();
  const engine = createEngine({
    scenarios: { migrate: { file: '(hvlab migrate)', content: scenario } }, guestFactory: guests.factory, guestCatalog: guests.catalogue,
    pageCodecs: await loadPageCodecs(),
  }, { scenario: 'migrate', seed: a.seed });
  let id = 1;
  const call = (kind: 'command' | 'query', name: string, params: unknown): unknown => {
    const r = engine.handle({ v: API_VERSION, id: id++, kind, name, params });
    if (!r.ok) throw new Error(`${r.error.message}${r.error.field ? ` (${r.error.field})` : ''}`);
    return r.result;
  };
  call('command', 'sim.pause', {});
  engine.advance(a.afterMs);
  const inv = call('query', 'inventory.get', {}) as { vms: { id: string; name: string; hostId?: string; guestState: string; crashReason?: string }[]; hosts: { id: string; name: string }[] };
  const mine = vms.map((v) => inv.vms.find((x) => x.name === v.name)!);
  const bad = mine.find((v) => v.guestState === 'crashed' || v.guestState === 'notRunning');
  if (bad) throw new Error(`${bad.name} is not running before the migration (${bad.crashReason ?? bad.guestState})`);
  const dst = inv.hosts.find((h) => h.name === 'esx-dst')!;
  observe.beforeMigrate?.();
  const { taskId } = call('command', 'vm.migrate', {
    vmId: mine[0].id, hostId: dst.id, options: a.options, ...(mine.length > 1 ? { gang: mine.slice(1).map((v) => v.id) } : {}),
  }) as { taskId: string };
  const limitMs = (a.options.timeoutMs ?? 60_000) + 120_000;
  for (let t = 0; t < limitMs; t += 100) {
    const task = (call('query', 'tasks.list', { limit: 50 }) as { id: string; state: string }[]).find((x) => x.id === taskId);
    if (task && (task.state === 'success' || task.state === 'error' || task.state === 'cancelled')) break;
    engine.advance(100);
    observe.step?.();
  }
  observe.afterMigrate?.();
  const stats = call('query', 'migration.get', { taskId }) as MigrationStats;
  const vm = call('query', 'vm.get', { vmId: mine[0].id }) as { hostId?: string };
  const vmHost = inv.hosts.find((h) => h.id === vm.hostId)?.name ?? String(vm.hostId);
  const consoleText = (call('query', 'vm.console.read', { vmId: mine[0].id }) as { text: string }).text;
  return { stats, vmHost, console: consoleText, engine };
}

/** The JSON report: query-migrate fields at the top level, then the lab's. */
export function migrateReport(run: MigrateRun, guest: string): Record<string, unknown> {
  const { taskId: _t, vmId: _v, vmName, gang: _g, sourceHostId: _s, destinationHostId: _d, options, ...rest } = run.stats;
  return {
    ...rest, verified: run.stats.verified ?? false, sourceDigest: run.stats.sourceDigest ?? null, destinationDigest: run.stats.destinationDigest ?? null,
    options, vm: vmName, guest, source: 'esx-src', destination: 'esx-dst', vmHost: run.vmHost,
  };
}

function mib(b: number): string {
  return `${(b / 1048576).toFixed(1)} MiB`;
}

export async function migrate(argv: string[]): Promise<number> {
  const a = parseMigrateArgs(argv);
  const run = await runMigrationExperiment(a);
  const s = run.stats;
  if (a.json) {
    console.log(JSON.stringify(migrateReport(run, a.guest!), null, 2));
  } else {
    const o = s.options;
    const how = o.mode === 'precopy' || o.mode === 'hybrid' ? `${o.mode} (${o.stopRule} rule)` : o.mode;
    console.log(`${s.vmName}: ${how} from esx-src to esx-dst: ${s.status} after ${(s['total-time'] / 1000).toFixed(3)} s${s.downtime !== undefined ? `, downtime ${s.downtime.toFixed(1)} ms` : ''}; the VM runs on ${run.vmHost}`);
    if (s['error-desc']) console.log(`  ${s['error-desc']}`);
    console.log(`  transferred ${mib(s.ram.transferred)} of ${mib(s.ram.total)} RAM (amplification ${s.amplification.toFixed(2)}), ${s.ram.normal} normal + ${s.ram.duplicate} zero pages, dirty-sync-count ${s.ram['dirty-sync-count']}`);
    if (o.xbzrle) console.log(`  xbzrle: ${s['xbzrle-cache'].pages} pages in ${mib(s['xbzrle-cache'].bytes)}, ${s['xbzrle-cache']['cache-miss']} misses, ${s['xbzrle-cache'].overflow} overflows`);
    if (o.compression !== 'none') console.log(`  ${o.compression}: ${s.compression.pages} pages → ${mib(s.compression['compressed-size'])} (×${s.compression['compression-rate'].toFixed(2)}), ${s.compression['cpu-ms'].toFixed(1)} ms CPU`);
    if (o.dedup) console.log(`  dedup: ${s.dedup.pages} pages (${s.dedup['within-vm']} within the VM, ${s.dedup['across-vms']} across VMs, ${s.dedup['on-destination']} on the destination), ${mib(s.dedup['bytes-saved'])} saved, ${s.dedup.collisions} hash collisions rejected`);
    if (o.mode === 'postcopy' || o.mode === 'hybrid') console.log(`  post-copy: ${s.ram['postcopy-requests']} page requests, blocktime ${s['postcopy-blocktime'].toFixed(1)} ms`);
    if (s['cpu-throttle-percentage']) console.log(`  auto-converge throttle ${s['cpu-throttle-percentage']} %`);
    console.log('  round   dirtied      sent        bytes  duration ms  MiB/s  throttle');
    for (const r of s.rounds) {
      console.log(`  ${String(r.round).padStart(5)} ${String(r.pagesDirtied).padStart(9)} ${String(r.pagesSent).padStart(9)} ${String(r.bytes).padStart(12)} ${r.durationMs.toFixed(1).padStart(12)} ${(r.bandwidthBytesPerS / 1048576).toFixed(1).padStart(6)} ${String(r.throttlePct).padStart(8)}`);
    }
    console.log(`  verified: ${s.verified ? 'yes' : 'NO'}${s.sourceDigest ? ` (source ${s.sourceDigest}${s.destinationDigest ? `, destination ${s.destinationDigest}` : ''})` : ''}`);
  }
  return s.verified ? 0 : 1;
}
