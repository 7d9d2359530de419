/**
 * destinationCalls — the plain data that crosses between the mechanism (`liveMigration.ts`) and the
 * destination's machines after the switch (`MigrationDestination`, `migrationEnv.ts`): a fault that
 * could not wait and was served from the held copy, the mechanism's answer to it, the arrived-check
 * counts, and the not-present wait counters the statistics read.
 *
 * Rules: structured-cloneable (numbers, booleans, arrays of numbers); pages are (member, gpfn) pairs
 * flattened into one array, member first; a member is an index in the mechanism's order.
 */

/**
 * A fault on the destination that could not wait (host code in the middle of an operation), served
 * there from the copy the receiver holds since the switch: the page, and whether those bytes are the
 * source's page at the switch (checked where the copy is, against the source's hash list).
 */
export interface UrgentFault {
  member: number;
  gpfn: number;
  /** The held copy matched the source's list (the arrival check of a page that arrives by a fault). */
  matches: boolean;
}

/** The mechanism's answer to an `UrgentFault`: the vCPU's stall, and whether the held copy goes (the page will never be pushed). */
export interface UrgentFaultAnswer {
  stallNs: number;
  dropHeld: boolean;
}

/** Where the destination's machines report an urgent fault and get the answer at once (in one thread: the mechanism's function). */
export type UrgentFaultPort = (fault: UrgentFault) => UrgentFaultAnswer;

/** Arrived pages checked against the source's list: how many, how many differed. */
export interface ArrivalCounts {
  checked: number;
  mismatched: number;
}

/** The destination machines' not-present wait counters now (ns): per member, and per vCPU (members in order, each member's vCPUs in order). */
export interface DestinationWaits {
  waitedNs: number[];
  vcpuWaitedNs: number[];
}
