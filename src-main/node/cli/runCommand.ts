/**
 * `hvlab run GUEST [--monitor interp|te|bt|hw|pv] [--levels 2|4] [--until DURATION] [--param k=v …] [--json]
 *  [--cmdline TEXT] [--vcpus N] [--memory MIB] [--mhz N] [--paging native|shadow|nested] [--large-pages]
 *  [--tlb-tagging] [--page-walk-cache] [--dirty-log PERIOD [--dirty-mechanism pml|dirty-bits]]` and `hvlab run --list`: boots one guest machine
 * (src-main/engine/machine) on its own — each vCPU on a dedicated CPU, no datacenter — and runs it
 * until it powers off, crashes, halts for good, or DURATION of virtual time has passed.
 *
 * - GUEST: a `.s` file (includes resolved from its folder; command line = its base name + params)
 *   or a name from resources/guests/guests.json (its source and command line + params);
 *   `--cmdline TEXT` replaces the base command line (e.g. `--cmdline hello` for labos.s).
 * - DURATION: `5s`, `200ms`, `50us`, `1e9cycles` (cycles of the guest clock), a bare number = seconds;
 *   default 1s.
 * - Plain output: the guest's console; a crash is reported on stderr (exit 1).
 * - Memory virtualization (docs/memory-virtualization.md): `--paging shadow` (any monitor but
 *   interp) or `--paging nested` (with `--monitor hw`: hardware 2-D walks); `--large-pages` (the guest
 *   may use PS large pages and the monitor maps memory with large pages); `--tlb-tagging` (the `asid`
 *   register tags TLB entries); `--page-walk-cache` (nested: page-walk cache + nested TLB).
 * - `--dirty-log PERIOD`: the dirty-page log runs from power-on and is read and cleared every PERIOD
 *   of virtual time (QEMU computes its dirty-pages-rate over 1 s periods: `--dirty-log 1s`); the
 *   summary goes to stderr, or into `dirty` with --json. Under nested paging the log is harvested
 *   from a PML-like log (default) or by scanning dirty bits (`--dirty-mechanism dirty-bits`).
 * - `--json`: ONE JSON object {guest, monitor, levels, vcpus, cmdline, paging, state, stoppedBy, crash?,
 *   exitCode?, console, virtualTimeNs, digest, counters, dirty?} (dirty: mechanism, periodNs, syncs,
 *   pagesReported, pagesPerPeriod, rate {mean, peak, last} in pages per virtual second, harvestEntries,
 *   harvestCycles, and the mechanism's guest-side events) (counters: engine/machine CounterReport, with
 *   `counters.paging`; `paging` also reports the monitor memory held by shadow / nested tables).
 * Rule: mistakes in the guest source print `file:line:col: error: …` and exit 1; never a stack trace.
 */
import { basename, extname } from 'node:path';
import { existsSync } from 'node:fs';
import {
  assembleGuest, buildMachine, commandLine, DEFAULT_CLOCK_HZ, findGuest, formatDiagnostics, GuestProgramError, MONITOR_KINDS, pagingStructureBytes, runMachine,
  type AsmImage, type Machine, type MachineConfigInput, type PagingMode, type PagingOptions,
} from '../../engine/index';
import { DirtyLogRecorder } from './dirtyLogRecorder';
import { vmSettingProblem } from '@shared/model/vmLimits';
import { loadGuestCatalogue, loadGuestSources } from '../resources';
import { UsageError } from './args';
import { assembleFile } from './asmCommand';

/** The monitors' names in the course's words (the report says both the flag and the name). */
const MONITOR_NAMES: Readonly<Record<string, string>> = {
  interp: 'interpreter, no monitor', te: 'trap-and-emulate', bt: 'binary translation', hw: 'hardware assist', pv: 'paravirtualization',
};

/** `hvlab … | head` closes stdout early: stop quietly instead of printing an EPIPE stack trace. */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); });
}

