/**
 * virshParsers — strict parsers for the text virsh prints (libvirt 9.x; recorded transcripts in
 * test/fixtures/virsh/). Every parser takes the command's output and returns typed facts, or throws
 * `VirshError` naming the command and the line it could not read: unexpected output is an error, never
 * a guess, a crash or a wrong state.
 *
 * - `parseColonTable(out, what)` → key → value for `dominfo`, `nodeinfo`, `snapshot-info` (`Key:  value`).
 * - `parseDomstate(out)` → `{ state, reason }` (`running (booted)`).
 * - `parseDomstats(out)` → key → value of one domain's `domstats` block.
 * - `parseVersion(out)` → libvirt library/daemon and hypervisor versions.
 * - `parseNodeinfo(out)` → CPU topology, frequency and memory.
 * - `parseNodeCpuStats(out)` / `parseNodeMemStats(out)` → counters in ns / KiB.
 * - `parseUuidList(out, what)`, `parseLines(out)`.
 * - `parseEventLine(line)` → `{ event, domain, detail }` from `virsh event --loop --all`.
 * - `parseCpuModelName(out)` → the `model name` line of /proc/cpuinfo.
 */
import { VirshError } from './virshBatch';

export type DomainRunState = 'nostate' | 'running' | 'blocked' | 'paused' | 'shutdown' | 'shutoff' | 'crashed' | 'pmsuspended';

const STATE_WORDS: Record<string, DomainRunState> = {
  'no state': 'nostate', running: 'running', idle: 'blocked', blocked: 'blocked', paused: 'paused',
  'in shutdown': 'shutdown', 'shut off': 'shutoff', crashed: 'crashed', pmsuspended: 'pmsuspended',
};

/** libvirt's numeric `state.state` (virDomainState) → the same names. */
export const STATE_CODES: Record<number, DomainRunState> = {
  0: 'nostate', 1: 'running', 2: 'blocked', 3: 'paused', 4: 'shutdown', 5: 'shutoff', 6: 'crashed', 7: 'pmsuspended',
};

function lines(out: string): string[] {
  return out.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
}

export function parseLines(out: string): string[] {
  return lines(out).map((l) => l.trim());
}

export function parseColonTable(out: string, what: string): Record<string, string> {
  const table: Record<string, string> = {};
  for (const line of lines(out)) {
    const m = /^([A-Za-z][A-Za-z0-9 ()/_.-]*?):\s*(.*)$/.exec(line);
    if (!m) throw new VirshError(what, `unexpected line "${line.slice(0, 100)}"`);
    table[m[1].trim()] = m[2].trim();
  }
  return table;
}

function need(table: Record<string, string>, key: string, what: string): string {
  const v = table[key];
  if (v === undefined) throw new VirshError(what, `no "${key}" in the output`);
  return v;
}

