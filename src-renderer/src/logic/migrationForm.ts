/**
 * The Migrate wizard's form: every technique option `vm.migrate` takes, in the units a student types
 * (MiB/s, ms, s, %, MiB), with its default (QEMU's, from @shared/model/migration) and a one-line
 * explanation; the checks that put an error beside its field; the request it sends.
 *
 * - `MigrateForm`, `defaultMigrateForm()`; `MIGRATE_STEPS` (vSphere's wizard pages + the lab's Technique).
 * - `TECHNIQUE_FIELDS`: the numeric fields (label, unit, default, help, limits in the field's unit).
 * - `validateMigrateForm(form)` → `{ field: message }` (empty when fine); `migrateOptions(form)` → the
 *   `options` of `vm.migrate` (only what applies: post-copy switch for hybrid, a level with a codec).
 * - `migrateFieldOfError(error)` → the form field an engine refusal names, and `stepOfMigrateField`.
 *
 * Rule: limits come from MIGRATION_LIMITS (the engine's own); the last word is `resolveMigrationOptions`,
 * run here too, so the wizard never sends what the engine would refuse for a reason it could have shown.
 */
import type { ApiError } from '@shared/api/errors';
import type { CompressionCodec, MigrationMode, MigrationOptions, StopRule, VmotionPriority } from '@shared/model/migration';
import { COMPRESSION_LEVELS, MIGRATION_DEFAULTS, MIGRATION_LIMITS, isOptionsProblem, resolveMigrationOptions } from '@shared/model/migration';

export const MIGRATE_STEPS = [
  { key: 'type', label: 'Select a migration type' },
  { key: 'compute', label: 'Select a compute resource' },
  { key: 'priority', label: 'Select vMotion priority' },
  { key: 'technique', label: 'Technique (lab)' },
  { key: 'ready', label: 'Ready to complete' },
] as const;
export type MigrateStep = (typeof MIGRATE_STEPS)[number]['key'];

const MiB = 1024 * 1024;

/** Numeric fields, typed as text so an empty or malformed entry can be told apart from a number. */
export type NumericField =
  | 'bandwidthMiBps' | 'linkMbitps' | 'latencyMs' | 'lossPct' | 'cutAtMs' | 'downtimeLimitMs' | 'switchoverMiBps'
  | 'throttleInitialPct' | 'throttleIncrementPct' | 'maxThrottlePct' | 'throttleTriggerPct'
  | 'postcopyAfterRounds' | 'postcopyAfterMs' | 'compressionLevel' | 'channels' | 'xbzrleCacheMiB' | 'timeoutS';

export interface MigrateForm extends Record<NumericField, string> {
  hostId: string;
  priority: VmotionPriority;
  mode: MigrationMode;
  stopRule: StopRule;
  autoConverge: boolean;
  compression: CompressionCodec;
  xbzrle: boolean;
  dedup: boolean;
}

export interface NumericFieldDef {
  key: NumericField;
  label: string;
  unit: string;
  /** Default in the field's unit; '' = off / absent. */
  defaultText: string;
  help: string;
  min: number;
  max: number;
  integer?: boolean;
  /** Empty means "absent" (the option is not sent). */
  optional?: boolean;
  /** The option it sets and how a typed value becomes the option's unit. */
  option: keyof MigrationOptions;
  toOption: (v: number) => number;
}

const D = MIGRATION_DEFAULTS;
const L = MIGRATION_LIMITS;
const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

