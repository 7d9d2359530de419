/**
 * migration — live migration as the contract, the CLI and the client see it: the technique options a
 * user chooses (with QEMU's defaults and names where QEMU has the knob), their limits, and the
 * statistics a running or finished migration reports under QEMU's `query-migrate` field names.
 *
 * - `MigrationOptions` (config): mode, stop rule, link (rate limit, line rate, latency, loss, a cut),
 *   downtime limit, switchover bandwidth, auto-converge, post-copy switch, compression, XBZRLE, dedup,
 *   timeout, vMotion priority. `MIGRATION_DEFAULTS` (QEMU 9.x/10.x `migration/options.c`: downtime-limit
 *   300 ms, max-bandwidth 128 MiB/s, xbzrle-cache-size 64 MiB, throttle 20 % + 10 % up to 99 %, trigger
 *   50 %, multifd-channels 2, zlib/zstd level 1) and `MIGRATION_LIMITS`.
 * - `resolveMigrationOptions(partial)` → full options or the first problem `{ field, message }`.
 * - `MigrationStats` (runtime state, what `migration.get` returns): `status`, `total-time`, `setup-time`,
 *   `downtime`, `expected-downtime`, `ram.*`, `xbzrle-cache.*`, `compression.*`, `dedup.*`,
 *   `cpu-throttle-percentage`, `postcopy-blocktime`, the per-round table, the phase timeline and the
 *   verification verdict.
 *
 * Units follow QEMU (facts: "units trap"): bandwidths in bytes/s, `mbps` in 10^6 bits/s, times in ms,
 * `dirty-pages-rate` in pages/s. Pure data and functions.
 */
import type { HostId, TaskId, VmId } from './ids';

export const MIGRATION_MODES = ['stop-copy', 'precopy', 'postcopy', 'hybrid'] as const;
export type MigrationMode = (typeof MIGRATION_MODES)[number];
export const STOP_RULES = ['qemu', 'xen', 'xen-classic'] as const;
export type StopRule = (typeof STOP_RULES)[number];
export const COMPRESSION_CODECS = ['none', 'zlib', 'zstd', 'lz4'] as const;
export type CompressionCodec = (typeof COMPRESSION_CODECS)[number];
export const VMOTION_PRIORITIES = ['high', 'normal'] as const;
export type VmotionPriority = (typeof VMOTION_PRIORITIES)[number];

export interface MigrationOptions {
  mode: MigrationMode;
  /** Pre-copy's stop condition: QEMU's predicted downtime, Xen's migration v2 policy, or classic libxc's. */
  stopRule: StopRule;
  /** QEMU `max-bandwidth`: the rate limit of the live phase, bytes/s, enforced in 100 ms slices. */
  bandwidthBytesPerS: number;
  /** The wire between the hosts (line rate), bytes/s: the speed of an unthrottled switchover and of post-copy. */
  linkBytesPerS: number;
  /** One-way latency, ms. */
  latencyMs: number;
  /** Share of packets lost and sent again (0 … 0.5): the wire carries bytes / (1 − loss). */
  loss: number;
  /** The link is cut this long after the migration starts (ms); absent = never. */
  cutAtMs?: number;
  /** QEMU `downtime-limit`, ms. */
  downtimeLimitMs: number;
  /** Switchover bandwidth cap, bytes/s; 0 = unthrottled (line rate), QEMU's `avail-switchover-bandwidth` style knob. */
  switchoverBytesPerS: number;
  autoConverge: boolean;
  throttleInitialPct: number;
  throttleIncrementPct: number;
  maxThrottlePct: number;
  /** Auto-converge triggers when bytes dirtied in a period exceed this share of the bytes sent. */
  throttleTriggerPct: number;
  /** Hybrid: switch to post-copy after this many pre-copy rounds … */
  postcopyAfterRounds?: number;
  /** … or after this long (ms), whichever comes first (hybrid default: after the first round). */
  postcopyAfterMs?: number;
  compression: CompressionCodec;
  /** zlib 0–9, zstd 1–22 (lz4 has one level); absent = QEMU's default 1. */
  compressionLevel?: number;
  /** QEMU `multifd-channels`: compressing sender threads (the compression CPU time is spread over them). */
  channels: number;
  xbzrle: boolean;
  xbzrleCacheBytes: number;
  dedup: boolean;
  /** A migration still running after this long (ms) is cancelled: the VM stays on the source. */
  timeoutMs: number;
  /** vMotion priority (vSphere's wizard): high reserves the link; normal gets 60 % of it while other traffic runs (modelled as a 0.6 × rate limit). */
  priority: VmotionPriority;
}

const MiB = 1024 * 1024;

