/**
 * exactWarmUp — bt's first calls of a region, run by the warm reference interpreter exactly as the
 * region's function would have run them: same guest state, cycles, per-opcode counts, callout charges,
 * and the same way out (EXIT_PAGE with the same static site, EXIT_CALLOUT, EXIT_BUDGET at the same
 * block), so every `bt.*` counter, chain link, LRU clock and digest is what calling the function gives.
 * Until a region has run `exactEnterAfterInstructions` (params BT_ENTER_AFTER_INSTRUCTIONS) this way V8
 * never compiles its function: code that runs a few times costs no bytecode compile, no optimisation,
 * no deopt (the first seconds of `bt`).
 *
 * Interface: `interpretRegion(cpu, x, r)` — in place of `r.fn(x)`, with x set up as for the call
 * (base, stop, cyc, kind, site, tail; cpu.state.pc at a labelled entry); leaves x.kind, x.site, x.cyc and
 * the pc as the function would (x.tail -1: nothing charged ahead to give back); returns the guest
 * instructions it ran (translated-executed ones).
 * How (the region's own rules, in the interpreter):
 *  - it runs on the region's *stop copy* of the decoded page: every word outside the region's blocks,
 *    every register jump and every jump or branch whose target is not a block of the region is the
 *    page-end sentinel, so the interpreter stops before anything that may leave the region; such an
 *    instruction then runs alone on the real page, and where it went decides: a register jump to a
 *    labelled block goes on (the function's `ent` test), anything else leaves — site -1 for a register
 *    jump, else the jump's or branch's taken site, or the going-on site of the word (codegen `siteFrom`);
 *    reaching a sentinel word by going on leaves with the previous word's going-on site;
 *  - `cpu.oneStretch`: the interpreter comes back after every load/store/system slow path, and the
 *    tests of the function's callout helper (callouts.ts `after`) are made with the cycles the function
 *    would have had — its block cost charged at entry, so the rest of the block counts;
 *  - the budget: a block is left to the dispatcher (EXIT_BUDGET) when cycles + its cost reach the stop;
 *    below `stop − the largest block cost` no block can, so the interpreter runs free up to there, then
 *    block by block with the function's test at each block start.
 * Rules: exact only when every instruction of the region costs at least one cycle (the interpreter
 * stops at a block's end by its budget) — `r.exactUsable` (regionTables.ts); otherwise the executor calls
 * the region's function from its first call.
 */
import type { Cpu } from '../cpu/index';
import { interpret, PAGE_END_IMM } from '../cpu/index';
import { PAGE_WORDS } from '../params';
import { directTarget, OpKind } from './blocks';
import { leavesAfterSlowPath, type ExecContext } from './callouts';
import { BRANCH_CONDITIONS, EXIT_BUDGET, EXIT_CALLOUT, EXIT_PAGE } from './codegen';
import type { Region } from './region';

/** The region's stop copy of the decoded page `real` (see the header). */
function stopCopy(r: Region, real: Int32Array): Int32Array {
  const c = real.slice();
  const stopAt = (w: number): void => { c[w * 2] = 0; c[w * 2 + 1] = PAGE_END_IMM; };
  const covered = (w: number): boolean => w >= 0 && w < PAGE_WORDS && r.blockOfWord[w] >= 0;
  for (let w = 0; w < PAGE_WORDS; w++) if (!covered(w)) stopAt(w);
  for (const bl of r.plan.blocks) {
    for (const i of bl.instrs) {
      if (i.kind === OpKind.JumpReg) stopAt(i.w);
      else if ((i.kind === OpKind.Jump || i.kind === OpKind.Branch) && !covered(directTarget(i))) stopAt(i.w);
    }
  }
  return c;
}

/**
 * Whether conditional branch `op` is taken on the lazy flags: translated code's conditions
 * (`BRANCH_CONDITIONS`, the interpreter's), compiled once into one function.
 */
const branchTaken = new Function('op', 'fk', 'fa', 'fb', `switch (op) {
${Object.entries(BRANCH_CONDITIONS).map(([op, [cmp, expl]]) => `  case ${op}: return fk === 0 ? ${cmp} : ${expl};`).join('\n')}
  default: return false;
}`) as (op: number, fk: number, fa: number, fb: number) => boolean;

