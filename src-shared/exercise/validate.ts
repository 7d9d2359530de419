/**
 * Validation of an exercise file's parsed content (YAML or JSON, parsed outside): every field of the
 * format (format.ts), every predicate and expression, unique ids, and — when the caller knows them —
 * that counters exist for the entity they name and that the scenario exists.
 *
 * - `validateExercise(content, knowledge?)` → `{ exercise }` or `{ problems }`, each problem with the
 *   `path` of the offending field (`['steps', 2, 'checks', 0, 'counter', 'over']`) and a message that
 *   names it; the file loader turns paths into `file:line:col` (node/exercise/exerciseFiles.ts).
 * - `formatPath(path)` → `steps[2].checks[0].counter.over`.
 *
 * Rules: objects are closed (an unknown key is an error, with "did you mean" when it is close to a known
 * one); all problems are collected (up to MAX_PROBLEMS) so an author fixes a file in one pass. Pure: no
 * imports outside src-shared.
 */
import type { Exercise, MigrationChartSeries } from './format';
import {
  AGGREGATES, AVAILABILITY_CLUSTER_FIELDS, AVAILABILITY_DESIGN_FIELDS, COMPARISON_KEYS, COUNTER_AS, EFFECTIVE_PAGINGS, ENTITY_KEYS, EVENT_FIELDS, EXERCISE_FORMAT_VERSION, EXPR_KINDS,
  GUEST_STATES, HOST_FIELDS, MIGRATION_CHART_SERIES, MIGRATION_CHART_UNITS, MIGRATION_FIELDS, MONITORS, PAGINGS, PLACEMENT_ALGOS, PLACEMENT_DEMANDS, PLACEMENT_FIELDS, POWER_STATES, PREDICATE_KINDS, SINCE_VALUES, TASK_FIELDS,
  TASK_STATES, VM_FIELDS, WHICH_VALUES,
} from './format';
import { durationMs } from './duration';
import { MIGRATION_MODES, STOP_RULES } from '../model/migration';

export type Path = (string | number)[];
export interface ExerciseProblem {
  path: Path;
  message: string;
}

/** What the loader knows about the lab, for checks beyond the file's own shape. */
export interface ExerciseKnowledge {
  /** Counter catalogue: name → entity types, unit and rollup. */
  counters?: ReadonlyMap<string, { entityTypes: readonly string[]; unit: string; rollup: string }>;
  /** Scenario names the lab can load. */
  scenarios?: ReadonlySet<string>;
}

const MAX_PROBLEMS = 50;
const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const MARKDOWN_MAX = 20_000;

export function formatPath(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(file)';
}

function isObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return typeof v === 'string' ? `the text ${JSON.stringify(v.length > 30 ? `${v.slice(0, 27)}…` : v)}` : `${typeof v} ${String(v)}`;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

function suggestion(key: string, known: readonly string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const k of known) {
    const dd = distance(key.toLowerCase(), k.toLowerCase());
    if (dd < bestD) { bestD = dd; best = k; }
  }
  return best && bestD <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

class Validator {
  readonly problems: ExerciseProblem[] = [];
  constructor(readonly knowledge: ExerciseKnowledge) {}