export const TECHNIQUE_FIELDS: readonly NumericFieldDef[] = [
  {
    key: 'bandwidthMiBps', label: 'Bandwidth limit', unit: 'MiB/s', defaultText: String(D.bandwidthBytesPerS / MiB), option: 'bandwidthBytesPerS',
    help: 'QEMU max-bandwidth: the live phase sends at most this, in 100 ms slices.',
    min: round(L.bandwidthBytesPerS.min / MiB, 4), max: Math.floor(L.bandwidthBytesPerS.max / MiB), toOption: (v) => Math.round(v * MiB),
  },
  {
    key: 'linkMbitps', label: 'Link line rate', unit: 'Mbit/s', defaultText: String(D.linkBytesPerS * 8 / 1e6), option: 'linkBytesPerS',
    help: 'The wire between the hosts: the speed of an unthrottled switchover and of post-copy.',
    min: round(L.linkBytesPerS.min * 8 / 1e6, 4), max: L.linkBytesPerS.max * 8 / 1e6, toOption: (v) => Math.round(v * 1e6 / 8),
  },
  {
    key: 'latencyMs', label: 'Latency', unit: 'ms', defaultText: String(D.latencyMs), option: 'latencyMs',
    help: 'One-way delay of the link.', min: L.latencyMs.min, max: L.latencyMs.max, toOption: (v) => v,
  },
  {
    key: 'lossPct', label: 'Packet loss', unit: '%', defaultText: String(D.loss * 100), option: 'loss',
    help: 'Share of packets lost and sent again (the wire carries more than the stream).',
    min: L.loss.min * 100, max: L.loss.max * 100, toOption: (v) => v / 100,
  },
  {
    key: 'cutAtMs', label: 'Cut the link after', unit: 'ms', defaultText: '', option: 'cutAtMs', optional: true,
    help: 'Fault injection: the link breaks this long after the start. Empty: never.',
    min: L.cutAtMs.min, max: L.cutAtMs.max, toOption: (v) => v,
  },
  {
    key: 'downtimeLimitMs', label: 'Downtime limit', unit: 'ms', defaultText: String(D.downtimeLimitMs), option: 'downtimeLimitMs',
    help: 'QEMU downtime-limit: pre-copy stops when what is left could cross in this time.',
    min: L.downtimeLimitMs.min, max: L.downtimeLimitMs.max, toOption: (v) => v,
  },
  {
    key: 'switchoverMiBps', label: 'Switchover bandwidth', unit: 'MiB/s', defaultText: '0', option: 'switchoverBytesPerS',
    help: 'Cap on the final copy while the VM is stopped; 0 = unthrottled (line rate).',
    min: 0, max: Math.floor(L.switchoverBytesPerS.max / MiB), toOption: (v) => Math.round(v * MiB),
  },
  {
    key: 'throttleInitialPct', label: 'Initial throttle', unit: '%', defaultText: String(D.throttleInitialPct), option: 'throttleInitialPct', integer: true,
    help: 'Auto-converge: the first vCPU slow-down.', min: L.throttleInitialPct.min, max: L.throttleInitialPct.max, toOption: (v) => v,
  },
  {
    key: 'throttleIncrementPct', label: 'Throttle step', unit: '%', defaultText: String(D.throttleIncrementPct), option: 'throttleIncrementPct', integer: true,
    help: 'Auto-converge: added each time the guest still dirties too fast.', min: L.throttleIncrementPct.min, max: L.throttleIncrementPct.max, toOption: (v) => v,
  },
  {
    key: 'maxThrottlePct', label: 'Maximum throttle', unit: '%', defaultText: String(D.maxThrottlePct), option: 'maxThrottlePct', integer: true,
    help: 'Auto-converge: the guest never gets less than the rest of its CPU.', min: L.maxThrottlePct.min, max: L.maxThrottlePct.max, toOption: (v) => v,
  },
  {
    key: 'throttleTriggerPct', label: 'Throttle trigger', unit: '%', defaultText: String(D.throttleTriggerPct), option: 'throttleTriggerPct', integer: true,
    help: 'Auto-converge starts when bytes dirtied in a period exceed this share of bytes sent.', min: L.throttleTriggerPct.min, max: L.throttleTriggerPct.max, toOption: (v) => v,
  },
  {
    key: 'postcopyAfterRounds', label: 'Post-copy after', unit: 'rounds', defaultText: '', option: 'postcopyAfterRounds', optional: true, integer: true,
    help: 'Hybrid: switch to post-copy after this many pre-copy rounds (empty: after the first).',
    min: L.postcopyAfterRounds.min, max: L.postcopyAfterRounds.max, toOption: (v) => v,
  },
  {
    key: 'postcopyAfterMs', label: 'or after', unit: 'ms', defaultText: '', option: 'postcopyAfterMs', optional: true,
    help: 'Hybrid: … or after this long, whichever comes first.', min: L.postcopyAfterMs.min, max: L.postcopyAfterMs.max, toOption: (v) => v,
  },
  {
    key: 'compressionLevel', label: 'Compression level', unit: '', defaultText: '', option: 'compressionLevel', optional: true, integer: true,
    help: 'Higher: smaller pages, more CPU time (charged in virtual time). Empty: the codec default (1).',
    min: 0, max: 22, toOption: (v) => v,
  },
  {
    key: 'channels', label: 'Sender threads', unit: '', defaultText: String(D.channels), option: 'channels', integer: true,
    help: 'QEMU multifd-channels: the compression CPU time is spread over them.', min: L.channels.min, max: L.channels.max, toOption: (v) => v,
  },
  {
    key: 'xbzrleCacheMiB', label: 'XBZRLE cache', unit: 'MiB', defaultText: String(D.xbzrleCacheBytes / MiB), option: 'xbzrleCacheBytes',
    help: 'QEMU xbzrle-cache-size: pages sent before, kept to send only what changed.',
    min: L.xbzrleCacheBytes.min / MiB, max: L.xbzrleCacheBytes.max / MiB, toOption: (v) => Math.round(v * MiB),
  },
  {
    key: 'timeoutS', label: 'Give up after', unit: 's', defaultText: String(D.timeoutMs / 1000), option: 'timeoutMs',
    help: 'A migration still running then is cancelled; the VM stays on the source.',
    min: L.timeoutMs.min / 1000, max: L.timeoutMs.max / 1000, toOption: (v) => Math.round(v * 1000),
  },
];

