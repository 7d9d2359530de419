/**
 * What the migration monitor and the comparison view show, from `migration.get` / `migration.list`.
 *
 * - `isMigrationRunning(status)`, `migrationStatusLabel(status)`.
 * - `bytesByKind(stats)`: the stream split into full pages, zero markers, compressed packets, XBZRLE
 *   deltas and dedup references. Counted pages × the record sizes of the documented wire format
 *   (docs/migration.md, "The byte model"); compressed and XBZRLE bytes are the engine's own counts.
 * - `techniqueLabel(options)`: the technique in a few words (mode, stop rule, reductions).
 * - `comparisonRow(stats)` and `comparisonCsv(list, hostName)`: one row per migration (RFC 4180).
 *
 * Rule: formatting only: every figure comes from the engine's statistics.
 */
import type { MigrationOptions, MigrationStats, MigrationStatus } from '@shared/model/migration';
import { csvField } from './chartStats';

/** Record sizes of the wire format (docs/migration.md): header + payload. */
export const WIRE_RECORD_BYTES = { normalPage: 8 + 4096, zeroPage: 8 + 1, dedupReference: 24 } as const;

const RUNNING: readonly MigrationStatus[] = ['setup', 'active', 'device', 'postcopy-active', 'cancelling'];
export function isMigrationRunning(status: MigrationStatus): boolean {
  return RUNNING.includes(status);
}

const STATUS_LABELS: Record<MigrationStatus, string> = {
  setup: 'Setting up', active: 'Pre-copy running', device: 'Switching over', 'postcopy-active': 'Post-copy running',
  completed: 'Completed', failed: 'Failed', cancelling: 'Cancelling', cancelled: 'Cancelled',
};
export function migrationStatusLabel(status: MigrationStatus): string {
  return STATUS_LABELS[status] ?? status;
}

export interface BytesKind { key: string; label: string; pages: number; bytes: number; note?: string }

export function bytesByKind(s: MigrationStats): BytesKind[] {
  const compressedPages = s.compression.pages;
  const plainPages = Math.max(0, s.ram.normal - compressedPages);
  return [
    { key: 'full', label: 'Full pages', pages: plainPages, bytes: plainPages * WIRE_RECORD_BYTES.normalPage, note: '8 B header + 4 KiB each' },
    { key: 'zero', label: 'Zero-page markers', pages: s.ram.duplicate, bytes: s.ram.duplicate * WIRE_RECORD_BYTES.zeroPage, note: '9 B each' },
    { key: 'compressed', label: 'Compressed pages', pages: compressedPages, bytes: s.compression['compressed-size'], note: compressedPages ? `ratio ${s.compression['compression-rate'].toFixed(2)}:1` : undefined },
    { key: 'xbzrle', label: 'XBZRLE deltas', pages: s['xbzrle-cache'].pages, bytes: s['xbzrle-cache'].bytes },
    { key: 'dedup', label: 'Dedup references', pages: s.dedup.pages, bytes: s.dedup.pages * WIRE_RECORD_BYTES.dedupReference, note: s.dedup.pages ? `saved ${s.dedup['bytes-saved']} B` : undefined },
  ];
}

const MODE_WORDS: Record<MigrationOptions['mode'], string> = {
  'stop-copy': 'Stop-and-copy', precopy: 'Pre-copy', postcopy: 'Post-copy', hybrid: 'Hybrid',
};
const RULE_WORDS: Record<MigrationOptions['stopRule'], string> = { qemu: 'QEMU rule', xen: 'Xen rule', 'xen-classic': 'Xen classic rule' };

export function techniqueLabel(o: MigrationOptions): string {
  const parts = [MODE_WORDS[o.mode] ?? o.mode];
  if (o.mode === 'precopy' || o.mode === 'hybrid') parts.push(RULE_WORDS[o.stopRule] ?? o.stopRule);
  if (o.autoConverge && o.mode !== 'stop-copy' && o.mode !== 'postcopy') parts.push('auto-converge');
  if (o.compression !== 'none') parts.push(o.compressionLevel !== undefined ? `${o.compression}:${o.compressionLevel}` : o.compression);
  if (o.xbzrle) parts.push('XBZRLE');
  if (o.dedup) parts.push('dedup');
  return parts.join(' + ');
}

export interface ComparisonRow {
  taskId: string;
  vmName: string;
  from: string;
  to: string;
  technique: string;
  status: MigrationStatus;
  totalTimeMs: number;
  downtimeMs?: number;
  bytes: number;
  ramBytes: number;
  amplification: number;
  rounds: number;
  verified?: boolean;
}

export function comparisonRow(s: MigrationStats, hostName: (id: string) => string): ComparisonRow {
  return {
    taskId: s.taskId, vmName: s.vmName, from: hostName(s.sourceHostId), to: hostName(s.destinationHostId),
    technique: techniqueLabel(s.options), status: s.status, totalTimeMs: s['total-time'],
    ...(s.downtime !== undefined ? { downtimeMs: s.downtime } : {}),
    bytes: s.ram.transferred, ramBytes: s.ram.total, amplification: s.amplification, rounds: s.rounds.length,
    ...(s.verified !== undefined ? { verified: s.verified } : {}),
  };
}

export const COMPARISON_CSV_HEADER = [
  'task', 'vm', 'from', 'to', 'technique', 'status', 'total_time_ms', 'downtime_ms', 'bytes_transferred', 'ram_bytes',
  'amplification', 'rounds', 'verified',
] as const;

export function comparisonCsv(rows: readonly ComparisonRow[]): string {
  const lines = [COMPARISON_CSV_HEADER.join(',')];
  for (const r of rows) {
    lines.push([
      r.taskId, r.vmName, r.from, r.to, r.technique, r.status, r.totalTimeMs.toFixed(1),
      r.downtimeMs === undefined ? '' : r.downtimeMs.toFixed(1), String(r.bytes), String(r.ramBytes),
      r.amplification.toFixed(3), String(r.rounds), r.verified === undefined ? '' : String(r.verified),
    ].map(csvField).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