const USAGE = 'usage: hvlab run GUEST [--monitor interp|te|bt|hw|pv] [--levels 2|4] [--until DURATION] [--param k=v …] [--json]\n                 [--cmdline TEXT] [--vcpus N] [--memory MIB] [--mhz N]\n                 [--paging native|shadow|nested] [--large-pages] [--tlb-tagging] [--page-walk-cache]\n                 [--dirty-log PERIOD [--dirty-mechanism pml|dirty-bits]]\n       hvlab run --list';

/** Parses a duration into nanoseconds of virtual time (cycles need the clock rate). */
export function parseDuration(raw: string, clockHz: number, option = 'until'): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(ns|us|µs|ms|s|m|cycles?)?\s*$/i.exec(raw);
  if (!m) throw new UsageError(`--${option} needs a duration like 5s, 200ms or 1e9cycles, got "${raw}"`);
  const v = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const ns = unit === 'ns' ? v : unit === 'us' || unit === 'µs' ? v * 1e3 : unit === 'ms' ? v * 1e6 : unit === 's' ? v * 1e9 : unit === 'm' ? v * 60e9 : (v * 1e9) / clockHz;
  if (!(ns > 0) || !Number.isFinite(ns)) throw new UsageError(`--${option} must be a positive duration, got "${raw}"`);
  return ns;
}

interface RunArgs {
  guest?: string;
  list: boolean;
  json: boolean;
  monitor: string;
  levels: 2 | 4;
  until: string;
  params: Record<string, string>;
  vcpus: number;
  memoryMiB: number;
  mhz: number;
  cmdline?: string;
  paging: PagingMode;
  largePages: boolean;
  tlbTagging: boolean;
  pageWalkCache: boolean;
  dirtyLog?: string;
  dirtyMechanism?: 'pml' | 'dirty-bits';
}

