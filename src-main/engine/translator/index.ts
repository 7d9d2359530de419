/**
 * translator — binary translation of HV32 guest code to JavaScript: regions (the hot code
 * of a guest page) compiled with `new Function`, a translation cache keyed by guest-physical page
 * and mode, and the
 * dispatcher that runs them with the reference interpreter as the cold tier. The door other engine
 * folders import. Reading order: blocks.ts → codegen.ts → region.ts (regionTables.ts, sharedCode.ts) → translationCache.ts →
 * callouts.ts → exactWarmUp.ts → executor.ts → warmUp.ts; docs/monitors.md explains the design.
 */
export { scanPage, TU_MAX_INSTRUCTIONS, OpKind, classify, mnemonicOf, type PagePlan, type PlanBlock, type PlanInstr, type ScanOptions } from './blocks';
export { backEdgeLoops, generateRegionSource, EXIT_BUDGET, EXIT_CALLOUT, EXIT_PAGE, type RegionSource } from './codegen';
export { Region, compileRegion, foldRegion, regionKey, uncountTail, type FoldSink, type RegionFn, type RegionHelpers } from './region';
export { RegionTables } from './regionTables';
export { sharedCodeStats, clearSharedCode, withPrivateSharedCode, type RegionCode } from './sharedCode';
export { TranslationCache, type PageProfile, type TranslationCacheLimits, type TranslationCacheStats } from './translationCache';
export { CALLOUT_HELPERS, ExecContext } from './callouts';
export { TranslatedExecutor, newExecutorStats, type ExecutorOptions, type ExecutorStats } from './executor';
export { warmUpDispatcher, runDispatcherWarmUp, type DispatcherWarmUpReport, type ScratchCpuFactory } from './warmUp';
