/**
 * engine/migration — live migration (docs/migration.md): the link, the wire format and page stream
 * with zero pages, deduplication, XBZRLE and compression on real page bytes, the stop rules (QEMU, Xen
 * v2, classic Xen), auto-converge, post-copy with remote faults, verification at the switch, and the
 * lab's task kind `vm.migrate`.
 *
 * Reading order: `wireFormat.ts` → `link.ts` → `bitmap.ts` → `recordBuffer.ts` → `pageSender.ts`
 * (`xbzrle.ts`, `dedupIndex.ts`, `pageHash.ts`, `codecs.ts`) → `senderSide.ts` (`senderCalls.ts`) → `pageReceiver.ts` (`heldPages.ts`, `postcopyHold.ts`) → `stopRules.ts` → `autoConverge.ts` → `liveMigration.ts`
 * (`migrationEnv.ts`, `machineSource.ts`, `verify.ts`, `destinationMachines.ts`, `destinationCalls.ts`) → `labMigrationEnv.ts` (`ownerSender.ts`, `ownerReceiver.ts`, `ownerDestination.ts`, all `ownerHandle.ts`) → `migrationTask.ts` → `migrationService.ts`.
 */
export { LiveMigration } from './liveMigration';
export type { StepOutcome, RecordTransport, SwitchMessage, SwitchTransport } from './liveMigration';
export type { RecordBatch } from './recordBuffer';
export type { DedupPlace } from './dedupIndex';
export type { MigrationDestination, MigrationEnv, MigrationReceiver, MigrationSender, ReceiverSetup } from './migrationEnv';
export { SenderSide } from './senderSide';
export type { SourcePageRead } from './pageSender';
export type {
  ReceiverAnswer, ReceiverAsk, ReceiverPort, SenderFlushOrder, SenderIndexOrder, SenderIndexReply, SenderPushOrder, SenderPushReply, SenderReply,
  SenderSetup, SenderState, SenderStepOrder, SenderStepReply, SenderStopReason,
} from './senderCalls';
export { PageReceiver } from './pageReceiver';
export { DestinationMachines } from './destinationMachines';
export { writeHeldPages } from './postcopyHold';
export type { ArrivalCounts, DestinationWaits, UrgentFault, UrgentFaultAnswer, UrgentFaultPort } from './destinationCalls';
export type { SourceCheck, SwitchVerdict } from './verify';
export { PageCodecs } from './codecs';
export { precopyEstimate } from './estimate';
export type { PrecopyEstimate, PrecopyEstimateInput } from './estimate';
export { MigrationService } from './migrationService';
export type { MigrationServiceState } from './migrationService';
export { MIGRATE_TASK_KIND, startMigration, checkMigration, migrationStats, listMigrations } from './migrationTask';
export type { MigrateSpec, MigrateTaskState } from './migrationTask';
export { hostCompatibility, hostProblem, hostProblems, hostWarnings, vmProblem, freeFrames, framesNeeded, type MigrationOutlook } from './compatibility';
export { xbzrleEncode, xbzrleDecode, XbzrleCache } from './xbzrle';
export { DedupIndex, equalPages } from './dedupIndex';
export { hashPage, isZeroPage } from './pageHash';
export { MigrationLink } from './link';
export { PageBitmap } from './bitmap';
export * as wireFormat from './wireFormat';
