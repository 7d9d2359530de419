// The Migrate wizard's form logic (logic/migrationForm): QEMU's defaults, units, field-level refusals in words,
// engine refusals mapped to their field and step, and every request it builds accepted by vm.migrate's schema.
import { describe, expect, it } from 'vitest';
import { MIGRATION_DEFAULTS, isOptionsProblem, resolveMigrationOptions } from '@shared/model/migration';
import type { MigrationStats } from '@shared/model/migration';
import { apiError } from '@shared/api/errors';
import { COMMAND_SCHEMAS } from '@shared/api/commands';
import {
  TECHNIQUE_FIELDS, defaultMigrateForm, migrateFieldOfError, migrateOptions, stepOfMigrateField, techniqueSummary, validateMigrateForm,
} from '@renderer/logic/migrationForm';
import { WIRE_RECORD_BYTES, bytesByKind, comparisonCsv, comparisonRow, isMigrationRunning, techniqueLabel } from '@renderer/logic/migrationView';

describe('Migrate wizard form', () => {
  it('defaults are QEMU\'s and send options the engine resolves to its own defaults', () => {
    const form = defaultMigrateForm('host-2');
    expect(validateMigrateForm(form)).toEqual({});
    const resolved = resolveMigrationOptions(migrateOptions(form));
    expect(isOptionsProblem(resolved)).toBe(false);
    expect(resolved).toEqual({ ...MIGRATION_DEFAULTS });
  });

  it('builds vm.migrate requests the contract accepts, for every mode and reduction', () => {
    for (const mode of ['stop-copy', 'precopy', 'postcopy', 'hybrid'] as const) {
      const form = {
        ...defaultMigrateForm('host-2'), mode, autoConverge: true, compression: 'zstd' as const, compressionLevel: '3', xbzrle: true, dedup: true,
        postcopyAfterRounds: '2', cutAtMs: '5000', priority: 'normal' as const,
      };
      expect(validateMigrateForm(form), mode).toEqual({});
      const params = { vmId: 'vm-1', hostId: 'host-2', options: migrateOptions(form) };
      expect(COMMAND_SCHEMAS['vm.migrate'].check(params, 'params'), mode).toBeNull();
      expect(isOptionsProblem(resolveMigrationOptions(params.options)), mode).toBe(false);
    }
  });

  it('converts the user\'s units into the options\' units', () => {
    const form = { ...defaultMigrateForm('host-2'), bandwidthMiBps: '8', linkMbitps: '1000', lossPct: '5', timeoutS: '2.5', xbzrle: true, xbzrleCacheMiB: '16' };
    const o = migrateOptions(form);
    expect(o.bandwidthBytesPerS).toBe(8 * 1024 * 1024);
    expect(o.linkBytesPerS).toBe(125_000_000);
    expect(o.loss).toBeCloseTo(0.05);
    expect(o.timeoutMs).toBe(2500);
    expect(o.xbzrleCacheBytes).toBe(16 * 1024 * 1024);
  });

  it('refuses a value beside its field, in words', () => {
    const form = { ...defaultMigrateForm('host-2'), bandwidthMiBps: 'fast', downtimeLimitMs: '0', timeoutS: '' };
    const e = validateMigrateForm(form);
    expect(e.bandwidthMiBps).toMatch(/^Bandwidth limit must be a number from .* MiB\/s to .* MiB\/s$/);
    expect(e.downtimeLimitMs).toBe('Downtime limit must be a number from 1 ms to 2000000 ms');
    expect(e.timeoutS).toBe('Enter give up after in s');
  });

  it('asks for a destination on the compute step only', () => {
    expect(validateMigrateForm(defaultMigrateForm(''), 'compute')).toEqual({ hostId: 'Select a destination host' });
    expect(validateMigrateForm(defaultMigrateForm(''), 'priority')).toEqual({});
  });

  it('checks a compression level against its codec', () => {
    const zlib = { ...defaultMigrateForm('h'), compression: 'zlib' as const, compressionLevel: '12' };
    expect(validateMigrateForm(zlib).compressionLevel).toBe('Compression level must be a whole number from 0 to 9');
    expect(migrateOptions({ ...zlib, compressionLevel: '6' }).compressionLevel).toBe(6);
    // lz4 has one level: the field does not apply and nothing is sent.
    expect(migrateOptions({ ...zlib, compression: 'lz4' }).compressionLevel).toBeUndefined();
  });

  it('sends the post-copy switch only for hybrid, and the throttle only with auto-converge', () => {
    const base = { ...defaultMigrateForm('h'), postcopyAfterRounds: '3', throttleInitialPct: '30' };
    expect(migrateOptions(base).postcopyAfterRounds).toBeUndefined();
    expect(migrateOptions({ ...base, mode: 'hybrid' }).postcopyAfterRounds).toBe(3);
    expect(migrateOptions(base).throttleInitialPct).toBeUndefined();
    expect(migrateOptions({ ...base, autoConverge: true }).throttleInitialPct).toBe(30);
    expect(migrateOptions({ ...base, mode: 'stop-copy', autoConverge: true }).autoConverge).toBeUndefined();
  });

  it('a maximum throttle below the initial one is refused at the maximum', () => {
    const f = { ...defaultMigrateForm('h'), autoConverge: true, throttleInitialPct: '50', maxThrottlePct: '40' };
    expect(validateMigrateForm(f)).toEqual({ maxThrottlePct: 'Maximum throttle must be at least the initial throttle' });
  });

  it('every field has a help line and a default or says it is optional', () => {
    for (const f of TECHNIQUE_FIELDS) {
      expect(f.help.length, f.key).toBeGreaterThan(10);
      expect(f.defaultText !== '' || f.optional, f.key).toBe(true);
    }
  });

  it('maps an engine refusal to its field and step', () => {
    expect(migrateFieldOfError(apiError('E_INVALID_STATE', 'in maintenance', 'params.hostId'))).toBe('hostId');
    expect(migrateFieldOfError(apiError('E_INVALID_ARGUMENT', 'x', 'params.options.downtimeLimitMs'))).toBe('downtimeLimitMs');
    expect(migrateFieldOfError(apiError('E_INVALID_ARGUMENT', 'x', 'params.options.bandwidthBytesPerS'))).toBe('bandwidthMiBps');
    expect(migrateFieldOfError(apiError('E_INVALID_STATE', 'busy'))).toBe('form');
    expect(stepOfMigrateField('hostId')).toBe('compute');
    expect(stepOfMigrateField('bandwidthMiBps')).toBe('technique');
    expect(stepOfMigrateField('form')).toBe('ready');
  });

  it('summarises the technique', () => {
    expect(techniqueSummary({ ...defaultMigrateForm('h'), autoConverge: true, compression: 'zstd', compressionLevel: '3', dedup: true }))
      .toBe('Pre-copy, QEMU stop rule, auto-converge, zstd:3 compression, deduplication');
  });
});