function int(value: string, what: string, field: string): number {
  if (!/^-?\d+$/.test(value)) throw new VirshError(what, `${field} is not an integer: "${value}"`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new VirshError(what, `${field} is out of range: "${value}"`);
  return n;
}

export function parseDomstate(out: string): { state: DomainRunState; reason: string } {
  const what = 'virsh domstate';
  const l = lines(out);
  if (l.length !== 1) throw new VirshError(what, `expected one line, got ${l.length}`);
  const m = /^([a-z ]+?)(?: \(([a-z ]+)\))?$/.exec(l[0].trim());
  const state = m ? STATE_WORDS[m[1]] : undefined;
  if (!m || !state) throw new VirshError(what, `unknown state "${l[0].trim()}"`);
  return { state, reason: m[2] ?? '' };
}

export function parseDomstats(out: string): Record<string, string> {
  const what = 'virsh domstats';
  const l = lines(out);
  if (l.length === 0 || !/^Domain: '.*'$/.test(l[0])) throw new VirshError(what, `expected "Domain: '…'" first, got "${(l[0] ?? '').slice(0, 100)}"`);
  const stats: Record<string, string> = {};
  for (const line of l.slice(1)) {
    const m = /^\s+([a-z0-9_.-]+)=(.*)$/i.exec(line);
    if (!m) throw new VirshError(what, `unexpected line "${line.slice(0, 100)}"`);
    stats[m[1]] = m[2];
  }
  return stats;
}

export interface VirshVersion {
  library: string;
  daemon?: string;
  hypervisor: string;
  hypervisorVersion: string;
}

export function parseVersion(out: string): VirshVersion {
  const what = 'virsh version';
  const t = parseColonTable(out, what);
  const lib = /^libvirt (\S+)$/.exec(need(t, 'Using library', what));
  const hv = /^(\S+) (\S+)$/.exec(need(t, 'Running hypervisor', what));
  if (!lib) throw new VirshError(what, `unexpected library line "${t['Using library']}"`);
  if (!hv) throw new VirshError(what, `unexpected hypervisor line "${t['Running hypervisor']}"`);
  const daemon = t['Running against daemon'];
  return { library: lib[1], daemon, hypervisor: hv[1], hypervisorVersion: hv[2] };
}

export interface NodeInfo {
  arch: string;
  cpus: number;
  mhz: number;
  sockets: number;
  coresPerSocket: number;
  threadsPerCore: number;
  numaCells: number;
  memoryKiB: number;
}

export function parseNodeinfo(out: string): NodeInfo {
  const what = 'virsh nodeinfo';
  const t = parseColonTable(out, what);
  const mhz = /^(\d+) MHz$/.exec(need(t, 'CPU frequency', what));
  const mem = /^(\d+) KiB$/.exec(need(t, 'Memory size', what));
  if (!mhz) throw new VirshError(what, `unexpected CPU frequency "${t['CPU frequency']}"`);
  if (!mem) throw new VirshError(what, `unexpected memory size "${t['Memory size']}"`);
  return {
    arch: need(t, 'CPU model', what),
    cpus: int(need(t, 'CPU(s)', what), what, 'CPU(s)'),
    mhz: int(mhz[1], what, 'CPU frequency'),
    sockets: int(need(t, 'CPU socket(s)', what), what, 'CPU socket(s)'),
    coresPerSocket: int(need(t, 'Core(s) per socket', what), what, 'Core(s) per socket'),
    threadsPerCore: int(need(t, 'Thread(s) per core', what), what, 'Thread(s) per core'),
    numaCells: int(need(t, 'NUMA cell(s)', what), what, 'NUMA cell(s)'),
    memoryKiB: int(mem[1], what, 'Memory size'),
  };
}

/** Cumulative host CPU time in ns (`virsh nodecpustats`): user, system, idle, iowait. */
export function parseNodeCpuStats(out: string): { user: number; system: number; idle: number; iowait: number } {
  const what = 'virsh nodecpustats';
  const t = parseColonTable(out, what);
  const get = (k: string) => int(need(t, k, what), what, k);
  return { user: get('user'), system: get('system'), idle: get('idle'), iowait: get('iowait') };
}

/** Host memory in KiB (`virsh nodememstats`): total, free, buffers, cached. */
export function parseNodeMemStats(out: string): { total: number; free: number; buffers: number; cached: number } {
  const what = 'virsh nodememstats';
  const t = parseColonTable(out, what);
  const get = (k: string) => {
    const m = /^(\d+) KiB$/.exec(need(t, k, what));
    if (!m) throw new VirshError(what, `unexpected ${k} "${t[k]}"`);
    return int(m[1], what, k);
  };
  return { total: get('total'), free: get('free'), buffers: get('buffers'), cached: get('cached') };
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function parseUuidList(out: string, what: string): string[] {
  return parseLines(out).map((l) => {
    if (!UUID_PATTERN.test(l)) throw new VirshError(what, `not a UUID: "${l.slice(0, 60)}"`);
    return l;
  });
}

export interface VirshEvent { event: string; domain: string; detail: string }

/** One line of `virsh event --loop --all` (without --timestamp). */
export function parseEventLine(line: string): VirshEvent {
  const m = /^event '([a-z0-9-]+)' for domain '(.*?)'(?:: (.*))?$/.exec(line.replace(/\r$/, ''));
  if (!m) throw new VirshError('virsh event', `unexpected line "${line.slice(0, 100)}"`);
  return { event: m[1], domain: m[2], detail: m[3] ?? '' };
}

export function parseCpuModelName(out: string): string {
  const m = /^model name\s*:\s*(.+)$/m.exec(out);
  if (!m) throw new VirshError('grep model name /proc/cpuinfo', 'no "model name" line');
  return m[1].trim();
}

export { int as parseIntStrict };
