/**
 * memoryReclamationSchema — the schema of a host's memory-overcommitment settings (some or all of them),
 * built from their limits (@shared/model/memoryReclamation): read by scenario files (a host's
 * `memoryReclamation:`); a command that edits them from the client is to use the same schema, so both
 * give the same message for the same bad value.
 */
import { s } from './schema';
import { MEM_RECLAMATION_LIMITS as L } from '../model/memoryReclamation';

export const memReclamationSchema = s.object({
  sharing: s.optional(s.bool()),
  shareScanVmPagesPerSec: s.optional(s.int(L.shareScanVmPagesPerSec)),
  shareScanTotalPagesPerSec: s.optional(s.int(L.shareScanTotalPagesPerSec)),
  interVmSharing: s.optional(s.bool()),
  ballooning: s.optional(s.bool()),
  compression: s.optional(s.bool()),
  compressionCachePercent: s.optional(s.int(L.compressionCachePercent)),
  idleTaxPercent: s.optional(s.int(L.idleTaxPercent)),
  samplePeriodSec: s.optional(s.int(L.samplePeriodSec)),
});
