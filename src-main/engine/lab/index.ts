/**
 * lab — the whole simulated world (`Lab`), its lockstep loop, its plain saved state and what a run's
 * digest covers. The door other engine folders import.
 */
export { Lab, type LabCommandRunner, type LabOptions } from './lab';
export type { OpContext } from './opContext';
export { localOwners, type HostOwnerMaker } from './hostOwners';
export { LAB_STATE_FORMAT, LAB_STATE_VERSION, type LabState } from './labPersist';
export { digestInput, diskHash } from './labDigest';
export { labStateProblem, LabStateError } from './labStateCheck';
