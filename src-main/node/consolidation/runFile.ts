/**
 * The consolidation run file: which scenario, which cluster, how long, which policies with which
 * parameters, and the workload phases — the VMs' CPU demands over time, as CPU limits on VMs whose
 * workload is always busy (labos `cpu`): such a VM demands exactly its limit.
 *
 *   scenario: ../../scenarios/lab-consolidation.yaml   # relative to this file
 *   cluster: Farm
 *   until: 16m
 *   policies: [none, periodic-ffd, periodic-exact, threshold]
 *   params: { periodS: 300, targetUtilisation: 0.8, upper: 0.8, lower: 0.3, windowSamples: 3, timeLimitS: 10 }
 *   phases:
 *     - { at: 4m, name: day, vms: [web-01, web-02], cpuLimitMhz: 3 }
 *
 * Interface: `parseRunFile(file, content)` → `RunFile` (throws `RunFileError` "file: field: message");
 * `RunPhase`. Rules: every field checked by the contract's schema language (closed objects, bounded
 * values); a phase's time must fall on a 20 s sample boundary (the run applies it there); phases are
 * kept in file order within a time.
 */
import { s } from '@shared/api/schema';
import type { Infer } from '@shared/api/schema';
import { durationMs } from '../../engine/index';
import { durationArg } from '@shared/model/duration';
import { POLICIES } from './policies';
import type { PolicyName, PolicyParams } from './policies';
import { SAMPLE_MS } from './consolidationRun';

export class RunFileError extends Error {}

/** The longest run a file may ask for: one virtual day. */
export const RUN_MAX_MS = 86_400_000;

const runFileSchema = s.object({
  scenario: s.string({ min: 1, max: 400 }),
  cluster: s.optional(s.name({ max: 80 })),
  until: s.string({ min: 1, max: 20 }),
  policies: s.optional(s.array(s.oneOf(POLICIES), { min: 1, max: POLICIES.length })),
  params: s.optional(s.object({
    periodS: s.optional(s.int({ min: 20, max: 86_400 })),
    targetUtilisation: s.optional(s.number({ min: 0.1, max: 1 })),
    upper: s.optional(s.number({ min: 0.1, max: 1 })),
    lower: s.optional(s.number({ min: 0, max: 1 })),
    windowSamples: s.optional(s.int({ min: 1, max: 180 })),
    timeLimitS: s.optional(s.number({ min: 0.1, max: 120 })),
  })),
  phases: s.array(s.object({
    at: s.string({ min: 1, max: 20 }),
    name: s.optional(s.name({ max: 80 })),
    vms: s.array(s.name({ max: 80 }), { min: 1, max: 10_000 }),
    cpuLimitMhz: s.int({ min: 0, max: 1_000_000 }),
  }), { max: 10_000 }),
});

export interface RunPhase { atMs: number; name: string; vms: string[]; cpuLimitMhz: number }

export interface RunFile {
  scenario: string;
  cluster?: string;
  untilMs: number;
  policies: PolicyName[];
  params: Partial<PolicyParams>;
  phases: RunPhase[];
}

function timeMs(raw: string, field: string, fail: (f: string, m: string) => never): number {
  const ms = durationMs(durationArg(raw));
  if (!Number.isFinite(ms)) fail(field, `expected a duration like 90s, 4m or 1h, got "${raw}"`);
  if (ms > RUN_MAX_MS) fail(field, `must be at most ${RUN_MAX_MS / 3_600_000} h`);
  return ms;
}

export function parseRunFile(file: string, content: unknown): RunFile {
  const fail = (field: string, message: string): never => { throw new RunFileError(`${file}: ${field}: ${message}`); };
  // Durations may be written as numbers of seconds: the schema takes them as text.
  const c = content as Record<string, unknown> | null;
  if (c && typeof c === 'object') {
    if (typeof c.until === 'number') c.until = String(c.until);
    if (Array.isArray(c.phases)) for (const ph of c.phases) if (ph && typeof ph === 'object' && typeof (ph as Record<string, unknown>).at === 'number') (ph as Record<string, unknown>).at = String((ph as Record<string, unknown>).at);
  }
  const problem = runFileSchema.check(content, 'run');
  if (problem) fail(problem.field, problem.message);
  const r = content as Infer<typeof runFileSchema>;
  const untilMs = timeMs(r.until, 'run.until', fail);
  if (untilMs < SAMPLE_MS) fail('run.until', `must be at least ${SAMPLE_MS / 1000} s (one sample)`);
  const phases = r.phases.map((ph, i) => {
    const atMs = timeMs(ph.at, `run.phases[${i}].at`, fail);
    if (atMs % SAMPLE_MS !== 0) fail(`run.phases[${i}].at`, `must fall on a ${SAMPLE_MS / 1000} s sample boundary (the run applies phases between samples), got ${atMs / 1000} s`);
    if (atMs >= untilMs) fail(`run.phases[${i}].at`, `is at or after the end of the run (${untilMs / 1000} s)`);
    return { atMs, name: ph.name ?? `phase ${i + 1}`, vms: ph.vms, cpuLimitMhz: ph.cpuLimitMhz };
  });
  const p = r.params ?? {};
  if (p.lower !== undefined && p.lower >= (p.upper ?? 0.8)) fail('run.params.lower', `must be below upper (${p.upper ?? 0.8})`);
  return {
    scenario: r.scenario, ...(r.cluster ? { cluster: r.cluster } : {}), untilMs,
    policies: r.policies ?? [...POLICIES], params: p,
    phases: phases.map((ph, i) => ({ ph, i })).sort((a, b) => a.ph.atMs - b.ph.atMs || a.i - b.i).map((x) => x.ph),
  };
}