function parseRunArgs(argv: string[]): RunArgs {
  const a: RunArgs = {
    list: false, json: false, monitor: 'interp', levels: 2, until: '1s', params: {}, vcpus: 1, memoryMiB: 16, mhz: DEFAULT_CLOCK_HZ / 1e6,
    paging: 'native', largePages: false, tlbTagging: false, pageWalkCache: false,
  };
  const num = (name: string, v: string | undefined, ok: (n: number) => boolean): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || !ok(n)) throw new UsageError(`--${name} needs ${name === 'levels' ? '2 or 4' : 'a positive number'}, got "${v ?? ''}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      if (a.guest !== undefined) throw new UsageError(`one GUEST only (got "${a.guest}" and "${arg}")\n${USAGE}`);
      a.guest = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const value = (): string | undefined => (eq >= 0 ? arg.slice(eq + 1) : argv[++i]);
    switch (name) {
      case 'list': a.list = true; break;
      case 'json': a.json = true; break;
      case 'monitor': {
        const v = value();
        if (!v || !(MONITOR_KINDS as readonly string[]).includes(v)) throw new UsageError(`--monitor must be one of ${MONITOR_KINDS.join(', ')}, got "${v ?? ''}"`);
        a.monitor = v;
        break;
      }
      case 'levels': a.levels = num('levels', value(), (n) => n === 2 || n === 4) as 2 | 4; break;
      case 'until': {
        const v = value();
        if (v === undefined) throw new UsageError('--until needs a duration');
        a.until = v;
        break;
      }
      case 'param': {
        const v = value();
        const m = /^([A-Za-z_][\w.-]*)=(.*)$/.exec(v ?? '');
        if (!m || /\s/.test(m[2])) throw new UsageError(`--param needs key=value (no spaces), got "${v ?? ''}"`);
        a.params[m[1]] = m[2];
        break;
      }
      case 'cmdline': {
        const v = value();
        if (v === undefined) throw new UsageError('--cmdline needs the command-line text');
        a.cmdline = v;
        break;
      }
      case 'vcpus': a.vcpus = num('vcpus', value(), (n) => Number.isInteger(n) && vmSettingProblem('vcpus', n) === undefined); break;
      case 'memory': a.memoryMiB = num('memory', value(), (n) => Number.isInteger(n) && vmSettingProblem('memoryMiB', n) === undefined); break;
      case 'mhz': a.mhz = num('mhz', value(), (n) => n > 0); break;
      case 'paging': {
        const v = value();
        if (v !== 'native' && v !== 'shadow' && v !== 'nested') throw new UsageError(`--paging must be native, shadow or nested, got "${v ?? ''}"`);
        a.paging = v;
        break;
      }
      case 'large-pages': a.largePages = true; break;
      case 'tlb-tagging': a.tlbTagging = true; break;
      case 'page-walk-cache': a.pageWalkCache = true; break;
      case 'dirty-log': {
        const v = value();
        if (v === undefined) throw new UsageError('--dirty-log needs the read-and-clear period, e.g. --dirty-log 1s');
        a.dirtyLog = v;
        break;
      }
      case 'dirty-mechanism': {
        const v = value();
        if (v !== 'pml' && v !== 'dirty-bits') throw new UsageError(`--dirty-mechanism must be pml or dirty-bits, got "${v ?? ''}"`);
        a.dirtyMechanism = v;
        break;
      }
      case 'help': console.log(USAGE); process.exit(0); break;
      default: throw new UsageError(`unknown option --${name}\n${USAGE}`);
    }
  }
  if (a.paging === 'shadow' && a.monitor === 'interp') throw new UsageError('--paging shadow needs a monitor (te, bt, hw, …): interp runs the guest on bare hardware');
  if (a.paging === 'nested' && a.monitor !== 'hw') throw new UsageError(`--paging nested is hardware 2-D paging: use it with --monitor hw (got ${a.monitor})`);
  if (a.dirtyMechanism && a.paging !== 'nested') throw new UsageError('--dirty-mechanism chooses how nested paging harvests the dirty log: use it with --paging nested');
  if (a.dirtyMechanism && a.dirtyLog === undefined) throw new UsageError('--dirty-mechanism needs --dirty-log PERIOD');
  return a;
}

function pagingOptions(a: RunArgs): PagingOptions | undefined {
  if (a.paging === 'native' && !a.largePages && !a.tlbTagging) return undefined;
  return {
    mode: a.paging, largePages: a.largePages, hostLargePages: a.largePages && a.paging !== 'native', tlbTagging: a.tlbTagging,
    ...(a.pageWalkCache ? { pageWalkCache: true } : {}), ...(a.dirtyMechanism ? { dirtyMechanism: a.dirtyMechanism } : {}),
  };
}

function listGuests(): number {
  const cat = loadGuestCatalogue();
  if (cat.guests.length === 0) {
    console.log('no named guests (resources/guests/guests.json is absent or empty); run a .s file: hvlab run FILE.s');
    return 0;
  }
  const w = Math.max(...cat.guests.map((g) => g.name.length));
  for (const g of cat.guests) console.log(`${g.name.padEnd(w)}  ${g.description}`);
  return 0;
}

/**
 * Loads GUEST: a .s file or a catalogue name → image + base command line; diagnostics → null (printed).
 * Under `--monitor pv` a catalogue guest runs its paravirtualized build: source X.s → X-pv.s when
 * that file exists (resources/guests/labos-pv.s: labos with PV defined, docs/monitors.md).
 */
function loadGuest(guest: string, monitor = 'interp'): { image: AsmImage; cmdline: string } | null {
  if (extname(guest) === '.s' || existsSync(guest)) {
    if (!existsSync(guest)) { console.error(`${guest}: error: no such file`); return null; }
    const { result } = assembleFile(guest);
    if (!result.ok) { console.error(formatDiagnostics(result.diagnostics)); return null; }
    return { image: result.image, cmdline: basename(guest).replace(/\.s$/, '') };
  }
  const cat = loadGuestCatalogue();
  const entry = findGuest(cat, guest);
  if (!entry) {
    console.error(`hvlab run: error: unknown guest "${guest}"\n  hint: give a .s file, or one of: ${cat.guests.map((g) => g.name).join(', ') || '(no catalogue yet)'} (hvlab run --list)`);
    return null;
  }
  try {
    const sources = loadGuestSources();
    const pvSource = entry.source.replace(/\.s$/, '-pv.s');
    const source = monitor === 'pv' && sources[pvSource] !== undefined ? pvSource : entry.source;
    return { image: assembleGuest(source, sources), cmdline: entry.cmdline };
  } catch (e) {
    if (e instanceof GuestProgramError) { console.error(e.message); return null; }
    throw e;
  }
}

export async function run(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  const a = parseRunArgs(argv);
  if (a.list) return listGuests();
  if (!a.guest) throw new UsageError(`hvlab run needs a GUEST\n${USAGE}`);
  const clockHz = a.mhz * 1e6;
  const untilNs = parseDuration(a.until, clockHz);
  const dirtyPeriodNs = a.dirtyLog === undefined ? undefined : parseDuration(a.dirtyLog, clockHz, 'dirty-log');
  const loaded = loadGuest(a.guest, a.monitor);
  if (!loaded) return 1;
  const cmdline = commandLine(a.cmdline ?? loaded.cmdline, a.params);
  const paging = pagingOptions(a);
  const config: MachineConfigInput = { vcpus: a.vcpus, memoryBytes: a.memoryMiB * 1024 * 1024, levels: a.levels, monitor: a.monitor, clockHz, cmdline, bootNs: 0, ...(paging ? { paging } : {}) };
  const m = buildMachine({ kind: 'boot', config, image: loaded.image });
  const dirty = dirtyPeriodNs === undefined ? undefined : new DirtyLogRecorder(m, dirtyPeriodNs);
  const outcome = dirty ? dirty.run(untilNs) : runMachine(m, { untilNs });
  const consoleText = m.consoleRead(0).text;
  if (a.json) {
    const out: Record<string, unknown> = {
      guest: a.guest, monitor: a.monitor, levels: a.levels, vcpus: a.vcpus, cmdline, paging: pagingReport(a, m), state: m.state, stoppedBy: outcome.stoppedBy,
    };
    if (m.crash) out.crash = m.crash;
    if (m.exitCode !== null) out.exitCode = m.exitCode;
    Object.assign(out, { console: consoleText, virtualTimeNs: Math.round(outcome.endNs), digest: m.digest(), counters: m.report() });
    if (dirty) out.dirty = dirty.report();
    const debug = m.debugOutput();
    if (debug) out.debugOutput = debug;
    console.log(JSON.stringify(out, null, 2));
  } else {
    process.stdout.write(consoleText);
    if (consoleText && !consoleText.endsWith('\n')) process.stdout.write('\n');
    // What ran goes to stderr, so stdout stays exactly the guest's console.
    console.error(`hvlab run: ${a.guest} under monitor ${a.monitor} (${MONITOR_NAMES[a.monitor] ?? a.monitor}), paging ${a.paging}, ${a.vcpus} vCPU, ${a.levels}-level page tables; stopped by ${outcome.stoppedBy} at ${(outcome.endNs / 1e9).toFixed(3)} s virtual`);
    if (m.crash) {
      const c = m.crash;
      const at = (n: number | undefined): string => (n === undefined ? '?' : `0x${(n >>> 0).toString(16)}`);
      console.error(`hvlab run: the guest crashed: ${c.reason} on vCPU ${c.vcpu} at pc ${at(c.pc)}${c.address !== undefined ? `, address ${at(c.address)}` : ''}`);
    }
    if (dirty) console.error(dirty.summaryLine());
  }
  return m.crash ? 1 : 0;
}

/** The paging configuration and the monitor memory its structures hold (shadow tables, nested table). */
function pagingReport(a: RunArgs, m: Machine): Record<string, unknown> {
  return { mode: a.paging, largePages: a.largePages, tlbTagging: a.tlbTagging, pageWalkCache: a.pageWalkCache, ...pagingStructureBytes(m) };
}
