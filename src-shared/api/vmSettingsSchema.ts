/**
 * vmSettingsSchema — the runtime schema of every VM setting (`VmSettings`, @shared/model/vmHardware), built
 * from the one table of limits (@shared/model/vmLimits). The contract's `vm.create` / `vm.reconfigure`
 * parameters and the scenario file's VM entries are made of these, so each layer refuses a value beyond
 * a limit with the same message, at the field that holds it.
 *
 * - `VM_SETTING_SCHEMAS[setting]`: a schema per setting; a wrong type gets the schema language's own
 *   message ("expected an integer…"), a value beyond a limit gets `vmLimitMessage(setting)`.
 * - `optionalSettings(keys)`: those settings as optional object fields, to spread into `s.object({...})`.
 *
 * Rule: typed against `VmSettings`, so a setting added to the model without a schema fails to compile.
 * Each `describe` carries the limit, so the contract fingerprint changes when a limit does.
 */
import type { Schema } from './schema';
import { isPlainObject, s } from './schema';
import type { VmSettings } from '../model/vmHardware';
import { MONITOR_KINDS, PAGING_MODES } from '../model/inventory';
import type { LimitedSetting, RangeSetting } from '../model/vmLimits';
import { VM_LIMITS, vmLimitMessage, vmSettingProblem, workloadParamsProblem } from '../model/vmLimits';

/** `base` first (the type), then the setting's limit. */
function limited<T extends number | string>(setting: LimitedSetting, base: Schema<T>, describe: string): Schema<T> {
  return {
    describe,
    check: (v, p) => {
      const typeProblem = base.check(v, p);
      if (typeProblem) return typeProblem;
      const message = vmSettingProblem(setting, v as T);
      return message ? { field: p, message } : null;
    },
  };
}

function range(setting: RangeSetting): Schema<number> {
  const { min, max } = VM_LIMITS[setting];
  return limited(setting, s.int(), `integer ${min}..${max}`);
}

const workloadParams: Schema<Record<string, number>> = {
  describe: `record<integer>[≤${VM_LIMITS.workloadParams.maxCount}]`,
  check: (v, p) => {
    if (!isPlainObject(v)) return { field: p, message: `expected an object, got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}` };
    const problem = workloadParamsProblem(v);
    return problem ? { field: problem.key === undefined ? p : `${p}.${problem.key}`, message: problem.message } : null;
  },
};

export const VM_SETTING_SCHEMAS: { readonly [K in keyof VmSettings]-?: Schema<VmSettings[K]> } = {
  vcpus: range('vcpus'),
  memoryMiB: range('memoryMiB'),
  diskGiB: range('diskGiB'),
  guestOs: limited('guestOs', s.string(), `string[≤${VM_LIMITS.guestOs.maxLength}]`),
  monitor: s.oneOf(MONITOR_KINDS),
  paging: s.oneOf(PAGING_MODES),
  pageTableLevels: {
    describe: VM_LIMITS.pageTableLevels.join('|'),
    check: (v, p) => ((VM_LIMITS.pageTableLevels as readonly unknown[]).includes(v) ? null : { field: p, message: vmLimitMessage('pageTableLevels') }),
  },
  workload: limited('workload', s.string(), `string[${VM_LIMITS.workload.minLength}..${VM_LIMITS.workload.maxLength}]`),
  workloadParams,
  cpuHotAddEnabled: s.bool(),
  memoryHotAddEnabled: s.bool(),
  cpuShares: range('cpuShares'),
  cpuReservationMhz: range('cpuReservationMhz'),
  cpuLimitMhz: range('cpuLimitMhz'),
};

type Optional<T> = Schema<T | undefined> & { optional: true };

/** The named settings as optional fields of an object schema. */
export function optionalSettings<K extends keyof VmSettings>(keys: readonly K[]): { [P in K]: Optional<VmSettings[P]> } {
  const out: Partial<Record<K, Optional<unknown>>> = {};
  for (const k of keys) out[k] = s.optional(VM_SETTING_SCHEMAS[k] as Schema<unknown>);
  return out as { [P in K]: Optional<VmSettings[P]> };
}
