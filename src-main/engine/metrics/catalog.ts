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
  c('mem.active.average', 'Active', 'KB', 'absolute', 2, VHC, 'Guest memory estimated active by sampling (100 random pages per period made to fault on their next touch, as ESX does); before the first estimate, the pages the guest touched'),
  c('mem.consumed.average', 'Consumed', 'KB', 'absolute', 1, VHC, 'Host memory backing guest memory (VM) / frames the host\'s memory pool holds: guest pages, overhead and the hypervisor\'s own (host)'),
  c('mem.granted.average', 'Granted', 'KB', 'absolute', 2, VHC, 'Guest memory mapped to host memory, pages on the shared zero page included'),
  c('mem.activewrite.average', 'Active write', 'KB', 'absolute', 2, VH, 'Guest memory written during the sample period: the distinct pages the dirty log reported × 4 KiB (counted; ESXi estimates it by sampling)'),
  c('mem.overhead.average', 'Overhead consumed', 'KB', 'absolute', 1, VHC, 'Host memory for the monitor and page-tracking structures (modelled size, engine README), charged to the host\'s pool; a host\'s includes the hypervisor\'s own'),
  c('mem.shared.average', 'Shared', 'KB', 'absolute', 2, VHC, 'Guest memory whose frame other pages also map (page sharing, copy-on-write), zero pages on the shared zero page included'),
  c('mem.sharedcommon.average', 'Shared common', 'KB', 'absolute', 2, ['host'], 'Host frames that shared pages map (the saving is shared − shared common)'),
  c('mem.zero.average', 'Zero pages', 'KB', 'absolute', 2, VHC, 'Guest pages found all zero by the sharing scanner and mapped to the shared zero page'),
  c('mem.vmmemctl.average', 'Ballooned memory', 'KB', 'absolute', 1, VHC, 'Guest memory the balloon driver holds (pinned in the guest, its frames reclaimed by the host)'),
  c('mem.vmmemctltarget.average', 'Balloon target', 'KB', 'absolute', 2, ['vm'], 'What the host asks the balloon driver to hold'),
  c('mem.swapped.average', 'Swapped', 'KB', 'absolute', 2, ['vm'], 'Guest memory in the VM\'s swap file (hypervisor swapping)'),
  c('mem.swaptarget.average', 'Swap target', 'KB', 'absolute', 2, ['vm'], 'Guest memory the host means to have swapped after its last reclamation step'),
  c('mem.swapin.average', 'Swap in', 'KB', 'absolute', 2, VH, 'Guest memory read back from the swap file since power-on'),
  c('mem.swapout.average', 'Swap out', 'KB', 'absolute', 2, VH, 'Guest memory written to the swap file since power-on'),
  c('mem.swapinRate.average', 'Swap in rate', 'KBps', 'rate', 1, VH, 'Rate of swap-ins during the interval'),
  c('mem.swapoutRate.average', 'Swap out rate', 'KBps', 'rate', 1, VH, 'Rate of swap-outs during the interval'),
  c('mem.swapused.average', 'Swap consumed', 'KB', 'absolute', 2, ['host'], 'Guest memory of the host\'s VMs in their swap files'),
  c('mem.compressed.average', 'Compressed', 'KB', 'absolute', 2, VHC, 'Guest memory held compressed in the compression cache'),
  c('mem.zipped.latest', 'Compressed', 'KB', 'absolute', 2, ['vm'], 'Guest memory held compressed in the compression cache'),
  c('mem.zipSaved.latest', 'Compression saved', 'KB', 'absolute', 2, ['vm'], 'Host memory compression saves: compressed pages − the cache frames holding them (two 2 KiB slots a frame)'),
  c('mem.compressionRate.average', 'Compression rate', 'KBps', 'rate', 2, VHC, 'Guest memory compressed per second'),
  c('mem.decompressionRate.average', 'Decompression rate', 'KBps', 'rate', 2, VHC, 'Guest memory decompressed per second (accesses to compressed pages)'),
  c('mem.latency.average', 'Page-fault latency', 'percent', 'absolute', 2, VH, 'Share of the vCPUs\' time spent waiting for swapped or compressed memory (swap-in latency, decompression, waits for a free frame)'),
  c('mem.state.latest', 'Free state', 'num', 'absolute', 2, ['host'], 'Free-memory state from ESXi\'s minFree: 0 high, 1 clear, 2 soft, 3 hard, 4 low'),
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
  c('power.power.average', 'Usage', 'W', 'rate', 2, ['host', 'cluster', 'datacenter'], 'Host power: idle watts + busy watts per core × utilization, standby watts in standby (engine README); clusters and datacenters: the sum of their hosts'),
  c('power.energy.summation', 'Energy usage', 'J', 'delta', 3, ['host', 'cluster', 'datacenter'], 'Energy used during the interval (clusters and datacenters: the sum of their hosts)'),
  // --- sys ---
  c('sys.uptime.latest', 'Uptime', 's', 'absolute', 1, VH, 'Total time elapsed, in seconds, since last system startup'),
  // --- cluster services ---
  c('clusterServices.effectivecpu.average', 'Effective CPU resources', 'MHz', 'rate', 1, ['cluster'], 'CPU capacity of the connected hosts not in maintenance mode'),
  c('clusterServices.effectivemem.average', 'Effective memory resources', 'MB', 'absolute', 1, ['cluster'], 'Memory of the connected hosts not in maintenance mode'),
  c('clusterServices.failover.latest', 'Failover level', 'num', 'absolute', 1, ['cluster'], 'Host failures the cluster\'s powered-on VMs tolerate now: their admission demands (reservations, at least 32 MHz, plus overhead) still fit after losing that many of the largest hosts'),
  c('engine.drs.imbalance.latest', 'DRS imbalance', 'num', 'absolute', 1, ['cluster'], 'Host load standard deviation (vSphere 6.x "current host load standard deviation") from the VMs\' measured demand; DRS balances above the migration threshold\'s target'),
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
  c('engine.sharedCowBreaks.summation', 'Shared-page COW breaks', 'num', 'delta', 2, VH, 'Writes that faulted on a shared page and copied it to a private frame (engine)'),
  c('engine.doublePaging.summation', 'Double paging', 'num', 'delta', 2, VH, 'Guest device transfers that met a page the host had swapped: it was read back only to be written out by the guest (engine)'),
  c('engine.memFree.latest', 'Free memory', 'KB', 'absolute', 2, ['host'], 'Host frames no guest, overhead or reclamation holds (engine)'),
  c('engine.memMinFree.latest', 'minFree', 'KB', 'absolute', 2, ['host'], 'ESXi\'s minFree for this host: the free-memory states are fractions of it (engine)'),
  c('engine.walkRefs.summation', 'Page-walk references', 'num', 'delta', 2, VH, 'Memory references made by page walks, both dimensions of a nested walk included: ÷ page walks = references per walk (engine)'),
  c('engine.hiddenFaults.summation', 'Shadow hidden faults', 'num', 'delta', 3, VH, 'Shadow paging: faults the guest never sees, taken by the monitor to fill or update a shadow entry (engine)'),
  c('engine.ptWriteTraps.summation', 'Page-table write traps', 'num', 'delta', 3, VH, 'Shadow paging: guest stores to write-protected page tables, trapped and emulated (engine)'),
  c('engine.nestedViolations.summation', 'Nested-paging violations', 'num', 'delta', 3, VH, 'Nested paging: exits for a guest-physical page the nested table did not map yet (EPT violations; engine)'),
  c('engine.btCallouts.summation', 'Translator callouts', 'num', 'delta', 3, VH, 'Binary translation: privileged or sensitive kernel instructions handed to the monitor from translated code (engine)'),
  c('engine.hypercalls.summation', 'Hypercalls', 'num', 'delta', 2, VH, 'Paravirtualization: hypercalls made by the modified guest kernel (engine)'),
  c('engine.exitsIo.summation', 'VM exits: I/O instruction', 'num', 'delta', 3, VH, 'Hardware assist: VM exits for in/out instructions (engine)'),
  c('engine.exitsHlt.summation', 'VM exits: HLT', 'num', 'delta', 3, VH, 'Hardware assist: VM exits for hlt (engine)'),
  c('engine.exitsCrAccess.summation', 'VM exits: control register', 'num', 'delta', 3, VH, 'Hardware assist: VM exits for control-register loads (CR0/CR3-load exiting; engine)'),
  c('engine.exitsInvlpg.summation', 'VM exits: TLB invalidation', 'num', 'delta', 3, VH, 'Hardware assist: VM exits for invlpg and TLB flushes (engine)'),
  c('engine.exitsPageFault.summation', 'VM exits: page fault', 'num', 'delta', 3, VH, 'Hardware assist: VM exits for guest page faults (taken under shadow paging; engine)'),
  c('engine.exitsInterrupt.summation', 'VM exits: external interrupt', 'num', 'delta', 3, VH, 'Hardware assist: VM exits for external interrupts (engine)'),
  c('engine.dirtyRate.average', 'Dirty page rate', 'pagesPerSecond', 'rate', 2, VH, 'Distinct guest pages written in the sample period per virtual second, from the dirty log (QEMU dirty-pages-rate; engine)'),
];

