/**
 * mmu — address types, page-table format (2 or 4 levels), hardware walker, modelled TLBs and
 * the MMU that combines them with the host-side software TLB; memory virtualization:
 * shadow paging, nested paging, page-walk caches, invariant checkers. The door for other folders.
 */
export * from './addresses';
export { pagingGeometry, pteIndex, makePte, nextTableAddress, leafFrameAddress, type PageTableLevels, type PagingGeometry } from './pageTable';
export { walk, newWalkResult, faultDetailBits, pagesAtLevel, FAULT_NOT_PRESENT, PERM_W, PERM_U, PERM_D, type PhysicalAccess, type WalkResult } from './walk';
export { Tlb, type TlbState, type TlbStats } from './tlb';
export { LargePageTlb, type LargePageTlbState } from './largePageTlb';
export { Mmu, SOFT_MASK, SOFT_READ_OFFSET, SOFT_READ_TAG, SOFT_WRITE_OFFSET, SOFT_WRITE_TAG, newMmuCounters, type MmuCosts, type MmuCounters, type MmuOptions, type MmuState } from './mmu';
export { PAGING_MODES, pagingCostsFor, type Pager, type PagingAwareMonitor, type PagingCostInputs, type PagingCosts, type PagingMode, type PagingOptions } from './pager';
export { PagingContext, dirtyHarvesterFor } from './pagingContext';
export { ShadowPager } from './shadowPaging';
export { ShadowTables, ShadowTable } from './shadowTableCache';
export { NestedPager, type NestedDirtyMechanism } from './nestedPaging';
export { NestedPageTable } from './nestedPageTable';
export { WalkCache } from './pageWalkCache';
export { checkNestedTable, checkShadowTables, checkTranslation } from './pagingInvariants';
