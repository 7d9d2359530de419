/**
 * devices — the HV32 devices (docs/isa.md §9) and the port bus. The door other engine folders
 * import. Each device folder follows the template {device.ts, persist.ts, metrics.ts}.
 */
export type { IoContext, IoDevice, IrqLine, TimedDevice } from './deviceModel';
export { FLOATING_BUS } from './deviceModel';
export * from './portMap';
export { DEFAULT_DEVICE_TIMING, makeDeviceTiming, type DeviceTiming } from './deviceTiming';
export { IoBus, type BusCounters } from './bus';
export { IrqController, type IrqTarget, type HeldIrq, type IrqControllerState } from './irqController';
export { DeviceSet, type DeviceSetOptions, type DeviceSetState } from './deviceSet';
export { TimerDevice, type TimerMetrics } from './timer/device';
export { saveTimer, restoreTimer, type TimerState } from './timer/persist';
export { timerMetrics } from './timer/metrics';
export { ConsoleDevice, CONSOLE_KEEP_BYTES, type ConsoleMetrics } from './console/device';
export { saveConsole, restoreConsole, type ConsoleState } from './console/persist';
export { consoleMetrics } from './console/metrics';
export { DiskDevice, type DiskMetrics, type DiskOp, type DmaMemory } from './disk/device';
export { BlockMap, type BlockMapState } from './disk/blockMap';
export { saveDisk, restoreDisk, type DiskState } from './disk/persist';
export { diskMetrics } from './disk/metrics';
export { RtcDevice, type RtcMetrics } from './rtc/device';
export { saveRtc, restoreRtc, type RtcState } from './rtc/persist';
export { rtcMetrics } from './rtc/metrics';
export { BootPortsDevice } from './boot/device';
export { saveBootPorts, restoreBootPorts, type BootPortsState } from './boot/persist';
export { bootMetrics } from './boot/metrics';
export { SmpDevice, type SmpHost, type SmpMetrics } from './smp/device';
export { saveSmp, restoreSmp, type SmpState } from './smp/persist';
export { smpMetrics } from './smp/metrics';
export { PowerDevice, DEBUG_KEEP_BYTES, type PowerHost, type PowerMetrics } from './power/device';
export { savePower, restorePower, type PowerState } from './power/persist';
export { powerMetrics } from './power/metrics';
export { BalloonDevice, type BalloonMetrics } from './balloon/device';
export { saveBalloon, restoreBalloon, type BalloonState } from './balloon/persist';
export { balloonMetrics } from './balloon/metrics';