  fail(path: Path, message: string): false {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ path, message });
    return false;
  }

  /** A closed mapping: every key known, every required key present. */
  object(v: unknown, path: Path, allowed: readonly string[], required: readonly string[] = [], what = 'a mapping'): v is Record<string, unknown> {
    if (!isObject(v)) return this.fail(path, `expected ${what}, got ${typeName(v)}`);
    let ok = true;
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k)) ok = this.fail([...path, k], `"${k}" is not a field here${suggestion(k, allowed)}; allowed: ${allowed.join(', ')}`);
    }
    for (const k of required) if (v[k] === undefined) ok = this.fail([...path, k], `"${k}" is required`);
    return ok;
  }

  string(v: unknown, path: Path, opts: { min?: number; max?: number; pattern?: RegExp; patternText?: string } = {}): v is string {
    if (typeof v !== 'string') return this.fail(path, `expected text, got ${typeName(v)}`);
    if (v.length < (opts.min ?? 1)) return this.fail(path, 'must not be empty');
    if (v.length > (opts.max ?? 200)) return this.fail(path, `must be at most ${opts.max ?? 200} characters`);
    if (opts.pattern && !opts.pattern.test(v)) return this.fail(path, `must be ${opts.patternText ?? `like ${opts.pattern}`}`);
    return true;
  }

  markdown(v: unknown, path: Path): v is string {
    return this.string(v, path, { max: MARKDOWN_MAX });
  }

  number(v: unknown, path: Path, opts: { min?: number; max?: number; int?: boolean } = {}): v is number {
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(path, `expected a number, got ${typeName(v)}`);
    if (opts.int && !Number.isInteger(v)) return this.fail(path, `expected a whole number, got ${v}`);
    if (opts.min !== undefined && v < opts.min) return this.fail(path, `must be ≥ ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) return this.fail(path, `must be ≤ ${opts.max}`);
    return true;
  }

  bool(v: unknown, path: Path): v is boolean {
    return typeof v === 'boolean' ? true : this.fail(path, `expected true or false, got ${typeName(v)}`);
  }

  oneOf<T extends string | number>(v: unknown, path: Path, values: readonly T[]): v is T {
    return (values as readonly unknown[]).includes(v)
      ? true
      : this.fail(path, `expected one of ${values.join(', ')}, got ${typeName(v)}${typeof v === 'string' ? suggestion(v, values.map(String)) : ''}`);
  }

  list(v: unknown, path: Path, opts: { min?: number; max?: number } = {}): v is unknown[] {
    if (!Array.isArray(v)) return this.fail(path, `expected a list, got ${typeName(v)}`);
    if (v.length < (opts.min ?? 0)) return this.fail(path, `needs at least ${opts.min} item${opts.min === 1 ? '' : 's'}`);
    if (v.length > (opts.max ?? 500)) return this.fail(path, `must have at most ${opts.max ?? 500} items`);
    return true;
  }

  duration(v: unknown, path: Path): boolean {
    if (typeof v !== 'number' && typeof v !== 'string') return this.fail(path, `expected a duration like 30s or 5m, got ${typeName(v)}`);
    const ms = durationMs(v);
    if (!Number.isFinite(ms)) return this.fail(path, `expected a duration like 500ms, 30s, 5m or 1h, got ${typeName(v)}`);
    if (ms <= 0 || ms > 31_536_000_000) return this.fail(path, 'must be more than 0 and at most a year');
    return true;
  }

  /** Optional fields: validate only when present. */
  opt(o: Record<string, unknown>, key: string, path: Path, check: (v: unknown, p: Path) => unknown): void {
    if (o[key] !== undefined) check(o[key], [...path, key]);
  }
}

/** A plain number (equals) or a mapping of bounds. */
function numberMatch(V: Validator, v: unknown, path: Path): void {
  if (typeof v === 'number') { V.number(v, path); return; }
  if (!V.object(v, path, COMPARISON_KEYS, [], 'a number or a comparison like { atLeast: 2 }')) return;
  comparisonFields(V, v, path, true);
}

/** The comparison fields of a mapping (counter and compare predicates carry them inline). */
function comparisonFields(V: Validator, o: Record<string, unknown>, path: Path, required: boolean): void {
  let any = false;
  for (const k of COMPARISON_KEYS) {
    if (o[k] === undefined) continue;
    any = true;
    if (k === 'between') {
      const b = o[k];
      if (V.list(b, [...path, k], { min: 2, max: 2 }) && V.number(b[0], [...path, k, 0]) && V.number(b[1], [...path, k, 1]) && b[0] > b[1]) {
        V.fail([...path, k], 'the lower bound must come first');
      }
    } else V.number(o[k], [...path, k]);
  }
  if (required && !any) V.fail(path, `needs a comparison: one of ${COMPARISON_KEYS.join(', ')}`);
}

const entityName = (V: Validator, v: unknown, p: Path) => V.string(v, p, { max: 80 });

function counterSource(V: Validator, o: Record<string, unknown>, path: Path, needEntity: boolean): void {
  const entities = ENTITY_KEYS.filter((k) => o[k] !== undefined);
  if (needEntity && entities.length !== 1) V.fail(path, `name exactly one of ${ENTITY_KEYS.join(', ')} (the object whose counter is read)`);
  for (const k of entities) entityName(V, o[k], [...path, k]);
  if (V.string(o.name, [...path, 'name'], { min: 3, max: 80, pattern: /^[A-Za-z]+\.[A-Za-z]+\.[a-z]+$/, patternText: 'a counter name like cpu.ready.summation' })) {
    const info = V.knowledge.counters?.get(o.name as string);
    if (V.knowledge.counters && !info) V.fail([...path, 'name'], `no counter "${o.name as string}" in the lab's catalogue`);
    if (info && entities.length === 1 && !info.entityTypes.includes(entities[0])) {
      V.fail([...path, 'name'], `counter "${o.name as string}" is not kept for a ${entities[0]} (only for ${info.entityTypes.join(', ')})`);
    }
    if (info && o.as === 'percent' && !(info.unit === 'ms' && info.rollup === 'summation')) {
      V.fail([...path, 'as'], `"as: percent" turns a time counter (ms, summation) into a share of time; ${o.name as string} is in ${info.unit}`);
    }
  }
  V.opt(o, 'over', path, (v, p) => V.duration(v, p));
  V.opt(o, 'since', path, (v, p) => V.oneOf(v, p, SINCE_VALUES));
  V.opt(o, 'aggregate', path, (v, p) => V.oneOf(v, p, AGGREGATES));
  V.opt(o, 'as', path, (v, p) => V.oneOf(v, p, COUNTER_AS));
}

