/**
 * VirtualMachine properties from the lab's VmDto: `config` (hardware, devices, files, allocations),
 * `runtime`, `guest`, `summary` (with `quickStats` from the lab's counted real-time samples) and the
 * `snapshot` tree.
 *
 * - `vmConfig(vm, ctx)`, `vmRuntime(vm, ctx)`, `vmGuest(vm)`, `vmSummary(vm, ctx)`, `vmSnapshotInfo(tree, ctx)`,
 *   `vmDevices(vm, ctx)`.
 * - Device keys follow ESXi's numbering (PCI 100, SIO 400, SCSI controller 1000, disks 2000+, NICs 4000+,
 *   serial port 9000).
 *
 * Rules: only the lab's facts are shown (no CD-ROM, IDE, PS/2, keyboard, mouse or video card: the lab's
 * machine has none — its console is a serial port); the lab's
 * own settings that vSphere has no field for (monitor, paging, workload) appear in `config.extraConfig`
 * under `hvlab.*`. Values the lab does not count are left unset rather than invented.
 */
import type { SnapshotDto, SnapshotTreeDto, VmDto } from '@shared/model/inventory';
import type { MetricSeriesDto } from '@shared/model/metrics';
import type { VimValue } from './vimValues';
import { anyOf, arr, bool, data, dateTime, en, int, long, ref, str } from './vimValues';
import type { EntityContext } from './entityContext';

const MiB = 1024 * 1024;

export function vmUuid(vm: VmDto, salt = '4201'): string {
  const n = vm.id.slice(3).padStart(12, '0');
  return `${salt}0000-0000-4000-8000-${n}`;
}

export function vmPath(vm: VmDto, ctx: EntityContext): { ds: string; dir: string; vmx: string } {
  const dsId = vm.disks[0]?.datastoreId;
  const ds = (dsId && ctx.model.node(dsId)?.name) || 'datastore1';
  return { ds, dir: `[${ds}] ${vm.name}`, vmx: `[${ds}] ${vm.name}/${vm.name}.vmx` };
}

/** 1048576 → "1,048,576" (as vSphere writes disk sizes; toLocaleString is far slower). */
function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const desc = (label: string, summary: string) => data('Description', { label: str(label), summary: str(summary) });

export function vmDevices(vm: VmDto, ctx: EntityContext): VimValue[] {
  const diskKeys = vm.disks.map((_, i) => 2000 + i);
  const nicKeys = vm.nics.map((_, i) => 4000 + i);
  // The lab machine's buses and controllers: PCI (NICs, SCSI), SIO (the serial console), SCSI (disks).
  const devices: VimValue[] = [
    data('VirtualPCIController', { key: int(100), deviceInfo: desc('PCI controller 0', 'PCI controller 0'), busNumber: int(0), device: arr('int', [int(1000), ...nicKeys.map(int)]) }),
    data('VirtualSIOController', { key: int(400), deviceInfo: desc('SIO controller 0', 'SIO controller 0'), busNumber: int(0), device: arr('int', [int(9000)]) }),
    data('VirtualLsiLogicController', {
      key: int(1000), deviceInfo: desc('SCSI controller 0', 'LSI Logic'), controllerKey: int(100), unitNumber: int(3),
      busNumber: int(0), device: arr('int', diskKeys.map(int)), hotAddRemove: bool(true), sharedBus: en('VirtualSCSISharing', 'noSharing'), scsiCtlrUnitNumber: int(7),
    }),
  ];
  vm.disks.forEach((d, i) => {
    const dsName = ctx.model.node(d.datastoreId)?.name ?? d.datastoreId;
    const kb = Math.round(d.capacityBytes / 1024);
    devices.push(data('VirtualDisk', {
      key: int(2000 + i), deviceInfo: desc(d.label, `${groupThousands(kb)} KB`),
      backing: data('VirtualDiskFlatVer2BackingInfo', {
        fileName: str(`[${dsName}] ${vm.name}/${vm.name}${i ? `_${i}` : ''}.vmdk`), datastore: ref('Datastore', d.datastoreId),
        diskMode: str('persistent'), thinProvisioned: bool(true),
      }),
      controllerKey: int(1000), unitNumber: int(i), capacityInKB: long(kb), capacityInBytes: long(d.capacityBytes),
    }));
  });
  vm.nics.forEach((nic, i) => {
    const netName = ctx.model.node(nic.networkId)?.name ?? nic.networkId;
    devices.push(data('VirtualE1000', {
      key: int(4000 + i), deviceInfo: desc(nic.label, netName),
      backing: data('VirtualEthernetCardNetworkBackingInfo', { deviceName: str(netName), useAutoDetect: bool(false), network: ref('Network', nic.networkId) }),
      connectable: data('VirtualDeviceConnectInfo', {
        startConnected: bool(true), allowGuestControl: bool(true), connected: bool(nic.connected && vm.powerState === 'poweredOn'),
        status: str('ok'),
      }),
      controllerKey: int(100), unitNumber: int(7 + i), addressType: str('assigned'), macAddress: str(nic.macAddress), wakeOnLanEnabled: bool(false),
    }));
  });
  devices.push(data('VirtualSerialPort', {
    key: int(9000), deviceInfo: desc('Serial port 1', 'The lab console (the guest prints here)'),
    backing: data('VirtualSerialPortFileBackingInfo', { fileName: str(`${vmPath(vm, ctx).dir}/console.log`) }),
    connectable: data('VirtualDeviceConnectInfo', { startConnected: bool(true), allowGuestControl: bool(false), connected: bool(vm.powerState === 'poweredOn') }),
    controllerKey: int(400), unitNumber: int(0), yieldOnPoll: bool(true),
  }));
  return devices;
}

