/**
 * pagingContext — the per-VM side of memory virtualization: one per guest-physical memory, shared
 * by the VM's vCPUs (shadow tables and the nested table are per VM on real monitors too; TLBs,
 * page-walk caches and PML logs are per vCPU and live in each vCPU's pager).
 *
 * Interface: `PagingContext.for(mem, levels, options)`; `shadowTables()`, `nestedTable()` (built
 * lazily), `pagers`; `createPager(mmu, options, costs)` → Pager | undefined (native);
 * `dirtyHarvesterFor(mem)` → the DirtyHarvester matching the VM's paging mode (memory/dirtyTracking.ts);
 * `nestedDirtyMechanism` ('pml' default | 'dirty-bits', from PagingOptions.dirtyMechanism); `check()` → invariant violations.
 * Rules: one geometry per memory (levels and host large pages are machine-wide); asking again with
 * different ones is a configuration error (throws RangeError). With `debugChecks` every fill and every
 * shadow update runs the invariant checker and throws on a violation (tests).
 */
import type { DirtyHarvester, GuestPhysicalMemory } from '../memory/index';
import type { Mmu } from './mmu';
import { NestedPageTable } from './nestedPageTable';
import { NestedPager, type NestedDirtyMechanism } from './nestedPaging';
import { pagingGeometry, type PageTableLevels, type PagingGeometry } from './pageTable';
import type { Pager, PagingCosts, PagingOptions } from './pager';
import { checkNestedTable, checkShadowTables, checkTranslation } from './pagingInvariants';
import { ShadowPager } from './shadowPaging';
import { ShadowTables } from './shadowTableCache';
import type { AccessKind } from '../isa/index';
import type { WalkResult } from './walk';

const contexts = new WeakMap<GuestPhysicalMemory, PagingContext>();

export class PagingContext {
  private shadow: ShadowTables | undefined;
  private nested: NestedPageTable | undefined;
  readonly pagers: Pager[] = [];
  nestedDirtyMechanism: NestedDirtyMechanism = 'pml';
  debugChecks = false;

  static for(mem: GuestPhysicalMemory, levels: PageTableLevels, opts: PagingOptions = {}): PagingContext {
    let c = contexts.get(mem);
    const host = opts.hostLargePages ?? false;
    if (!c) {
      c = new PagingContext(mem, pagingGeometry(levels), host);
      contexts.set(mem, c);
    } else if (c.g.levels !== levels || c.hostLargePages !== host) {
      throw new RangeError(`paging: this VM already uses ${c.g.levels} levels${c.hostLargePages ? ' with host large pages' : ''}; a vCPU asked for ${levels}${host ? ' with host large pages' : ''}`);
    }
    if (opts.debugChecks) c.debugChecks = true;
    if (opts.dirtyMechanism) c.nestedDirtyMechanism = opts.dirtyMechanism;
    return c;
  }

  /** The context of a memory if one was created. */
  static existing(mem: GuestPhysicalMemory): PagingContext | undefined {
    return contexts.get(mem);
  }

  private constructor(readonly mem: GuestPhysicalMemory, readonly g: PagingGeometry, readonly hostLargePages: boolean) {}

  shadowTables(): ShadowTables {
    if (!this.shadow) {
      this.shadow = new ShadowTables(this.mem, this.g, { hostLargePages: this.hostLargePages });
      if (this.debugChecks) this.shadow.afterUpdate = () => this.assertOk();
    }
    return this.shadow;
  }

  nestedTable(): NestedPageTable {
    this.nested ??= new NestedPageTable(this.mem, this.g, { hostLargePages: this.hostLargePages });
    return this.nested;
  }

  get shadowTablesIfAny(): ShadowTables | undefined {
    return this.shadow;
  }
  get nestedTableIfAny(): NestedPageTable | undefined {
    return this.nested;
  }

  check(): string[] {
    return [...(this.shadow ? checkShadowTables(this.shadow) : []), ...(this.nested ? checkNestedTable(this.nested) : [])];
  }

  private assertOk(): void {
    const v = this.check();
    if (v.length) throw new Error(`paging invariant violated: ${v.slice(0, 5).join('; ')}`);
  }

  createPager(mmu: Mmu, opts: PagingOptions, costs: PagingCosts): Pager | undefined {
    const mode = opts.mode ?? 'native';
    if (mode === 'native') return undefined;
    const checks = this.debugChecks
      ? (m: Mmu, va: number, access: AccessKind, out: WalkResult): void => {
        const v = [...checkTranslation(m, va, access, out), ...(this.nested ? checkNestedTable(this.nested) : [])];
        if (v.length) throw new Error(`paging invariant violated: ${v.slice(0, 5).join('; ')}`);
      }
      : undefined;
    let p: Pager;
    if (mode === 'shadow') {
      const t = this.shadowTables();
      t.fallback ??= mmu.counters;
      if (opts.floodWrites !== undefined) t.floodWrites = opts.floodWrites;
      p = new ShadowPager(t, costs, checks);
    } else {
      p = new NestedPager(this.nestedTable(), costs, { pageWalkCache: opts.pageWalkCache, dirtyMechanism: () => this.nestedDirtyMechanism }, checks);
    }
    this.pagers.push(p);
    return p;
  }

  /** Dirty-log harvesting matching how this VM's memory is virtualized. */
  harvester(): DirtyHarvester {
    const npt = this.nested;
    if (!npt || this.pagers.every((p) => p.mode !== 'nested')) return { mechanism: 'write-protect', harvest: (pages) => pages.length };
    if (this.nestedDirtyMechanism === 'dirty-bits') {
      return { mechanism: 'dirty-bits', harvest: () => npt.harvestDirty(() => {}) };
    }
    return {
      mechanism: 'pml',
      harvest: () => {
        // drain every vCPU's log, then clear the D bits of exactly the logged pages
        for (const p of this.pagers) if (p instanceof NestedPager) p.drainPml();
        const logged = npt.pmlDrained;
        npt.pmlDrained = [];
        for (const g of logged) npt.clearDirty(g);
        return logged.length;
      },
    };
  }
}

/** The dirty harvester for a VM's memory (write-protect when it has no nested paging). */
export function dirtyHarvesterFor(mem: GuestPhysicalMemory): DirtyHarvester {
  return PagingContext.existing(mem)?.harvester() ?? { mechanism: 'write-protect', harvest: (pages) => pages.length };
}
