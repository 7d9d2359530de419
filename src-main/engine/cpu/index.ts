/**
 * cpu — the HV32 CPU: register file, reference interpreter, exceptions, cost model, counters
 * and the monitor seam. The door other engine folders import.
 */
export { Cpu, type CpuOptions, type CpuSaved, type CrashInfo, type RunResult, type StopReason } from './cpu';
export { VcpuState, flagsOfCompare, type VcpuSaved } from './vcpu';
export { DEFAULT_COSTS, makeCostModel, opcodeCostTable, type CostModel } from './costModel';
export { newCpuCounters, snapshotCounters, type CounterSnapshot, type CpuCounters } from './counters';
export { DecodeCache } from './decodeCache';
export { NULL_IO, type IoPorts } from './ioPorts';
export type { Monitor, TrapDecision, TrapEvent } from './monitorSeam';
export { raise, deliver, takeInterrupt } from './traps';
export { readControl, writeControl } from './slowPath';
// Execution-engine building blocks for the binary translator: the reference interpreter
// is its cold tier, and translated code calls the exact slow paths.
export { interpret } from './interpreter';
export { execSystem, fetchFault, loadSlow, storeSlow } from './slowPath';
export { PAGE_END_IMM } from './decodeCache';
export { enterPagingAsm, mapIdentity } from './warmUp';