export const FIELD_DEFS: Readonly<Record<NumericField, NumericFieldDef>> =
  Object.fromEntries(TECHNIQUE_FIELDS.map((f) => [f.key, f])) as Record<NumericField, NumericFieldDef>;

export const MODE_CHOICES: readonly { value: MigrationMode; label: string; help: string }[] = [
  { value: 'stop-copy', label: 'Stop-and-copy', help: 'Suspend, copy every page, resume: downtime is the whole copy.' },
  { value: 'precopy', label: 'Pre-copy', help: 'Copy while the VM runs, resend what it dirties, stop for the last few pages (QEMU and Xen default).' },
  { value: 'postcopy', label: 'Post-copy', help: 'Switch first, then fetch pages on demand when the VM touches them; a link cut loses the VM.' },
  { value: 'hybrid', label: 'Hybrid', help: 'Pre-copy for some rounds, then post-copy for the rest.' },
];
export const STOP_RULE_CHOICES: readonly { value: StopRule; label: string; help: string }[] = [
  { value: 'qemu', label: 'QEMU', help: 'Stop when pending bytes ≤ bandwidth × downtime limit; never if the guest dirties faster.' },
  { value: 'xen', label: 'Xen (migration v2)', help: 'Stop below 50 dirty pages or after 5 iterations, whatever the downtime.' },
  { value: 'xen-classic', label: 'Xen classic', help: 'Stop after 30 iterations, below 50 pages, or once 3× RAM was sent.' },
];
export const CODEC_CHOICES: readonly { value: CompressionCodec; label: string }[] = [
  { value: 'none', label: 'None' }, { value: 'zlib', label: 'zlib (levels 0–9)' },
  { value: 'zstd', label: 'zstd (levels 1–22)' }, { value: 'lz4', label: 'lz4 (one level)' },
];
export const PRIORITY_CHOICES: readonly { value: VmotionPriority; label: string; help: string }[] = [
  { value: 'high', label: 'Schedule vMotion with high priority (recommended)', help: 'The migration gets the whole bandwidth limit.' },
  { value: 'normal', label: 'Schedule normal vMotion', help: 'Shares the link with other traffic: modelled as 60 % of the bandwidth limit.' },
];

export function defaultMigrateForm(hostId = ''): MigrateForm {
  const numeric = Object.fromEntries(TECHNIQUE_FIELDS.map((f) => [f.key, f.defaultText])) as Record<NumericField, string>;
  return {
    ...numeric, hostId, priority: D.priority, mode: D.mode, stopRule: D.stopRule, autoConverge: D.autoConverge,
    compression: D.compression, xbzrle: D.xbzrle, dedup: D.dedup,
  };
}

/** Which numeric fields the chosen technique uses (the others are hidden and not sent). */
export function fieldApplies(form: MigrateForm, key: NumericField): boolean {
  switch (key) {
    case 'throttleInitialPct': case 'throttleIncrementPct': case 'maxThrottlePct': case 'throttleTriggerPct':
      return form.autoConverge && (form.mode === 'precopy' || form.mode === 'hybrid');
    case 'downtimeLimitMs': return form.mode !== 'postcopy';
    case 'postcopyAfterRounds': case 'postcopyAfterMs': return form.mode === 'hybrid';
    case 'compressionLevel': return form.compression !== 'none' && form.compression !== 'lz4';
    case 'channels': return form.compression !== 'none';
    case 'xbzrleCacheMiB': return form.xbzrle;
    default: return true;
  }
}

function describeRange(f: NumericFieldDef, min = f.min, max = f.max): string {
  const unit = f.unit ? (f.unit === '%' ? '%' : ` ${f.unit}`) : '';
  return `${f.label} must be ${f.integer ? 'a whole number' : 'a number'} from ${min}${unit} to ${max}${unit}`;
}

