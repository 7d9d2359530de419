/**
 * binaryTranslation — the `bt` monitor: VMware-style binary translation (Adams & Agesen 2006;
 * Bugnion et al., ACM TOCS 2012).
 *
 * Interface: `new BinaryTranslationMonitor(options?)` (ExecutorOptions: translateUser, hotCycles,
 * cache limits; `exactEnterAfterInstructions` and `exactWarmUpLimit` default to params
 * BT_ENTER_AFTER_INSTRUCTIONS and BT_EXACT_WARM_UP_LIMIT_INSTRUCTIONS: bt's exact warm-up);
 * `execute(cpu, budget)` (the CPU runs through the translator, not the plain interpreter); `onTrap`
 * (every exception and interrupt passes through the VMM: counted by cause, charged `monitorTrap`, then
 * delivered to the guest's own vector); `executor`, `cache(cpu)`;
 * The first one built in a process warms up the dispatcher on a scratch machine of its own
 * (translator/warmUp.ts: host performance only).
 * `counters(cpu)` → flat `bt.*` counters; `stats` {emulated: callouts by mnemonic, reflected:
 * exceptions/interrupts by cause}; `save()` / `restore(cpu, s)`.
 * How it virtualizes the CPU: guest code never runs "natively" — hot kernel pages are translated
 * to JavaScript in which every privileged or sensitive instruction (cli, sti, iret, mfcr, mtcr, in,
 * out, hlt, invlpg, tlbflush, getf, setf, smsw) is a callout that emulates it on the virtual CPU
 * (cpu.state: the guest's PSW with its real IE and K, its control registers); cold code is
 * interpreted, which emulates every instruction (Popek & Goldberg's Theorem 3: a hybrid VMM
 * interprets supervisor code). So `sensitive` behaves exactly as under `interp` — no hole as under
 * `te`. Guest user code runs "directly": compiled by the same machinery for host speed, but not
 * charged as translation (VMware executes user code directly).
 * Rules: the translation cache is a host cache, never saved; a restored CPU starts with an empty
 * cache (translations are made again — the counters say so).
 */
import { Cpu, type Monitor, type RunResult, type TrapDecision, type TrapEvent } from '../cpu/index';
import { causeName, OPCODE_BY_NUMBER } from '../isa/index';
import { BT_ENTER_AFTER_INSTRUCTIONS, BT_EXACT_WARM_UP_LIMIT_INSTRUCTIONS } from '../params';
import { TranslatedExecutor, warmUpDispatcher, type ExecutorOptions, type ExecutorStats, type ScratchCpuFactory, type TranslationCache } from '../translator/index';

export interface BtState {
  readonly stats: { emulated: Record<string, number>; reflected: Record<string, number> };
  readonly executor: ExecutorStats;
}

export class BinaryTranslationMonitor implements Monitor {
  readonly name = 'bt';
  readonly executor: TranslatedExecutor;
  private reflected: Record<string, number> = {};
  private restoredCallouts: Record<string, number> = {};

  constructor(options: ExecutorOptions = {}) {
    warmUpDispatcher(scratchBtCpu);
    this.executor = new TranslatedExecutor({ exactEnterAfterInstructions: BT_ENTER_AFTER_INSTRUCTIONS, exactWarmUpLimit: BT_EXACT_WARM_UP_LIMIT_INSTRUCTIONS, ...options });
  }

  /** `emulated`: callouts by mnemonic; `reflected`: exceptions and interrupts through the VMM, by cause. */
  get stats(): { emulated: Record<string, number>; reflected: Record<string, number> } {
    const by = this.executor.calloutsByOp();
    const emulated: Record<string, number> = { ...this.restoredCallouts };
    for (let op = 0; op < 256; op++) {
      if (by[op] === 0) continue;
      const m = OPCODE_BY_NUMBER[op]?.mnemonic ?? `op${op}`;
      emulated[m] = (emulated[m] ?? 0) + by[op];
    }
    return { emulated, reflected: this.reflected };
  }

  execute(cpu: Cpu, budgetCycles: number): RunResult {
    return this.executor.execute(cpu, budgetCycles);
  }

  onTrap(cpu: Cpu, ev: TrapEvent): TrapDecision {
    cpu.charge(cpu.costs.monitorTrap);
    const n = causeName(ev.cause);
    this.reflected[n] = (this.reflected[n] ?? 0) + 1;
    return 'deliver';
  }

  cache(cpu: Cpu): TranslationCache {
    return this.executor.cache(cpu);
  }

  /** Flat counters for reports (`bt.*` of this vCPU; `bt.cache.*`: the translation cache its machine's vCPUs share). */
  counters(cpu: Cpu): Record<string, number> {
    const s = this.executor.stats;
    const tc = this.executor.cache(cpu);
    return {
      'bt.translations': s.translations,
      'bt.translatedTus': s.translatedTus,
      'bt.translatedInstructions': s.translatedInstructions,
      'bt.translatedExecuted': s.translatedExecuted,
      'bt.interpretedInstructions': s.interpretedInstructions,
      'bt.cacheHits': s.cacheHits,
      'bt.cacheMisses': s.cacheMisses,
      'bt.chainedJumps': s.chainedJumps,
      'bt.regionEntries': s.regionEntries,
      'bt.callouts': s.callouts,
      'bt.translationCycles': s.translationCycles,
      'bt.cache.invalidations': tc.stats.invalidations,
      'bt.cache.evictions': tc.stats.evictions,
      'bt.cache.regions': tc.size,
      'bt.cache.instructions': tc.instructions,
    };
  }

  save(): BtState {
    const st = this.stats;
    return { stats: { emulated: st.emulated, reflected: { ...st.reflected } }, executor: { ...this.executor.stats } };
  }

  restore(_cpu: Cpu, s: BtState): void {
    this.reflected = { ...s.stats.reflected };
    this.restoredCallouts = { ...s.stats.emulated };
    this.executor.stats = { ...s.executor };
  }
}

/** A scratch CPU under a bt monitor of its own, for the dispatcher's warm-up (translator/warmUp.ts). */
export const scratchBtCpu: ScratchCpuFactory = (mem, opts) => {
  const mon = new BinaryTranslationMonitor(opts);
  const cpu = new Cpu(mem, { monitor: mon });
  return { cpu, executor: mon.executor };
};
