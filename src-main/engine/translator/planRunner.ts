/**
 * planRunner — runs a region's plan as its generated function would, without calling that function:
 * one shared, early-optimised JavaScript function stands in for each fresh region until the region has
 * run enough guest cycles (`bt`'s host-side warm-up: an exact stand-in, not the interpreter).
 *
 * Why: `bt` charges translation and counts its region entries, chained jumps and translated
 * instructions, so unlike `hw`/`pv` it cannot interpret a fresh region instead of running it (that
 * changes where control returns to the dispatcher, hence the page profiles, what is translated and the
 * counters). But the first seconds of `bt` are spent on V8: every region's own function starts in V8's
 * bytecode tier, is optimised on its compile thread, and is thrown away at its first path taken after
 * that. This runner does what the function does — block for block, with the same budget checks, block
 * counts, slow-path sites, exits and exit sites — so the executor can delay calling the function (and
 * V8 compiling it) until the region is warm, and nothing the guest, the counters or the profiles see changes.
 *
 * Interface: `runPlan(r, x)` — r: a region, x: the executor's context set up for an entry (x.b = the
 * block to start at, x.cyc, x.stop, x.base); on return x.kind, x.site, x.cyc, st.pc are what `r.fn(x)`
 * would have left (a mid-block slow path that goes on continues inline, as in the resumable variant).
 * Rules: it mirrors codegen.ts exactly (same instruction semantics, same `h.slow` sites and the same
 * static exit-site numbering, computed by `exitSites` in codegen's emission order); guest registers and
 * flags are kept in cpu.state instead of locals, which is equivalent because the generated code commits
 * them before every slow path and at every exit. The differential tests run it for every region call.
 */
import { Op, REG_LR } from '../isa/index';
import { SOFT_MASK } from '../mmu/index';
import { PAGE_WORDS } from '../params';
import { directTarget, OpKind, type PagePlan } from './blocks';
import type { ExecContext } from './callouts';
import { CALLOUT_HELPERS } from './callouts';
import { EXIT_BUDGET, EXIT_PAGE } from './codegen';
import type { Region } from './region';

/** A region's exit sites, as codegen numbers them: per word of a jump or branch, per block end. */
export interface ExitSites {
  /** The entry table the numbering was made for (a relabel replaces it). */
  readonly entryAt: Int16Array;
  /** Word → site of the exit its direct jump or taken branch makes, or -1 (target enterable or no exit). */
  readonly jump: Int16Array;
  /** Block id → site of the exit at its end (fall-through out of the plan, or after its callout), or -1. */
  readonly end: Int16Array;
  /** Word → slow-path site (h.slow's `s`) of the instruction there, or -1. */
  readonly slow: Int16Array;
}

/** True when branch `i`, the last instruction of block bi, targets the next block (codegen's branchToNext). */
function branchToNext(plan: PagePlan, bi: number, w: number, target: number): boolean {
  const bl = plan.blocks[bi];
  const next = plan.blocks[bi + 1];
  return bl.instrs[bl.instrs.length - 1].w === w && target === bl.end && next !== undefined && next.start === bl.end;
}

/** The exit-site numbering of codegen's generateRegionSource (same walk, same order) for region `r`. */
export function exitSites(r: Region): ExitSites {
  const plan = r.plan;
  const entryAt = r.entryAt;
  const jump = new Int16Array(PAGE_WORDS).fill(-1);
  const end = new Int16Array(plan.blocks.length).fill(-1);
  const slow = new Int16Array(PAGE_WORDS).fill(-1);
  for (let s = 0; s < r.slowW.length; s++) slow[r.slowW[s]] = s;
  let site = 0;
  const exits = (w: number): boolean => !(w >= 0 && w < PAGE_WORDS && entryAt[w] >= 0);
  for (let bi = 0; bi < plan.blocks.length; bi++) {
    const bl = plan.blocks[bi];
    let fallsThrough = true;
    for (const i of bl.instrs) {
      if (i.op === Op.J || i.op === Op.JAL) {
        if (exits(directTarget(i))) jump[i.w] = site++;
        fallsThrough = false;
      } else if (i.op === Op.JR || i.op === Op.JALR) {
        fallsThrough = false;
      } else if (i.kind === OpKind.Branch) {
        if (!branchToNext(plan, bi, i.w, directTarget(i)) && exits(directTarget(i))) jump[i.w] = site++;
      } else if (i.kind === OpKind.Callout) {
        if (!(bl.end < PAGE_WORDS && entryAt[bl.end] >= 0)) end[bi] = site++;
        fallsThrough = false;
      }
    }
    if (fallsThrough) {
      const next = plan.blocks[bi + 1];
      if ((!next || next.start !== bl.end) && exits(bl.end)) end[bi] = site++;
    }
  }
  return { entryAt, jump, end, slow };
}

