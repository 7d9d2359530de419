// Test helper: an engine on a scenario (built-in name or inline object), seeded and paused, with the
// fakeGuest test double as its guest factory unless told otherwise, plus small typed conveniences.
import { createEngine } from '../../src-main/engine/index';
import type { Engine, GuestFactory } from '../../src-main/engine/index';
import type { ApiError } from '../../src-shared/api/errors';
import type { CommandName, CommandParams, CommandResult } from '../../src-shared/api/commands';
import type { QueryName, QueryParams, QueryResult } from '../../src-shared/api/queries';
import type { TaskDto } from '../../src-shared/model/task';
import type { EngineEvent } from '../../src-shared/api/events';
import { loadScenarioSources } from '../../src-main/node/resources';
import { fakeGuestFactory } from './fakeGuest';
import { API_VERSION } from '../../src-shared/api/channels';

/** Typed requests to an engine, and the events it sent (shared by every in-process test lab). */
export interface EngineRequests {
  engine: Engine;
  events: EngineEvent[];
  cmd<K extends CommandName>(name: K, params: CommandParams<K>): CommandResult<K>;
  tryCmd<K extends CommandName>(name: K, params: CommandParams<K>): { ok: true; result: CommandResult<K> } | { ok: false; error: ApiError };
  q<K extends QueryName>(name: K, params: QueryParams<K>): QueryResult<K>;
}

/** Subscribes to the engine's events and numbers its requests; `cmd`/`q` throw on a refusal, naming the field. */
export function engineRequests(engine: Engine): EngineRequests {
  const events: EngineEvent[] = [];
  engine.onEvent((e) => events.push(e));
  let id = 1;
  const r: EngineRequests = {
    engine,
    events,
    tryCmd(n, p) {
      const res = engine.handle({ v: API_VERSION, id: id++, kind: 'command', name: n, params: p });
      return res.ok ? { ok: true, result: res.result as never } : { ok: false, error: res.error };
    },
    cmd(n, p) {
      const res = r.tryCmd(n, p);
      if (!res.ok) throw new Error(`${n}: ${res.error.code} ${res.error.message} (${res.error.field})`);
      return res.result;
    },
    q(n, p) {
      const res = engine.handle({ v: API_VERSION, id: id++, kind: 'query', name: n, params: p });
      if (!res.ok) throw new Error(`${n}: ${res.error.code} ${res.error.message} (${res.error.field})`);
      return res.result as never;
    },
  };
  return r;
}

export interface Harness extends EngineRequests {
  /** Advances in 10 ms steps until the task finishes (at most 60 virtual s); returns it. */
  finish(taskId: string): TaskDto;
  /** Runs a command that starts a task and waits for it; throws unless it succeeds. */
  run<K extends CommandName>(name: K, params: CommandParams<K>): TaskDto;
  advance(ms: number): void;
  now(): number;
}

export function harness(scenario: string | Record<string, unknown> = 'lab-small', seed = 1, factory: GuestFactory | null = fakeGuestFactory): Harness {
  const scenarios = loadScenarioSources();
  let name = typeof scenario === 'string' ? scenario : String(scenario.name);
  if (typeof scenario !== 'string') scenarios[name] = { file: `${name}.inline`, content: scenario };
  const engine = createEngine({ scenarios, ...(factory ? { guestFactory: factory } : {}) }, { scenario: name, seed });
  const h: Harness = {
    ...engineRequests(engine),
    finish(taskId) {
      for (let i = 0; i < 6000; i++) {
        const t = h.q('tasks.list', { limit: 1000 }).find((x) => x.id === taskId);
        if (!t) throw new Error(`no task ${taskId}`);
        if (t.state === 'success' || t.state === 'error' || t.state === 'cancelled') return t;
        engine.advance(10);
      }
      throw new Error(`task ${taskId} did not finish`);
    },
    run(n, p) {
      const { taskId } = h.cmd(n, p) as unknown as { taskId: string };
      const t = h.finish(taskId);
      if (t.state !== 'success') throw new Error(`${n} failed: ${t.error?.message}`);
      return t;
    },
    advance(ms) { engine.advance(ms); },
    now() { return engine.simStatus().virtualTimeMs; },
  };
  h.cmd('sim.pause', {});
  name = '';
  return h;
}

/** Latest real-time value of one counter for an entity (undefined when there is no sample). */
export function latest(h: Harness, entityId: string, counter: string): number | undefined {
  const s = h.q('metrics.query', { entityId, counters: [counter], interval: 'realtime', maxSamples: 1 });
  const v = s.values[counter][0];
  return v === null ? undefined : v;
}

/** Sum of a counter over all real-time samples of an entity. */
export function total(h: Harness, entityId: string, counter: string): number {
  const s = h.q('metrics.query', { entityId, counters: [counter], interval: 'realtime' });
  return s.values[counter].reduce<number>((a, v) => a + (v ?? 0), 0);
}

export function vmByName(h: Harness, name: string) {
  const vm = h.q('inventory.get', {}).vms.find((v) => v.name === name);
  if (!vm) throw new Error(`no VM ${name}`);
  return vm;
}

export function hostByName(h: Harness, name: string) {
  const host = h.q('inventory.get', {}).hosts.find((v) => v.name === name);
  if (!host) throw new Error(`no host ${name}`);
  return host;
}
