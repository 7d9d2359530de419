/**
 * Display formatting shared by every view: sizes, virtual times, durations, counter units, compatibility.
 *
 * - `formatBytes`, `formatMiB`, `formatClock`, `formatDuration`, `formatUptime`, `unitLabel`,
 *   `formatValue`, `compatibilityLabel`, `monitorLabel`, `pagingLabel`, `runningPagingLabel` (the paging
 *   a VM actually runs under its monitor), `pagingIsMoot`, `pagingHint`, `powerStateLabel`, `guestStateLabel`.
 *
 * Rule: formatting only; no number shown by the UI is computed here from anything but engine data.
 */
import type { CounterUnit } from '@shared/model/metrics';
import type { GuestRunState, MonitorKind, PagingMode, VmPowerState, ToolsStatus, HostConnectionState } from '@shared/model/inventory';
import { effectivePaging, pagingProblem } from '@shared/model/mmuVirtualization';
import { GUEST_STATE_LABELS, POWER_STATE_LABELS } from '@shared/model/vmPower';

const KiB = 1024;
const MiB = KiB * 1024;
const GiB = MiB * 1024;
const TiB = GiB * 1024;

/** vSphere labels binary sizes with KB/MB/GB/TB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const abs = Math.abs(bytes);
  if (abs >= TiB) return `${trim(bytes / TiB)} TB`;
  if (abs >= GiB) return `${trim(bytes / GiB)} GB`;
  if (abs >= MiB) return `${trim(bytes / MiB)} MB`;
  if (abs >= KiB) return `${trim(bytes / KiB)} KB`;
  return `${bytes} B`;
}

function trim(n: number): string {
  return n >= 100 ? n.toFixed(0) : Number(n.toFixed(2)).toString();
}

const pad = (n: number, w = 2): string => String(Math.floor(n)).padStart(w, '0');

/** Virtual time since the lab's epoch as a clock: `00:12:34`, or `2d 03:04:05` after a day. */
export function formatClock(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const clock = `${pad(h)}:${pad(m)}:${pad(s)}`;
  return d > 0 ? `${d}d ${clock}` : clock;
}

/**
 * A time as the entity's backend keeps it: virtual time since the lab's epoch (`formatClock`) for the
 * simulated engine; for a real host (`realTime`: milliseconds since 1970 on its clock) the local date and
 * time, `2026-12-04 21:03:07`.
 */