/** The lazy-flag branch condition (codegen `condition`, fk unknown). */
function taken(op: number, fk: number, fa: number, fb: number): boolean {
  const cmp = fk === 0;
  switch (op) {
    case Op.BEQ: return cmp ? fa === fb : (fa & 1) !== 0;
    case Op.BNE: return cmp ? fa !== fb : (fa & 1) === 0;
    case Op.BLT: return cmp ? fa < fb : (((fa >>> 1) ^ (fa >>> 3)) & 1) !== 0;
    case Op.BGE: return cmp ? fa >= fb : (((fa >>> 1) ^ (fa >>> 3)) & 1) === 0;
    case Op.BGT: return cmp ? fa > fb : (fa & 1) === 0 && (((fa >>> 1) ^ (fa >>> 3)) & 1) === 0;
    case Op.BLE: return cmp ? fa <= fb : (fa & 1) !== 0 || (((fa >>> 1) ^ (fa >>> 3)) & 1) !== 0;
    case Op.BLTU: return cmp ? (fa >>> 0) < (fb >>> 0) : (fa & 4) === 0;
    case Op.BGEU: return cmp ? (fa >>> 0) >= (fb >>> 0) : (fa & 4) !== 0;
    case Op.BGTU: return cmp ? (fa >>> 0) > (fb >>> 0) : (fa & 4) !== 0 && (fa & 1) === 0;
    case Op.BLEU: return cmp ? (fa >>> 0) <= (fb >>> 0) : (fa & 4) === 0 || (fa & 1) !== 0;
    default: throw new Error(`planRunner: op ${op} is not a branch`);
  }
}

/** Leaves the region through a page exit (codegen exitTo): pc, exit site, cycles. */
function exit(x: ExecContext, npc: number, site: number, cyc: number): void {
  x.st.pc = npc;
  x.site = site;
  x.kind = EXIT_PAGE;
  x.cyc = cyc;
}

/** Runs slow-path site s (codegen's shared slow path): -1 = leave (h.slow said so), else the cycles to go on with. */
function slowPath(x: ExecContext, s: number, va: number, cyc: number): number {
  x.cyc = cyc;
  if (CALLOUT_HELPERS.slow(x, s, va) !== 0) return -1;
  return x.cyc;
}

/** The pc of word w of the page at base (codegen pcOf). */
function pcOf(base: number, w: number): number {
  return w === 0 ? base : (base + w * 4) | 0;
}