function stats(over: Partial<MigrationStats> = {}): MigrationStats {
  return {
    taskId: 'task-7', vmId: 'vm-3', vmName: 'web, 1', gang: [], sourceHostId: 'host-1', destinationHostId: 'host-2',
    options: { ...MIGRATION_DEFAULTS, xbzrle: true }, status: 'completed', 'total-time': 1234.5, 'setup-time': 5, downtime: 12.25,
    ram: {
      transferred: 5_000_000, remaining: 0, total: 67_108_864, duplicate: 100, normal: 1000, 'normal-bytes': 4_096_000,
      'precopy-bytes': 0, 'downtime-bytes': 0, 'postcopy-bytes': 0, 'dirty-pages-rate': 0, mbps: 0, 'pages-per-second': 0,
      'postcopy-requests': 0, 'dirty-sync-count': 3, 'page-size': 4096,
    },
    'xbzrle-cache': { 'cache-size': 1, bytes: 777, pages: 20, 'cache-miss': 0, 'cache-miss-rate': 0, 'encoding-rate': 0, overflow: 0 },
    compression: { pages: 400, 'compressed-size': 300_000, 'compression-rate': 5.46, busy: 0, 'busy-rate': 0, 'cpu-ms': 1 },
    dedup: { pages: 5, 'bytes-saved': 20_000, 'hash-hits': 5, collisions: 0, 'within-vm': 5, 'across-vms': 0, 'on-destination': 0 },
    'cpu-throttle-percentage': 0, 'postcopy-blocktime': 0, 'postcopy-vcpu-blocktime': [],
    rounds: [
      { round: 0, startMs: 0, durationMs: 1000, pagesDirtied: 16384, pagesSent: 16000, bytes: 1, remainingPages: 300, bandwidthBytesPerS: 1, expectedDowntimeMs: 9, throttlePct: 0 },
      { round: 1, startMs: 1000, durationMs: 10, pagesDirtied: 300, pagesSent: 300, bytes: 1, remainingPages: 20, bandwidthBytesPerS: 1, expectedDowntimeMs: 1, throttlePct: 0 },
    ],
    phases: [], amplification: 0.0746, verified: true, wireBytes: 5_000_000, returnBytes: 0, pagesVerified: 16384,
    ...over,
  };
}

