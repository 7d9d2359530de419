/**
 * collector — turns what the engine counted into vSphere counters, once per real-time period (20 s),
 * for every powered-on VM, every host, cluster and datacenter; then rolls the history up.
 *
 * Sources: the host schedulers (run / ready / co-stop / wait ns, cycles, instructions, min/max usage
 * per quantum), the guest machines (memory statistics, cumulative counters for disk and engine.*,
 * guest clock, the dirty log read and cleared once per sample), the lab (uptime, vmop counts) and the documented models (`resourceModels.ts`).
 *
 * - `endQuantum(lab, quantumMs)`: per-quantum bookkeeping at each lockstep barrier.
 * - `collectSamples(lab, timeMs)`: records one real-time sample per entity and rolls up.
 *
 * Rules: powered-off and suspended VMs produce no samples; a counter a source does not provide is
 * absent, never zero; rates are over the time the VM actually ran in the period (power-on mid-period).
 */
import type { ClusterId, DatacenterId, HostId } from '@shared/model/ids';
import type { Lab } from '../lab/index';
import type { Host, Vm } from '../cluster/index';
import { COUNTER_BY_NAME, DISK_COUNTER_KEYS, ENGINE_COUNTER_SOURCES } from './catalog';
import { hostWatts, vmOverheadKB } from './resourceModels';
import { uptimeMs, pollConsole } from '../vm/index';
import { HOST_SYSTEM_MEMORY_MIB, PAGE_SIZE_BYTES, SIM_QUANTUM_NS } from '../params';
import { REALTIME_PERIOD_MS } from './sampleStore';

type Values = Record<string, number>;
const KB = 1024;
/** Console output is copied every this many quanta (100 ms), not every quantum. */
const CONSOLE_POLL_QUANTA = 10;

const VMOP_COUNTERS: [string, string][] = [
  ['poweron', 'vmop.numPoweron.latest'], ['poweroff', 'vmop.numPoweroff.latest'], ['suspend', 'vmop.numSuspend.latest'],
  ['reset', 'vmop.numReset.latest'], ['create', 'vmop.numCreate.latest'], ['destroy', 'vmop.numDestroy.latest'],
  ['clone', 'vmop.numClone.latest'], ['deploy', 'vmop.numDeploy.latest'], ['reconfigure', 'vmop.numReconfigure.latest'],
  ['rebootGuest', 'vmop.numRebootGuest.latest'], ['shutdownGuest', 'vmop.numShutdownGuest.latest'],
];

function capacityHz(h: Host): number {
  return h.sockets * h.coresPerSocket * h.threadsPerCore * h.cpuMhz * 1e6;
}

export function endQuantum(lab: Lab, quantumMs: number): void {
  const perCluster = new Map<ClusterId, { cycles: number; hz: number }>();
  for (const [hostId, sched] of lab.schedulers) {
    const cycles = sched.endGridQuantum(SIM_QUANTUM_NS);
    const host = lab.reg.hosts.get(hostId);
    if (!host?.clusterId) continue;
    const c = perCluster.get(host.clusterId) ?? { cycles: 0, hz: 0 };
    c.cycles += cycles;
    c.hz += capacityHz(host);
    perCluster.set(host.clusterId, c);
  }
  for (const [id, c] of perCluster) {
    const u = c.hz > 0 ? (c.cycles / (c.hz * (quantumMs / 1000))) * 100 : 0;
    const g = lab.clusterGrid.get(id);
    lab.clusterGrid.set(id, g ? { min: Math.min(g.min, u), max: Math.max(g.max, u) } : { min: u, max: u });
  }
  if (Math.round(lab.clock.nowMs / quantumMs) % CONSOLE_POLL_QUANTA === 0) {
    for (const [id, rt] of lab.runtimes) if (rt.guest) pollConsole(lab, lab.reg.vms.get(id)!);
  }
}

function add(to: Values, from: Values, keys: string[]): void {
  for (const k of keys) if (k in from) to[k] = (to[k] ?? 0) + from[k];
}

function firstKey(counters: Record<string, number>, keys: string[]): string | undefined {
  return keys.find((k) => k in counters);
}

