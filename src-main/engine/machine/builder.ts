/**
 * builder — THE way to obtain a Machine: one path for boot, restore AND a machine assembled from a
 * page stream (Firecracker's rule), and the guest-requested reboot.
 *
 * Interface:
 *  - `buildMachine(input, env?)` where input is
 *    `{ kind: 'boot', config: MachineConfigInput, image }` (config + assembled image → memory loaded,
 *    boot parameter block at 0x1000 filled with the command line, vCPU 0 reset at the image's entry,
 *    secondary vCPUs parked, devices at power-on values),
 *    `{ kind: 'restore', state }` (a value from `Machine.save()` → that exact machine), or
 *    `{ kind: 'assemble', core, memory }` (a value from `Machine.saveCore()` plus an IncomingMemory the
 *    pages were streamed into, possibly with pages still not present → that machine, on the memory's
 *    host pool; the memory is taken over);
 *  - `MachineEnv` {disk?: the VM's BlockStore, hostMemory?: a shared HostMemory, createMonitor?:
 *    extra monitors (bt/pv/hw) by name}.
 * Rules: all paths build the same skeleton (config → costs, timing, interrupt controller, CPUs
 * with their monitors, device set wired to the bus) and differ only in where state comes from.
 * Host-side caches are never carried: a restored or assembled machine starts with empty decode and
 * translation caches, shadow and nested tables, built again on demand on its own memory.
 * Throws (`MachineConfigError`, `BootImageError`, RangeError for a bad saved state) only for
 * configuration mistakes, never for guest behaviour.
 */
import { Cpu, makeCostModel, type Monitor } from '../cpu/index';
import { DeviceSet, IrqController, makeDeviceTiming, type DeviceSetOptions, type DmaMemory } from '../devices/index';
import type { AsmImage } from '../isa/index';
import { GuestPhysicalMemory, HostMemory } from '../memory/index';
import type { Gpa, Gpfn, PagingOptions } from '../mmu/index';
import { createMonitor, HardwareAssistMonitor, MONITOR_KINDS, type MonitorKind } from '../monitors/index';
import type { BlockStore } from '../vm/guestFactory';
import { bootImageOf, loadBootImage, type BootImage } from './bootImage';
import { Machine } from './machine';
import { IncomingMemory } from './incomingMemory';
import { MachineConfigError, resolveMachineConfig, type MachineConfig, type MachineConfigInput, type MachineCostModel } from './machineConfig';
import { isMachineCoreState, isMachineState, MACHINE_STATE_VERSION, type MachineCoreState, type MachineState } from './machineState';
import { restoreMemory } from './memorySnapshot';
import { VcpuSlot } from './vcpuSlot';
import { RESET_STORM_MAX_RESETS } from '../params';

export interface MachineEnv {
  /** The VM's disk (e.g. its copy-on-write DiskChain); absent → the machine's own sparse disk. */
  disk?: BlockStore;
  /** Host memory to allocate guest frames from (default: a private, unlimited one). */
  hostMemory?: HostMemory;
  /** Extra monitors by name (bt, pv, hw, or a monitor built with options); undefined → interp / te. */
  createMonitor?: (kind: string) => Monitor | undefined;
}

export type MachineBuildInput =
  | { kind: 'boot'; config: MachineConfigInput; image: AsmImage | BootImage }
  | { kind: 'restore'; state: MachineState }
  | { kind: 'assemble'; core: MachineCoreState; memory: IncomingMemory };

