/**
 * memoryReclamation — a host's memory-overcommitment settings (ESX's advanced Mem.* options the course
 * discusses), their defaults and limits: one table read by the engine, the contract's schema, scenario
 * files and the host's Configure page.
 *
 * - `MemReclamationSettings`; `MEM_RECLAMATION_DEFAULTS`; `MEM_RECLAMATION_LIMITS` (integer ranges);
 *   `memReclamationOf(partial)` (defaults filled in).
 * Defaults and their sources: page sharing scans 50 pages/s per VM and at most 200 pages/s per host (ESX
 * 2.x Mem.ShareScanVM / Mem.ShareScanTotal, Waldspurger 2002); sharing stays inside each VM unless
 * `interVmSharing` is on (ESXi's default since 2014: pages are "salted" per VM, Mem.ShareForceSalting);
 * the compression cache is 10 % of a VM's memory (Mem.MemZipMaxPct, ESX 4.1); the idle memory tax is 75 %
 * (Mem.IdleTax); activity is sampled every 30 s of virtual time (Mem.SamplePeriod).
 */
export interface MemReclamationSettings {
  /** Transparent page sharing on. */
  sharing: boolean;
  /** Pages one VM's memory is scanned at, per second (Mem.ShareScanVM). */
  shareScanVmPagesPerSec: number;
  /** Pages the host scans at most, per second, over all its VMs (Mem.ShareScanTotal). */
  shareScanTotalPagesPerSec: number;
  /** Share identical pages across VMs too (off: salting keeps sharing within each VM). */
  interVmSharing: boolean;
  /** Balloon drivers may be asked to inflate. */
  ballooning: boolean;
  /** Pages are compressed before they are swapped (Mem.MemZipEnable). */
  compression: boolean;
  /** Compression cache size, percent of each VM's configured memory (Mem.MemZipMaxPct). */
  compressionCachePercent: number;
  /** Idle memory tax, percent (Mem.IdleTax): the share of a VM's idle memory that may be reclaimed first. */
  idleTaxPercent: number;
  /** Virtual seconds between activity samples (Mem.SamplePeriod). */
  samplePeriodSec: number;
}

export const MEM_RECLAMATION_DEFAULTS: Readonly<MemReclamationSettings> = {
  sharing: true,
  shareScanVmPagesPerSec: 50,
  shareScanTotalPagesPerSec: 200,
  interVmSharing: false,
  ballooning: true,
  compression: true,
  compressionCachePercent: 10,
  idleTaxPercent: 75,
  samplePeriodSec: 30,
};

export const MEM_RECLAMATION_LIMITS = {
  shareScanVmPagesPerSec: { min: 0, max: 1_000_000 },
  shareScanTotalPagesPerSec: { min: 0, max: 10_000_000 },
  compressionCachePercent: { min: 0, max: 100 },
  idleTaxPercent: { min: 0, max: 99 },
  samplePeriodSec: { min: 1, max: 3600 },
} as const;

export function memReclamationOf(partial: Partial<MemReclamationSettings> | undefined): MemReclamationSettings {
  return { ...MEM_RECLAMATION_DEFAULTS, ...(partial ?? {}) };
}