export const MIGRATION_DEFAULTS: Readonly<MigrationOptions> = {
  mode: 'precopy',
  stopRule: 'qemu',
  bandwidthBytesPerS: 128 * MiB,
  linkBytesPerS: 1_250_000_000,
  latencyMs: 0.2,
  loss: 0,
  downtimeLimitMs: 300,
  switchoverBytesPerS: 0,
  autoConverge: false,
  throttleInitialPct: 20,
  throttleIncrementPct: 10,
  maxThrottlePct: 99,
  throttleTriggerPct: 50,
  compression: 'none',
  channels: 2,
  xbzrle: false,
  xbzrleCacheBytes: 64 * MiB,
  dedup: false,
  timeoutMs: 60_000,
  priority: 'high',
};

export const MIGRATION_LIMITS = {
  bandwidthBytesPerS: { min: 1024, max: 100e9 },
  linkBytesPerS: { min: 1024, max: 100e9 },
  latencyMs: { min: 0, max: 10_000 },
  loss: { min: 0, max: 0.5 },
  cutAtMs: { min: 0, max: 86_400_000 },
  downtimeLimitMs: { min: 1, max: 2_000_000 },
  switchoverBytesPerS: { min: 0, max: 100e9 },
  throttleInitialPct: { min: 1, max: 99 },
  throttleIncrementPct: { min: 1, max: 99 },
  maxThrottlePct: { min: 1, max: 99 },
  throttleTriggerPct: { min: 1, max: 100 },
  postcopyAfterRounds: { min: 1, max: 10_000 },
  postcopyAfterMs: { min: 0, max: 86_400_000 },
  channels: { min: 1, max: 64 },
  /** At least one page; QEMU wants a power of two × page, this lab's LRU cache takes any multiple of 4 KiB. */
  xbzrleCacheBytes: { min: 4096, max: 4096 * MiB },
  timeoutMs: { min: 1, max: 86_400_000 },
} as const;

/** Compression levels each codec accepts (lz4 as packaged here has one). */
export const COMPRESSION_LEVELS: Readonly<Record<CompressionCodec, { min: number; max: number; default: number }>> = {
  none: { min: 0, max: 0, default: 0 },
  zlib: { min: 0, max: 9, default: 1 },
  zstd: { min: 1, max: 22, default: 1 },
  lz4: { min: 1, max: 1, default: 1 },
};

export interface OptionsProblem { field: string; message: string }

const ENUMS: Partial<Record<keyof MigrationOptions, readonly string[]>> = {
  mode: MIGRATION_MODES, stopRule: STOP_RULES, compression: COMPRESSION_CODECS, priority: VMOTION_PRIORITIES,
};
const BOOLS: readonly (keyof MigrationOptions)[] = ['autoConverge', 'xbzrle', 'dedup'];

/** Fills defaults and checks every value; the first problem names the option. */
export function resolveMigrationOptions(partial: Partial<MigrationOptions> | undefined): MigrationOptions | OptionsProblem {
  const o = { ...MIGRATION_DEFAULTS, ...(partial ?? {}) } as MigrationOptions;
  for (const [k, v] of Object.entries(partial ?? {})) {
    if (v === undefined) continue;
    const key = k as keyof MigrationOptions;
    if (ENUMS[key]) {
      if (!ENUMS[key]!.includes(v as string)) return { field: k, message: `${k} must be one of ${ENUMS[key]!.join(', ')}` };
    } else if (BOOLS.includes(key)) {
      if (typeof v !== 'boolean') return { field: k, message: `${k} must be true or false` };
    } else if (k === 'compressionLevel') {
      // checked below, against the codec
    } else {
      const lim = (MIGRATION_LIMITS as Record<string, { min: number; max: number }>)[k];
      if (!lim) return { field: k, message: `unknown migration option ${k}` };
      if (typeof v !== 'number' || !Number.isFinite(v) || v < lim.min || v > lim.max) {
        return { field: k, message: `${k} must be a number from ${lim.min} to ${lim.max}` };
      }
    }
  }
  const lv = COMPRESSION_LEVELS[o.compression];
  if (o.compressionLevel !== undefined) {
    if (o.compression === 'none') return { field: 'compressionLevel', message: 'a compression level needs a codec (zlib, zstd or lz4)' };
    if (!Number.isInteger(o.compressionLevel) || o.compressionLevel < lv.min || o.compressionLevel > lv.max) {
      return { field: 'compressionLevel', message: `${o.compression} levels are ${lv.min === lv.max ? String(lv.min) : `${lv.min} to ${lv.max}`}` };
    }
  }
  if (o.maxThrottlePct < o.throttleInitialPct) return { field: 'maxThrottlePct', message: 'maxThrottlePct must be at least throttleInitialPct' };
  if (o.xbzrleCacheBytes % 4096 !== 0) return { field: 'xbzrleCacheBytes', message: 'xbzrleCacheBytes must be a whole number of 4 KiB pages' };
  if (o.mode !== 'hybrid' && (partial?.postcopyAfterRounds !== undefined || partial?.postcopyAfterMs !== undefined)) {
    return { field: partial?.postcopyAfterRounds !== undefined ? 'postcopyAfterRounds' : 'postcopyAfterMs', message: 'postcopyAfterRounds / postcopyAfterMs apply to mode hybrid' };
  }
  return o;
}

