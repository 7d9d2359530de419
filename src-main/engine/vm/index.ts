/**
 * vm — one VM in the datacenter: the power-state machine and its operations, the guest's life
 * cycle (start, stop, capture, console), the VM's time base and console buffer. The door other
 * datacenter folders import. The seam to the guest machine (`guestMachine.ts`, `guestFactory.ts`)
 * is a door of its own: both the datacenter and the guest machine import those two files directly.
 */
export { checkPowerOp, POWER_TRANSITIONS, type PowerOp } from './powerState';
export { guestStopped, POWER_OP_DURATION_MS, POWER_TASK_KIND, reservationFits, startPowerOp, uptimeMs } from './powerOps';
export {
  captureGuest, chargeOverhead, cpuPolicyOf, guestRunState, hardwareOf, markCrashed, pollConsole, takeConsole, guestRestoreOrder, startGuest, stopGuest,
} from './guestLifecycle';
export { VmRuntime, type VmRuntimeState } from './vmRuntime';
export { ConsoleBuffer, type ConsoleState } from './consoleBuffer';
export { COUNTERS_READER, type DirtyLogShare, type DirtyLogShareState } from './dirtyLogShare';
export { DirtyLogShares } from './dirtyLogShares';
export { DiskStore } from './diskStore';
export { applyGuestFacts, setGuestFacts } from './guestLifecycle';
export { HostOwner, type HostOwnerEnv, type GuestFacts, type GuestStartOrder, type GuestStartReply, type GuestResumeOrder } from './hostOwner';
export type { CaptureHandle, CaptureImage, GuestCaptureReply } from './captureOrders';
export { CaptureIntake, dropSuspended, releaseAll, releaseDropped, savedCapture } from './captureHandles';
export {
  FANNED_OWNER_CALLS, ONE_THREAD_READS, OWNER_CALL_NAMES, OWNER_CALLBACKS, OWNER_METHODS, OWNER_MOVES, OWNER_READS, type CallbackMoves, type FannedOwnerCall,
  type HostCall, type HostFanOut, type HostOwnerCalls, type OwnerCallName, type OwnerMethod,
} from './ownerCalls';
export {
  CheckedLoopback, checkedLoopback, NotPlainError, OwnerCallError, ownerClient, plainCheck, type OwnerTransport, type OwnerTransportMaker,
  type MessageClone, type PlainCheck,
} from './ownerTransport';
export {
  sameThread, type GuestDigestPart, type GuestRestoreOrder, type HostDigestPart, type HostPart, type HostPartTransport,
  type HostRestorePart, type HostRestoreReply, type HostSavePart,
} from './hostParts';
export { pauseGuest, receiveGuest, resumeGuest, startGuestFrom } from './guestMove';
export { carryDirtyLog, dirtyLogOwner } from './dirtyLogPlace';
export { carryDisks, liveDisks, returnDisks, sealDisks } from './diskPlace';
export type { IncomingOrder, IncomingStartOrder, OutgoingSaved, SavedSourceRead } from './moveOrders';
export type { ReceiverOrder } from './halfOrders';
export type { HeldPagesOrder, HeldPagesReply, SenderOrder } from './senderOrders';
export { checkOutgoing, outgoingWhole, readOutgoingPage, type AwayPage, type SourceCheck, type SourceWhole } from './outgoingReads';
export type { HostSample, HostSampleOrder, HostPoolSample, VmSample, GuestSample } from './hostSample';
export { configOf } from './guestLifecycle';
export { poolAdmissionProblem, poolScopeOfHost, reservationTreeOf, type PoolScope } from './poolAdmission';