export function buildMachine(input: MachineBuildInput, env: MachineEnv = {}): Machine {
  const saved = input.kind === 'restore' ? input.state : input.kind === 'assemble' ? input.core : undefined;
  if (input.kind === 'restore' && !isMachineState(input.state)) throw new RangeError('not a saved machine state');
  if (saved) {
    if (!isMachineCoreState(saved)) throw new RangeError('not a saved machine state');
    if (saved.version !== MACHINE_STATE_VERSION) throw new RangeError(`saved machine state version ${saved.version} is not supported (expected ${MACHINE_STATE_VERSION})`);
  }
  if (input.kind === 'assemble') {
    if (!(input.memory instanceof IncomingMemory)) throw new RangeError('a machine is assembled on an IncomingMemory');
    if (env.hostMemory && env.hostMemory !== input.memory.host) throw new RangeError('the incoming memory belongs to another host pool than the machine');
    if (input.memory.sizeBytes !== input.core.config.memoryBytes) throw new RangeError(`the incoming memory has ${input.memory.sizeBytes} bytes, the machine ${input.core.config.memoryBytes}`);
  }
  const config = resolveMachineConfig(saved ? saved.config : (input as { config: MachineConfigInput }).config);
  makeMonitor(config.monitor, env, config.paging); // fail early on an unknown monitor
  const image = bootImageOf(saved ? saved.image : (input as { image: AsmImage | BootImage }).image);
  const host = input.kind === 'assemble' ? input.memory.host : env.hostMemory ?? new HostMemory();
  const costs: MachineCostModel = makeCostModel(config.costs);
  const timing = makeDeviceTiming(config.timing);
  const irq = new IrqController((i) => m.slots[i]?.cpu, (i) => m.slots[i]?.nowNs() ?? Infinity);
  const m: Machine = new Machine(config, image, host, costs, timing, irq, { reboot: (mm) => rebootParts(mm, env) });
  const opts: DeviceSetOptions = {
    cpuCount: config.vcpus, memoryBytes: config.memoryBytes, levels: config.levels, bootNs: config.bootNs,
    rtcEpochSeconds: config.rtcEpochSeconds, timing, irq, dma: dmaFor(m), power: m, smp: m, disk: env.disk, diskBytes: config.diskBytes,
  };
  if (!saved) {
    m.attachMemory(new GuestPhysicalMemory(host, config.memoryBytes));
    try {
      loadBootImage(m.mem, image, config);
    } catch (e) {
      m.mem.release();
      throw e;
    }
    m.slots = freshSlots(m, env, () => config.bootNs);
    m.devices = DeviceSet.create(opts);
  } else {
    const s = saved;
    if (s.vcpus.length !== config.vcpus) throw new RangeError(`saved machine has ${s.vcpus.length} vCPU states for ${config.vcpus} vCPUs`);
    m.attachMemory(input.kind === 'assemble' ? input.memory.take() : restoreMemory(host, (s as MachineState).memory));
    try {
      m.slots = s.vcpus.map((v, i) => {
        const mon = makeMonitor(config.monitor, env, config.paging);
        const cpu = Cpu.restore(m.mem, v.cpu, cpuOptions(config, costs, mon));
        restoreMonitor(mon, cpu, v.monitor);
        const slot = new VcpuSlot(i, cpu, m.nsPerCycle);
        slot.restore(v.slot);
        return slot;
      });
      m.devices = DeviceSet.restore(opts, s.devices);
      m.poweredOff = s.poweredOff;
      m.crashInfo = s.crash ? { ...s.crash } : undefined;
      m.own = { ...s.counters };
      m.retired = { ...s.retired };
      m.latestNs = Math.max(config.bootNs, ...m.slots.map((x) => x.nowNs()));
      if (s.dirtyLog) m.dirtyLog.restore(m.mem, s.dirtyLog);
      if (Array.isArray(s.resetTimesNs)) m.resetTimesNs = s.resetTimesNs.filter((x) => typeof x === 'number').slice(-RESET_STORM_MAX_RESETS);
    } catch (e) {
      m.mem.release(); // a state that does not restore holds no frames
      throw e;
    }
  }
  for (const slot of m.slots) slot.cpu.io = m.devices.bus;
  m.installFrameShortage();
  m.devices.bus.clock = () => m.activeNowNs();
  m.devices.bus.afterAccess = () => m.afterIo();
  return m;
}

function cpuOptions(config: MachineConfig, costs: MachineCostModel, monitor: Monitor) {
  return { levels: config.levels, tlbEntries: config.tlbEntries, tlbWays: config.tlbWays, costs, monitor, ...(config.paging ? { paging: { ...config.paging } } : {}) };
}