export function isOptionsProblem(x: MigrationOptions | OptionsProblem): x is OptionsProblem {
  return (x as OptionsProblem).message !== undefined && (x as MigrationOptions).mode === undefined;
}

/** QEMU's MigrationStatus values this lab reaches. */
export type MigrationStatus =
  | 'setup' | 'active' | 'device' | 'postcopy-active' | 'completed' | 'failed' | 'cancelling' | 'cancelled';

/** One row of the per-round table. Round 0 is the bulk pass (every page). */
export interface MigrationRound {
  round: number;
  startMs: number;
  durationMs: number;
  /** Pages the dirty log reported at the sync that began this round (round 0: every page). */
  pagesDirtied: number;
  pagesSent: number;
  bytes: number;
  /** Pages still to send when the round ended (QEMU `remaining` / page size). */
  remainingPages: number;
  /** bytes / duration, bytes/s. */
  bandwidthBytesPerS: number;
  expectedDowntimeMs: number;
  throttlePct: number;
}

export type MigrationPhaseName = 'setup' | 'precopy' | 'stopped' | 'postcopy' | 'done';

export interface MigrationPhase { phase: MigrationPhaseName; startMs: number; endMs?: number }

/** `query-migrate`'s `ram` object. */
export interface MigrationRamStats {
  transferred: number;
  remaining: number;
  total: number;
  duplicate: number;
  normal: number;
  'normal-bytes': number;
  'precopy-bytes': number;
  'downtime-bytes': number;
  'postcopy-bytes': number;
  'dirty-pages-rate': number;
  mbps: number;
  'pages-per-second': number;
  'postcopy-requests': number;
  'dirty-sync-count': number;
  'page-size': number;
}

export interface MigrationStats {
  /** The task running the migration. */
  taskId: TaskId;
  vmId: VmId;
  vmName: string;
  /** The other VMs moved together with it (gang migration). */
  gang: VmId[];
  sourceHostId: HostId;
  destinationHostId: HostId;
  options: MigrationOptions;
  status: MigrationStatus;
  'total-time': number;
  'setup-time': number;
  /** Only once completed. */
  downtime?: number;
  /** Only while active. */
  'expected-downtime'?: number;
  ram: MigrationRamStats;
  'xbzrle-cache': {
    'cache-size': number; bytes: number; pages: number; 'cache-miss': number; 'cache-miss-rate': number;
    'encoding-rate': number; overflow: number;
  };
  compression: {
    pages: number; 'compressed-size': number; 'compression-rate': number; busy: number; 'busy-rate': number;
    /** Virtual CPU time charged for compressing and decompressing, ms (cost model). */
    'cpu-ms': number;
  };
  dedup: {
    pages: number; 'bytes-saved': number; 'hash-hits': number; 'collisions': number;
    'within-vm': number; 'across-vms': number; 'on-destination': number;
  };
  'cpu-throttle-percentage': number;
  'postcopy-blocktime': number;
  'postcopy-vcpu-blocktime': number[];
  rounds: MigrationRound[];
  phases: MigrationPhase[];
  /** Bytes on the wire / guest RAM. */
  amplification: number;
  /** Digest equality + page-by-page check at the switch; absent until then (or the source's own check after a cancel). */
  verified?: boolean;
  /** Pages whose bytes differed at the switch (0 when verified). */
  mismatchedPages?: number;
  sourceDigest?: string;
  destinationDigest?: string;
  /** Why it failed or was cancelled. */
  'error-desc'?: string;
  /** True when the link was cut during post-copy and the VM was lost with it. */
  vmLost?: boolean;
  /** Set while pre-copy is not converging (QEMU rule): why. */
  nonConvergence?: string;
  /** Bytes on the wire including those sent again after loss (`ram.transferred` counts each once). */
  wireBytes: number;
  /** Destination → source bytes (dedup hash announcement, post-copy page requests). */
  returnBytes: number;
  /** Pages compared byte for byte at the switch (and, in post-copy, as they arrived). */
  pagesVerified: number;
}
