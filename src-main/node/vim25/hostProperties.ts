/**
 * HostSystem properties from the lab's HostDto: `summary` (hardware, runtime, config, quickStats from
 * counted samples), `hardware` (system info, CPU packages), `runtime`, `config`.
 *
 * - `hostSummary(h, ctx)`, `hostHardware(h)`, `hostRuntime(h, ctx)`, `hostConfig(h, ctx)`.
 *
 * Rule: sizes and counts are the lab's own (sockets × cores × threads, the host's clock in MHz, its
 * memory); quick stats come from the real-time samples the engine counted, zero while none exist.
 */
import type { HostDto } from '@shared/model/inventory';
import type { MetricSeriesDto } from '@shared/model/metrics';
import type { VimValue } from './vimValues';
import { arr, bool, data, dateTime, en, int, long, ref, short, str } from './vimValues';
import type { EntityContext } from './entityContext';

export function hostUuid(h: HostDto): string {
  return `4c4c4544-0000-4000-8000-${h.id.slice(5).padStart(12, '0')}`;
}

export function hostRuntime(h: HostDto, ctx: EntityContext): VimValue {
  return data('HostRuntimeInfo', {
    connectionState: en('HostSystemConnectionState', h.connectionState),
    powerState: en('HostSystemPowerState', h.powerState),
    standbyMode: str('none'),
    inMaintenanceMode: bool(h.inMaintenanceMode),
    inQuarantineMode: bool(false),
    bootTime: h.powerState === 'poweredOn' ? dateTime(ctx.mirror.nowMs() - h.uptimeMs) : undefined,
  });
}

function hardwareSummary(h: HostDto): VimValue {
  return data('HostHardwareSummary', {
    vendor: str(h.vendor), model: str(h.model), uuid: str(hostUuid(h)),
    memorySize: long(h.memoryBytes), cpuModel: str(h.cpuModel), cpuMhz: int(h.cpuMhz),
    numCpuPkgs: short(h.sockets), numCpuCores: short(h.sockets * h.coresPerSocket),
    numCpuThreads: short(h.sockets * h.coresPerSocket * h.threadsPerCore),
    numNics: int(h.networkIds.length), numHBAs: int(1),
  });
}

export const HOST_QUICKSTAT_COUNTERS = ['cpu.usagemhz.average', 'mem.consumed.average'];

function latest(series: MetricSeriesDto | undefined, counter: string): number {
  const v = series?.values[counter];
  const x = v?.[v.length - 1];
  return typeof x === 'number' ? x : 0;
}

export async function hostSummary(h: HostDto, ctx: EntityContext): Promise<VimValue> {
  const s = h.powerState === 'poweredOn' ? await ctx.mirror.latestSamples(h.id, HOST_QUICKSTAT_COUNTERS) : undefined;
  return data('HostListSummary', {
    host: ref('HostSystem', h.id),
    hardware: hardwareSummary(h),
    runtime: hostRuntime(h, ctx),
    config: data('HostConfigSummary', {
      name: str(h.name), port: int(443), product: ctx.about, vmotionEnabled: bool(true), faultToleranceEnabled: bool(false),
    }),
    quickStats: data('HostListSummaryQuickStats', {
      overallCpuUsage: int(latest(s, 'cpu.usagemhz.average')),
      overallMemoryUsage: int(Math.round(latest(s, 'mem.consumed.average') / 1024)),
      uptime: int(Math.floor(h.uptimeMs / 1000)),
    }),
    overallStatus: en('ManagedEntityStatus', h.connectionState !== 'connected' ? 'red' : h.alarmStatus ?? 'green'),
    rebootRequired: bool(false),
  });
}

export function hostHardware(h: HostDto): VimValue {
  const hz = h.cpuMhz * 1_000_000;
  const threadsPerPkg = h.coresPerSocket * h.threadsPerCore;
  return data('HostHardwareInfo', {
    systemInfo: data('HostSystemInfo', { vendor: str(h.vendor), model: str(h.model), uuid: str(hostUuid(h)) }),
    cpuInfo: data('HostCpuInfo', {
      numCpuPackages: short(h.sockets), numCpuCores: short(h.sockets * h.coresPerSocket),
      numCpuThreads: short(h.sockets * threadsPerPkg), hz: long(hz),
    }),
    cpuPkg: arr('HostCpuPackage', Array.from({ length: h.sockets }, (_, i) => data('HostCpuPackage', {
      index: short(i), vendor: str(/amd/i.test(h.cpuModel) ? 'amd' : 'intel'), hz: long(hz), busHz: long(hz),
      description: str(h.cpuModel),
      threadId: arr('short', Array.from({ length: threadsPerPkg }, (_, t) => short(i * threadsPerPkg + t))),
    }))),
    memorySize: long(h.memoryBytes),
  });
}

export function hostConfig(h: HostDto, ctx: EntityContext): VimValue {
  return data('HostConfigInfo', {
    host: ref('HostSystem', h.id),
    product: ctx.about,
    hyperThread: data('HostHyperThreadScheduleInfo', {
      available: bool(h.threadsPerCore > 1), active: bool(h.threadsPerCore > 1), config: bool(h.threadsPerCore > 1),
    }),
  });
}
