// Test helper for live migration in the lab: a cluster of hosts running real labos guests (the HV32
// machine), the host's codecs and page hash, and typed conveniences over the contract.
import { createEngine } from '../../../src-main/engine/index';
import type { Engine, EngineOptions, EnginePorts } from '../../../src-main/engine/index';
import type { PageCodecPort } from '../../../src-main/engine/ports';
import type { QueryResult } from '../../../src-shared/api/queries';
import type { TaskDto } from '../../../src-shared/model/task';
import type { MigrationOptions } from '../../../src-shared/model/migration';
import type { TaskId } from '../../../src-shared/model/ids';
import { defaultGuestFactory } from '../../../src-main/node/guestFactories';
import { loadPageCodecs } from '../../../src-main/node/codecs/pageCodecs';
import { engineRequests, type EngineRequests } from '../../helpers/labHarness';

export interface VmSpec {
  name: string;
  host?: string;
  memoryMiB?: number;
  workload?: string;
  params?: Record<string, number>;
  monitor?: string;
  paging?: string;
}

export interface LabSpec {
  hosts?: number;
  hostMemoryGiB?: number;
  cpuMhz?: number;
  vms: VmSpec[];
  /** Hosts (by index) without hardware assist. */
  noHardwareAssist?: number[];
  actions?: unknown[];
  seed?: number;
}

export interface MigLab extends EngineRequests {
  vm(name: string): QueryResult<'vm.get'>;
  host(name: string): QueryResult<'host.get'>;
  task(id: string): TaskDto;
  /** Advances in steps until the task ends (at most `maxMs`). */
  finish(taskId: string, maxMs?: number): TaskDto;
  migrate(vm: string, to: string, options?: Partial<MigrationOptions>, gang?: string[]): TaskId;
  advance(ms: number): void;
  console(vm: string): string;
}

let codecs: Promise<PageCodecPort> | undefined;
export function hostCodecs(): Promise<PageCodecPort> {
  codecs ??= loadPageCodecs();
  return codecs;
}

export function scenarioOf(spec: LabSpec): Record<string, unknown> {
  const hosts = Array.from({ length: spec.hosts ?? 2 }, (_, i) => ({
    name: `H${i}`, cpuMhz: spec.cpuMhz ?? 100, memoryGiB: spec.hostMemoryGiB ?? 1, coresPerSocket: 4,
    ...(spec.noHardwareAssist?.includes(i) ? { hardwareAssist: false } : {}),
  }));
  return {
    version: 1, name: 'mig', title: 'migration test lab',
    datacenters: [{
      name: 'DC0',
      clusters: [{ name: 'C0', hosts }],
      vms: spec.vms.map((v) => ({
        name: v.name, host: v.host ?? 'H0', vcpus: 1, memoryMiB: v.memoryMiB ?? 8, workload: v.workload ?? 'memwrite',
        workloadParams: v.params ?? { wss_kib: 1024, rate_pps: 2000, passes: 0 },
        ...(v.monitor ? { monitor: v.monitor } : {}), ...(v.paging ? { paging: v.paging } : {}), powerOn: true,
      })),
    }],
    ...(spec.actions ? { actions: spec.actions } : {}),
  };
}

export async function migLab(spec: LabSpec, ports: Partial<EnginePorts> = {}, options: Partial<EngineOptions> = {}): Promise<MigLab> {
  const g = defaultGuestFactory();
  const engine = createEngine({
    scenarios: { mig: { file: 'mig.inline', content: scenarioOf(spec) } }, guestFactory: g.factory, pageCodecs: await hostCodecs(), ...ports,
  }, { scenario: 'mig', seed: spec.seed ?? 1, ...options });
  return wrap(engine);
}

export function wrap(engine: Engine): MigLab {
  const lab: MigLab = {
    ...engineRequests(engine),
    vm(name) {
      const v = lab.q('inventory.get', {}).vms.find((x) => x.name === name);
      if (!v) throw new Error(`no VM ${name}`);
      return lab.q('vm.get', { vmId: v.id });
    },
    host(name) {
      const h = lab.q('inventory.get', {}).hosts.find((x) => x.name === name);
      if (!h) throw new Error(`no host ${name}`);
      return lab.q('host.get', { hostId: h.id });
    },
    task(tid) {
      const t = lab.q('tasks.list', { limit: 1000 }).find((x) => x.id === tid);
      if (!t) throw new Error(`no task ${tid}`);
      return t;
    },
    finish(tid, maxMs = 120_000) {
      for (let t = 0; t <= maxMs; t += 20) {
        const task = lab.task(tid);
        if (task.state === 'success' || task.state === 'error' || task.state === 'cancelled') return task;
        engine.advance(20);
      }
      throw new Error(`task ${tid} did not finish in ${maxMs} ms`);
    },
    migrate(vm, to, options = {}, gang) {
      const r = lab.cmd('vm.migrate', {
        vmId: lab.vm(vm).id, hostId: lab.host(to).id, options, ...(gang ? { gang: gang.map((n) => lab.vm(n).id) } : {}),
      });
      return r.taskId;
    },
    advance(ms) { engine.advance(ms); },
    console(vm) { return lab.q('vm.console.read', { vmId: lab.vm(vm).id }).text; },
  };
  lab.cmd('sim.pause', {});
  return lab;
}

/** The five migrations from H0 to H1 that ownerHeldMachines.test.ts and ownerTransport.test.ts run on their lab
 *  (VMs a, b, c, d, g; n on H1): pre-copy with XBZRLE and dedup, with compression and dedup, post-copy, a
 *  pre-copy whose link is cut, a hybrid with compression. Their task ids. */
export const FIVE_MOVES_VMS: VmSpec[] = [
  { name: 'a', params: { wss_kib: 2048, rate_pps: 4000, passes: 0 } }, { name: 'b' }, { name: 'c' }, { name: 'd' }, { name: 'n', host: 'H1' },
  { name: 'g', params: { wss_kib: 1024, rate_pps: 2000, passes: 0 } },
];

export function startFiveMoves(lab: MigLab): TaskId[] {
  return [
    lab.migrate('a', 'H1', { bandwidthBytesPerS: 2 * 1048576, downtimeLimitMs: 50, xbzrle: true, dedup: true }),
    lab.migrate('d', 'H1', { bandwidthBytesPerS: 8 * 1048576, compression: 'zlib', dedup: true }),
    lab.migrate('b', 'H1', { mode: 'postcopy', bandwidthBytesPerS: 4 * 1048576 }),
    lab.migrate('c', 'H1', { bandwidthBytesPerS: 1048576, cutAtMs: 100 }),
    lab.migrate('g', 'H1', { mode: 'hybrid', postcopyAfterRounds: 1, compression: 'zlib', bandwidthBytesPerS: 4 * 1048576 }),
  ];
}
