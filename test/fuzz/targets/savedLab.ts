// Fuzz target: saved labs — a real lab (guest machines running, a snapshot taken) saved, one to four of
// its values mutated (extreme and non-finite numbers, wrong types, unknown enum values, dangling ids,
// deleted and extra fields, truncated and duplicated lists, truncated typed arrays, a non-object
// payload), re-saved with valid checksums (about one case in seven through the lab store's files; the others
// as the store hands a payload over, which is faster), then loaded into an engine holding another lab. Accepted labs are run on for a moment and queried.
// Crash: an exception out of the store (other than its typed LabStoreError) or the engine, an error
// other than E_INVALID_STATE, or an internal error while running or querying the loaded lab.
// Wrong accept: a loaded lab whose clock, VMs or hosts break the live limits (non-finite or negative
// time, bad speed, vCPUs or memory past the maximum, an unknown power state, a VM on a host that is not
// in the inventory, a bad name); a refusal without a field, or one that changed the current lab;
// Object.prototype changed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize, deserialize } from 'node:v8';
import { createEngine } from '../../../src-main/engine/index';
import type { Engine } from '../../../src-main/engine/index';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { loadScenarioSources } from '../../../src-main/node/resources';
import { loadLab, saveLab, LabStoreError } from '../../../src-main/node/storage/labStore';
import { MAX_GUEST_MEMORY_BYTES } from '../../../src-main/engine/params';
import { MAX_VCPUS } from '../../../src-main/engine/machine/machineConfig';
import { nameProblem } from '../../../src-shared/api/schema';
import type { InventoryDto } from '../../../src-shared/model/inventory';
import type { SimStatus } from '../../../src-shared/api/commands';
import { EXTREME_NUMBERS, PROTOTYPE_KEYS, rngFor } from '../rng';
import type { Rng } from '../rng';
import type { FuzzTarget, Outcome } from '../fuzzRunner';
import { API_VERSION } from '../../../src-shared/api/channels';

let base: Buffer;
let dir = '';
let engine: Engine;
let choice: ReturnType<typeof defaultGuestFactory>;
let id = 1;
const PROTO = Object.getOwnPropertyNames(Object.prototype).join();

const ask = (kind: 'query' | 'command', name: string, params: unknown = {}) => engine.handle({ v: API_VERSION, id: id++, kind, name, params });

const NASTY: unknown[] = [
  ...EXTREME_NUMBERS, NaN, Infinity, -Infinity, 1e9, -5, 'bogus', '', 'host-999', 'vm-999', 'datastore-999', 'task-999999999', null, undefined, true,
  {}, [], [1, 2, 3], { x: 1 }, 'a\u202Eb', 'x'.repeat(5000), new Uint8Array(3), new Map([[1, 2]]),
];

interface Slot { parent: Record<string | number, unknown> | unknown[] | Map<unknown, unknown>; key: string | number; value: unknown }

/** Every place in the state a mutation can touch (objects, arrays, maps; typed arrays as whole values), sampled. */
function slots(root: unknown, rng: Rng, max = 4000): Slot[] {
  const out: Slot[] = [];
  const stack: unknown[] = [root];
  const seen = new Set<unknown>();
  while (stack.length && out.length < max) {
    const v = stack.splice(rng.int(stack.length), 1)[0];
    if (typeof v !== 'object' || v === null || seen.has(v) || ArrayBuffer.isView(v)) continue;
    seen.add(v);
    if (v instanceof Map) {
      let n = 0;
      for (const [k, x] of v) { if (n++ > 50) break; out.push({ parent: v, key: k as string, value: x }); stack.push(x); }
      continue;
    }
    const keys = Object.keys(v);
    // Long lists (memory pages, samples): a few random items, so every part of the state gets its turn.
    const pick = keys.length > 64 ? Array.from({ length: 16 }, () => keys[rng.int(keys.length)]) : keys;
    for (const k of pick) {
      const x = (v as Record<string, unknown>)[k];
      out.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k, value: x });
      stack.push(x);
    }
  }
  return out;
}