export function interpretRegion(cpu: Cpu, x: ExecContext, r: Region): number {
  const st = cpu.state;
  const mmu = cpu.mmu;
  const real = cpu.code;
  const code = (r.stopCode ??= stopCopy(r, real));
  const base = x.base;
  const stop = x.stop;
  const safe = stop - r.maxBlockCost;
  const blockOf = r.blockOfWord;
  const blocks = r.plan.blocks;
  const tailCost = r.tailCost;
  let cyc = x.cyc;
  let ran = 0;
  // Cycles charged but not drained when the function is called (a translation's charge): the function
  // carries them as pending until its first slow path drains them. The interpreter would drain them at
  // once (and stop early), so they are held here and counted as committed during each stretch, where
  // devices reading the vCPU's time see them as the function's callouts would.
  let held = cpu.drainPending();
  x.tail = -1;
  x.site = -1;
  x.kind = EXIT_PAGE;
  for (;;) {
    const pc = st.pc | 0;
    if (((pc ^ base) >>> 12) !== 0) {
      // went on past the page's last word
      x.site = r.fallSite[PAGE_WORDS - 1];
      break;
    }
    const w = (pc & 0xfff) >>> 2;
    const k = blockOf[w];
    if (k >= 0 && cyc >= safe && blocks[k].start === w && cyc + tailCost[w] >= stop) {
      // a block start: the block could cross the budget
      x.kind = EXIT_BUDGET;
      break;
    }
    // An instruction that may leave the region runs alone, on the real page (`alone`: its kind); anything
    // else runs free below `safe`, else to the end of its block.
    let alone = -1;
    let taken = false;
    if (code[w * 2] === 0 && code[w * 2 + 1] === PAGE_END_IMM) {
      if (k < 0) {
        // went on from the word before into a word outside the region
        x.site = w > 0 ? r.fallSite[w - 1] : -1;
        break;
      }
      alone = blocks[k].instrs[w - blocks[k].start].kind;
      taken = alone === OpKind.Branch && branchTaken(real[w * 2] & 0xff, st.fk, st.fa, st.fb);
    }
    // One interpreter stretch (the executor's interp: cycles committed first for device time, the held
    // charge counted only during it). Written out here once, not as a helper: a closure made per call
    // cost an allocation per region entry and, under tsx's keepNames, a `__name` property definition
    // (14 % of bt's first CPU-second on labos `mixed`); a module function measured slower than this
    // on `cpu`'s first seconds (docs/PERFORMANCE.md, 2026-12-07).
    cpu.counters.cycles += cyc - x.committed + held;
    cpu.code = alone >= 0 ? real : code;
    cpu.oneStretch = true;
    const res = interpret(cpu, alone >= 0 ? 1 : cyc < safe ? safe - cyc : tailCost[w]);
    cpu.oneStretch = false;
    cpu.code = real;
    cpu.counters.cycles -= held;
    cyc += res.cycles;
    x.committed = cyc;
    ran += res.instructions;
    if (alone >= 0) {
      const npc = st.pc | 0;
      if (alone === OpKind.JumpReg) {
        if (((npc ^ base) >>> 12) === 0 && (npc & 3) === 0 && r.entryAt[(npc & 0xfff) >>> 2] >= 0) continue;
        break;
      }
      if (alone === OpKind.Branch && !taken) {
        if (w + 1 < PAGE_WORDS && blockOf[w + 1] >= 0) continue;
        x.site = r.fallSite[w];
        break;
      }
      x.site = r.takenSite[w];
      break;
    }
    const aw = cpu.stretchSlowWord;
    if (aw !== -1) {
      // after a slow path: the function's callout helper's tests, with its block's rest charged
      cyc += cpu.drainPending() + held;
      held = 0;
      mmu.syncEpoch();
      const at = (base + aw * 4) | 0;
      const rest = aw + 1 < PAGE_WORDS && blockOf[aw + 1] === blockOf[aw] ? tailCost[aw + 1] : 0;
      if (leavesAfterSlowPath(cpu, r, (at + 4) | 0, cyc + rest, stop)) {
        x.kind = EXIT_CALLOUT;
        break;
      }
    }
  }
  if (held !== 0) cpu.charge(held);
  x.cyc = cyc;
  return ran;
}
