// Fuzz target: the contract's schemas and the engine behind them — every command and query, starting
// from a valid example, mutated with prototype keys at any depth (as own keys, the way JSON.parse makes
// them), extreme numbers, nasty strings (control and bidirectional characters, huge, path-like),
// wrong types, removed and extra fields. Each request goes through validateRequest and an engine
// (fake guests, the real catalogue); the engine runs on between requests, so accepted tasks take effect.
// Crash: an exception or an E_INTERNAL reply. Wrong accept: an accepted request carrying a prototype
// key, a non-finite number or a bad name; injected values showing up in the inventory; Object.prototype
// changed.
import { API_VERSION } from '../../../src-shared/api/channels';
import { createEngine } from '../../../src-main/engine/index';
import type { Engine } from '../../../src-main/engine/index';
import { loadGuestCatalogue, loadScenarioSources } from '../../../src-main/node/resources';
import { COMMAND_SCHEMAS } from '../../../src-shared/api/commands';
import { QUERY_SCHEMAS } from '../../../src-shared/api/queries';
import { validateRequest } from '../../../src-shared/api/validate';
import { isPrototypeKey, nameProblem } from '../../../src-shared/api/schema';
import { fakeGuestFactory } from '../../helpers/fakeGuest';
import { EXTREME_NUMBERS, NASTY_STRINGS, PROTOTYPE_KEYS, rngFor, type Rng } from '../rng';
import type { FuzzTarget, Outcome } from '../fuzzRunner';

const MARK = 'INJECTED-6d2b79f5';

