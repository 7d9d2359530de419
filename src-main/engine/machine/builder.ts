/**
 * builder — THE way to obtain a Machine: one path for boot AND restore (Firecracker's rule), and
 * the guest-requested reboot.
 *
 * Interface:
 *  - `buildMachine(input, env?)` where input is
 *    `{ kind: 'boot', config: MachineConfigInput, image }` (config + assembled image → memory loaded,
 *    boot parameter block at 0x1000 filled with the command line, vCPU 0 reset at the image's entry,
 *    secondary vCPUs parked, devices at power-on values) or
 *    `{ kind: 'restore', state }` (a value from `Machine.save()` → that exact machine);
 *  - `MachineEnv` {disk?: the VM's BlockStore, hostMemory?: a shared HostMemory, createMonitor?:
 *    extra monitors (bt/pv/hw) by name}.
 * Rules: both paths build the same skeleton (config → costs, timing, interrupt controller, CPUs
 * with their monitors, device set wired to the bus) and differ only in where state comes from.
 * Throws (`MachineConfigError`, `BootImageError`, RangeError for a bad saved state) only for
 * configuration mistakes, never for guest behaviour.
 */
import { Cpu, makeCostModel, type Monitor } from '../cpu/index';
import { DeviceSet, IrqController, makeDeviceTiming, type DeviceSetOptions, type DmaMemory } from '../devices/index';
import type { AsmImage } from '../isa/index';
import { GuestPhysicalMemory, HostMemory } from '../memory/index';
import type { Gpa, PagingOptions } from '../mmu/index';
import { createMonitor, HardwareAssistMonitor, MONITOR_KINDS, type MonitorKind } from '../monitors/index';
import type { BlockStore } from '../vm/guestFactory';
import { bootImageOf, loadBootImage, type BootImage } from './bootImage';
import { Machine } from './machine';
import { MachineConfigError, resolveMachineConfig, type MachineConfig, type MachineConfigInput, type MachineCostModel } from './machineConfig';
import { isMachineState, MACHINE_STATE_VERSION, type MachineState } from './machineState';
import { restoreMemory } from './memorySnapshot';
import { VcpuSlot } from './vcpuSlot';

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
  | { kind: 'restore'; state: MachineState };

export function buildMachine(input: MachineBuildInput, env: MachineEnv = {}): Machine {
  if (input.kind === 'restore') {
    if (!isMachineState(input.state)) throw new RangeError('not a saved machine state');
    if (input.state.version !== MACHINE_STATE_VERSION) throw new RangeError(`saved machine state version ${input.state.version} is not supported (expected ${MACHINE_STATE_VERSION})`);
  }
  const config = resolveMachineConfig(input.kind === 'boot' ? input.config : input.state.config);
  makeMonitor(config.monitor, env, config.paging); // fail early on an unknown monitor
  const image = bootImageOf(input.kind === 'boot' ? input.image : input.state.image);
  const host = env.hostMemory ?? new HostMemory();
  const costs: MachineCostModel = makeCostModel(config.costs);
  const timing = makeDeviceTiming(config.timing);
  const irq = new IrqController((i) => m.slots[i]?.cpu, (i) => m.slots[i]?.nowNs() ?? Infinity);
  const m: Machine = new Machine(config, image, host, costs, timing, irq, { reboot: (mm) => rebootParts(mm, env) });
  const opts: DeviceSetOptions = {
    cpuCount: config.vcpus, memoryBytes: config.memoryBytes, levels: config.levels, bootNs: config.bootNs,
    rtcEpochSeconds: config.rtcEpochSeconds, timing, irq, dma: dmaFor(m), power: m, smp: m, disk: env.disk, diskBytes: config.diskBytes,
  };
  if (input.kind === 'boot') {
    m.mem = new GuestPhysicalMemory(host, config.memoryBytes);
    loadBootImage(m.mem, image, config);
    m.slots = freshSlots(m, env, () => config.bootNs);
    m.devices = DeviceSet.create(opts);
  } else {
    const s = input.state;
    if (s.vcpus.length !== config.vcpus) throw new RangeError(`saved machine has ${s.vcpus.length} vCPU states for ${config.vcpus} vCPUs`);
    m.mem = restoreMemory(host, s.memory);
    m.slots = s.vcpus.map((v, i) => {
      const mon = makeMonitor(config.monitor, env, config.paging);
      const cpu = Cpu.restore(m.mem, v.cpu, cpuOptions(config, costs, mon));
      restoreMonitor(mon, cpu, v.monitor);
      const slot = new VcpuSlot(i, cpu, m.nsPerCycle);
      Object.assign(slot, v.slot);
      return slot;
    });
    m.devices = DeviceSet.restore(opts, s.devices);
    m.poweredOff = s.poweredOff;
    m.crashInfo = s.crash ? { ...s.crash } : undefined;
    m.own = { ...s.counters };
    m.retired = { ...s.retired };
    m.latestNs = Math.max(config.bootNs, ...m.slots.map((x) => x.nowNs()));
    if (s.dirtyLog) m.dirtyLog.restore(m.mem, s.dirtyLog);
  }
  for (const slot of m.slots) slot.cpu.io = m.devices.bus;
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
  m.mem.release();
  m.mem = new GuestPhysicalMemory(m.host, m.config.memoryBytes);
  loadBootImage(m.mem, m.image, m.config);
  m.slots = freshSlots(m, env, (i) => times[i] ?? m.latestNs);
  for (const slot of m.slots) slot.cpu.io = m.devices.bus;
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

/** DMA into the machine's current guest memory (through its write path: hooks and COW apply). */
function dmaFor(m: Machine): DmaMemory {
  return {
    get sizeBytes() { return m.config.memoryBytes; },
    read(gpa: number, out: Uint8Array): boolean {
      if (gpa < 0 || gpa + out.length > m.config.memoryBytes) return false;
      const mem = m.mem;
      for (let k = 0; k < out.length;) {
        const a = gpa + k;
        if ((a & 3) === 0 && k + 4 <= out.length) {
          const w = mem.readWord(a as Gpa);
          out[k] = w & 255; out[k + 1] = (w >>> 8) & 255; out[k + 2] = (w >>> 16) & 255; out[k + 3] = w >>> 24;
          k += 4;
        } else { out[k] = mem.readByte(a as Gpa); k++; }
      }
      return true;
    },
    write(gpa: number, data: Uint8Array): boolean {
      if (gpa < 0 || gpa + data.length > m.config.memoryBytes) return false;
      const mem = m.mem;
      for (let k = 0; k < data.length;) {
        const a = gpa + k;
        if ((a & 3) === 0 && k + 4 <= data.length) {
          if (!mem.writeWord(a as Gpa, data[k] | (data[k + 1] << 8) | (data[k + 2] << 16) | (data[k + 3] << 24))) return false;
          k += 4;
        } else {
          if (!mem.writeByte(a as Gpa, data[k])) return false;
          k++;
        }
      }
      return true;
    },
  };
}
