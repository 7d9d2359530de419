/**
 * Builds a lab's inventory from a validated scenario, govmomi-Model style: counts become objects with
 * predictable names (DC0, DC0_C0, DC0_C0_H1, DC0_C0_H1_VM2) and ids in creation order; explicit lists
 * and templates are added as written.
 *
 * - `buildInventory(registry, scenario)` fills an empty registry; returns the VMs to power on at t = 0,
 *   or throws `ScenarioProblem` naming the path of a bad reference (unknown host or template, duplicate
 *   name, a VM that does not fit the host).
 * - `HOST_DEFAULTS`.
 *
 * Rule: deterministic — the same scenario always yields the same ids, names and MAC addresses.
 */
import type { Registry, Host } from './registry';
import type {
  Scenario, HostTemplate, HostSpec, VmTemplate, DatacenterSpec,
} from '../scenario/index';
import type { ClusterId, DatacenterId, DatastoreId, NetworkId, VmId } from '@shared/model/ids';
import { DEFAULT_HOST_CPU_MHZ } from '../params';
import { clonePlain } from '../sim/index';
import { newVm, mergeFields } from './newVm';
import type { VmFields } from './newVm';

const GiB = 1024 ** 3;

/** A bad reference in a scenario; `field` is the path (`scenario.datacenters[0].vms[2].host`). */
export class ScenarioProblem extends Error {
  constructor(readonly field: string, message: string) { super(message); }
}

/** Defaults for hosts when a scenario leaves a field out: a small teaching server (see cost-model.md). */
export const HOST_DEFAULTS = {
  vendor: 'Hypervisor Lab', model: 'HVL-1S Simulated Server', sockets: 1, coresPerSocket: 4, threadsPerCore: 1,
  cpuMhz: DEFAULT_HOST_CPU_MHZ, memoryGiB: 8, hypervisorVersion: 'HVL Hypervisor 1.0.0 (engine)',
} as const;

interface Ctx { reg: Registry; dcId: DatacenterId; dsId: DatastoreId; extraDsIds: DatastoreId[]; netId: NetworkId; toPowerOn: VmId[] }

export function buildInventory(reg: Registry, scenario: Scenario): VmId[] {
  const toPowerOn: VmId[] = [];
  scenario.datacenters.forEach((dcSpec, dcIndex) => {
    const path = `scenario.datacenters[${dcIndex}]`;
    const dcName = dcSpec.name ?? `DC${dcIndex}`;
    const dcId = reg.allocate('datacenter');
    reg.datacenters.set(dcId, { id: dcId, name: dcName });
    const dsId = reg.allocate('datastore');
    reg.datastores.set(dsId, { id: dsId, name: `${dcName}_datastore1`, datacenterId: dcId, capacityBytes: 4096 * GiB, hostIds: [] });
    const netId = reg.allocate('network');
    reg.networks.set(netId, { id: netId, name: `${dcName}_VM Network`, datacenterId: dcId, hostIds: [] });
    // Further shared datastores (a scenario's `datastores: N`), allocated after the network so the ids of a
    // scenario without them stay what they were.
    const extraDsIds: DatastoreId[] = [];
    for (let n = 2; n <= (dcSpec.datastores ?? 1); n++) {
      const id = reg.allocate('datastore');
      reg.datastores.set(id, { id, name: `${dcName}_datastore${n}`, datacenterId: dcId, capacityBytes: 4096 * GiB, hostIds: [] });
      extraDsIds.push(id);
    }
    const ctx: Ctx = { reg, dcId, dsId, extraDsIds, netId, toPowerOn };

    (dcSpec.clusters ?? []).forEach((clSpec, clIndex) => {
      const clName = clSpec.name ?? `${dcName}_C${clIndex}`;
      const clId = reg.allocate('cluster');
      reg.clusters.set(clId, { id: clId, name: clName, datacenterId: dcId, drsEnabled: clSpec.drs ?? false, haEnabled: clSpec.ha ?? false });
      const hosts = addHosts(ctx, clSpec.hosts, clName, clId, `${path}.clusters[${clIndex}].hosts`);
      if (clSpec.vmsPerHost) addVmsPerHost(ctx, hosts, clSpec.vmsPerHost);
    });
    if (dcSpec.hosts) {
      const hosts = addHosts(ctx, dcSpec.hosts, dcName, undefined, `${path}.hosts`);
      if (dcSpec.vmsPerHost) addVmsPerHost(ctx, hosts, dcSpec.vmsPerHost);
    }
    addTemplatesAndVms(ctx, dcSpec, path);
  });
  return toPowerOn;
}