const COUNTER_FIELDS = ['vm', 'host', 'cluster', 'datacenter', 'name', 'over', 'since', 'aggregate', 'as'] as const;
const TASK_SELECTOR = ['operation', 'target', 'state', 'since'] as const;
const EVENT_SELECTOR = ['type', 'entity', 'since'] as const;
const MIGRATION_SELECTOR = ['vm', 'state', 'since', 'mode', 'stopRule', 'to', 'compressed', 'autoConverge', 'xbzrle', 'dedup'] as const;
const PLACEMENT_SELECTOR = ['cluster', 'algo', 'demand', 'vms', 'standbyHosts'] as const;

function placementSelector(V: Validator, o: Record<string, unknown>, path: Path): void {
  entityName(V, o.cluster, [...path, 'cluster']);
  V.oneOf(o.algo, [...path, 'algo'], PLACEMENT_ALGOS);
  V.opt(o, 'demand', path, (v, p) => V.oneOf(v, p, PLACEMENT_DEMANDS));
  V.opt(o, 'standbyHosts', path, (v, p) => V.oneOf(v, p, ['off', 'available'] as const));
  V.opt(o, 'vms', path, (v, p) => {
    if (!V.list(v, p, { min: 1, max: 200 })) return;
    const seen = new Set<unknown>();
    v.forEach((x, i) => {
      if (entityName(V, x, [...p, i]) && seen.has(x)) V.fail([...p, i], `VM "${x as string}" is listed twice`);
      seen.add(x);
    });
  });
}

const AVAILABILITY_SELECTOR = ['design', 'groups', 'combine', 'cluster', 'mtbfH', 'mttrH'] as const;
const AVAILABILITY_GROUP = ['name', 'availability', 'mtbfH', 'mttrH', 'need', 'scheme'] as const;

/** Exactly one of `design: saved`, `groups` or `cluster`; returns which (for the field's check). */
function availabilitySelector(V: Validator, o: Record<string, unknown>, path: Path): 'design' | 'cluster' | undefined {
  const kinds = (['design', 'groups', 'cluster'] as const).filter((k) => o[k] !== undefined);
  if (kinds.length !== 1) { V.fail(path, `an availability expression names one of design: saved, groups or cluster${kinds.length ? `, found ${kinds.join(' and ')}` : ''}`); return undefined; }
  if (kinds[0] === 'cluster') {
    entityName(V, o.cluster, [...path, 'cluster']);
    V.number(o.mtbfH, [...path, 'mtbfH'], { min: 1, max: 1e7 });
    V.number(o.mttrH, [...path, 'mttrH'], { min: 0.01, max: 1e5 });
    if (o.combine !== undefined) V.fail([...path, 'combine'], 'combine goes with groups');
    return 'cluster';
  }
  for (const k of ['mtbfH', 'mttrH'] as const) if (o[k] !== undefined) V.fail([...path, k], `${k} goes with cluster (a group has its own)`);
  if (kinds[0] === 'design') {
    V.oneOf(o.design, [...path, 'design'], ['saved'] as const);
    if (o.combine !== undefined) V.fail([...path, 'combine'], 'a saved design has its own combine');
    return 'design';
  }
  V.opt(o, 'combine', path, (v, p) => V.oneOf(v, p, ['series', 'parallel'] as const));
  if (V.list(o.groups, [...path, 'groups'], { min: 1, max: 32 })) {
    o.groups.forEach((g, i) => {
      const p = [...path, 'groups', i];
      if (!V.object(g, p, AVAILABILITY_GROUP, ['name', 'need', 'scheme'])) return;
      V.string(g.name, [...p, 'name'], { min: 1, max: 80 });
      V.number(g.need, [...p, 'need'], { min: 1, max: 64, int: true });
      V.oneOf(g.scheme, [...p, 'scheme'], ['N', 'N+1', '2N', '2N+1'] as const);
      if (g.availability !== undefined) V.number(g.availability, [...p, 'availability'], { min: 0, max: 1 });
      else if (g.mtbfH === undefined || g.mttrH === undefined) V.fail(p, 'a group gives its availability, or both mtbfH and mttrH');
      if (g.mtbfH !== undefined) V.number(g.mtbfH, [...p, 'mtbfH'], { min: 0.001, max: 1e9 });
      if (g.mttrH !== undefined) V.number(g.mttrH, [...p, 'mttrH'], { min: 0, max: 1e6 });
    });
  }
  return 'design';
}

function taskSelector(V: Validator, o: Record<string, unknown>, path: Path): void {
  V.string(o.operation, [...path, 'operation'], { max: 64, pattern: /^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)+$/, patternText: 'an operation name like vm.powerOn' });
  V.opt(o, 'target', path, (v, p) => entityName(V, v, p));
  V.opt(o, 'state', path, (v, p) => V.oneOf(v, p, TASK_STATES));
  V.opt(o, 'since', path, (v, p) => V.oneOf(v, p, SINCE_VALUES));
}