/** CPUs at power-on: vCPU 0 reset at the image entry and started, the others parked. */
function freshSlots(m: Machine, env: MachineEnv, timeOf: (i: number) => number): VcpuSlot[] {
  const out: VcpuSlot[] = [];
  for (let i = 0; i < m.config.vcpus; i++) {
    const cpu = new Cpu(m.mem, cpuOptions(m.config, m.costs, makeMonitor(m.config.monitor, env, m.config.paging)));
    const slot = new VcpuSlot(i, cpu, m.nsPerCycle);
    slot.rebase(timeOf(i));
    if (i === 0) {
      cpu.reset(m.image.entry);
      slot.started = true;
    }
    out.push(slot);
  }
  return out;
}

/** Guest-requested reset: fresh memory with the image and parameter block, fresh CPUs (time continues), devices rebooted. */
function rebootParts(m: Machine, env: MachineEnv): void {
  const times = m.slots.map((s) => s.nowNs());
  const pageFaults = m.slots.map((s) => s.pageFaults);
  m.mem.release();
  m.attachMemory(new GuestPhysicalMemory(m.host, m.config.memoryBytes));
  loadBootImage(m.mem, m.image, m.config);
  m.slots = freshSlots(m, env, (i) => times[i] ?? m.latestNs);
  m.slots.forEach((s, i) => { if (pageFaults[i]) s.pageFaults = pageFaults[i]; }); // cumulative since power-on
  for (const slot of m.slots) slot.cpu.io = m.devices.bus;
  m.installFrameShortage();
  m.devices.reboot();
  m.irq.resync();
}

function makeMonitor(kind: string, env: MachineEnv, paging?: PagingOptions): Monitor {
  const custom = env.createMonitor?.(kind);
  if (custom) return custom;
  // hw: the exit controls a hypervisor sets for its paging mode — shadow paging must see
  // page faults (and keeps CR3-load / INVLPG exiting); nested paging needs none of the three.
  if (kind === 'hw' && paging?.mode === 'shadow') return new HardwareAssistMonitor({ exits: { 'page-fault': true } });
  if (kind === 'hw' && paging?.mode === 'nested') return new HardwareAssistMonitor({ exits: { 'cr-write': false, invlpg: false, tlbflush: false } });
  if ((MONITOR_KINDS as readonly string[]).includes(kind)) return createMonitor(kind as MonitorKind);
  throw new MachineConfigError('monitor', `monitor "${kind}" is not available (available: ${MONITOR_KINDS.join(', ')})`);
}

function restoreMonitor(mon: Monitor, cpu: Cpu, state: unknown): void {
  const r = (mon as unknown as { restore?: (cpu: Cpu, s: unknown) => void }).restore;
  if (r && state !== null && state !== undefined) r.call(mon, cpu, state);
}

/**
 * DMA into the machine's current guest memory (through its write path: hooks and COW apply). `ready`
 * checks a transfer's pages first, so a page not present here makes the device wait, never copy zeros,
 * and a transfer into memory that needs more host frames than are free waits until they are (the vCPU
 * running the device waits for a frame too, counted in its `frameWaits`), never failing halfway.
 */
function dmaFor(m: Machine): DmaMemory {
  return {
    get sizeBytes() { return m.config.memoryBytes; },
    ready(gpa: number, length: number, toMemory: boolean): boolean {
      const mem = m.mem;
      if (length <= 0) return true;
      const first = gpa >>> 12;
      const last = (gpa + length - 1) >>> 12;
      if (mem.notPresentCount !== 0) for (let p = first; p <= last; p++) if (!mem.ensurePresent(p, 'dma')) return false;
      if (toMemory) {
        // every page the transfer writes needs a frame of its own (a new one, or a copy of a shared one);
        // with too few free, the transfer waits as a vCPU's first write does, instead of failing halfway
        let need = 0;
        for (let p = first; p <= last; p++) if (!mem.isExclusive(p as Gpfn)) need++;
        if (need > mem.host.freeFrames) { m.deviceFrameShortage(first); return false; }
      }
      return true;
    },
    read(gpa: number, out: Uint8Array): boolean {
      if (gpa < 0 || gpa + out.length > m.config.memoryBytes) return false;
      m.mem.dmaRead(gpa as Gpa, out);
      return true;
    },
    write(gpa: number, data: Uint8Array): boolean {
      if (gpa < 0 || gpa + data.length > m.config.memoryBytes) return false;
      return m.mem.dmaWrite(gpa as Gpa, data);
    },
  };
}
