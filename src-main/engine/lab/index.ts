/**
 * lab — the whole simulated world (`Lab`), its lockstep loop, its plain saved state and what a run's
 * digest covers. The door other engine folders import.
 */
export { Lab, VMOP_KINDS, type LabOptions, type VmopKind } from './lab';
export { LAB_STATE_FORMAT, type LabState } from './labPersist';
export { digestInput, diskHash } from './labDigest';
