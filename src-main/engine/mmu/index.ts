/**
 * mmu — address types, page-table format (2 or 4 levels), hardware walker, modelled TLB and
 * the MMU that combines them with the host-side software TLB. The door for other folders.
 */
export * from './addresses';
export { pagingGeometry, pteIndex, makePte, nextTableAddress, leafFrameAddress, type PageTableLevels, type PagingGeometry } from './pageTable';
export { walk, newWalkResult, faultDetailBits, PERM_W, PERM_U, PERM_D, type PhysicalAccess, type WalkResult } from './walk';
export { Tlb, type TlbState, type TlbStats } from './tlb';
export { Mmu, SOFT_MASK, type MmuCosts, type MmuCounters, type MmuState } from './mmu';