/** The value a field holds, or an error in the user's words. `undefined` value: empty optional field. */
function readField(form: MigrateForm, f: NumericFieldDef): { value?: number; error?: string } {
  const text = form[f.key].trim();
  if (text === '') return f.optional ? {} : { error: `Enter ${f.label.toLowerCase()}${f.unit ? ` in ${f.unit}` : ''}` };
  const v = Number(text);
  let { min, max } = f;
  if (f.key === 'compressionLevel') ({ min, max } = COMPRESSION_LEVELS[form.compression]);
  if (!Number.isFinite(v) || (f.integer && !Number.isInteger(v)) || v < min || v > max) return { error: describeRange(f, min, max) };
  return { value: v };
}

/** Every problem of the form, keyed by field (`hostId`, a numeric field, or `form`). */
export function validateMigrateForm(form: MigrateForm, step?: MigrateStep): Record<string, string> {
  const errors: Record<string, string> = {};
  if ((!step || step === 'compute') && !form.hostId) errors.hostId = 'Select a destination host';
  if (step && step !== 'technique' && step !== 'ready') return errors;
  for (const f of TECHNIQUE_FIELDS) {
    if (!fieldApplies(form, f.key)) continue;
    const r = readField(form, f);
    if (r.error) errors[f.key] = r.error;
  }
  if (!errors.xbzrleCacheMiB && form.xbzrle && Math.round(Number(form.xbzrleCacheMiB) * MiB) % 4096 !== 0) {
    errors.xbzrleCacheMiB = 'XBZRLE cache must be a whole number of 4 KiB pages';
  }
  if (Object.keys(errors).length) return errors;
  const problem = resolveMigrationOptions(migrateOptions(form));
  if (isOptionsProblem(problem)) {
    const field = fieldOfOption(problem.field);
    errors[field] = field === 'maxThrottlePct' ? 'Maximum throttle must be at least the initial throttle' : problem.message;
  }
  return errors;
}

function fieldOfOption(option: string): string {
  const f = TECHNIQUE_FIELDS.find((d) => d.option === option);
  if (f) return f.key;
  return ['mode', 'stopRule', 'compression', 'priority', 'autoConverge', 'xbzrle', 'dedup'].includes(option) ? option : 'form';
}

/** `vm.migrate`'s options from a valid form. */
export function migrateOptions(form: MigrateForm): Partial<MigrationOptions> {
  const o: Partial<MigrationOptions> = {
    mode: form.mode, priority: form.priority, compression: form.compression, xbzrle: form.xbzrle, dedup: form.dedup,
  };
  if (form.mode === 'precopy' || form.mode === 'hybrid') {
    o.stopRule = form.stopRule;
    o.autoConverge = form.autoConverge;
  }
  const out = o as Record<string, unknown>;
  for (const f of TECHNIQUE_FIELDS) {
    if (!fieldApplies(form, f.key)) continue;
    const text = form[f.key].trim();
    if (text === '' || !Number.isFinite(Number(text))) continue;
    out[f.option] = f.toOption(Number(text));
  }
  return o;
}

/** The form field an engine refusal names (`params.options.downtimeLimitMs` → `downtimeLimitMs`, `params.hostId` → `hostId`). */
export function migrateFieldOfError(error: ApiError): string {
  const f = error.field ?? '';
  if (f === 'params.hostId') return 'hostId';
  const m = /^params\.options\.(\w+)/.exec(f);
  return m ? fieldOfOption(m[1]) : 'form';
}

export function stepOfMigrateField(field: string): MigrateStep {
  if (field === 'hostId') return 'compute';
  if (field === 'gang') return 'technique';
  if (field === 'priority') return 'priority';
  if (field === 'form') return 'ready';
  return 'technique';
}

/** One line of the Ready to complete page: the technique in words. */
export function techniqueSummary(form: MigrateForm): string {
  const mode = MODE_CHOICES.find((m) => m.value === form.mode)?.label ?? form.mode;
  const parts = [mode];
  if (form.mode === 'precopy' || form.mode === 'hybrid') {
    parts.push(`${STOP_RULE_CHOICES.find((r) => r.value === form.stopRule)?.label ?? form.stopRule} stop rule`);
    if (form.autoConverge) parts.push('auto-converge');
  }
  if (form.compression !== 'none') parts.push(`${form.compression}${fieldApplies(form, 'compressionLevel') && form.compressionLevel.trim() ? `:${form.compressionLevel.trim()}` : ''} compression`);
  if (form.xbzrle) parts.push(`XBZRLE (${form.xbzrleCacheMiB} MiB cache)`);
  if (form.dedup) parts.push('deduplication');
  return parts.join(', ');
}