/** One valid example per operation (the fuzzer starts from these). */
const EXAMPLES: Record<string, Record<string, unknown>> = {
  'vm.powerOn': { vmId: 'vm-1' }, 'vm.powerOff': { vmId: 'vm-2' }, 'vm.suspend': { vmId: 'vm-2' }, 'vm.reset': { vmId: 'vm-2' },
  'vm.shutdownGuest': { vmId: 'vm-2' }, 'vm.rebootGuest': { vmId: 'vm-3' },
  'vm.create': { spec: { name: 'new-vm', vcpus: 1, memoryMiB: 64, workload: 'idle', workloadParams: { ms: 5 }, powerOn: true, monitor: 'interp', paging: 'shadow' } },
  'vm.clone': { vmId: 'vm-1', name: 'clone-1' }, 'vm.markAsTemplate': { vmId: 'vm-1' }, 'vm.markAsVirtualMachine': { vmId: 'vm-1', hostId: 'host-1' },
  'vm.reconfigure': { vmId: 'vm-1', changes: { vcpus: 2, memoryMiB: 128, workload: 'cpu', workloadParams: { iterations: 5 }, cpuShares: 2000 } },
  'vm.rename': { vmId: 'vm-1', name: 'renamed' }, 'vm.remove': { vmId: 'vm-4' },
  'vm.snapshot.create': { vmId: 'vm-2', name: 'snap', description: 'first', memory: true },
  'vm.snapshot.revert': { vmId: 'vm-2', snapshotId: 'snapshot-1' }, 'vm.snapshot.remove': { vmId: 'vm-2', snapshotId: 'snapshot-1' },
  'vm.snapshot.removeAll': { vmId: 'vm-2' }, 'vm.snapshot.edit': { vmId: 'vm-2', snapshotId: 'snapshot-1', name: 'renamed-snap' },
  'vm.console.send': { vmId: 'vm-2', text: 'hello' }, 'host.enterMaintenance': { hostId: 'host-2' }, 'host.exitMaintenance': { hostId: 'host-2' },
  'task.cancel': { taskId: 'task-1' }, 'sim.run': { speed: 10 }, 'sim.pause': {}, 'sim.step': { seconds: 0.05 }, 'sim.setSpeed': { speed: 'max' },
  'lab.load': { scenario: 'lab-small', seed: 3 }, 'lab.recovery.restore': {}, 'lab.recovery.discard': {},
  'engine.info': {}, 'inventory.get': {}, 'inventory.outline': {}, 'vm.get': { vmId: 'vm-1' }, 'host.get': { hostId: 'host-1' }, 'vm.snapshot.tree': { vmId: 'vm-2' },
  'vm.console.read': { vmId: 'vm-2', fromOffset: 0 }, 'tasks.list': { limit: 10 }, 'events.list': { limit: 10, entityId: 'vm-1' },
  'metrics.catalog': { entityType: 'vm' }, 'metrics.query': { entityId: 'vm-2', counters: ['cpu.usage.average'], interval: 'realtime', maxSamples: 5 },
  'sim.status': {}, 'lab.scenarios': {}, 'guests.list': {}, 'lab.recovery': {},
  'host.enterStandby': { hostId: 'host-2' }, 'host.exitStandby': { hostId: 'host-2' },
  'resourcePool.create': { name: 'pool-1', parentPoolId: 'resgroup-1', cpuShareLevel: 'high', cpuReservationMhz: 100, cpuLimitMhz: -1, cpuExpandableReservation: false },
  'resourcePool.update': { resourcePoolId: 'resgroup-1', cpuShareLevel: 'custom', cpuShares: 3000 },
  'resourcePool.delete': { resourcePoolId: 'resgroup-1' }, 'resourcePool.move': { resourcePoolId: 'resgroup-2', parentPoolId: 'resgroup-1' }, 'vm.moveToPool': { vmId: 'vm-1', resourcePoolId: 'resgroup-1' },
  'host.updateMemoryReclamation': { hostId: 'host-1', settings: { ballooning: false, idleTaxPercent: 50 } },
  'host.add': { kind: 'libvirt', address: '127.0.0.1', port: 22, user: 'lab', authMethod: 'password', password: 'secret', acceptedIdentity: 'SHA256:abc' },
  'host.remove': { hostId: 'host-2' }, 'host.reconnect': { hostId: 'host-2' },
  'host.identify': { kind: 'vim25', address: 'esx.example', port: 443 },
  'vim25.settings': {}, 'vim25.configure': { enabled: true, port: 7544, user: 'student', password: 'Lab-secret-42' },
  'exercise.progress.set': { progress: { exercise: 'client-tour', startedAtMs: 0, currentStep: 0, steps: [{ id: 'first-step', state: 'open' }] } },
  'exercise.list': {}, 'exercise.get': { name: 'client-tour' }, 'exercise.progress.get': {},
  'placement.solve': { algo: 'ffd' }, 'placement.plan': { algo: 'ffd' }, 'placement.model': { source: 'var int x in 0..3; maximize x;', nodeLimit: 1000 },
  'placement.apply': { target: [{ vmId: 'vm-2', hostId: 'host-1' }], maxConcurrentPerHost: 2 },
  'lab.save': { name: 'fuzzed-lab', overwrite: true }, 'lab.open': { name: 'fuzzed-lab' }, 'lab.document': {}, 'lab.library': {},
  'inventory.changesSince': { version: 1 }, 'task.get': { taskId: 'task-1' }, 'events.since': { cursorIds: ['event-1'], limit: 20 },
  'backends.list': {},
  'fault.inject': { kind: 'hostCrash', targetId: 'host-2' }, 'fault.repair': { kind: 'hostCrash', targetId: 'host-2' },
  'cluster.configure': {
    clusterId: 'cluster-1', haEnabled: true, drsEnabled: true,
    ha: { hostMonitoring: true, defaultRestartPriority: 'high', vmMonitoringFailureIntervalS: 30, admissionControl: { policy: 'slotPolicy', hostFailuresToTolerate: 1 }, heartbeatDatastores: { policy: 'allFeasibleDs' } },
    restartPriorityOverrides: [{ vmId: 'vm-2', priority: 'highest' }],
    drs: { automationLevel: 'manual', migrationThreshold: 3, periodS: 300, rules: [{ name: 'apart', kind: 'separate', vmIds: ['vm-1', 'vm-2'], hostIds: [], mandatory: false }] },
  },
  'cluster.drs.run': { clusterId: 'cluster-1' }, 'cluster.drs.apply': { clusterId: 'cluster-1', recommendationId: 1 },
  'cluster.drs.dismiss': { clusterId: 'cluster-1', recommendationId: 1 }, 'cluster.services': { clusterId: 'cluster-1' },
  'cluster.drs.powerOnRecommendations': { vmId: 'vm-1' },
  'alarm.updateDefinition': { alarmKey: 'vmCpuUsage', enabled: true, warning: 50, critical: 80, durationS: 60 },
  'alarm.createDefinition': { name: 'Busy VM', description: 'cpu', entityType: 'vm', enabled: true, counter: 'cpu.usage.average', warning: 10, critical: 20, durationS: 0, state: { path: 'runtime.powerState', operator: 'isEqual', yellow: 'suspended', red: 'poweredOff' } },
  'alarm.removeDefinition': { alarmKey: 'custom-1' },
  'alarm.acknowledge': { alarmKey: 'hostCpuUsage', entityId: 'host-1' }, 'alarm.reset': { alarmKey: 'hostCpuUsage', entityId: 'host-1' },
  'alarm.definitions': {}, 'alarm.triggered': { entityId: 'cluster-1' },
  'availability.design': { groups: [{ name: 'power', availability: 0.999, need: 1, scheme: '2N' }, { name: 'hosts', mtbfH: 10_000, mttrH: 8, need: 3, scheme: 'N+1' }] },
  'availability.design.saved': {}, 'availability.design.save': { design: { combine: 'parallel', groups: [{ name: 'feed A', availability: 0.99, need: 1, scheme: 'N' }, { name: 'feed B', mtbfH: 1000, mttrH: 10, need: 1, scheme: 'N' }] } },
  'availability.cluster': { clusterId: 'cluster-1', mtbfH: 5000, mttrH: 24, years: 1, replications: 20, seed: 1 },
  'vm.migrate': { vmId: 'vm-2', hostId: 'host-2', options: { mode: 'precopy', bandwidthBytesPerS: 134217728, downtimeLimitMs: 300, xbzrle: true, dedup: true } },
  'migration.get': { taskId: 'task-1' }, 'migration.list': { vmId: 'vm-2' }, 'migration.compatibility': { vmId: 'vm-2' },
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) out.push(...paths(v[k], [...at, k]));
  return out;
}