function addHosts(ctx: Ctx, spec: HostTemplate | HostSpec[], prefix: string, clId: ClusterId | undefined, path: string): Host[] {
  const entries: { name: string; f: Omit<HostTemplate, 'count'>; path: string }[] = Array.isArray(spec)
    ? spec.map((h, i) => ({ name: h.name, f: h, path: `${path}[${i}].name` }))
    : Array.from({ length: spec.count }, (_, h) => ({ name: `${prefix}_H${h}`, f: spec, path: `${path}.count` }));
  const out: Host[] = [];
  for (const e of entries) {
    if (ctx.reg.hostByName(e.name)) throw new ScenarioProblem(e.path, `duplicate host name "${e.name}"`);
    const f = e.f;
    const hostId = ctx.reg.allocate('host');
    const mhz = f.cpuMhz ?? HOST_DEFAULTS.cpuMhz;
    const host: Host = {
      id: hostId, name: e.name, datacenterId: ctx.dcId, clusterId: clId,
      vendor: f.vendor ?? HOST_DEFAULTS.vendor, model: f.model ?? HOST_DEFAULTS.model,
      cpuModel: f.cpuModel ?? `HVL Teaching CPU @ ${mhz >= 1000 ? `${(mhz / 1000).toFixed(2)}GHz` : `${mhz}MHz`}`,
      sockets: f.sockets ?? HOST_DEFAULTS.sockets, coresPerSocket: f.coresPerSocket ?? HOST_DEFAULTS.coresPerSocket,
      threadsPerCore: f.threadsPerCore ?? HOST_DEFAULTS.threadsPerCore, cpuMhz: mhz,
      memoryBytes: Math.round((f.memoryGiB ?? HOST_DEFAULTS.memoryGiB) * GiB),
      hypervisorVersion: HOST_DEFAULTS.hypervisorVersion, powerState: 'poweredOn', connectionState: 'connected',
      inMaintenanceMode: f.maintenance ?? false, datastoreIds: [ctx.dsId, ...ctx.extraDsIds], networkIds: [ctx.netId], bootedAtMs: 0,
      ...(f.hardwareAssist === false ? { noHardwareAssist: true } : {}),
    };
    if (f.memoryReclamation) host.memoryReclamation = clonePlain(f.memoryReclamation);
    ctx.reg.hosts.set(hostId, host);
    for (const ds of [ctx.dsId, ...ctx.extraDsIds]) ctx.reg.datastores.get(ds)?.hostIds.push(hostId);
    ctx.reg.networks.get(ctx.netId)?.hostIds.push(hostId);
    out.push(host);
  }
  return out;
}

function addVmsPerHost(ctx: Ctx, hosts: Host[], spec: VmTemplate | VmTemplate[]): void {
  const groups = Array.isArray(spec) ? spec : [spec];
  for (const host of hosts) {
    let v = 0;
    for (const g of groups) {
      for (let k = 0; k < g.count; k++) {
        const id = `vm-${peekVmNumber(ctx.reg)}`;
        const name = g.namePrefix ? `${g.namePrefix}${id.slice(3)}` : `${host.name}_VM${v}`;
        v++;
        const vm = newVm(ctx.reg, { name, datacenterId: ctx.dcId, hostId: host.id, datastoreId: ctx.dsId, networkId: ctx.netId }, g);
        if (g.powerOn && !host.inMaintenanceMode) ctx.toPowerOn.push(vm.id);
      }
    }
  }
}

function peekVmNumber(reg: Registry): number {
  const c = reg.idCounters().find(([k]) => k === 'vm');
  return (c ? c[1] : 0) + 1;
}

function addTemplatesAndVms(ctx: Ctx, dc: DatacenterSpec, path: string): void {
  const dcHosts = [...ctx.reg.hosts.values()].filter((h) => h.datacenterId === ctx.dcId);
  const templates = new Map<string, VmFields>();
  (dc.templates ?? []).forEach((t, i) => {
    if (ctx.reg.nameTaken(t.name)) throw new ScenarioProblem(`${path}.templates[${i}].name`, `duplicate VM or template name "${t.name}"`);
    const host = t.host ? dcHosts.find((h) => h.name === t.host) : dcHosts[0];
    if (!host) throw new ScenarioProblem(`${path}.templates[${i}].host`, t.host ? `no host named "${t.host}" in this datacenter` : 'a template needs a host in its datacenter');
    const { name: _n, host: _h, ...fields } = t;
    templates.set(t.name, fields);
    newVm(ctx.reg, { name: t.name, datacenterId: ctx.dcId, hostId: host.id, datastoreId: ctx.dsId, networkId: ctx.netId, isTemplate: true }, fields);
  });
  (dc.vms ?? []).forEach((e, i) => {
    if (ctx.reg.nameTaken(e.name)) throw new ScenarioProblem(`${path}.vms[${i}].name`, `duplicate VM or template name "${e.name}"`);
    const host = dcHosts.find((h) => h.name === e.host);
    if (!host) throw new ScenarioProblem(`${path}.vms[${i}].host`, `no host named "${e.host}" in this datacenter`);
    let base: VmFields = {};
    if (e.fromTemplate) {
      const t = templates.get(e.fromTemplate);
      if (!t) throw new ScenarioProblem(`${path}.vms[${i}].fromTemplate`, `no template named "${e.fromTemplate}" in this datacenter`);
      base = t;
    }
    const { name: _n, host: _h, fromTemplate: _t, powerOn, ...fields } = e;
    const vm = newVm(ctx.reg, { name: e.name, datacenterId: ctx.dcId, hostId: host.id, datastoreId: ctx.dsId, networkId: ctx.netId }, mergeFields(base, fields));
    if (powerOn && !host.inMaintenanceMode) ctx.toPowerOn.push(vm.id);
  });
}