export function runPlan(r: Region, xx: unknown): void {
  const x = xx as ExecContext;
  let es = r.exitSites;
  if (es === undefined || es.entryAt !== r.entryAt) es = r.exitSites = exitSites(r);
  const h = CALLOUT_HELPERS;
  const regs = x.regs, st = x.st, mmu = x.mmu, base = x.base, stop = x.stop;
  const rTag = mmu.rTag, rFrame = mmu.rFrame, wTag = mmu.wTag, wFrame = mmu.wFrame;
  const blocks = r.plan.blocks;
  const bc = r.bc;
  const ent = r.entryAt;
  let cyc = x.cyc;
  let bi = x.b;
  for (;;) {
    if (bi < 0 || bi >= blocks.length) { exit(x, base, -1, cyc); return; }
    const bl = blocks[bi];
    if (cyc + bl.cost >= stop) {
      st.pc = (base + bl.start * 4) | 0;
      x.cyc = cyc;
      x.kind = EXIT_BUDGET;
      return;
    }
    cyc += bl.cost;
    bc[bl.id]++;
    let next = -2; // -2: fall through
    const ins = bl.instrs;
    for (let k = 0; k < ins.length; k++) {
      const i = ins[k];
      const a = i.a;
      const rb = i.b === 0 ? 0 : regs[i.b];
      const rc = i.c === 0 ? 0 : regs[i.c];
      switch (i.op) {
        case Op.NOP: break;
        case Op.ADD: if (a !== 0) regs[a] = (rb + rc) | 0; break;
        case Op.SUB: if (a !== 0) regs[a] = (rb - rc) | 0; break;
        case Op.AND: if (a !== 0) regs[a] = rb & rc; break;
        case Op.OR: if (a !== 0) regs[a] = rb | rc; break;
        case Op.XOR: if (a !== 0) regs[a] = rb ^ rc; break;
        case Op.SHL: if (a !== 0) regs[a] = rb << (rc & 31); break;
        case Op.SHR: if (a !== 0) regs[a] = (rb >>> (rc & 31)) | 0; break;
        case Op.SAR: if (a !== 0) regs[a] = rb >> (rc & 31); break;
        case Op.MUL: if (a !== 0) regs[a] = Math.imul(rb, rc); break;
        case Op.MULHU: if (a !== 0) regs[a] = h.mulhu(rb, rc); break;
        case Op.DIV: case Op.DIVU: case Op.REM: case Op.REMU: {
          const unsigned = i.op === Op.DIVU || i.op === Op.REMU;
          const t = unsigned ? rc >>> 0 : rc;
          if (t === 0) {
            cyc = slowPath(x, es.slow[i.w], 0, cyc);
            if (cyc < 0) return;
            break;
          }
          if (a !== 0) {
            const n = unsigned ? rb >>> 0 : rb;
            regs[a] = (i.op === Op.DIV || i.op === Op.DIVU ? n / t : n % t) | 0;
          }
          break;
        }
        case Op.CMP: st.fk = 0; st.fa = rb; st.fb = rc; break;
        case Op.TST: { const t = rb & rc; st.fk = 1; st.fa = (t === 0 ? 1 : 0) | (t < 0 ? 2 : 0); st.fb = 0; break; }
        case Op.ADDI: if (a !== 0) regs[a] = (rb + i.imm) | 0; break;
        case Op.ANDI: if (a !== 0) regs[a] = rb & i.imm; break;
        case Op.ORI: if (a !== 0) regs[a] = rb | i.imm; break;
        case Op.XORI: if (a !== 0) regs[a] = rb ^ i.imm; break;
        case Op.SLLI: if (a !== 0) regs[a] = rb << i.imm; break;
        case Op.SRLI: if (a !== 0) regs[a] = (rb >>> i.imm) | 0; break;
        case Op.SRAI: if (a !== 0) regs[a] = rb >> i.imm; break;
        case Op.LUI: if (a !== 0) regs[a] = (i.imm << 16) | 0; break;
        case Op.CMPI: st.fk = 0; st.fa = rb; st.fb = i.imm; break;
        case Op.LDW: case Op.LDB: case Op.LDBS: case Op.STW: case Op.STB: {
          const va = (rb + i.imm) | 0;
          const p = va >>> 12;
          const si = p & SOFT_MASK;
          const o = (va & 4095) >>> 2;
          const sh = (va & 3) << 3;
          let hit = false;
          switch (i.op) {
            case Op.LDW: if (rTag[si] === p && (va & 3) === 0) { hit = true; if (a !== 0) regs[a] = rFrame[si][o]; } break;
            case Op.LDB: if (rTag[si] === p) { hit = true; if (a !== 0) regs[a] = (rFrame[si][o] >>> sh) & 255; } break;
            case Op.LDBS: if (rTag[si] === p) { hit = true; if (a !== 0) regs[a] = (rFrame[si][o] << (24 - sh)) >> 24; } break;
            case Op.STW: if (wTag[si] === p && (va & 3) === 0) { hit = true; wFrame[si][o] = a === 0 ? 0 : regs[a]; } break;
            default: if (wTag[si] === p) { hit = true; const fr = wFrame[si]; fr[o] = (fr[o] & ~(255 << sh)) | (((a === 0 ? 0 : regs[a]) & 255) << sh); } break;
          }
          if (!hit) {
            cyc = slowPath(x, es.slow[i.w], va, cyc);
            if (cyc < 0) return;
          }
          break;
        }
        case Op.J: case Op.JAL: {
          if (i.op === Op.JAL) regs[REG_LR] = pcOf(base, i.w + 1);
          const w = directTarget(i);
          if (es.jump[i.w] >= 0) { exit(x, pcOf(base, w), es.jump[i.w], cyc); return; }
          next = ent[w];
          break;
        }
        case Op.JR: case Op.JALR: {
          const t = rb;
          if (i.op === Op.JALR) regs[REG_LR] = pcOf(base, i.w + 1);
          if (((t ^ base) >>> 12) === 0 && (t & 3) === 0 && ent[(t & 4095) >>> 2] >= 0) { next = ent[(t & 4095) >>> 2]; break; }
          exit(x, t, -1, cyc);
          return;
        }
        default:
          if (i.kind === OpKind.Branch) {
            const w = directTarget(i);
            if (!branchToNext(r.plan, bi, i.w, w) && taken(i.op, st.fk, st.fa, st.fb)) {
              if (es.jump[i.w] >= 0) { exit(x, pcOf(base, w), es.jump[i.w], cyc); return; }
              next = ent[w];
            }
          } else {
            // callout: ends the block; on going on, the next labelled block or the exit after the block
            cyc = slowPath(x, es.slow[i.w], 0, cyc);
            if (cyc < 0) return;
            if (es.end[bi] >= 0) { exit(x, pcOf(base, bl.end), es.end[bi], cyc); return; }
            next = ent[bl.end];
          }
          break;
      }
      if (next !== -2) break;
    }
    if (next !== -2) { bi = next; continue; }
    // fell off the block's end: the next block of the plan, else a transfer to the word after it
    if (bi + 1 < blocks.length && blocks[bi + 1].start === bl.end) { bi = bi + 1; continue; }
    if (es.end[bi] >= 0) { exit(x, pcOf(base, bl.end), es.end[bi], cyc); return; }
    bi = ent[bl.end];
  }
}
