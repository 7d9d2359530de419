/**
 * destinationMachines — a migration's destination after the switch, where its machines are: the switch's
 * verification, post-copy's not-present handlers and its arrivals, the wait counters. The one
 * `MigrationDestination` over machines in this thread; the lab's destination host's owner holds one
 * beside the machines and the receiver half (`HostOwner`'s "migration after the switch" calls), tests
 * hold one directly.
 *
 * `new DestinationMachines(machines, held)`: `machines` in the mechanism's member order, `held` the
 * receiver half (post-copy's held copies of the paused source's pages). Then `MigrationDestination`'s
 * calls: `verify(checks, postcopy)` → `SwitchVerdict`; `startPostcopy(urgent)` → each member's wait base;
 * `takeRequests()`; `arrive(pages)` → counts; `waits()`; `endPostcopy()`; `close()`.
 *
 * Rules: every argument and reply is plain data (`destinationCalls.ts`). A fault that cannot wait is
 * answered in the fault (the vCPU cannot stop): the held copy is read and checked here, the mechanism
 * is told through `urgent` (its bitmap, link and counters) and answers the stall. A fault that can wait
 * only records a request; the mechanism takes the requests at its next barrier step, in fault order
 * (nothing between two barriers reads them, so this is where a direct call would have put them too).
 */
import { bytesToWords, type GuestMachine, type NotPresentDecision, type NotPresentFault } from '../vm/guestMachine';
import { PAGE_SIZE_BYTES } from '../params';
import type { MigrationDestination, MigrationReceiver } from './migrationEnv';
import { SourcePages, verifySwitch, type SourceCheck, type SwitchVerdict } from './verify';
import type { ArrivalCounts, DestinationWaits, UrgentFaultPort } from './destinationCalls';

function wordsOf(bytes: Uint8Array | undefined): Int32Array | undefined {
  return bytes && bytesToWords(bytes);
}

export class DestinationMachines implements MigrationDestination {
  /** The source's checks as they crossed at the switch (post-copy's arrivals are checked against them). */
  private sources: SourcePages[] | undefined;
  private urgent: UrgentFaultPort | undefined;
  /** Faults that wait for their page, since the mechanism last took them: (member, gpfn) pairs. */
  private requests: number[] = [];
  /** Where an arrived page is read back, to compare it with the source's list. */
  private readonly arrivedPage = new Uint8Array(PAGE_SIZE_BYTES);

  constructor(private readonly machines: readonly GuestMachine[], private readonly held: Pick<MigrationReceiver, 'heldPage' | 'dropHeld'>) {}

  verify(checks: SourceCheck[], postcopy: boolean): SwitchVerdict {
    const sources = checks.map((c) => new SourcePages(c));
    if (!postcopy) return verifySwitch(this.machines, sources, false);
    this.sources = sources;
    return verifySwitch(this.machines, sources, true, (m, g) => this.held.heldPage(m, g));
  }

  startPostcopy(urgent: UrgentFaultPort): number[] {
    this.urgent = urgent;
    const bases = this.machines.map((d) => d.counters()['notPresent.waitedNs'] ?? 0);
    this.machines.forEach((machine, m) => machine.setNotPresentHandler((f) => this.fault(m, f)));
    return bases;
  }

  private fault(member: number, f: NotPresentFault): NotPresentDecision {
    if (!f.canWait) {
      // Host code that cannot wait: served now from the pages the receiver holds since the switch (the
      // paused source's, final), with the same check as a page that arrives.
      const bytes = this.held.heldPage(member, f.gpfn);
      if (!bytes) throw new Error(`post-copy: guest page ${f.gpfn} of member ${member} faulted, but the destination holds no copy of it`);
      const matches = this.sources![member].arrived(f.gpfn, bytesToWords(bytes));
      const answer = this.urgent!({ member, gpfn: f.gpfn, matches });
      if (answer.dropHeld) this.held.dropHeld(member, f.gpfn);
      return { kind: 'supply', bytes, stallNs: answer.stallNs };
    }
    this.requests.push(member, f.gpfn);
    return { kind: 'wait' };
  }

  takeRequests(): number[] {
    const out = this.requests;
    this.requests = [];
    return out;
  }

  /**
   * Arrived pages become present from the copy the receiver holds and are checked against the source's
   * list (the paused source's pages, final); a page already present (an urgent fault took it) only lets
   * its copy go.
   */
  arrive(pages: number[]): ArrivalCounts {
    let checked = 0;
    let mismatched = 0;
    for (let i = 0; i < pages.length; i += 2) {
      const member = pages[i];
      const gpfn = pages[i + 1];
      const d = this.machines[member];
      if (d.pageState(gpfn) !== 'notPresent') { this.held.dropHeld(member, gpfn); continue; }
      const bytes = this.held.heldPage(member, gpfn);
      if (!bytes) throw new Error(`post-copy: guest page ${gpfn} of member ${member} arrived, but the destination holds no copy of it`);
      d.supplyPage(gpfn, bytes);
      this.held.dropHeld(member, gpfn);
      checked++;
      // A page left untouched reads as zeros by definition (no frame), nothing to read (most of a large
      // VM's pages, whose reads were most of a post-copy's checking time); another is read as words, in
      // place where the machine shows them (no copy).
      const untouched = d.pageState(gpfn) === 'untouched';
      const back = untouched ? undefined : d.pageWords ? d.pageWords(gpfn) : wordsOf(d.readPage(gpfn, this.arrivedPage));
      if ((!untouched && !back) || !this.sources![member].arrived(gpfn, back)) mismatched++;
    }
    return { checked, mismatched };
  }

  waits(): DestinationWaits {
    const waitedNs: number[] = [];
    const vcpuWaitedNs: number[] = [];
    for (const d of this.machines) {
      const cs = d.counters();
      waitedNs.push(cs['notPresent.waitedNs'] ?? 0);
      for (let v = 0; v < d.vcpuCount; v++) vcpuWaitedNs.push(cs[`notPresent.vcpu${v}.waitedNs`] ?? 0);
    }
    return { waitedNs, vcpuWaitedNs };
  }

  endPostcopy(): void {
    for (const d of this.machines) d.setNotPresentHandler(undefined);
    this.close();
  }

  /** Lets go of the checks and the port; the machines' handlers are left as they are (the host's reclamation may have installed its own). */
  close(): void {
    this.sources = undefined;
    this.urgent = undefined;
    this.requests = [];
  }
}