function nasty(rng: Rng): unknown {
  switch (rng.int(8)) {
    case 0: return rng.pick(EXTREME_NUMBERS);
    case 1: return rng.pick(NASTY_STRINGS);
    case 2: return rng.pick([null, true, false, [], {}, [1, 2], Number.NaN, Number.POSITIVE_INFINITY]);
    case 3: { let d: unknown = 1; for (let i = 0; i < 1 + rng.int(200); i++) d = rng.chance(0.5) ? [d] : { a: d }; return d; }
    case 4: return { crashReason: MARK, ipAddress: MARK, memoryMiB: 999_999, vcpus: 64, workload: 'constructor' };
    case 5: return rng.pick(['vm-1', 'vm-2', 'host-1', 'snapshot-1', 'task-1', 'cluster-1', 'vm-999']);
    case 6: return 'x'.repeat(rng.int(6000));
    default: return rng.int(2) ? -rng.int(1e6) : rng.next() * 1e9;
  }
}

/** Sets `value` at `path` as an OWN property (even "__proto__"), as JSON.parse would. */
function setOwn(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let o: Record<string, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const n = o[path[i] as string];
    if (typeof n !== 'object' || n === null) return;
    o = n as Record<string, unknown>;
  }
  Object.defineProperty(o, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
}

export function makeCase(seed: number, index: number): { kind: 'command' | 'query'; name: string; params: unknown } {
  const rng = rngFor(seed, index);
  const names = Object.keys(EXAMPLES);
  const name = rng.pick(names);
  const kind = Object.prototype.hasOwnProperty.call(COMMAND_SCHEMAS, name) ? 'command' : 'query';
  const params = JSON.parse(JSON.stringify(EXAMPLES[name])) as Record<string, unknown>;
  const n = rng.int(4); // 0 mutations: the valid example itself (keeps the lab moving)
  for (let k = 0; k < n; k++) {
    const all = paths(params as Json);
    const where = rng.pick(all);
    const parentPath = where.length && rng.chance(0.5) ? where.slice(0, -1) : where;
    switch (rng.int(4)) {
      case 0: if (where.length) setOwn(params, where, nasty(rng)); break; // replace a value
      case 1: setOwn(params, [...parentPath, rng.pick(PROTOTYPE_KEYS)], nasty(rng)); break; // a prototype key
      case 2: setOwn(params, [...parentPath, rng.pick(['force', 'x', 'crashReason', 'ipAddress', 'powerState'])], nasty(rng)); break; // an extra key
      default: if (where.length) { // remove a key
        let o: unknown = params;
        for (const p of where.slice(0, -1)) o = (o as Record<string, unknown>)[p as string];
        if (o && typeof o === 'object' && !Array.isArray(o)) delete (o as Record<string, unknown>)[where[where.length - 1] as string];
      }
    }
  }
  // sim.step only records a step (any length up to the schema's day): the target moves time itself.
  return { kind, name, params };
}