function eventSelector(V: Validator, o: Record<string, unknown>, path: Path): void {
  V.string(o.type, [...path, 'type'], { max: 80, pattern: /^[A-Z][A-Za-z]*$/, patternText: 'an event type like VmPoweredOnEvent' });
  V.opt(o, 'entity', path, (v, p) => entityName(V, v, p));
  V.opt(o, 'since', path, (v, p) => V.oneOf(v, p, SINCE_VALUES));
}

function migrationSelector(V: Validator, o: Record<string, unknown>, path: Path): void {
  entityName(V, o.vm, [...path, 'vm']);
  V.opt(o, 'state', path, (v, p) => V.oneOf(v, p, TASK_STATES));
  V.opt(o, 'since', path, (v, p) => V.oneOf(v, p, SINCE_VALUES));
  V.opt(o, 'mode', path, (v, p) => V.oneOf(v, p, MIGRATION_MODES));
  V.opt(o, 'stopRule', path, (v, p) => V.oneOf(v, p, STOP_RULES));
  V.opt(o, 'to', path, (v, p) => entityName(V, v, p));
  V.opt(o, 'compressed', path, (v, p) => V.bool(v, p));
  V.opt(o, 'autoConverge', path, (v, p) => V.bool(v, p));
  V.opt(o, 'xbzrle', path, (v, p) => V.bool(v, p));
  V.opt(o, 'dedup', path, (v, p) => V.bool(v, p));
}

/** Exactly one kind key out of `kinds`; returns it. */
function kindOf(V: Validator, o: Record<string, unknown>, path: Path, kinds: readonly string[], extra: readonly string[], what: string): string | undefined {
  const present = kinds.filter((k) => o[k] !== undefined);
  if (present.length === 1) {
    for (const k of Object.keys(o)) {
      if (!kinds.includes(k) && !extra.includes(k)) V.fail([...path, k], `"${k}" is not a field of a ${present[0]} ${what}${suggestion(k, [...extra])}`);
    }
    return present[0];
  }
  if (present.length === 0) {
    const unknown = Object.keys(o).find((k) => !extra.includes(k));
    V.fail(unknown ? [...path, unknown] : path, `a ${what} names one of ${kinds.join(', ')}${unknown ? `; "${unknown}" is none of them${suggestion(unknown, kinds)}` : ''}`);
  } else V.fail([...path, present[1]], `a ${what} has one kind, found ${present.join(' and ')}${what === 'check' ? ' (combine checks with all: [...])' : ''}`);
  return undefined;
}

function validateExpr(V: Validator, v: unknown, path: Path, depth = 0): void {
  if (typeof v === 'number') { V.number(v, path); return; }
  if (depth > 8) { V.fail(path, 'expression nested too deeply'); return; }
  if (!isObject(v)) { V.fail(path, `expected a number or an expression like { host: esx-01, field: cores }, got ${typeName(v)}`); return; }
  const kind = kindOf(V, v, path, EXPR_KINDS, ['field'], 'expression');
  if (!kind) return;
  const p = [...path, kind];
  const body = v[kind];
  switch (kind) {
    case 'host':
    case 'vm':
      entityName(V, body, p);
      V.oneOf(v.field, [...path, 'field'], kind === 'host' ? HOST_FIELDS : VM_FIELDS);
      return;
    case 'counter':
      if (V.object(body, p, COUNTER_FIELDS, ['name'])) counterSource(V, body, p, true);
      if (v.field !== undefined) V.fail([...path, 'field'], 'a counter expression has no field');
      return;
    case 'task':
      if (V.object(body, p, [...TASK_SELECTOR, 'which'], ['operation'])) {
        taskSelector(V, body, p);
        V.opt(body, 'which', p, (x, q) => V.oneOf(x, q, WHICH_VALUES));
      }
      V.oneOf(v.field, [...path, 'field'], TASK_FIELDS);
      return;
    case 'event':
      if (V.object(body, p, [...EVENT_SELECTOR, 'which'], ['type'])) {
        eventSelector(V, body, p);
        V.opt(body, 'which', p, (x, q) => V.oneOf(x, q, WHICH_VALUES));
      }
      V.oneOf(v.field, [...path, 'field'], EVENT_FIELDS);
      return;
    case 'between':
      if (V.object(body, p, ['from', 'to'], ['from', 'to'])) {
        if (V.object(body.from, [...p, 'from'], [...EVENT_SELECTOR, 'which'], ['type'])) {
          eventSelector(V, body.from, [...p, 'from']);
          V.opt(body.from, 'which', [...p, 'from'], (x, q) => V.oneOf(x, q, WHICH_VALUES));
        }
        if (V.object(body.to, [...p, 'to'], EVENT_SELECTOR, ['type'])) eventSelector(V, body.to, [...p, 'to']);
      }
      if (v.field !== undefined) V.fail([...path, 'field'], 'a between expression has no field');
      return;
    case 'migration':
      if (V.object(body, p, [...MIGRATION_SELECTOR, 'which'], ['vm'])) {
        migrationSelector(V, body, p);
        V.opt(body, 'which', p, (x, q) => V.oneOf(x, q, WHICH_VALUES));
      }
      V.oneOf(v.field, [...path, 'field'], MIGRATION_FIELDS);
      return;
    case 'placement':
      if (V.object(body, p, PLACEMENT_SELECTOR, ['cluster', 'algo'])) placementSelector(V, body, p);
      V.oneOf(v.field, [...path, 'field'], PLACEMENT_FIELDS);
      return;
    case 'availability': {
      const which = V.object(body, p, AVAILABILITY_SELECTOR) ? availabilitySelector(V, body, p) : undefined;
      if (which === 'cluster') V.oneOf(v.field, [...path, 'field'], AVAILABILITY_CLUSTER_FIELDS);
      else if (which === 'design') V.oneOf(v.field, [...path, 'field'], AVAILABILITY_DESIGN_FIELDS);
      return;
    }
    default: {
      const pair = kind === 'ratio' || kind === 'difference';
      if (V.list(body, p, pair ? { min: 2, max: 2 } : { min: 1, max: 16 })) body.forEach((x, i) => validateExpr(V, x, [...p, i], depth + 1));
      if (v.field !== undefined) V.fail([...path, 'field'], `a ${kind} expression has no field`);
    }
  }
}

