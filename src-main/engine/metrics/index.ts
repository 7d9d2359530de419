/**
 * metrics — vSphere counters: the catalogue (names, units, rollups), the collector that counts them
 * from engine events at each barrier, the sample stores with their rollups, and the power and
 * overhead models. The door other engine folders import.
 */
export { COUNTERS, COUNTER_BY_NAME, DISK_COUNTER_KEYS, ENGINE_COUNTER_SOURCES, rollupOf } from './catalog';
export { Collector, VMOP_KINDS, type CollectorSources, type VmopKind } from './collector';
export { REALTIME_PERIOD_MS, SampleStore, type SampleStoreState } from './sampleStore';
export { rollupSamples, type Sample } from './rollup';
export { hostWatts, vmOverheadFrames, vmOverheadKB, VMKERNEL_FRAMES, VMKERNEL_MEMORY_OWNER } from './resourceModels';
