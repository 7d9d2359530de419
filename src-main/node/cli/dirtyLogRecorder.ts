/**
 * dirtyLogRecorder — `hvlab run --dirty-log PERIOD`: runs a machine in periods of virtual time with
 * its dirty-page log on, reads and clears the log at the end of each period, and summarizes what it
 * reported: the dirty rate (distinct pages per virtual second, as QEMU's dirty-pages-rate counts
 * them) and what the mechanism cost.
 *
 * Interface: `new DirtyLogRecorder(machine, periodNs)`; `run(untilNs)` → RunOutcome (as
 * runMachine); `report()` → the JSON `dirty` object; `summaryLine()` → one line for stderr.
 * Why periods: a read-and-clear must fall between vCPU runs (atomic with respect to the guest),
 * and the rate is only meaningful per period — a page written 100 times in a period counts once.
 */
import { runMachine, type Machine, type RunOutcome } from '../../engine/index';

/** Pages of each period kept in the report (a long run with a short period would print megabytes). */
const MAX_PERIODS_LISTED = 1000;

export interface DirtyLogReport {
  mechanism: string;
  periodNs: number;
  syncs: number;
  pagesReported: number;
  /** Distinct pages reported by each read-and-clear (the first MAX_PERIODS_LISTED). */
  pagesPerPeriod: number[];
  /** Pages per virtual second: over all complete periods, the highest period, the last period. */
  rate: { mean: number; peak: number; last: number };
  /** Host-side harvest work: entries examined (pages, PML entries, nested-table entries) and its modelled cycles. */
  harvestEntries: number;
  harvestCycles: number;
  /** Guest-side events of the mechanism (counted by the MMU, charged to the vCPUs). */
  events: { writeProtectFaults: number; pmlEntries: number; pmlFullExits: number };
}

export class DirtyLogRecorder {
  private readonly counts: number[] = [];
  private readonly rates: number[] = [];

  constructor(private readonly m: Machine, private readonly periodNs: number) {}

  run(untilNs: number): RunOutcome {
    const m = this.m;
    let t = m.latestNs;
    m.startDirtyLog(t);
    let cycles = 0;
    let instructions = 0;
    for (;;) {
      const end = Math.min(untilNs, t + this.periodNs);
      const o = runMachine(m, { untilNs: end });
      cycles += o.cycles;
      instructions += o.instructions;
      const d = m.readAndClearDirty(end);
      this.counts.push(d.count);
      // a short last period (the run ended inside it) would give a misleading rate
      if (end - t >= this.periodNs) this.rates.push(d.ratePagesPerSecond);
      if (o.stoppedBy !== 'time' || end >= untilNs) return { ...o, cycles, instructions };
      t = end;
    }
  }

  report(): DirtyLogReport {
    const flat = this.m.counters();
    const r = this.rates;
    return {
      mechanism: this.m.dirtyLog.mechanism ?? 'write-protect',
      periodNs: this.periodNs,
      syncs: flat['dirtyLog.syncs'] ?? 0,
      pagesReported: flat['dirtyLog.pagesReported'] ?? 0,
      pagesPerPeriod: this.counts.slice(0, MAX_PERIODS_LISTED),
      rate: {
        mean: r.length ? r.reduce((a, b) => a + b, 0) / r.length : 0,
        peak: r.length ? Math.max(...r) : 0,
        last: r.length ? r[r.length - 1] : 0,
      },
      harvestEntries: flat['dirtyLog.harvestEntries'] ?? 0,
      harvestCycles: flat['dirtyLog.harvestCycles'] ?? 0,
      events: { writeProtectFaults: flat['paging.dirtyWpFaults'] ?? 0, pmlEntries: flat['paging.pmlEntries'] ?? 0, pmlFullExits: flat['paging.pmlFullExits'] ?? 0 },
    };
  }

  summaryLine(): string {
    const d = this.report();
    const n = (x: number): string => Math.round(x).toLocaleString('en-US');
    return `hvlab run: dirty log (${d.mechanism}, every ${d.periodNs / 1e6} ms): ${d.syncs} reads, ${n(d.pagesReported)} pages; `
      + `rate mean ${n(d.rate.mean)}, peak ${n(d.rate.peak)}, last ${n(d.rate.last)} pages/s`;
  }
}