function validateCheck(V: Validator, v: unknown, path: Path, depth = 0): void {
  if (depth > 8) { V.fail(path, 'checks nested too deeply'); return; }
  if (!isObject(v)) { V.fail(path, `expected a check like { vm: { name: web-01, powerState: poweredOn } }, got ${typeName(v)}`); return; }
  V.opt(v, 'label', path, (x, p) => V.string(x, p, { max: 200 }));
  const kind = kindOf(V, v, path, PREDICATE_KINDS, ['label'], 'check');
  if (!kind) return;
  const p = [...path, kind];
  const b = v[kind];
  switch (kind) {
    case 'vm':
      if (!V.object(b, p, ['name', 'exists', 'powerState', 'guestState', 'host', 'cluster', 'monitor', 'paging', 'runs', 'pageTableLevels', 'workload', 'vcpus', 'memoryMiB', 'snapshots', 'template', 'count'])) return;
      V.opt(b, 'name', p, (x, q) => entityName(V, x, q));
      V.opt(b, 'exists', p, (x, q) => V.bool(x, q));
      V.opt(b, 'powerState', p, (x, q) => V.oneOf(x, q, POWER_STATES));
      V.opt(b, 'guestState', p, (x, q) => V.oneOf(x, q, GUEST_STATES));
      V.opt(b, 'host', p, (x, q) => entityName(V, x, q));
      V.opt(b, 'cluster', p, (x, q) => entityName(V, x, q));
      V.opt(b, 'monitor', p, (x, q) => V.oneOf(x, q, MONITORS));
      V.opt(b, 'paging', p, (x, q) => V.oneOf(x, q, PAGINGS));
      V.opt(b, 'runs', p, (x, q) => V.oneOf(x, q, EFFECTIVE_PAGINGS));
      V.opt(b, 'pageTableLevels', p, (x, q) => V.oneOf(x, q, [2, 4]));
      V.opt(b, 'workload', p, (x, q) => V.string(x, q, { max: 64 }));
      for (const k of ['vcpus', 'memoryMiB', 'snapshots', 'count']) V.opt(b, k, p, (x, q) => numberMatch(V, x, q));
      V.opt(b, 'template', p, (x, q) => V.bool(x, q));
      if (b.count !== undefined && b.name !== undefined) V.fail([...p, 'count'], 'count applies when no name is given (how many VMs must match)');
      if (b.exists === false && Object.keys(b).some((k) => k !== 'name' && k !== 'exists')) V.fail([...p, 'exists'], 'a VM that must not exist has no other fields to check');
      return;
    case 'host':
      if (!V.object(b, p, ['name', 'inMaintenanceMode', 'connectionState', 'powerState', 'vms', 'poweredOnVms'], ['name'])) return;
      entityName(V, b.name, [...p, 'name']);
      V.opt(b, 'inMaintenanceMode', p, (x, q) => V.bool(x, q));
      V.opt(b, 'connectionState', p, (x, q) => V.oneOf(x, q, ['connected', 'disconnected', 'notResponding']));
      V.opt(b, 'powerState', p, (x, q) => V.oneOf(x, q, ['poweredOn', 'poweredOff', 'standBy']));
      V.opt(b, 'vms', p, (x, q) => numberMatch(V, x, q));
      V.opt(b, 'poweredOnVms', p, (x, q) => numberMatch(V, x, q));
      return;
    case 'snapshot':
      if (!V.object(b, p, ['vm', 'name', 'memory', 'quiesced', 'count'])) return;
      V.opt(b, 'vm', p, (x, q) => entityName(V, x, q));
      V.opt(b, 'name', p, (x, q) => V.string(x, q, { max: 80 }));
      V.opt(b, 'memory', p, (x, q) => V.bool(x, q));
      V.opt(b, 'quiesced', p, (x, q) => V.bool(x, q));
      V.opt(b, 'count', p, (x, q) => numberMatch(V, x, q));
      return;
    case 'task':
      if (!V.object(b, p, [...TASK_SELECTOR, 'count', 'durationMs'], ['operation'])) return;
      taskSelector(V, b, p);
      V.opt(b, 'count', p, (x, q) => numberMatch(V, x, q));
      V.opt(b, 'durationMs', p, (x, q) => numberMatch(V, x, q));
      return;
    case 'event':
      if (!V.object(b, p, [...EVENT_SELECTOR, 'count'], ['type'])) return;
      eventSelector(V, b, p);
      V.opt(b, 'count', p, (x, q) => numberMatch(V, x, q));
      return;
    case 'counter':
      if (!V.object(b, p, [...COUNTER_FIELDS, ...COMPARISON_KEYS], ['name'])) return;
      counterSource(V, b, p, true);
      comparisonFields(V, b, p, true);
      return;
    case 'console':
      if (!V.object(b, p, ['vm', 'contains', 'notContains'], ['vm'])) return;
      entityName(V, b.vm, [...p, 'vm']);
      for (const k of ['contains', 'notContains']) {
        V.opt(b, k, p, (x, q) => {
          if (Array.isArray(x)) { if (V.list(x, q, { min: 1, max: 20 })) x.forEach((s, i) => V.string(s, [...q, i], { max: 400 })); } else V.string(x, q, { max: 400 });
        });
      }
      if (b.contains === undefined && b.notContains === undefined) V.fail(p, 'needs contains or notContains');
      return;
    case 'migration':
      if (!V.object(b, p, [...MIGRATION_SELECTOR, 'downtimeMs', 'count'], ['vm'])) return;
      migrationSelector(V, b, p);
      V.opt(b, 'downtimeMs', p, (x, q) => numberMatch(V, x, q));
      V.opt(b, 'count', p, (x, q) => numberMatch(V, x, q));
      return;
    case 'compare':
      if (!V.object(b, p, ['value', ...COMPARISON_KEYS], ['value'])) return;
      validateExpr(V, b.value, [...p, 'value']);
      comparisonFields(V, b, p, true);
      return;
    case 'all':
    case 'any':
      if (V.list(b, p, { min: 1, max: 32 })) b.forEach((x, i) => validateCheck(V, x, [...p, i], depth + 1));
      return;
    case 'not':
      validateCheck(V, b, p, depth + 1);
  }
}