/** Engine counter → cumulative `GuestMachine.counters()` keys (keep in sync with the guest machine). */
export const ENGINE_COUNTER_SOURCES: Record<string, string[]> = {
  'engine.translations.summation': ['bt.translations', 'translations', 'blocksTranslated'],
  'engine.exits.summation': ['exits', 'vmExits', 'monitorExits'],
  'engine.pageWalks.summation': ['pageWalks'],
  'engine.tlbMisses.summation': ['tlbMisses'],
  'engine.pageFaults.summation': ['pageFaults'],
  'engine.interrupts.summation': ['interrupts', 'timerInterrupts'],
  'engine.droppedTicks.summation': ['droppedTicks', 'timerTicksDropped'],
  'engine.walkRefs.summation': ['walkMemRefs', 'pageWalkRefs'],
  'engine.hiddenFaults.summation': ['paging.shadowHiddenFaults'],
  'engine.ptWriteTraps.summation': ['paging.ptWriteTraps'],
  'engine.nestedViolations.summation': ['paging.nestedViolations'],
  'engine.btCallouts.summation': ['bt.callouts'],
  'engine.hypercalls.summation': ['pv.hypercalls'],
  'engine.exitsIo.summation': ['hw.exits.io'],
  'engine.exitsHlt.summation': ['hw.exits.hlt'],
  'engine.exitsCrAccess.summation': ['hw.exits.cr-write'],
  'engine.exitsInvlpg.summation': ['hw.exits.invlpg'],
  'engine.exitsPageFault.summation': ['hw.exits.page-fault'],
  'engine.exitsInterrupt.summation': ['hw.exits.external-interrupt'],
};

/** Disk device keys of `GuestMachine.counters()` (cumulative). */
export const DISK_COUNTER_KEYS = { readBytes: 'disk.readBytes', writeBytes: 'disk.writeBytes', reads: 'disk.reads', writes: 'disk.writes' } as const;

export const COUNTER_BY_NAME = new Map(COUNTERS.map((x) => [x.name, x]));

export function rollupOf(name: string): RollupType {
  return COUNTER_BY_NAME.get(name)?.rollup ?? 'average';
}