function set(slot: Slot, value: unknown): void {
  if (slot.parent instanceof Map) slot.parent.set(slot.key, value);
  else if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else Object.defineProperty(slot.parent, slot.key, { value, enumerable: true, writable: true, configurable: true });
}

function mutate(state: unknown, rng: Rng): unknown {
  if (rng.chance(0.02)) return rng.pick([null, 42, 'lab', [], [state], new Map(), undefined]);
  const all = slots(state, rng);
  const n = 1 + rng.int(rng.chance(0.7) ? 1 : 4);
  for (let i = 0; i < n && all.length; i++) {
    const slot = all[rng.int(all.length)];
    const v = slot.value;
    switch (rng.int(7)) {
      case 0: set(slot, rng.pick(NASTY)); break;
      case 1: // delete the field / item
        if (slot.parent instanceof Map) slot.parent.delete(slot.key);
        else if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
        else delete (slot.parent as Record<string, unknown>)[slot.key];
        break;
      case 2: // an extra field, sometimes a prototype name as an own key
        if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !(v instanceof Map)) {
          Object.defineProperty(v, rng.pick([...PROTOTYPE_KEYS.filter((k) => k !== '__proto__'), 'extra', 'busyTaskId', 'hostId']), { value: rng.pick(NASTY), enumerable: true, writable: true, configurable: true });
        } else set(slot, rng.pick(NASTY));
        break;
      case 3: // numbers nudged: negative, huge, fractional
        if (typeof v === 'number') set(slot, rng.pick([-v, v * 1e6 + 1, v + 0.5, -1, v + 1]));
        else set(slot, rng.pick(NASTY));
        break;
      case 4: // lists truncated or an item duplicated
        if (Array.isArray(v) && v.length) { if (rng.chance(0.5)) v.length = rng.int(v.length); else v.push(v[rng.int(v.length)]); }
        else if (ArrayBuffer.isView(v) && 'subarray' in v) set(slot, (v as Uint8Array).slice(0, rng.int((v as Uint8Array).length)));
        else set(slot, rng.pick(NASTY));
        break;
      case 5: // ids pointed elsewhere
        if (typeof v === 'string' && /^[a-z]+-\d+$/.test(v)) set(slot, v.replace(/\d+$/, (d) => String(rng.chance(0.5) ? Number(d) + 1 : 999)));
        else set(slot, rng.pick(NASTY));
        break;
      default: // strings of the wrong kind
        set(slot, typeof v === 'string' ? rng.pick(['bogus', '', 'a\u0000b', 'x'.repeat(300)]) : rng.pick(NASTY));
    }
  }
  return state;
}

function fingerprint(): string {
  const inv = ask('query', 'inventory.get');
  const sim = ask('query', 'sim.status');
  return JSON.stringify([inv.ok && inv.result, sim.ok && sim.result]);
}

/** Whatever a lab may show: the live limits, checked on the loaded lab. */
function limitsBroken(): string | undefined {
  const sim = ask('query', 'sim.status');
  if (!sim.ok) return `sim.status: ${sim.error.code} ${sim.error.message}`;
  const st = sim.result as SimStatus;
  if (!Number.isFinite(st.virtualTimeMs) || st.virtualTimeMs < 0) return `clock ${st.virtualTimeMs}`;
  if (st.speed !== 'max' && !(typeof st.speed === 'number' && st.speed > 0 && st.speed <= 10_000)) return `speed ${String(st.speed)}`;
  const inv = ask('query', 'inventory.get');
  if (!inv.ok) return `inventory.get: ${inv.error.code} ${inv.error.message}`;
  const { hosts, vms } = inv.result as InventoryDto;
  const hostIds = new Set(hosts.map((h) => h.id));
  for (const vm of vms) {
    if (!(vm.vcpus >= 1 && vm.vcpus <= MAX_VCPUS) || !(vm.memoryBytes > 0 && vm.memoryBytes <= MAX_GUEST_MEMORY_BYTES)) return `VM ${vm.name}: ${vm.vcpus} vCPUs, ${vm.memoryBytes} bytes`;
    if (!['poweredOn', 'poweredOff', 'suspended'].includes(vm.powerState)) return `VM ${vm.name} is ${String(vm.powerState)}`;
    if (vm.hostId !== undefined && vm.hostId !== null && !hostIds.has(vm.hostId)) return `VM ${vm.name} on ${vm.hostId}, not in the inventory`;
    if (nameProblem(vm.name)) return `VM name ${JSON.stringify(vm.name)}`;
  }
  return undefined;
}

