/**
 * warmRegion — runs a freshly compiled region once through each of its blocks on a private scratch
 * CPU, so that V8 has type feedback for every block before it optimises the generated function.
 *
 * Interface: `warmRegion(region)` → the block executions it made (compileRegion calls it once per
 * region; 0 when the region was left cold).
 * Why: V8 compiles an operation that has never run (no type feedback) into an unconditional
 * deoptimisation. A region covers every block reachable from its entries, and guest kernel code
 * reaches its rarer blocks (another system call, a fault path, the timer) one at a time, seconds
 * apart; each first arrival then threw the optimised function away and V8 re-optimised it later —
 * the generated code spent the start of a run deoptimising and recompiling, below the interpreter's
 * speed (docs/PERFORMANCE.md, "Monitors: the first seconds"). The interpreter is warmed up the same
 * way (cpu/warmUp.ts).
 * How: for each block, three calls entered at that block with a budget that ends right after it
 * (`stop` = its cost + 1: the next block's budget check leaves): registers 0 with every load and
 * store hitting the software TLB, registers 4 (divisions take their inline path), and registers 0
 * with every access missing it (the shared slow-path code runs, `h.slow` returns at once while
 * `x.warming` is set); the first pass runs twice, as V8 starts recording feedback only after a function's
 * first few calls. The context is a real ExecContext of a real scratch Cpu, so the property
 * loads of the generated code see the same object shapes as in a real run.
 * Rules: host performance only — nothing of a simulated machine is touched (own memory, own CPU,
 * own registers; the region's block counters are reset afterwards), deterministic, and no guest-
 * visible count changes (translation decisions, cycles and counters are the same with or without it).
 */
import { Cpu } from '../cpu/index';
import { GuestPhysicalMemory, HostMemory } from '../memory/index';
import { PAGE_WORDS } from '../params';
import { ExecContext } from './callouts';
import type { Region } from './region';

let scratch: ExecContext | undefined;
const FRAME = new Int32Array(PAGE_WORDS);
/** Register values per pass, and whether loads/stores hit the software TLB in it. */
const PASSES: readonly (readonly [number, boolean])[] = [[0, true], [4, true], [0, false]];

function context(): ExecContext {
  if (!scratch) {
    const cpu = new Cpu(new GuestPhysicalMemory(new HostMemory(), 1 << 16));
    scratch = new ExecContext(cpu, cpu.costs);
    scratch.warming = true;
  }
  return scratch;
}

export function warmRegion(r: Region): number {
  const blocks = r.plan.blocks;
  // A block of cost 0 could loop on itself under a budget that never runs out: leave such a region cold.
  for (const bl of blocks) if (bl.cost < 1) return 0;
  const x = context();
  const st = x.st;
  const mmu = x.mmu;
  x.region = r;
  x.base = (r.gpfn & 0xfffff) << 12;
  // V8 allocates a function's feedback vector only after some calls: the first pass may go unrecorded.
  for (const [value, hit] of [PASSES[0], ...PASSES]) {
    for (let si = 0; si < mmu.rTag.length; si++) {
      mmu.rTag[si] = hit ? si : -1;
      mmu.wTag[si] = hit ? si : -1;
      mmu.rFrame[si] = FRAME;
      mmu.wFrame[si] = FRAME;
    }
    for (const bl of blocks) {
      x.regs.fill(value);
      st.fk = 0;
      st.fa = value;
      st.fb = 0;
      x.b = bl.id;
      x.cyc = 0;
      x.stop = bl.cost + 1;
      x.kind = 0;
      x.site = -1;
      x.tail = -1;
      r.fn(x);
    }
  }
  x.region = undefined;
  let runs = 0;
  for (let k = 0; k < r.bc.length; k++) runs += r.bc[k];
  r.bc.fill(0);
  return runs;
}
