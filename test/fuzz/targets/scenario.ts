// Fuzz target: scenario files (YAML) — mutations of the built-in scenarios with scenario-specific bombs
// spliced in (prototype keys, huge counts, far-away action times, alias bombs, deep nesting, names
// with control characters, unknown workloads). Each case is parsed, validated (with the guest
// catalogue) and, when accepted, built into a lab and run for a moment.
// Crash: an exception other than the file's own parse error or a typed scenario error.
// Wrong accept: an accepted scenario whose lab breaks a limit (hosts, VMs per host and per lab, VM
// memory and vCPUs), names a workload outside the catalogue or a name with control characters, or
// whose file holds a prototype key anywhere; or Object.prototype changed.
import { API_VERSION } from '../../../src-shared/api/channels';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, validateScenario } from '../../../src-main/engine/index';
import { loadGuestCatalogue, parseScenarioText, resourcesDir, ResourceError } from '../../../src-main/node/resources';
import { LAB_MAX_HOSTS, LAB_MAX_VMS, LAB_MAX_VMS_PER_HOST } from '../../../src-main/engine/params';
import { nameProblem, isPrototypeKey } from '../../../src-shared/api/schema';
import type { InventoryDto } from '../../../src-shared/model/inventory';
import { mutateText, rngFor } from '../rng';
import type { FuzzTarget, Outcome } from '../fuzzRunner';

let texts: [string, string][] = [];
let catalogue: { name: string; description: string }[] = [];
let workloads = new Set<string>();

const BOMBS = [
  '__proto__: { memoryMiB: 999999, vcpus: 64 }', 'constructor: { title: x }', 'toString: 1', 'hasOwnProperty: 1', 'count: 100000', 'count: 1000',
  'at: 99999999999d', 'at: 31536001', 'at: 365d', 'workload: constructor', 'workload: __proto__', 'workload: ../../etc/passwd',
  'memoryMiB: 999999', 'vcpus: 65', 'name: "evil\\u202Etxt"', 'name: "a\\0b"', 'workloadParams: { __proto__: 1 }', 'a: &a [1, 2]\nb: &b [*a, *a, *a]',
  `x: ${'['.repeat(200)}1${']'.repeat(200)}`, '<<: { memoryMiB: 4096 }', '? [complex, key]\n: 1', 'vms: [ { name: z, host: nowhere } ]',
  'do: explode', 'version: 2', "title: '\u0007'", 'hosts: { count: 1000 }\nvmsPerHost: { count: 100000 }',
];

function makeCase(seed: number, index: number): string {
  const rng = rngFor(seed, index);
  const [, text] = rng.pick(texts);
  let t = mutateText(rng, text, BOMBS);
  if (rng.chance(0.4)) {
    const lines = t.split('\n');
    const at = rng.int(lines.length + 1);
    const indent = (lines[at] ?? '').match(/^\s*/)?.[0] ?? '';
    lines.splice(at, 0, ...rng.pick(BOMBS).split('\n').map((l) => indent + l));
    t = lines.join('\n');
  }
  return t;
}

function prototypeKeyIn(v: unknown): string | undefined {
  const stack = [v];
  const seen = new Set<object>();
  while (stack.length) {
    const x = stack.pop();
    if (typeof x !== 'object' || x === null || seen.has(x)) continue;
    seen.add(x);
    for (const k of Object.keys(x)) {
      if (isPrototypeKey(k)) return k;
      stack.push((x as Record<string, unknown>)[k]);
    }
  }
  return undefined;
}

const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).join();

export const target: FuzzTarget = {
  name: 'scenario',
  setup() {
    const dir = join(resourcesDir(), 'scenarios');
    texts = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
    catalogue = loadGuestCatalogue().guests.map((g) => ({ name: g.name, description: g.description }));
    workloads = new Set(catalogue.map((g) => g.name));
  },
  describe: (seed, index) => makeCase(seed, index).slice(0, 1500),
  run(seed, index): Outcome {
    const text = makeCase(seed, index);
    let content: unknown;
    try {
      content = parseScenarioText('fuzz.yaml', text);
    } catch (e) {
      if (e instanceof ResourceError) return { kind: 'refused', detail: e.message };
      throw e;
    }
    const v = validateScenario({ file: 'fuzz.yaml', content }, workloads);
    if (Object.getOwnPropertyNames(Object.prototype).join() !== PROTO_KEYS || ({} as Record<string, unknown>).memoryMiB !== undefined) {
      return { kind: 'wrongAccept', detail: 'Object.prototype was changed' };
    }
    if ('error' in v) {
      if (v.error.code !== 'E_SCENARIO') return { kind: 'crash', detail: `${v.error.code}: ${v.error.message}` };
      return { kind: 'refused' };
    }
    const key = prototypeKeyIn(content);
    if (key) return { kind: 'wrongAccept', detail: `accepted a file with the key "${key}"` };
    const name = v.scenario.name;
    const engine = createEngine({ scenarios: { [name]: { file: 'fuzz.yaml', content } }, guestCatalog: catalogue }, { scenario: name, seed: 1 });
    engine.advance(100);
    const r = engine.handle({ v: API_VERSION, id: 1, kind: 'query', name: 'inventory.get', params: {} });
    if (!r.ok) return { kind: 'crash', detail: `inventory.get: ${r.error.message}` };
    const inv = r.result as InventoryDto;
    if (inv.hosts.length > LAB_MAX_HOSTS) return { kind: 'wrongAccept', detail: `${inv.hosts.length} hosts` };
    if (inv.vms.length > LAB_MAX_VMS) return { kind: 'wrongAccept', detail: `${inv.vms.length} VMs` };
    const perHost = new Map<string, number>();
    for (const vm of inv.vms) {
      if (vm.hostId) perHost.set(vm.hostId, (perHost.get(vm.hostId) ?? 0) + 1);
      if (vm.memoryBytes > 4096 * 2 ** 20 || vm.vcpus > 64) return { kind: 'wrongAccept', detail: `VM ${vm.name}: ${vm.memoryBytes} bytes, ${vm.vcpus} vCPUs` };
      if (!workloads.has(vm.workload)) return { kind: 'wrongAccept', detail: `VM ${vm.name} runs "${vm.workload}"` };
      if (nameProblem(vm.name)) return { kind: 'wrongAccept', detail: `VM name ${JSON.stringify(vm.name)}` };
    }
    for (const [h, n] of perHost) if (n > LAB_MAX_VMS_PER_HOST) return { kind: 'wrongAccept', detail: `${n} VMs on ${h}` };
    return { kind: 'accepted' };
  },
};