export function formatWhen(ms: number | undefined, realTime: boolean): string {
  if (!realTime) return formatClock(ms);
  if (ms === undefined || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Short duration: `15 ms`, `2.4 s`, `3 min 5 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  if (m < 60) return s ? `${m} min ${s} s` : `${m} min`;
  return formatUptime(ms);
}

/** vSphere-style uptime: `14 days`, `3 hours`, `12 minutes`, `40 seconds`. */
export function formatUptime(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0 seconds';
  const s = Math.floor(ms / 1000);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (s >= 86400) return plural(Math.floor(s / 86400), 'day');
  if (s >= 3600) return plural(Math.floor(s / 3600), 'hour');
  if (s >= 60) return plural(Math.floor(s / 60), 'minute');
  return plural(s, 'second');
}

const UNIT_LABELS: Record<CounterUnit, string> = {
  percent: '%', MHz: 'MHz', ms: 'ms', KB: 'KB', KBps: 'KBps', MB: 'MB', num: 'Num', W: 'W', J: 'J', s: 's',
  pages: 'pages', pagesPerSecond: 'pages/s', cycles: 'cycles', ns: 'ns',
};

export function unitLabel(unit: CounterUnit | string): string {
  return (UNIT_LABELS as Record<string, string>)[unit] ?? unit;
}

/** A counter value in its unit, rounded for display (engine values are plain numbers, percent not ×100). */
export function formatValue(value: number | null | undefined, unit?: CounterUnit | string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Number(value.toFixed(2));
  const u = unit ? unitLabel(unit) : '';
  if (!u) return String(rounded);
  return u === '%' ? `${rounded}%` : `${rounded} ${u}`;
}

/**
 * "Compatibility" line of a VM Summary, from `hardwareVersion` (`vmx-19`). Keep in sync with VMware's
 * virtual hardware version table (KB 1003746).
 */
const HW_VERSIONS: Record<number, string> = {
  4: 'ESX 3.x and later', 7: 'ESX/ESXi 4.x and later', 8: 'ESXi 5.0 and later', 9: 'ESXi 5.1 and later',
  10: 'ESXi 5.5 and later', 11: 'ESXi 6.0 and later', 13: 'ESXi 6.5 and later', 14: 'ESXi 6.7 and later',
  15: 'ESXi 6.7 U2 and later', 17: 'ESXi 7.0 and later', 18: 'ESXi 7.0 U1 and later',
  19: 'ESXi 7.0 U2 and later', 20: 'ESXi 8.0 and later', 21: 'ESXi 8.0 U2 and later',
};

export function compatibilityLabel(hardwareVersion: string): string {
  const m = /^vmx-(\d+)$/.exec(hardwareVersion);
  if (!m) return hardwareVersion || '—';
  const n = Number(m[1]);
  const esxi = HW_VERSIONS[n];
  return esxi ? `${esxi} (VM version ${n})` : `VM version ${n}`;
}

/**
 * One vocabulary for CPU and MMU virtualization, vSphere's where it has one (its "CPU/MMU
 * Virtualization" option speaks of software and hardware MMU): the interpreter is no monitor at all, so
 * its Monitor reads "None" and its paging says the same — never a monitor beside "no monitor".
 */
export const MONITOR_LABELS: Record<MonitorKind, string> = {
  interp: 'None (interpreter)',
  te: 'Trap-and-emulate (software)',
  bt: 'Binary translation (software)',
  pv: 'Paravirtualization',
  hw: 'Hardware assist (VT-x / AMD-V)',
};
export const PAGING_LABELS: Record<PagingMode, string> = {
  shadow: 'Software MMU (shadow page tables)',
  nested: 'Hardware MMU (nested paging: EPT / RVI)',
};
/** What runs where the paging setting is moot (the monitor decides: @shared/model/mmuVirtualization). */
const NATIVE_PAGING_LABELS: Partial<Record<MonitorKind, string>> = {
  interp: 'None (the guest\'s own page tables)',
  pv: 'Paravirtual MMU (direct paging)',
};

export function monitorLabel(kind: MonitorKind): string {
  return MONITOR_LABELS[kind] ?? kind;
}
export function pagingLabel(mode: PagingMode): string {
  return PAGING_LABELS[mode] ?? mode;
}

/**
 * What runs, not what is set (@shared/model/mmuVirtualization decides): shadow or nested by its label;
 * native says why there are no shadow or nested tables — pv's kernel edits its own through hypercalls,
 * interp is the bare machine.
 */
export function runningPagingLabel(monitor: MonitorKind, paging: PagingMode): string {
  const mode = effectivePaging(monitor, paging);
  if (mode !== 'native') return pagingLabel(mode);
  return NATIVE_PAGING_LABELS[monitor] ?? 'None (the guest\'s own page tables)';
}

/** Whether the monitor runs the same paging whatever the setting (interp, pv): the setting is moot. */
export function pagingIsMoot(monitor: MonitorKind): boolean {
  return effectivePaging(monitor, 'shadow') === 'native' && effectivePaging(monitor, 'nested') === 'native';
}

/** The note beside a Paging mode select: why the monitor rules out nested, or why the setting is moot. */
export function pagingHint(monitor: MonitorKind): string | undefined {
  if (monitor === 'interp') return 'The interpreter is no monitor: the guest walks its own page tables, there is no MMU to virtualize.';
  if (monitor === 'pv') return 'The paravirtual kernel updates its own page tables through hypercalls: no shadow or nested tables.';
  return pagingProblem(monitor, 'nested') ? 'Nested paging needs hardware assist (hw)' : undefined;
}

/** The engine's own vocabulary for VM states (@shared/model/vmPower), so messages and labels agree. */
export function powerStateLabel(state: VmPowerState): string {
  return POWER_STATE_LABELS[state] ?? state;
}

export function guestStateLabel(state: GuestRunState): string {
  return GUEST_STATE_LABELS[state] ?? state;
}

export function toolsLabel(status: ToolsStatus): string {
  return status === 'toolsOk' ? 'Running' : status === 'toolsNotRunning' ? 'Not running' : 'Not installed';
}

export function connectionLabel(state: HostConnectionState): string {
  return state === 'connected' ? 'Connected' : state === 'disconnected' ? 'Disconnected' : 'Not responding';
}

/** Default name of the Take Snapshot dialog: "VM Snapshot 5/12/2024, 10:33:21 AM" (wall clock, like vSphere). */
export function defaultSnapshotName(now: Date): string {
  return `VM Snapshot ${now.toLocaleString('en-US')}`;
}