function validateQuestion(V: Validator, v: unknown, path: Path, ids: Map<string, string>): void {
  if (!isObject(v)) { V.fail(path, `expected a question, got ${typeName(v)}`); return; }
  if (V.string(v.id, [...path, 'id'], { pattern: ID, patternText: 'lower-case letters, digits and dashes' })) {
    const where = formatPath(path);
    if (ids.has(v.id as string)) V.fail([...path, 'id'], `question id "${v.id as string}" is already used at ${ids.get(v.id as string)}`);
    else ids.set(v.id as string, where);
  }
  if (v.prompt === undefined) V.fail([...path, 'prompt'], '"prompt" is required');
  else V.markdown(v.prompt, [...path, 'prompt']);
  V.opt(v, 'explain', path, (x, q) => V.markdown(x, q));
  const kind = kindOf(V, v, path, ['number', 'choice', 'text'], ['id', 'prompt', 'explain'], 'question');
  if (!kind) return;
  const p = [...path, kind];
  const b = v[kind];
  if (kind === 'number') {
    if (!V.object(b, p, ['answer', 'tolerance', 'unit'], ['answer'])) return;
    validateExpr(V, b.answer, [...p, 'answer']);
    V.opt(b, 'tolerance', p, (x, q) => {
      if (typeof x === 'number') V.number(x, q, { min: 0 });
      else if (!(typeof x === 'string' && /^[0-9]+(\.[0-9]+)?%$/.test(x))) V.fail(q, `expected a number or a percentage like "10%", got ${typeName(x)}`);
    });
    V.opt(b, 'unit', p, (x, q) => V.string(x, q, { max: 40 }));
  } else if (kind === 'choice') {
    if (!V.object(b, p, ['options'], ['options'])) return;
    if (!V.list(b.options, [...p, 'options'], { min: 2, max: 12 })) return;
    let correct = 0;
    b.options.forEach((o, i) => {
      const q = [...p, 'options', i];
      if (!V.object(o, q, ['text', 'correct'], ['text'], 'an option like { text: ..., correct: true }')) return;
      V.string(o.text, [...q, 'text'], { max: 400 });
      if (o.correct !== undefined && V.bool(o.correct, [...q, 'correct']) && o.correct) correct++;
    });
    if (correct === 0) V.fail([...p, 'options'], 'mark at least one option correct: true');
  } else {
    if (b === null || b === undefined) return;
    if (!V.object(b, p, ['minWords', 'modelAnswer'])) return;
    V.opt(b, 'minWords', p, (x, q) => V.number(x, q, { min: 0, max: 2000, int: true }));
    V.opt(b, 'modelAnswer', p, (x, q) => V.markdown(x, q));
  }
}