export const target: FuzzTarget = {
  name: 'savedLab',
  setup() {
    dir = mkdtempSync(join(tmpdir(), 'hvlab-fuzz-save-'));
    choice = defaultGuestFactory();
    engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: choice.factory, guestCatalog: choice.catalogue }, { scenario: 'lab-small', seed: 1 });
    ask('command', 'sim.pause');
    const inv = ask('query', 'inventory.get');
    // The scenario's running guests, one of them with a memory snapshot, one VM suspended if there is one to suspend.
    const vms = (inv.ok ? (inv.result as InventoryDto).vms : []).filter((v) => !v.isTemplate);
    const on = vms.filter((v) => v.powerState === 'poweredOn');
    engine.advance(200);
    if (on[0]) ask('command', 'vm.snapshot.create', { vmId: on[0].id, name: 'before', memory: true });
    if (on[1]) ask('command', 'vm.suspend', { vmId: on[1].id });
    engine.advance(300);
    base = serialize(engine.saveState());
    // The engine under test holds another lab: a refused load must leave it exactly as it was.
    ask('command', 'lab.load', { scenario: 'lab-small', seed: 2 });
    ask('command', 'sim.pause');
  },
  describe: (seed, index) => `saved lab mutated by rngFor(${seed}, ${index})`,
  run(seed, index): Outcome {
    const rng = rngFor(seed, index);
    const state = mutate(deserialize(base), rng);
    let loaded: unknown;
    if (rng.chance(0.15)) {
      // Through the store: re-saved with valid checksums, read back with its checks.
      try {
        saveLab(dir, state as never);
      } catch (e) {
        return { kind: 'refused', detail: `not saveable: ${(e as Error).message}` };
      }
      try {
        loaded = loadLab(dir).state;
      } catch (e) {
        if (e instanceof LabStoreError) return { kind: 'refused', detail: e.message };
        throw e;
      }
    } else {
      // What the store hands over for such a file (a fresh deserialized copy; its checks are the same for every payload).
      loaded = state;
    }
    const before = fingerprint();
    const err = engine.loadState(loaded);
    if (Object.getOwnPropertyNames(Object.prototype).join() !== PROTO) return { kind: 'wrongAccept', detail: 'Object.prototype was changed' };
    if (err) {
      if (err.code !== 'E_INVALID_STATE') return { kind: 'crash', detail: `${err.code}: ${err.message}` };
      if (!err.field) return { kind: 'wrongAccept', detail: `refused without naming the field: ${err.message}` };
      if (fingerprint() !== before) return { kind: 'wrongAccept', detail: `refused (${err.message}) but the current lab changed` };
      return { kind: 'refused', detail: err.message };
    }
    const broken = limitsBroken();
    if (broken) return { kind: 'wrongAccept', detail: broken };
    if (rng.chance(0.25)) engine.advance(10);
    for (const [name, params] of [['inventory.get', {}], ['tasks.list', {}], ['events.list', {}], ['sim.status', {}]] as const) {
      const r = ask('query', name, params);
      if (!r.ok && (r.error.code === 'E_INTERNAL' || r.error.code === 'E_BAD_MESSAGE')) return { kind: 'crash', detail: `${name} after loading: ${r.error.message}` };
    }
    return { kind: 'accepted' };
  },
};