describe('migration monitor and comparison', () => {
  it('splits the stream by kind: counted pages × wire record sizes, codec outputs as counted', () => {
    const k = Object.fromEntries(bytesByKind(stats()).map((x) => [x.key, x]));
    expect(k.full).toMatchObject({ pages: 600, bytes: 600 * WIRE_RECORD_BYTES.normalPage });
    expect(k.zero).toMatchObject({ pages: 100, bytes: 900 });
    expect(k.compressed).toMatchObject({ pages: 400, bytes: 300_000 });
    expect(k.xbzrle).toMatchObject({ pages: 20, bytes: 777 });
    expect(k.dedup).toMatchObject({ pages: 5, bytes: 120 });
  });

  it('knows which statuses are still running', () => {
    expect(isMigrationRunning('active')).toBe(true);
    expect(isMigrationRunning('postcopy-active')).toBe(true);
    expect(isMigrationRunning('completed')).toBe(false);
    expect(isMigrationRunning('cancelled')).toBe(false);
  });

  it('labels techniques', () => {
    expect(techniqueLabel(MIGRATION_DEFAULTS)).toBe('Pre-copy + QEMU rule');
    expect(techniqueLabel({ ...MIGRATION_DEFAULTS, mode: 'postcopy', autoConverge: true, compression: 'zlib', compressionLevel: 6, dedup: true }))
      .toBe('Post-copy + zlib:6 + dedup');
  });

  it('exports the comparison as RFC 4180 CSV', () => {
    const names: Record<string, string> = { 'host-1': 'esx-01', 'host-2': 'esx-02' };
    const rows = [comparisonRow(stats(), (id) => names[id]), comparisonRow(stats({ taskId: 'task-9', status: 'cancelled', downtime: undefined, verified: undefined }), (id) => names[id])];
    const lines = comparisonCsv(rows).split('\r\n');
    expect(lines[0]).toBe('task,vm,from,to,technique,status,total_time_ms,downtime_ms,bytes_transferred,ram_bytes,amplification,rounds,verified');
    expect(lines[1]).toBe('task-7,"web, 1",esx-01,esx-02,Pre-copy + QEMU rule + XBZRLE,completed,1234.5,12.3,5000000,67108864,0.075,2,true');
    expect(lines[2]).toBe('task-9,"web, 1",esx-01,esx-02,Pre-copy + QEMU rule + XBZRLE,cancelled,1234.5,,5000000,67108864,0.075,2,');
    expect(lines[3]).toBe('');
  });
});