function validateStep(V: Validator, v: unknown, path: Path, stepIds: Set<string>, questionIds: Map<string, string>): void {
  if (!V.object(v, path, ['id', 'title', 'instructions', 'hints', 'checks', 'questions'], ['id', 'title', 'instructions'])) {
    if (!isObject(v)) return;
  }
  const s = v as Record<string, unknown>;
  if (V.string(s.id, [...path, 'id'], { pattern: ID, patternText: 'lower-case letters, digits and dashes' })) {
    if (stepIds.has(s.id as string)) V.fail([...path, 'id'], `step id "${s.id as string}" is used twice`);
    stepIds.add(s.id as string);
  }
  if (s.title !== undefined) V.string(s.title, [...path, 'title'], { max: 120 });
  if (s.instructions !== undefined) V.markdown(s.instructions, [...path, 'instructions']);
  V.opt(s, 'hints', path, (x, q) => { if (V.list(x, q, { max: 10 })) x.forEach((h, i) => V.markdown(h, [...q, i])); });
  V.opt(s, 'checks', path, (x, q) => { if (V.list(x, q, { max: 32 })) x.forEach((c, i) => validateCheck(V, c, [...q, i])); });
  V.opt(s, 'questions', path, (x, q) => { if (V.list(x, q, { max: 20 })) x.forEach((c, i) => validateQuestion(V, c, [...q, i], questionIds)); });
}

function validateReport(V: Validator, v: unknown, path: Path): void {
  if (!V.object(v, path, ['charts', 'tables'])) return;
  V.opt(v, 'charts', path, (x, q) => {
    if (!V.list(x, q, { max: 20 })) return;
    x.forEach((c, i) => {
      const p = [...q, i];
      if (!V.object(c, p, ['title', 'vm', 'host', 'cluster', 'datacenter', 'counters', 'migrations', 'series'], ['title'])) return;
      V.string(c.title, [...p, 'title'], { max: 120 });
      const entities = ENTITY_KEYS.filter((k) => c[k] !== undefined);
      if (c.migrations !== undefined) {
        // A migration chart: the round tables of the selected migrations, no entity and no counters.
        for (const k of [...entities, ...(c.counters !== undefined ? ['counters'] : [])]) V.fail([...p, k], `a chart of migrations draws their round tables ("series"); "${k}" belongs to a counter chart`);
        if (V.object(c.migrations, [...p, 'migrations'], MIGRATION_SELECTOR, ['vm'])) migrationSelector(V, c.migrations, [...p, 'migrations']);
        if (c.series === undefined) V.fail([...p, 'series'], `"series" is required: one or more of ${MIGRATION_CHART_SERIES.join(', ')}`);
        else if (V.list(c.series, [...p, 'series'], { min: 1, max: 4 })) {
          c.series.forEach((n, j) => V.oneOf(n, [...p, 'series', j], MIGRATION_CHART_SERIES));
          const units = new Set(c.series.map((n) => MIGRATION_CHART_UNITS[n as MigrationChartSeries]).filter(Boolean));
          if (units.size > 2) V.fail([...p, 'series'], `a chart has two y axes; these series need ${units.size} (${[...units].join(', ')})`);
        }
        return;
      }
      if (c.series !== undefined) V.fail([...p, 'series'], '"series" belongs to a chart of "migrations"; a counter chart names "counters"');
      if (entities.length !== 1) V.fail(p, `name exactly one of ${ENTITY_KEYS.join(', ')} (or "migrations" for a chart of migration rounds)`);
      for (const k of entities) entityName(V, c[k], [...p, k]);
      if (c.counters === undefined) V.fail([...p, 'counters'], '"counters" is required');
      else if (V.list(c.counters, [...p, 'counters'], { min: 1, max: 6 })) {
        c.counters.forEach((n, j) => {
          if (!V.string(n, [...p, 'counters', j], { max: 80 })) return;
          const info = V.knowledge.counters?.get(n as string);
          if (V.knowledge.counters && !info) V.fail([...p, 'counters', j], `no counter "${n as string}" in the lab's catalogue`);
          else if (info && entities.length === 1 && !info.entityTypes.includes(entities[0])) V.fail([...p, 'counters', j], `counter "${n as string}" is not kept for a ${entities[0]}`);
        });
      }
    });
  });
  V.opt(v, 'tables', path, (x, q) => {
    if (!V.list(x, q, { max: 20 })) return;
    x.forEach((t, i) => {
      const p = [...q, i];
      if (!V.object(t, p, ['title', 'rows', 'columns'], ['title', 'rows', 'columns'])) return;
      V.string(t.title, [...p, 'title'], { max: 120 });
      if (V.list(t.rows, [...p, 'rows'], { min: 1, max: 50 })) {
        t.rows.forEach((r, j) => {
          const rp = [...p, 'rows', j];
          if (!V.object(r, rp, ['label', 'vm', 'host', 'cluster'])) return;
          V.opt(r, 'label', rp, (y, yp) => V.string(y, yp, { max: 80 }));
          const ents = ['vm', 'host', 'cluster'].filter((k) => r[k] !== undefined);
          if (ents.length !== 1) V.fail(rp, 'a row names exactly one of vm, host, cluster');
          for (const k of ents) entityName(V, r[k], [...rp, k]);
        });
      }
      if (V.list(t.columns, [...p, 'columns'], { min: 1, max: 12 })) {
        t.columns.forEach((c, j) => {
          const cp = [...p, 'columns', j];
          if (!V.object(c, cp, ['label', 'counter', 'field'], ['label'])) return;
          V.string(c.label, [...cp, 'label'], { max: 80 });
          if ((c.counter === undefined) === (c.field === undefined)) { V.fail(cp, 'a column has either counter or field'); return; }
          if (c.counter !== undefined && V.object(c.counter, [...cp, 'counter'], COUNTER_FIELDS.filter((k) => !(ENTITY_KEYS as readonly string[]).includes(k)), ['name'])) {
            counterSource(V, c.counter, [...cp, 'counter'], false);
          }
          if (c.field !== undefined) V.oneOf(c.field, [...cp, 'field'], [...new Set<string>([...VM_FIELDS, ...HOST_FIELDS])]);
        });
      }
    });
  });
}

