/**
 * The counter catalogue (PerformanceManager.perfCounter): names, units, rollups, stats types and levels
 * as vSphere publishes them (PerformanceManager.perfCounter of vCenter / ESXi 6.5; the vSphere Web
 * Services API reference's counter pages), plus the engine's own counters in the separate
 * `engine` group (what the guest machine counts: instructions, exits, translations, page walks…).
 *
 * - `COUNTERS`, `COUNTER_BY_NAME`; `rollupOf(name)`.
 * - `ENGINE_COUNTER_SOURCES`: engine counter → the `GuestMachine.counters()` keys it sums (the first key
 *   a machine reports wins). A machine that does not report a key produces no value (never a fake 0).
 *   `engine.dirtyRate.average` and `mem.activewrite.average` come from the machine's dirty log
 *   (`GuestMachine.readAndClearDirty`), read by the collector; a machine without one reports neither.
 *
 * Rule: a counter is listed here only when the engine really counts it, from scheduler, memory, device
 * or guest-machine events; the collector asserts every sampled name is in this table. The name's last
 * part is the rollup type (`group.counter.rollup`), as in vSphere.
 */
import type { CounterInfo, CounterUnit, EntityType, RollupType, StatsType } from '@shared/model/metrics';

function c(
  name: string, label: string, unit: CounterUnit, stats: StatsType, level: 1 | 2 | 3 | 4, entityTypes: EntityType[], description: string,
): CounterInfo {
  const parts = name.split('.');
  return { name, group: parts[0], label, description, unit, rollup: parts[parts.length - 1] as RollupType, stats, level, entityTypes };
}

const VHC: EntityType[] = ['vm', 'host', 'cluster'];
const VH: EntityType[] = ['vm', 'host'];
const VMOPS: EntityType[] = ['cluster', 'datacenter'];

