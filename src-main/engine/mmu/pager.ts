/**
 * pager — the seam between the MMU and a memory-virtualization technique: what the "hardware"
 * does on a modelled-TLB miss and on a slow-path store, when the guest runs under a monitor.
 *
 * Interface:
 *  - `PagingMode` ('native' | 'shadow' | 'nested'), `PagingOptions` (per machine), `PagingCosts`
 *    and `pagingCostsFor(monitor, costs)`;
 *  - `Pager` { mode, fill, readFrame, beforeStore, onHitFault, onSwitch, onFlush } implemented by
 *    ShadowPager (shadowPaging.ts) and NestedPager (nestedPaging.ts); 'native' is no pager: the
 *    MMU walks the guest's tables itself (bare hardware, or a monitor's pass-through of the guest's
 *    tables under native paging).
 * Rules:
 *  - A pager changes costs, counters and monitor-side structures, never guest-visible results:
 *    the modelled TLB is filled at the same moments with the same (gpfn, perms), A/D bits are set
 *    in the guest's tables at the same moments, faults are the same faults. Which structure
 *    produced the translation (shadow table, 2-D walk) is real, so a stale or wrong shadow/nested
 *    entry shows up as a wrong result in the differential tests and in the invariant checker.
 *  - Cycles are added to `mmu.pendingCycles`, counts to `mmu.counters` (saved with the CPU).
 *  - Transition costs depend on the monitor. A monitor may implement
 *    `pagingCosts(costs): Partial<PagingCosts>`; otherwise `pagingCostsFor` derives them from its
 *    name: te and bt enter the VMM by a trap (`monitorTrap`), hw by a VM exit (`vmExit` if the cost
 *    model has it, else `worldSwitch`, the KVM/SVM exit+entry round trip). Under shadow paging with
 *    hw, the pager charges the exits the hw monitor does not take itself: page faults (needed to
 *    run shadow paging) and ptbr loads (CR3-load exiting), read from the monitor's `config`
 *    ('page-fault', 'cr-write') when it has one so nothing is charged twice. Every hidden exit of a
 *    hw monitor is also a VM transition (`mmu.vmTransition()`: a TLB flush without VPID).
 */
import type { AccessKind } from '../isa/index';
import type { Mmu } from './mmu';
import type { WalkResult } from './walk';

export type PagingMode = 'native' | 'shadow' | 'nested';
export const PAGING_MODES: readonly PagingMode[] = ['native', 'shadow', 'nested'];

export interface PagingOptions {
  /** native (default): the MMU walks the guest's tables; shadow; nested (2-D walks). */
  mode?: PagingMode;
  /** Guest PS bit honoured (a machine parameter, guest-visible; docs/isa.md §5.2). Default false. */
  largePages?: boolean;
  /** The monitor maps guest memory with large pages: shorter host dimension (nested), unsplintered shadow leaves (shadow). Default false. */
  hostLargePages?: boolean;
  /** ASID-tagged TLB (a machine parameter, guest-visible; docs/isa.md §5.3). Default false. */
  tlbTagging?: boolean;
  /** VM-tagged TLB (VPID/ASID): no flush on VM transitions. Default true; false flushes the TLB on every `mmu.vmTransition()`. */
  vpid?: boolean;
  /** Nested paging: page-walk cache for guest upper levels + nested TLB for gpa→hpa (Bhargava et al. 2008). Default false. */
  pageWalkCache?: boolean;
  /** Nested paging: how the dirty log is harvested — 'pml' (Intel PML-like log, default) or 'dirty-bits' (scan and clear the nested table's D bits). */
  dirtyMechanism?: 'pml' | 'dirty-bits';
  /** Run the invariant checker (shadow = guest ∘ host, nested = the gpa→hpa map) after every update; throws on a violation. Tests only. */
  debugChecks?: boolean;
  /** Cycles of the monitor's memory-virtualization events (default: pagingCostsFor(monitor, costs)). */
  costs?: Partial<PagingCosts>;
  /**
   * Shadow paging: trapped writes to a guest table with no walk through its shadow in between before
   * the shadow is zapped and the page untraced (KVM's write-flooding heuristic). Default
   * SHADOW_FLOOD_WRITES (3); 0 = never (traces persist, as in VMware's shadow MMU measured by A&A).
   */
  floodWrites?: number;
}