function badAccepted(name: string, params: unknown): string | undefined {
  const stack: [unknown, string][] = [[params, 'params']];
  while (stack.length) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'number' && !Number.isFinite(v)) return `${at} = ${v}`;
    if (typeof v !== 'object' || v === null) continue;
    for (const k of Object.keys(v)) {
      if (isPrototypeKey(k)) return `${at}.${k}`;
      stack.push([(v as Record<string, unknown>)[k], `${at}.${k}`]);
    }
  }
  const p = params as { name?: unknown; spec?: { name?: unknown } };
  for (const n of [p.name, p.spec?.name]) if (typeof n === 'string' && nameProblem(n) && name !== 'lab.load') return `name ${JSON.stringify(n)}`;
  return undefined;
}

let engine: Engine;
let catalogue: { name: string; description: string }[] = [];
const fresh = () => {
  engine = createEngine({ scenarios: loadScenarioSources(), guestFactory: fakeGuestFactory, guestCatalog: catalogue }, { scenario: 'lab-small', seed: 1 });
  engine.handle({ v: API_VERSION, id: 0, kind: 'command', name: 'sim.pause', params: {} });
};
const PROTO = Object.getOwnPropertyNames(Object.prototype).join();

export const target: FuzzTarget = {
  name: 'schemas',
  setup() {
    catalogue = loadGuestCatalogue().guests.map((g) => ({ name: g.name, description: g.description }));
    fresh();
    if (Object.keys(EXAMPLES).sort().join() !== [...Object.keys(COMMAND_SCHEMAS), ...Object.keys(QUERY_SCHEMAS)].sort().join()) {
      throw new Error('EXAMPLES must cover every command and query of the contract');
    }
  },
  describe: (seed, index) => { const c = makeCase(seed, index); return `${c.kind} ${c.name} ${JSON.stringify(c.params).slice(0, 1000)}`; },
  run(seed, index): Outcome {
    if (index % 200 === 0) fresh();
    const c = makeCase(seed, index);
    const request = { v: API_VERSION, id: index + 1, kind: c.kind, name: c.name, params: c.params };
    const boundary = validateRequest(request);
    const reply = engine.handle(request);
    if (index % 5 === 0) engine.advance(20 + (index % 7) * 100);
    if (Object.getOwnPropertyNames(Object.prototype).join() !== PROTO || ({} as Record<string, unknown>).crashReason !== undefined) {
      return { kind: 'wrongAccept', detail: 'Object.prototype was changed' };
    }
    if (!reply.ok && reply.error.code === 'E_INTERNAL') return { kind: 'crash', detail: `${c.name}: ${reply.error.message} ${JSON.stringify(c.params).slice(0, 500)}` };
    // The transports validate with the same code as the engine: a request the boundary refuses, the engine refuses alike.
    if (!boundary.ok && (reply.ok || reply.error.code !== boundary.error.code || reply.error.field !== boundary.error.field)) {
      return { kind: 'crash', detail: `the boundary refused (${boundary.error.code} ${boundary.error.field}) but the engine answered ${JSON.stringify(reply).slice(0, 300)}` };
    }
    if (index % 25 === 0) {
      const inv = engine.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'inventory.get', params: {} });
      if (!inv.ok) return { kind: 'crash', detail: `inventory.get: ${inv.error.message}` };
      if (JSON.stringify(inv.result).includes(MARK)) return { kind: 'wrongAccept', detail: 'an injected value reached the inventory' };
      for (const vm of (inv.result as { vms: { memoryBytes: number; vcpus: number; workload: string; name: string }[] }).vms) {
        if (vm.memoryBytes > 4096 * 2 ** 20 || vm.vcpus > 64) return { kind: 'wrongAccept', detail: `VM ${vm.name} has ${vm.memoryBytes} bytes, ${vm.vcpus} vCPUs` };
        if (!catalogue.some((g) => g.name === vm.workload)) return { kind: 'wrongAccept', detail: `VM ${vm.name} runs "${vm.workload}"` };
      }
    }
    if (!reply.ok) return { kind: 'refused' };
    const bad = badAccepted(c.name, c.params);
    return bad ? { kind: 'wrongAccept', detail: `${c.name} accepted ${bad}` } : { kind: 'accepted' };
  },
};