export const COUNTERS: CounterInfo[] = [
  // --- cpu ---
  c('cpu.usage.average', 'Usage', 'percent', 'rate', 1, VHC, 'CPU usage as a percentage of the CPU capacity during the interval (VM: of its vCPUs × host core clock)'),
  c('cpu.usage.minimum', 'Usage', 'percent', 'rate', 4, VHC, 'Lowest CPU usage of any lockstep quantum in the interval'),
  c('cpu.usage.maximum', 'Usage', 'percent', 'rate', 4, VHC, 'Highest CPU usage of any lockstep quantum in the interval'),
  c('cpu.usagemhz.average', 'Usage in MHz', 'MHz', 'rate', 1, VHC, 'CPU usage in megahertz during the interval (guest cycles executed / seconds)'),
  c('cpu.ready.summation', 'Ready', 'ms', 'delta', 1, VH, 'Time the vCPUs were runnable but not scheduled on a physical CPU (includes time held back by a limit)'),
  c('cpu.costop.summation', 'Co-stop', 'ms', 'delta', 2, VH, 'Time the vCPUs were ready but held back by co-scheduling (skew bound)'),
  c('cpu.wait.summation', 'Wait', 'ms', 'delta', 3, VH, 'Time the vCPUs were halted waiting for an interrupt (the model has no other blocking)'),
  c('cpu.idle.summation', 'Idle', 'ms', 'delta', 2, VH, 'VM: time its vCPUs were halted (idle); host: time its physical CPUs had nothing to run'),
  c('cpu.run.summation', 'Run', 'ms', 'delta', 2, ['vm', 'host'], 'Time the vCPUs were scheduled on a physical CPU'),
  c('cpu.used.summation', 'Used', 'ms', 'delta', 3, VH, 'CPU time used: cycles executed / clock (less than run when a hyper-thread sibling was busy)'),
  c('cpu.maxlimited.summation', 'Max limited', 'ms', 'delta', 2, ['vm'], 'Time the vCPUs were ready but held back by the VM\'s CPU limit'),
  c('cpu.utilization.average', 'Utilization', 'percent', 'rate', 2, ['host'], 'Share of time the physical CPUs were busy'),
  c('cpu.totalCapacity.average', 'Total capacity', 'MHz', 'absolute', 2, ['host'], 'Physical cores × core clock'),
  c('cpu.reservedCapacity.average', 'Reserved capacity', 'MHz', 'absolute', 2, ['host', 'cluster'], 'Sum of the CPU reservations of powered-on VMs'),
  // --- mem ---
  c('mem.usage.average', 'Usage', 'percent', 'absolute', 1, VHC, 'VM: active ÷ configured memory; host and cluster: consumed ÷ physical memory'),
  c('mem.active.average', 'Active', 'KB', 'absolute', 2, VHC, 'Guest memory recently touched (from the guest machine)'),
  c('mem.consumed.average', 'Consumed', 'KB', 'absolute', 1, VHC, 'Host memory backing guest memory (VM) / frames the host\'s memory pool holds: guest pages, overhead and the hypervisor\'s own (host)'),
  c('mem.granted.average', 'Granted', 'KB', 'absolute', 2, VHC, 'Guest memory mapped to host memory (no page sharing yet, so equal to consumed for a VM)'),
  c('mem.activewrite.average', 'Active write', 'KB', 'absolute', 2, VH, 'Guest memory written during the sample period: the distinct pages the dirty log reported × 4 KiB (counted; ESXi estimates it by sampling)'),
  c('mem.overhead.average', 'Overhead consumed', 'KB', 'absolute', 1, VHC, 'Host memory for the monitor and page-tracking structures (modelled size, engine README), charged to the host\'s pool; a host\'s includes the hypervisor\'s own'),
  c('mem.sysUsage.average', 'VMkernel consumed', 'KB', 'absolute', 2, ['host'], 'Host memory used by the hypervisor itself'),
  c('mem.totalCapacity.average', 'Total reservation', 'MB', 'absolute', 2, ['host'], 'Physical memory of the host'),
  // --- disk (only where the guest machine has a disk device that counts) ---
  c('virtualDisk.read.average', 'Read rate', 'KBps', 'rate', 2, ['vm'], 'Rate of reads from the virtual disk'),
  c('virtualDisk.write.average', 'Write rate', 'KBps', 'rate', 2, ['vm'], 'Rate of writes to the virtual disk'),
  c('virtualDisk.numberReadAveraged.average', 'Average read requests per second', 'num', 'rate', 1, ['vm'], 'Read requests per second'),
  c('virtualDisk.numberWriteAveraged.average', 'Average write requests per second', 'num', 'rate', 1, ['vm'], 'Write requests per second'),
  c('disk.usage.average', 'Usage', 'KBps', 'rate', 1, VH, 'Aggregated disk I/O rate'),
  c('disk.read.average', 'Read rate', 'KBps', 'rate', 2, VH, 'Rate of reads'),
  c('disk.write.average', 'Write rate', 'KBps', 'rate', 2, VH, 'Rate of writes'),
  // --- power ---
  c('power.power.average', 'Usage', 'W', 'rate', 2, ['host'], 'Host power: idle watts + busy watts per core × utilization (engine README)'),
  c('power.energy.summation', 'Energy usage', 'J', 'delta', 3, ['host'], 'Energy used during the interval'),
  // --- sys ---
  c('sys.uptime.latest', 'Uptime', 's', 'absolute', 1, VH, 'Total time elapsed, in seconds, since last system startup'),
  // --- cluster services ---
  c('clusterServices.effectivecpu.average', 'Effective CPU resources', 'MHz', 'rate', 1, ['cluster'], 'CPU capacity of the connected hosts not in maintenance mode'),
  c('clusterServices.effectivemem.average', 'Effective memory resources', 'MB', 'absolute', 1, ['cluster'], 'Memory of the connected hosts not in maintenance mode'),
  // --- vmop ---
  c('vmop.numPoweron.latest', 'VM power on count', 'num', 'absolute', 1, VMOPS, 'Number of virtual machine power on operations'),
  c('vmop.numPoweroff.latest', 'VM power off count', 'num', 'absolute', 1, VMOPS, 'Number of virtual machine power off operations'),
  c('vmop.numSuspend.latest', 'VM suspend count', 'num', 'absolute', 1, VMOPS, 'Number of virtual machine suspend operations'),
  c('vmop.numReset.latest', 'VM reset count', 'num', 'absolute', 1, VMOPS, 'Number of virtual machine reset operations'),
  c('vmop.numCreate.latest', 'VM create count', 'num', 'absolute', 1, VMOPS, 'Number of virtual machine create operations'),
  c('vmop.numDestroy.latest', 'VM delete count', 'num', 'absolute', 1, VMOPS, 'Number of virtual machine delete operations'),
  c('vmop.numClone.latest', 'VM clone count', 'num', 'absolute', 1, VMOPS, 'Number of virtual machine clone operations'),
  c('vmop.numDeploy.latest', 'VM template deploy count', 'num', 'absolute', 1, VMOPS, 'Number of virtual machine template deploy operations'),
  c('vmop.numReconfigure.latest', 'VM reconfigure count', 'num', 'absolute', 1, VMOPS, 'Number of virtual machine reconfigure operations'),
  c('vmop.numRebootGuest.latest', 'VM guest reboot count', 'num', 'absolute', 1, VMOPS, 'Number of virtual machine guest reboot operations'),
  c('vmop.numShutdownGuest.latest', 'VM guest shutdown count', 'num', 'absolute', 1, VMOPS, 'Number of virtual machine guest shutdown operations'),
  c('vmop.numVMotion.latest', 'vMotion count', 'num', 'absolute', 1, VMOPS, 'Number of migrations with vMotion (live migrations completed; counted where the VM arrived)'),
  // --- net (hosts: the live-migration traffic the engine moves between them) ---
  c('net.usage.average', 'Usage', 'KBps', 'rate', 1, ['host'], 'Network data transmitted and received: the bytes live migrations put on the wire (sent again after loss included) and their return path'),
  c('net.transmitted.average', 'Data transmit rate', 'KBps', 'rate', 2, ['host'], 'Average rate at which data was transmitted (live-migration streams leaving the host)'),
  c('net.received.average', 'Data receive rate', 'KBps', 'rate', 2, ['host'], 'Average rate at which data was received (live-migration streams arriving at the host)'),
  // --- engine: the simulator's own counters (not vSphere) ---
  c('engine.instructions.summation', 'Guest instructions', 'num', 'delta', 1, VH, 'Guest instructions retired (engine)'),
  c('engine.mips.average', 'Guest MIPS', 'num', 'rate', 1, VH, 'Millions of guest instructions per virtual second (engine)'),
  c('engine.clockLag.latest', 'Guest clock lag', 'ms', 'absolute', 1, ['vm'], 'Guest OS clock behind the VM\'s time since boot: timer ticks backed up while descheduled or dropped after the give-up limit (engine)'),
  c('engine.translations.summation', 'Translations', 'num', 'delta', 2, VH, 'Guest code blocks translated by the binary translator (engine)'),
  c('engine.exits.summation', 'Monitor exits', 'num', 'delta', 2, VH, 'Exits / traps into the monitor (engine)'),
  c('engine.pageWalks.summation', 'Page walks', 'num', 'delta', 2, VH, 'Page-table walks (engine)'),
  c('engine.tlbMisses.summation', 'TLB misses', 'num', 'delta', 2, VH, 'Misses of the modelled TLB (engine)'),
  c('engine.pageFaults.summation', 'Page faults', 'num', 'delta', 2, VH, 'Guest page faults (engine)'),
  c('engine.interrupts.summation', 'Interrupts', 'num', 'delta', 2, VH, 'Interrupts delivered to the guest (engine)'),
  c('engine.droppedTicks.summation', 'Dropped timer ticks', 'num', 'delta', 2, ['vm'], 'Timer ticks discarded when the backlog passed the give-up limit (engine)'),
  c('engine.dirtyRate.average', 'Dirty page rate', 'pagesPerSecond', 'rate', 2, VH, 'Distinct guest pages written in the sample period per virtual second, from the dirty log (QEMU dirty-pages-rate; engine)'),
];

/** Engine counter → cumulative `GuestMachine.counters()` keys (keep in sync with the guest machine). */
export const ENGINE_COUNTER_SOURCES: Record<string, string[]> = {
  'engine.translations.summation': ['translations', 'blocksTranslated'],
  'engine.exits.summation': ['exits', 'vmExits', 'monitorExits'],
  'engine.pageWalks.summation': ['pageWalks'],
  'engine.tlbMisses.summation': ['tlbMisses'],
  'engine.pageFaults.summation': ['pageFaults'],
  'engine.interrupts.summation': ['interrupts', 'timerInterrupts'],
  'engine.droppedTicks.summation': ['droppedTicks', 'timerTicksDropped'],
};

/** Disk device keys of `GuestMachine.counters()` (cumulative). */
export const DISK_COUNTER_KEYS = { readBytes: 'disk.readBytes', writeBytes: 'disk.writeBytes', reads: 'disk.reads', writes: 'disk.writes' } as const;

export const COUNTER_BY_NAME = new Map(COUNTERS.map((x) => [x.name, x]));

export function rollupOf(name: string): RollupType {
  return COUNTER_BY_NAME.get(name)?.rollup ?? 'average';
}