export interface PagingCosts {
  /** Transition into the monitor and back for an event the guest never sees (hidden fault, EPT violation, PML full). */
  exit: number;
  /** Transition charged by the pager when a true guest page fault is found (0 when the monitor's own trap handling pays it). */
  guestFaultExit: number;
  /** A guest store to a traced (write-protected) page-table page: transition + decode + emulate. */
  traceWrite: number;
  /** Transition charged by the pager on a ptbr load under shadow paging (0 when the monitor already traps mtcr). */
  switchExit: number;
  vmmWalkRef: number;
  entryFill: number;
  pmlLog: number;
  harvestEntry: number;
  /** Hidden exits are VM exits/entries (hw): each calls mmu.vmTransition(). */
  vmTransitions: boolean;
}

/** The cost-model keys pagingCostsFor reads (cpu/costModel.ts CostModel satisfies it). */
export interface PagingCostInputs {
  readonly monitorTrap: number;
  readonly monitorEmulate: number;
  readonly worldSwitch: number;
  readonly vmmWalkRef: number;
  readonly shadowEntryFill: number;
  readonly ptWriteEmulate: number;
  readonly btPtCallout: number;
  readonly pmlLogEntry: number;
  readonly dirtyHarvestEntry: number;
}

export interface PagingAwareMonitor {
  readonly name: string;
  pagingCosts?(costs: PagingCostInputs): Partial<PagingCosts>;
  /** A hw monitor's exit controls (monitors/hardwareAssist.ts), when it has them. */
  readonly config?: Readonly<Record<string, boolean>>;
}

export function pagingCostsFor(monitor: PagingAwareMonitor | undefined, c: PagingCostInputs, override: Partial<PagingCosts> = {}): PagingCosts {
  const name = monitor?.name ?? 'none';
  const vmExit = (c as unknown as Record<string, number | undefined>).vmExit ?? c.worldSwitch;
  const base: PagingCosts = {
    exit: c.monitorTrap, guestFaultExit: 0, traceWrite: c.monitorTrap + c.ptWriteEmulate, switchExit: 0, vmmWalkRef: c.vmmWalkRef,
    entryFill: c.shadowEntryFill, pmlLog: c.pmlLogEntry, harvestEntry: c.dirtyHarvestEntry, vmTransitions: false,
  };
  if (name === 'bt') base.traceWrite = c.btPtCallout;
  if (name === 'hw') {
    const cfg = monitor?.config;
    base.exit = vmExit;
    base.guestFaultExit = cfg?.['page-fault'] ? 0 : vmExit;
    base.traceWrite = vmExit + c.ptWriteEmulate;
    base.switchExit = cfg?.['cr-write'] ? 0 : vmExit;
    base.vmTransitions = true;
  }
  return { ...base, ...(monitor?.pagingCosts?.(c) ?? {}), ...override };
}

export interface Pager {
  readonly mode: 'shadow' | 'nested';
  costs: PagingCosts;
  /**
   * The walk after a modelled-TLB miss (or a dirty assist): same contract as walk() — true with
   * out.gpfn / perms / leafLevel, or false with the guest-visible fault in out.faultCause/Detail.
   * out.refs = hardware memory references (charged walkRef each by the MMU); the pager charges
   * everything else itself.
   */
  fill(mmu: Mmu, va: number, access: AccessKind, out: WalkResult): boolean;
  /** Host frame backing gpfn for reading, as this pager's structures map it. */
  readFrame(mmu: Mmu, gpfn: number): Int32Array;
  /** A CPU store to gpfn takes the slow path (the page is not fast-writable): model the fault it would cause. */
  beforeStore(mmu: Mmu, gpfn: number): void;
  /** A guest protection fault found on a modelled-TLB hit. */
  onHitFault(mmu: Mmu): void;
  /** ptbr loaded (address-space switch). */
  onSwitch(mmu: Mmu): void;
  /** TLB flushed (vpn = -1) or one page invalidated. */
  onFlush(mmu: Mmu, vpn: number): void;
  /**
   * A translated page is not present here (post-copy, host swap): its shadow leaf / nested entry maps
   * nothing, so the access enters the monitor (a hidden fault or EPT violation) before the page is
   * supplied or the vCPU waits.
   */
  onNotPresent(mmu: Mmu): void;
}