/** Changes whenever the VM's record changes (FNV-1a of it), as vSphere's changeVersion does with its config. */
function changeVersion(vm: VmDto): string {
  const text = JSON.stringify(vm);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

const allocation = (reservation: number, limit: number, shares: number, level: string) => data('ResourceAllocationInfo', {
  reservation: long(reservation), expandableReservation: bool(false), limit: long(limit),
  shares: data('SharesInfo', { shares: int(shares), level: en('SharesLevel', level) }),
});

function guestId(vm: VmDto): string {
  return /linux/i.test(vm.guestOs) ? 'otherLinux64Guest' : 'otherGuest';
}

export function vmConfig(vm: VmDto, ctx: EntityContext): VimValue {
  const p = vmPath(vm, ctx);
  const memoryMB = Math.round(vm.memoryBytes / MiB);
  const extra: [string, string][] = [
    ['hvlab.monitor', vm.monitor], ['hvlab.paging', vm.paging], ['hvlab.pageTableLevels', String(vm.pageTableLevels)],
    ['hvlab.workload', vm.workload],
    ...Object.entries(vm.workloadParams).map(([k, v]): [string, string] => [`hvlab.workload.${k}`, String(v)]),
  ];
  return data('VirtualMachineConfigInfo', {
    changeVersion: str(changeVersion(vm)),
    modified: dateTime(0),
    name: str(vm.name),
    guestFullName: str(vm.guestOs),
    version: str(vm.hardwareVersion),
    uuid: str(vmUuid(vm)),
    instanceUuid: str(vmUuid(vm, '5001')),
    npivTemporaryDisabled: bool(true),
    template: bool(vm.isTemplate),
    guestId: str(guestId(vm)),
    alternateGuestName: str(''),
    annotation: str(''),
    files: data('VirtualMachineFileInfo', {
      vmPathName: str(p.vmx), snapshotDirectory: str(p.dir), suspendDirectory: str(p.dir), logDirectory: str(p.dir),
    }),
    hardware: data('VirtualHardware', {
      numCPU: int(vm.vcpus), numCoresPerSocket: int(1), memoryMB: int(memoryMB), virtualICH7MPresent: bool(false), virtualSMCPresent: bool(false),
      device: arr('VirtualDevice', vmDevices(vm, ctx)),
    }),
    cpuAllocation: allocation(vm.cpuReservationMhz, vm.cpuLimitMhz, vm.cpuShares, 'normal'),
    memoryAllocation: allocation(0, -1, memoryMB * 10, 'normal'),
    cpuHotAddEnabled: bool(vm.cpuHotAddEnabled),
    cpuHotRemoveEnabled: bool(false),
    memoryHotAddEnabled: bool(vm.memoryHotAddEnabled),
    extraConfig: arr('OptionValue', extra.map(([key, value]) => data('OptionValue', { key: str(key), value: anyOf(str(value)) }))),
    swapPlacement: str('inherit'),
    firmware: str('bios'),
    memoryReservationLockedToMax: bool(false),
    nestedHVEnabled: bool(vm.monitor === 'hw'),
    vPMCEnabled: bool(false),
  });
}

export function vmRuntime(vm: VmDto, ctx: EntityContext): VimValue {
  const host = vm.hostId ? ctx.model.node(vm.hostId)?.host : undefined;
  const on = vm.powerState === 'poweredOn';
  return data('VirtualMachineRuntimeInfo', {
    host: vm.hostId ? ref('HostSystem', vm.hostId) : undefined,
    connectionState: en('VirtualMachineConnectionState', 'connected'),
    powerState: en('VirtualMachinePowerState', vm.powerState),
    faultToleranceState: en('VirtualMachineFaultToleranceState', 'notConfigured'),
    toolsInstallerMounted: bool(false),
    bootTime: on ? dateTime(ctx.mirror.nowMs() - vm.uptimeMs) : undefined,
    maxCpuUsage: host ? int(vm.vcpus * host.cpuMhz) : undefined,
    maxMemoryUsage: int(Math.round(vm.memoryBytes / MiB)),
    numMksConnections: int(0),
    recordReplayState: en('VirtualMachineRecordReplayState', 'inactive'),
    consolidationNeeded: bool(false),
    onlineStandby: bool(false),
    paused: bool(false),
    snapshotInBackground: bool(false),
  });
}

function toolsRunning(vm: VmDto): string {
  return vm.toolsStatus === 'toolsOk' ? 'guestToolsRunning' : 'guestToolsNotRunning';
}

export function vmGuest(vm: VmDto): VimValue {
  return data('GuestInfo', {
    toolsStatus: en('VirtualMachineToolsStatus', vm.toolsStatus),
    toolsRunningStatus: str(toolsRunning(vm)),
    guestId: str(guestId(vm)),
    guestFullName: str(vm.guestOs),
    hostName: vm.ipAddress ? str(vm.name) : undefined,
    ipAddress: vm.ipAddress ? str(vm.ipAddress) : undefined,
    net: arr('GuestNicInfo', vm.ipAddress ? [data('GuestNicInfo', {
      network: str(vm.nics[0]?.networkId ?? ''), ipAddress: arr('string', [str(vm.ipAddress)]), macAddress: str(vm.nics[0]?.macAddress ?? ''),
      connected: bool(true), deviceConfigId: int(4000),
    })] : []),
    guestState: str(vm.powerState === 'poweredOn' && vm.guestState !== 'notRunning' ? 'running' : 'notRunning'),
    guestOperationsReady: bool(false),
    interactiveGuestOperationsReady: bool(false),
    guestStateChangeSupported: bool(vm.toolsStatus === 'toolsOk'),
  });
}

/** Counters the quick stats read, all counted by the engine (KB → MB for memory). */
export const VM_QUICKSTAT_COUNTERS = ['cpu.usagemhz.average', 'mem.active.average', 'mem.consumed.average', 'mem.overhead.average'];

function latest(series: MetricSeriesDto | undefined, counter: string): number {
  const v = series?.values[counter];
  const x = v?.[v.length - 1];
  return typeof x === 'number' ? x : 0;
}

export async function vmQuickStats(vm: VmDto, ctx: EntityContext): Promise<VimValue> {
  const on = vm.powerState === 'poweredOn';
  const s = on ? await ctx.mirror.latestSamples(vm.id, VM_QUICKSTAT_COUNTERS) : undefined;
  const mb = (kb: number) => int(Math.round(kb / 1024));
  return data('VirtualMachineQuickStats', {
    overallCpuUsage: int(latest(s, 'cpu.usagemhz.average')),
    overallCpuDemand: int(latest(s, 'cpu.usagemhz.average')),
    guestMemoryUsage: mb(latest(s, 'mem.active.average')),
    hostMemoryUsage: mb(latest(s, 'mem.consumed.average')),
    guestHeartbeatStatus: en('ManagedEntityStatus', on && vm.toolsStatus === 'toolsOk' ? 'green' : 'gray'),
    privateMemory: mb(latest(s, 'mem.consumed.average')),
    sharedMemory: int(0),
    swappedMemory: int(0),
    balloonedMemory: int(0),
    consumedOverheadMemory: mb(latest(s, 'mem.overhead.average')),
    compressedMemory: long(0),
    uptimeSeconds: int(Math.floor(vm.uptimeMs / 1000)),
  });
}

/** A crashed guest is red; otherwise the worst of the VM's triggered alarms. */
export function vmOverallStatus(vm: VmDto): string {
  return vm.guestState === 'crashed' ? 'red' : vm.alarmStatus ?? 'green';
}

export async function vmSummary(vm: VmDto, ctx: EntityContext): Promise<VimValue> {
  const p = vmPath(vm, ctx);
  const committed = vm.disks.reduce((a, d) => a + d.capacityBytes, 0);
  return data('VirtualMachineSummary', {
    vm: ref('VirtualMachine', vm.id),
    runtime: vmRuntime(vm, ctx),
    guest: data('VirtualMachineGuestSummary', {
      guestId: str(guestId(vm)), guestFullName: str(vm.guestOs),
      toolsStatus: en('VirtualMachineToolsStatus', vm.toolsStatus), toolsRunningStatus: str(toolsRunning(vm)),
      hostName: vm.ipAddress ? str(vm.name) : undefined, ipAddress: vm.ipAddress ? str(vm.ipAddress) : undefined,
    }),
    config: data('VirtualMachineConfigSummary', {
      name: str(vm.name), template: bool(vm.isTemplate), vmPathName: str(p.vmx),
      memorySizeMB: int(Math.round(vm.memoryBytes / MiB)), cpuReservation: int(vm.cpuReservationMhz), memoryReservation: int(0),
      numCpu: int(vm.vcpus), numEthernetCards: int(vm.nics.length), numVirtualDisks: int(vm.disks.length),
      uuid: str(vmUuid(vm)), instanceUuid: str(vmUuid(vm, '5001')), guestId: str(guestId(vm)), guestFullName: str(vm.guestOs),
      annotation: str(''), installBootRequired: bool(false),
    }),
    storage: data('VirtualMachineStorageSummary', {
      committed: long(committed), uncommitted: long(0), unshared: long(committed), timestamp: dateTime(ctx.mirror.nowMs()),
    }),
    quickStats: await vmQuickStats(vm, ctx),
    overallStatus: en('ManagedEntityStatus', vmOverallStatus(vm)),
  });
}

function snapshotNode(s: SnapshotDto, byId: Map<string, SnapshotDto>, ctx: EntityContext): VimValue {
  return data('VirtualMachineSnapshotTree', {
    snapshot: ref('VirtualMachineSnapshot', s.id),
    vm: ref('VirtualMachine', s.vmId),
    name: str(s.name),
    description: str(s.description),
    id: int(Number(s.id.slice('snapshot-'.length))),
    createTime: dateTime(ctx.mirror.toDateMs(s.createdAtMs)),
    state: en('VirtualMachinePowerState', s.powerState),
    quiesced: bool(s.quiesced),
    childSnapshotList: arr('VirtualMachineSnapshotTree', s.childIds.map((c) => byId.get(c)).filter((c): c is SnapshotDto => !!c).map((c) => snapshotNode(c, byId, ctx))),
    replaySupported: bool(false),
  });
}

export function vmSnapshotInfo(tree: SnapshotTreeDto | undefined, ctx: EntityContext): VimValue | undefined {
  if (!tree || tree.snapshots.length === 0) return undefined;
  const byId = new Map(tree.snapshots.map((s) => [s.id, s]));
  return data('VirtualMachineSnapshotInfo', {
    currentSnapshot: tree.currentSnapshotId ? ref('VirtualMachineSnapshot', tree.currentSnapshotId) : undefined,
    rootSnapshotList: arr('VirtualMachineSnapshotTree', tree.rootIds.map((r) => byId.get(r)).filter((s): s is SnapshotDto => !!s).map((s) => snapshotNode(s, byId, ctx))),
  });
}