const TOP_FIELDS = ['exercise', 'name', 'title', 'number', 'summary', 'estimatedMinutes', 'concepts', 'scenario', 'seed', 'objectives', 'steps', 'report'];

export function validateExercise(content: unknown, knowledge: ExerciseKnowledge = {}): { exercise: Exercise } | { problems: ExerciseProblem[] } {
  const V = new Validator(knowledge);
  if (!V.object(content, [], TOP_FIELDS, ['exercise', 'name', 'title', 'summary', 'scenario', 'objectives', 'steps'], 'an exercise (a mapping with exercise: 1, name, title, …)')) {
    if (!isObject(content)) return { problems: V.problems };
  }
  const e = content as Record<string, unknown>;
  if (e.exercise !== undefined && e.exercise !== EXERCISE_FORMAT_VERSION) V.fail(['exercise'], `this lab reads exercise format ${EXERCISE_FORMAT_VERSION}, the file says ${typeName(e.exercise)}`);
  if (e.name !== undefined) V.string(e.name, ['name'], { max: 64, pattern: NAME, patternText: 'lower-case letters, digits, dashes and underscores' });
  if (e.title !== undefined) V.string(e.title, ['title'], { max: 120 });
  V.opt(e, 'number', [], (x, q) => V.number(x, q, { min: 0, max: 999, int: true }));
  if (e.summary !== undefined) V.markdown(e.summary, ['summary']);
  V.opt(e, 'estimatedMinutes', [], (x, q) => V.number(x, q, { min: 1, max: 600, int: true }));
  V.opt(e, 'concepts', [], (x, q) => { if (V.list(x, q, { max: 20 })) x.forEach((c, i) => V.markdown(c, [...q, i])); });
  if (e.scenario !== undefined && V.string(e.scenario, ['scenario'], { max: 64, pattern: NAME, patternText: 'a scenario name like lab-small' })) {
    if (knowledge.scenarios && !knowledge.scenarios.has(e.scenario as string)) V.fail(['scenario'], `no scenario "${e.scenario as string}" (known: ${[...knowledge.scenarios].sort().join(', ')})`);
  }
  V.opt(e, 'seed', [], (x, q) => V.number(x, q, { min: 0, max: 2 ** 31 - 1, int: true }));
  if (e.objectives !== undefined && V.list(e.objectives, ['objectives'], { min: 1, max: 20 })) e.objectives.forEach((o, i) => V.markdown(o, ['objectives', i]));
  const stepIds = new Set<string>();
  const questionIds = new Map<string, string>();
  if (e.steps !== undefined && V.list(e.steps, ['steps'], { min: 1, max: 40 })) e.steps.forEach((s, i) => validateStep(V, s, ['steps', i], stepIds, questionIds));
  V.opt(e, 'report', [], (x, q) => validateReport(V, x, q));
  return V.problems.length ? { problems: V.problems } : { exercise: content as unknown as Exercise };
}
