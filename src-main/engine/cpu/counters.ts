/**
 * counters — the CPU's event counters (always on) and their plain snapshot.
 *
 * Interface: `CpuCounters` (live, mutable; typed arrays indexed by opcode / cause),
 * `newCpuCounters()`, `CounterSnapshot` (plain, structured-clone-safe, named fields),
 * `snapshotCounters(c, mmu)`.
 * Rules: counts are exact and deterministic (they feed virtual time). `instructions` counts
 * dispatched instructions, including ones that fault. Instruction-fetch TLB lookups are counted
 * once per entry into a code page (a fetch-side "last page" latch), data lookups per access.
 */
import { causeName, OPCODES, VECTOR_COUNT } from '../isa/index';
import type { Mmu } from '../mmu/index';

export interface CpuCounters {
  instructions: number;
  cycles: number;
  /** Dispatched instructions per opcode number. */
  opCounts: Float64Array;
  /** Exceptions and interrupts raised, per cause (vector) number. */
  causes: Float64Array;
  /** Privileged instructions executed in kernel mode (not trapped). */
  privilegedExecuted: number;
  ioReads: number;
  ioWrites: number;
  /** Events handed to the attached monitor (its onTrap calls). */
  monitorTraps: number;
  /** Of those, handled by the monitor without delivering to the guest ("resume"). */
  monitorEmulated: number;
  doubleFaults: number;
  halts: number;
}

export function newCpuCounters(): CpuCounters {
  return {
    instructions: 0, cycles: 0, opCounts: new Float64Array(256), causes: new Float64Array(VECTOR_COUNT),
    privilegedExecuted: 0, ioReads: 0, ioWrites: 0, monitorTraps: 0, monitorEmulated: 0, doubleFaults: 0, halts: 0,
  };
}

export interface CounterSnapshot {
  instructions: number;
  cycles: number;
  exceptions: number;
  interrupts: number;
  pageFaults: number;
  syscalls: number;
  privilegedTraps: number;
  privilegedExecuted: number;
  ioReads: number;
  ioWrites: number;
  monitorTraps: number;
  monitorEmulated: number;
  doubleFaults: number;
  halts: number;
  tlbHits: number;
  tlbMisses: number;
  tlbEvictions: number;
  tlbFlushes: number;
  tlbPageInvalidations: number;
  pageWalks: number;
  pageWalkRefs: number;
  /** Average memory references per walk (= levels for successful walks). */
  refsPerWalk: number;
  adWrites: number;
  /**
   * Memory-virtualization counters (mmu.ts MmuCounters): only non-zero entries — shadow
   * faults (hidden vs guest), page-table write traps, shadow-table builds, 2-D walk references per
   * dimension, nested violations, page-walk-cache / nested-TLB / large-page-TLB hits and misses,
   * dirty-logging faults and PML entries, and `pagingCycles`.
   */
  paging: Record<string, number>;
  /** Raised per cause name (syscall, page-fault, irq0, ...), only non-zero entries. */
  byCause: Record<string, number>;
  /** Executed per mnemonic, only non-zero entries. */
  byOpcode: Record<string, number>;
}

export function snapshotCounters(c: CpuCounters, mmu: Mmu): CounterSnapshot {
  const byCause: Record<string, number> = {};
  let exceptions = 0;
  let interrupts = 0;
  for (let i = 0; i < c.causes.length; i++) {
    if (!c.causes[i]) continue;
    byCause[causeName(i)] = c.causes[i];
    if (i >= 16) interrupts += c.causes[i];
    else exceptions += c.causes[i];
  }
  const byOpcode: Record<string, number> = {};
  for (const o of OPCODES) if (c.opCounts[o.opcode]) byOpcode[o.mnemonic] = c.opCounts[o.opcode];
  if (c.opCounts[0]) byOpcode['(illegal)'] = c.opCounts[0];
  const t = mmu.tlbStats;
  const m = mmu.counters;
  return {
    instructions: c.instructions, cycles: c.cycles, exceptions, interrupts,
    pageFaults: c.causes[3], syscalls: c.causes[5], privilegedTraps: c.causes[2],
    privilegedExecuted: c.privilegedExecuted, ioReads: c.ioReads, ioWrites: c.ioWrites,
    monitorTraps: c.monitorTraps, monitorEmulated: c.monitorEmulated, doubleFaults: c.doubleFaults, halts: c.halts,
    tlbHits: t.hits, tlbMisses: t.misses, tlbEvictions: t.evictions, tlbFlushes: t.flushes, tlbPageInvalidations: t.pageInvalidations,
    pageWalks: m.walks, pageWalkRefs: m.walkRefs, refsPerWalk: m.walks ? m.walkRefs / m.walks : 0, adWrites: m.adWrites,
    paging: pagingCounters(mmu), byCause, byOpcode,
  };
}

const NATIVE_MMU_KEYS = new Set(['walks', 'walkRefs', 'adWrites', 'dirtyAssists', 'softRefills']);

function pagingCounters(mmu: Mmu): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(mmu.counters)) if (v && !NATIVE_MMU_KEYS.has(k)) out[k] = v;
  const l = mmu.largeTlb?.stats;
  if (l && (l.hits || l.misses)) {
    out.largeTlbHits = l.hits;
    out.largeTlbMisses = l.misses;
  }
  return out;
}