export function collectSamples(lab: Lab, timeMs: number): void {
  const periodS = REALTIME_PERIOD_MS / 1000;
  const hostValues = new Map<HostId, Values>();
  const onHost = new Map<HostId, Vm[]>();
  for (const vm of lab.reg.vms.values()) {
    if (vm.powerState !== 'poweredOn' || !vm.hostId) continue;
    const list = onHost.get(vm.hostId);
    if (list) list.push(vm); else onHost.set(vm.hostId, [vm]);
  }
  for (const host of lab.reg.hosts.values()) {
    const sched = lab.schedulers.get(host.id)!;
    const { host: hs, vms } = sched.sample(timeMs * 1e6);
    const nsPerCycle = 1e9 / (host.cpuMhz * 1e6);
    const sum: Values = {};
    let consumedKB = 0; let activeKB = 0; let overheadKB = 0; let reservedMhz = 0;
    for (const vm of onHost.get(host.id) ?? []) {
      const rt = lab.runtime(vm.id);
      const coveredS = Math.max(0.001, (timeMs - Math.max(timeMs - REALTIME_PERIOD_MS, rt.sampledSinceMs)) / 1000);
      const cpu = vms.get(vm.id);
      const guest = rt.guest;
      const vcpus = cpu?.vcpus ?? vm.vcpus;
      const usagemhz = (cpu?.cycles ?? 0) / coveredS / 1e6;
      const v: Values = {
        'cpu.usagemhz.average': usagemhz,
        'cpu.usage.average': (usagemhz / (vcpus * host.cpuMhz)) * 100,
        'cpu.ready.summation': (cpu?.readyNs ?? 0) / 1e6,
        'cpu.costop.summation': (cpu?.costopNs ?? 0) / 1e6,
        'cpu.wait.summation': (cpu?.waitNs ?? 0) / 1e6,
        'cpu.idle.summation': (cpu?.waitNs ?? 0) / 1e6,
        'cpu.run.summation': (cpu?.runNs ?? 0) / 1e6,
        'cpu.used.summation': ((cpu?.cycles ?? 0) * nsPerCycle) / 1e6,
        'cpu.maxlimited.summation': (cpu?.limitedNs ?? 0) / 1e6,
        'sys.uptime.latest': Math.floor(uptimeMs(vm, timeMs) / 1000),
        'mem.overhead.average': vmOverheadKB(vm),
      };
      if (cpu && !Number.isNaN(cpu.usageMin)) { v['cpu.usage.minimum'] = cpu.usageMin; v['cpu.usage.maximum'] = cpu.usageMax; }
      const mem = guest?.memoryStats();
      const consumed = mem ? mem.touchedBytes / KB : 0;
      const active = mem ? mem.activeBytes / KB : 0;
      v['mem.consumed.average'] = consumed;
      v['mem.granted.average'] = consumed;
      v['mem.active.average'] = active;
      v['mem.usage.average'] = (active / (vm.memoryBytes / KB)) * 100;
      if (guest) {
        v['engine.instructions.summation'] = cpu?.instructions ?? 0;
        v['engine.mips.average'] = (cpu?.instructions ?? 0) / coveredS / 1e6;
        v['engine.clockLag.latest'] = Math.max(0, (lab.nowNs() - rt.offsetNs - rt.bootGuestNs - guest.guestClockNs()) / 1e6);
        const now = guest.counters();
        const base = rt.counterBase;
        for (const [name, keys] of Object.entries(ENGINE_COUNTER_SOURCES)) {
          const k = firstKey(now, keys);
          if (k === undefined) continue;
          const d = now[k] - (base[k] ?? 0);
          v[name] = name.endsWith('.average') ? d / coveredS : d;
        }
        // The dirty log (started at power-on, vm/guestLifecycle.ts) is read and cleared once per
        // sample: distinct pages written in the period, as QEMU's dirty-pages-rate counts them.
        const dirty = guest.readAndClearDirty?.(lab.nowNs() - rt.offsetNs);
        if (dirty) {
          v['engine.dirtyRate.average'] = dirty.count / coveredS;
          v['mem.activewrite.average'] = (dirty.count * PAGE_SIZE_BYTES) / KB;
        }
        if (DISK_COUNTER_KEYS.readBytes in now) {
          const d = (k: string) => (now[k] ?? 0) - (base[k] ?? 0);
          const readKBps = d(DISK_COUNTER_KEYS.readBytes) / KB / coveredS;
          const writeKBps = d(DISK_COUNTER_KEYS.writeBytes) / KB / coveredS;
          v['virtualDisk.read.average'] = readKBps;
          v['virtualDisk.write.average'] = writeKBps;
          v['virtualDisk.numberReadAveraged.average'] = d(DISK_COUNTER_KEYS.reads) / coveredS;
          v['virtualDisk.numberWriteAveraged.average'] = d(DISK_COUNTER_KEYS.writes) / coveredS;
          v['disk.read.average'] = readKBps;
          v['disk.write.average'] = writeKBps;
          v['disk.usage.average'] = readKBps + writeKBps;
        }
        rt.counterBase = now;
      }
      rt.sampledSinceMs = timeMs;
      record(lab, vm.id, timeMs, v);
      consumedKB += consumed; activeKB += active; overheadKB += vmOverheadKB(vm); reservedMhz += vm.cpuReservationMhz;
      add(sum, v, ['disk.read.average', 'disk.write.average', 'disk.usage.average', 'engine.instructions.summation', 'engine.mips.average', 'engine.dirtyRate.average', 'mem.activewrite.average',
        ...Object.keys(ENGINE_COUNTER_SOURCES).filter((k) => k !== 'engine.droppedTicks.summation')]);
    }
    if (host.powerState !== 'poweredOn') continue;
    const capMhz = hs.pcpus * host.cpuMhz;
    const usagemhz = hs.cycles / periodS / 1e6;
    const util = hs.busyNs / (hs.pcpus * periodS * 1e9);
    const watts = hostWatts(host, util);
    const sysKB = HOST_SYSTEM_MEMORY_MIB * KB;
    const totalKB = consumedKB + overheadKB + sysKB;
    const h: Values = {
      ...sum,
      'cpu.usagemhz.average': usagemhz,
      'cpu.usage.average': (usagemhz / capMhz) * 100,
      'cpu.ready.summation': hs.readyNs / 1e6,
      'cpu.costop.summation': hs.costopNs / 1e6,
      'cpu.wait.summation': hs.waitNs / 1e6,
      'cpu.idle.summation': Math.max(0, hs.pcpus * periodS * 1e9 - hs.busyNs) / 1e6,
      'cpu.run.summation': hs.runNs / 1e6,
      'cpu.used.summation': (hs.cycles * nsPerCycle) / 1e6,
      'cpu.utilization.average': Math.min(100, util * 100),
      'cpu.totalCapacity.average': host.sockets * host.coresPerSocket * host.cpuMhz,
      'cpu.reservedCapacity.average': reservedMhz,
      'mem.consumed.average': totalKB,
      'mem.granted.average': consumedKB,
      'mem.active.average': activeKB,
      'mem.overhead.average': overheadKB,
      'mem.sysUsage.average': sysKB,
      'mem.usage.average': (totalKB / (host.memoryBytes / KB)) * 100,
      'mem.totalCapacity.average': host.memoryBytes / (1024 * 1024),
      'power.power.average': watts,
      'power.energy.summation': watts * periodS,
      'sys.uptime.latest': Math.floor((timeMs - host.bootedAtMs) / 1000),
    };
    if (!Number.isNaN(hs.usageMin)) { h['cpu.usage.minimum'] = hs.usageMin; h['cpu.usage.maximum'] = hs.usageMax; }
    hostValues.set(host.id, h);
    record(lab, host.id, timeMs, h);
  }
  for (const cl of lab.reg.clusters.values()) {
    const v: Values = {};
    let capMhz = 0; let memKB = 0; let effCpu = 0; let effMemMB = 0;
    for (const host of lab.reg.hosts.values()) {
      if (host.clusterId !== cl.id) continue;
      const hv = hostValues.get(host.id);
      if (hv) add(v, hv, ['cpu.usagemhz.average', 'cpu.reservedCapacity.average', 'mem.consumed.average', 'mem.granted.average', 'mem.active.average', 'mem.overhead.average']);
      capMhz += host.sockets * host.coresPerSocket * host.threadsPerCore * host.cpuMhz;
      memKB += host.memoryBytes / KB;
      if (host.connectionState === 'connected' && !host.inMaintenanceMode) {
        effCpu += host.sockets * host.coresPerSocket * host.cpuMhz;
        effMemMB += host.memoryBytes / (1024 * 1024);
      }
    }
    v['cpu.usage.average'] = capMhz ? ((v['cpu.usagemhz.average'] ?? 0) / capMhz) * 100 : 0;
    v['mem.usage.average'] = memKB ? ((v['mem.consumed.average'] ?? 0) / memKB) * 100 : 0;
    v['clusterServices.effectivecpu.average'] = effCpu;
    v['clusterServices.effectivemem.average'] = effMemMB;
    const g = lab.clusterGrid.get(cl.id);
    if (g) { v['cpu.usage.minimum'] = g.min; v['cpu.usage.maximum'] = g.max; }
    lab.clusterGrid.delete(cl.id);
    addVmops(lab, cl.id, v);
    record(lab, cl.id, timeMs, v);
  }
  for (const dc of lab.reg.datacenters.values()) {
    const v: Values = {};
    addVmops(lab, dc.id, v);
    record(lab, dc.id, timeMs, v);
  }
  lab.samples.rollUp(timeMs);
  lab.emit({ type: 'metrics.sampled', timeMs });
}

function addVmops(lab: Lab, id: ClusterId | DatacenterId, v: Values): void {
  const c = lab.vmops.get(id) ?? {};
  for (const [kind, name] of VMOP_COUNTERS) v[name] = c[kind as keyof typeof c] ?? 0;
}

function record(lab: Lab, id: Parameters<Lab['samples']['record']>[0], timeMs: number, v: Values): void {
  for (const k of Object.keys(v)) if (!COUNTER_BY_NAME.has(k)) throw new Error(`sampled counter ${k} is not in the catalogue`);
  lab.samples.record(id, timeMs, v);
}
