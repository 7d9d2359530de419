/**
 * codegen — the translator's back end: turns a PagePlan (a region of one guest page) into the
 * JavaScript source of ONE function, which `new Function` compiles (V8 then compiles it to machine
 * code).
 *
 * Interface: `generateRegionSource(plan, info)` → {source of a factory body, entryAt (word → labelled
 * block or -1), sites (static exits), slow (slow-path sites)}; `enterableBlocks(plan, entries)` (`new Function('h', 'bc', 'ent', source)(helpers, blockCounters,
 * entryTable)` returns the region function `fn(x)`); `backEdgeLoops(plan)`; `EXIT_PAGE`, `EXIT_BUDGET`, `EXIT_CALLOUT`
 * (values of x.kind).
 * Shape (docs/monitors.md, "Why page regions": per-page functions with an internal `switch` and registers in locals
 * are several times faster than the interpreter; per-block functions are not):
 *  - guest registers r1..r15 and the lazy flags (fk, fa, fb) live in JS locals for the whole call;
 *    a `for(;;) switch (b)` dispatches between the page's blocks, each block falls through to its
 *    successor; branches inside the page are `b = id; continue`; only blocks control enters other
 *    than by falling through get a `case` label (`enterableBlocks`: each label is a join of every
 *    live local in V8's code), and `entryAt` lists them for the dispatcher;
 *  - a taken back edge to a small cycle of plain blocks (`backEdgeLoops`: arithmetic and control flow
 *    only) goes round a copy of the cycle in a JS `for(;;)` instead of the switch (each copied block
 *    with its budget check, cost and counter; a way off the cycle goes back through the switch);
 *  - each block first checks the budget, kept as the cycles left (`rem` = stop − cyc, counted down in
 *    int32: one live local instead of two and no overflow check, a few per cent of the machine code):
 *    `rem <= cost` → leave (the interpreter finishes precisely); then `rem = (rem - cost) | 0` and its
 *    execution counter bc[id]++ (per-opcode counts are folded from these later, see executor.ts);
 *    x.cyc = stop − rem wherever the function commits (the budget left must fit: BT_REGION_MAX_CYCLES_LEFT);
 *  - loads/stores inline the software-TLB hit (two array loads, as the interpreter does); a miss
 *    (or a zero divisor) leaves the switch (`s = site; b = resume; break mid`): commit the locals,
 *    `h.slow(x, s, va)` runs the exact interpreter slow path, and to go on the function returns
 *    EXIT_RESUME with x.b = resume; the executor then runs the region's *resumable variant*
 *    (`resumable` true: the same code plus a `case` label right after each such instruction, where
 *    its shared slow-path sequence resumes), compiled on first need. The variant that runs has no
 *    label inside a block (each was a join of every live local, and on a large footprint the
 *    machine code of the joins is what costs); everything still runs translated, so nothing the
 *    guest or bt's charges see changes;
 *  - every other instruction that is not plain arithmetic or control flow — privileged, sensitive,
 *    trapping, atomic — is a callout through the same path (`h.slow` runs the reference
 *    `execSystem`, so `sensitive` behaves exactly as under interp); it ends the block;
 *  - leaving the page (direct jump, fall-through past the end, a register jump to a non-entry)
 *    writes the locals back and returns with x.pc and the exit site x.site (for chaining).
 * Rules: the generated code must be observably identical to the interpreter (docs/isa.md):
 * int32 arithmetic (`| 0`, Math.imul), the same lazy-flag encoding, the same software-TLB checks;
 * the source depends only on the plan (deterministic, pinned by test/golden).
 */
import { Op, OPCODE_BY_NUMBER, predecode, REG_LR } from '../isa/index';
import { SOFT_MASK, SOFT_READ_OFFSET, SOFT_READ_TAG, SOFT_WRITE_OFFSET, SOFT_WRITE_TAG } from '../mmu/index';
import { BT_BACK_EDGE_LOOP_BLOCKS, BT_BACK_EDGE_LOOP_INSTRUCTIONS, BT_REGION_MAX_CYCLES_LEFT, PAGE_WORDS } from '../params';
import { directTarget, OpKind, type PagePlan, type PlanBlock, type PlanInstr } from './blocks';

/** x.kind: left the page / jumped to a non-entry (x.pc, x.site). */
export const EXIT_PAGE = 0;
/** x.kind: the block at x.pc may cross the budget: nothing of it was executed. */
export const EXIT_BUDGET = 1;
/** x.kind: a callout asked to leave; cpu.state is authoritative, x.tail = first unexecuted word of the block or -1. */
export const EXIT_CALLOUT = 2;
/** x.kind: (fast variant) a load/store or division took its slow path, which asked to go on: run the resumable variant from case x.b. */
export const EXIT_RESUME = 3;

export interface RegionSourceInfo {
  /** Guest-physical page number (for the function name and header only). */
  readonly gpfn: number;
  readonly kernel: boolean;
  /** The words the region was planned from (arrivals, landings): the dispatcher enters there. */
  readonly entries: readonly number[];
}

interface RegUse {
  used: Set<number>;
  written: Set<number>;
}

/**
 * The guest registers the region reads and writes, from the opcode table's operand format and
 * writesA column (callouts are left out: the shared slow path commits and reloads around them).
 */
function regUse(plan: PagePlan): RegUse {
  const used = new Set<number>();
  const written = new Set<number>();
  const rd = (n: number): void => { if (n !== 0) used.add(n); };
  const wr = (n: number): void => { if (n !== 0) { used.add(n); written.add(n); } };
  for (const bl of plan.blocks) {
    for (const i of bl.instrs) {
      if (i.kind === OpKind.Callout) continue;
      const info = OPCODE_BY_NUMBER[i.op]!;
      switch (info.format) {
        case 'rrr': case 'rr': rd(i.b); rd(i.c); break;
        case 'rri': case 'rru': case 'rrs': case 'ri': case 'rs': rd(i.b); break;
        case 'mem': rd(i.b); if (!info.writesA) rd(i.a); break;
        default: break; // none, ru, j24: no source register
      }
      if (info.writesA) wr(i.a);
      if (i.op === Op.JAL || i.op === Op.JALR) wr(REG_LR);
    }
  }
  return { used, written };
}

const R = (n: number): string => (n === 0 ? '0' : `r${n}`);

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/**
 * Each conditional branch's condition on the lazy flags, as JS source: [on a compare's operands (fk 0),
 * on explicit flags (fk 1)] — the interpreter's conditions (`cpu/interpreter.ts`), written once for
 * translated code and for the exact warm-up's interpreter of a region (`exactWarmUp.ts`).
 */
export const BRANCH_CONDITIONS: Readonly<Record<number, readonly [compare: string, explicit: string]>> = {
  [Op.BEQ]: ['fa === fb', '(fa & 1) !== 0'],
  [Op.BNE]: ['fa !== fb', '(fa & 1) === 0'],
  [Op.BLT]: ['fa < fb', '(((fa >>> 1) ^ (fa >>> 3)) & 1) !== 0'],
  [Op.BGE]: ['fa >= fb', '(((fa >>> 1) ^ (fa >>> 3)) & 1) === 0'],
  [Op.BGT]: ['fa > fb', '(fa & 1) === 0 && (((fa >>> 1) ^ (fa >>> 3)) & 1) === 0'],
  [Op.BLE]: ['fa <= fb', '(fa & 1) !== 0 || (((fa >>> 1) ^ (fa >>> 3)) & 1) !== 0'],
  [Op.BLTU]: ['(fa >>> 0) < (fb >>> 0)', '(fa & 4) === 0'],
  [Op.BGEU]: ['(fa >>> 0) >= (fb >>> 0)', '(fa & 4) !== 0'],
  [Op.BGTU]: ['(fa >>> 0) > (fb >>> 0)', '(fa & 4) !== 0 && (fa & 1) === 0'],
  [Op.BLEU]: ['(fa >>> 0) <= (fb >>> 0)', '(fa & 4) === 0 || (fa & 1) !== 0'],
};

/** Branch condition on the lazy flags; `form` = statically known fk (0 compare, 1 explicit) or -1. */
function condition(op: number, form: number): string {
  const [cmp, expl] = BRANCH_CONDITIONS[op];
  if (form === 0) return cmp;
  if (form === 1) return expl;
  return `fk === 0 ? ${cmp} : ${expl}`;
}

const plus = (r: string, k: number): string => (r === '0' ? `${k | 0}` : k === 0 ? r : `(${r} + ${k}) | 0`);

/**
 * The statement of a plain instruction — arithmetic, logic, a compare: no memory access, slow path or
 * control flow — and the lazy-flag form it leaves (0 compare, 1 explicit, -1 unchanged); undefined for
 * any other instruction. `code` is empty when the instruction changes nothing (nop, a write to r0).
 */
function plainStatement(i: PlanInstr): { code: string; form: number } | undefined {
  const a = i.a, rb = R(i.b), rc = R(i.c);
  const set = (expr: string): { code: string; form: number } => ({ code: a !== 0 ? `r${a} = ${expr};` : '', form: -1 });
  switch (i.op) {
    case Op.NOP: return { code: '', form: -1 };
    case Op.ADD: return set(i.c === 0 ? plus(rb, 0) : i.b === 0 ? rc : `(${rb} + ${rc}) | 0`);
    case Op.SUB: return set(`(${rb} - ${rc}) | 0`);
    case Op.AND: return set(`${rb} & ${rc}`);
    case Op.OR: return set(`${rb} | ${rc}`);
    case Op.XOR: return set(`${rb} ^ ${rc}`);
    case Op.SHL: return set(`${rb} << (${rc} & 31)`);
    case Op.SHR: return set(`(${rb} >>> (${rc} & 31)) | 0`);
    case Op.SAR: return set(`${rb} >> (${rc} & 31)`);
    case Op.MUL: return set(`Math.imul(${rb}, ${rc})`);
    case Op.MULHU: return set(`h.mulhu(${rb}, ${rc})`);
    case Op.CMP: return { code: `fk = 0; fa = ${rb}; fb = ${rc};`, form: 0 };
    case Op.TST: return { code: `t = ${rb} & ${rc}; fk = 1; fa = (t === 0 ? 1 : 0) | (t < 0 ? 2 : 0); fb = 0;`, form: 1 };
    case Op.ADDI: return set(plus(rb, i.imm));
    case Op.ANDI: return set(`${rb} & ${i.imm}`);
    case Op.ORI: return set(i.b === 0 ? `${i.imm}` : `${rb} | ${i.imm}`);
    case Op.XORI: return set(`${rb} ^ ${i.imm}`);
    case Op.SLLI: return set(`${rb} << ${i.imm}`);
    case Op.SRLI: return set(`(${rb} >>> ${i.imm}) | 0`);
    case Op.SRAI: return set(`${rb} >> ${i.imm}`);
    case Op.LUI: return set(`${(i.imm << 16) | 0}`);
    case Op.CMPI: return { code: `fk = 0; fa = ${rb}; fb = ${i.imm};`, form: 0 };
    default: return undefined;
  }
}

const pair = new Int32Array(2);
/** The packed (a, imm) pair the interpreter's slow paths take (isa predecode: the one decoder). */
function packed(i: PlanInstr): { a: number; imm: number } {
  predecode(i.word, pair, 0);
  return { a: pair[0], imm: pair[1] };
}

/** A slow-path site: what the shared callout code runs for it (tables indexed by the site number). */
export interface SlowSite {
  /** 0 load, 1 store, 2 system (execSystem). */
  readonly kind: 0 | 1 | 2;
  /** Packed instruction (isa predecode) and its immediate. */
  readonly a: number;
  readonly imm: number;
  /** Word of the instruction. */
  readonly w: number;
  /** First word of the block after it that was charged but is not executed yet, or -1. */
  readonly tail: number;
}

export interface RegionSource {
  readonly source: string;
  /** Word index → id of the block the function can be entered at (a `case` label), or -1 (see `enterableBlocks`). */
  readonly entryAt: Int16Array;
  /** Static exit sites (x.site values 0..sites-1), for chaining. */
  readonly sites: number;
  /** Slow-path sites (the `s` the generated code passes to h.slow). */
  readonly slow: readonly SlowSite[];
  /** Per static exit site, where control leaves: the word of the instruction × 2, + 1 when it leaves by
   *  going on to the next word (fall-through, not-taken branch, after a block-ending callout), + 0 when
   *  by its jump or taken branch (bt's exact warm-up finds the site of an exit it interpreted). */
  readonly siteFrom: readonly number[];
}

/** The block that starts at word `w` of the page, or -1 (a word off the page or not a block's start). */
function blockAtWord(plan: PagePlan, w: number): number {
  return w >= 0 && w < PAGE_WORDS ? plan.blockAt[w] : -1;
}

/** True when control can pass from the end of block `bl` to the next word (it does not end in a jump, a register jump or a callout). */
function fallsThroughEnd(bl: PlanBlock): boolean {
  const k = bl.instrs[bl.instrs.length - 1].kind;
  return k !== OpKind.Jump && k !== OpKind.JumpReg && k !== OpKind.Callout;
}

/** A conditional branch whose target is the word after it, in the block that follows: taken or not, control goes on there. */
function branchToNext(plan: PagePlan, bi: number, i: PlanInstr): boolean {
  const bl = plan.blocks[bi];
  const next = plan.blocks[bi + 1];
  return i.kind === OpKind.Branch && i === bl.instrs[bl.instrs.length - 1] && directTarget(i) === bl.end && next !== undefined && next.start === bl.end;
}

/**
 * The blocks that get a `case` label: those control reaches other than by falling through from the
 * block before them — the region's entries, targets of its jumps and (not-to-next) branches, return
 * points after calls, resume points after callouts, blocks after code that does not fall through.
 * Every label is a join point in the function V8 compiles, and on a large footprint the machine
 * code of the joins costs more than the code itself (docs/monitors.md, "Translation unit"); the other
 * blocks are only reached inline, and the dispatcher, arriving at one, interprets it (as it does
 * mid-block) until a labelled block.
 */
export function enterableBlocks(plan: PagePlan, entries: readonly number[]): Uint8Array {
  const blocks = plan.blocks;
  const label = new Uint8Array(blocks.length);
  for (const w of entries) {
    const k = blockAtWord(plan, w);
    if (k >= 0) label[k] = 1;
  }
  for (let bi = 0; bi < blocks.length; bi++) {
    const bl = blocks[bi];
    const prev = blocks[bi - 1];
    if (prev === undefined || prev.end !== bl.start || !fallsThroughEnd(prev)) label[bi] = 1;
    for (const i of bl.instrs) {
      if ((i.kind === OpKind.Jump || i.kind === OpKind.Branch) && !branchToNext(plan, bi, i)) {
        const k = blockAtWord(plan, directTarget(i));
        if (k >= 0) label[k] = 1;
      }
      if (i.op === Op.JAL || i.op === Op.JALR || i.kind === OpKind.Callout) {
        const k = blockAtWord(plan, i.w + 1);
        if (k >= 0) label[k] = 1;
      }
    }
  }
  return label;
}

/** A block whose instructions are all plain (`plainStatement`) but for a last conditional branch or direct jump: no slow path, no call, no register jump. */
function plainBlock(bl: PlanBlock): boolean {
  const n = bl.instrs.length;
  for (let k = 0; k < n; k++) {
    const i = bl.instrs[k];
    if (k === n - 1 && (i.kind === OpKind.Branch || i.op === Op.J)) continue;
    if (plainStatement(i) === undefined) return false;
  }
  return true;
}

/**
 * The back edges that run a copy of their loop in a JS `for(;;)`: for block S ending in a branch or
 * direct jump to block B at or before it, the shortest path of blocks B → … → S through the region's
 * static control flow (fall-through, direct jumps and branches) such that the cycle B → … → S → B is
 * plain blocks only (`plainBlock`), at most BT_BACK_EDGE_LOOP_BLOCKS blocks and
 * BT_BACK_EDGE_LOOP_INSTRUCTIONS instructions, and every way off the path (a branch's other side)
 * leads to a block of the region (no new exit site). Result: block id of S → the path's block ids.
 * Taking the back edge then goes round the copy without the `switch` dispatch (per block the same
 * budget check, cost and counter as the block itself); leaving the path is `b = id; continue loop`
 * (`loopExitBlocks` gives those blocks a `case` label), leaving at S's own fall-through ends the copy.
 */
export function backEdgeLoops(plan: PagePlan): Map<number, number[]> {
  const blocks = plan.blocks;
  const plain = blocks.map(plainBlock);
  /** The successors of block k on the path (in the region), or undefined when a way out of it leaves the region. */
  const succ = (k: number): number[] | undefined => {
    const bl = blocks[k];
    const last = bl.instrs[bl.instrs.length - 1];
    const next = blocks[k + 1] !== undefined && blocks[k + 1].start === bl.end ? k + 1 : -1;
    if (last.op === Op.J) { const t = blockAtWord(plan, directTarget(last)); return t >= 0 ? [t] : undefined; }
    if (last.kind === OpKind.Branch && !branchToNext(plan, k, last)) {
      const t = blockAtWord(plan, directTarget(last));
      return t >= 0 && next >= 0 ? [t, next] : undefined;
    }
    return next >= 0 ? [next] : undefined;
  };
  const loops = new Map<number, number[]>();
  for (let si = 0; si < blocks.length; si++) {
    const sBl = blocks[si];
    const last = sBl.instrs[sBl.instrs.length - 1];
    if (!plain[si] || !(last.op === Op.J || (last.kind === OpKind.Branch && !branchToNext(plan, si, last)))) continue;
    const b = blockAtWord(plan, directTarget(last));
    if (b < 0 || b > si || !plain[b]) continue;
    // breadth-first from B over plain blocks whose other ways out stay in the region, to S
    const from = new Map<number, number>([[b, -1]]);
    let frontier = [b];
    for (let depth = 1; depth <= BT_BACK_EDGE_LOOP_BLOCKS && frontier.length > 0 && !from.has(si); depth++) {
      const nextFrontier: number[] = [];
      for (const k of frontier) {
        if (k === si) continue;
        const out = succ(k);
        if (out === undefined) continue;
        for (const j of out) {
          if (from.has(j) || !plain[j]) continue;
          from.set(j, k);
          nextFrontier.push(j);
        }
      }
      frontier = nextFrontier;
    }
    if (!from.has(si)) continue;
    const path: number[] = [];
    for (let k = si; k !== -1; k = from.get(k)!) path.unshift(k);
    if (path.length > BT_BACK_EDGE_LOOP_BLOCKS) continue;
    if (path.reduce((n, k) => n + blocks[k].instrs.length, 0) > BT_BACK_EDGE_LOOP_INSTRUCTIONS) continue;
    loops.set(si, path);
  }
  return loops;
}

/** The blocks a copied loop may leave to (a branch's side off the path, not S's own fall-through): each needs a `case` label. */
function loopExitBlocks(plan: PagePlan, loops: Map<number, number[]>): Set<number> {
  const exits = new Set<number>();
  for (const path of loops.values()) {
    for (let k = 0; k + 1 < path.length; k++) {
      const bl = plan.blocks[path[k]];
      const last = bl.instrs[bl.instrs.length - 1];
      if (last.kind !== OpKind.Branch || branchToNext(plan, path[k], last)) continue;
      const taken = plan.blockAt[directTarget(last)];
      exits.add(taken === path[k + 1] ? path[k] + 1 : taken);
    }
  }
  return exits;
}

/**
 * `resumable` false (the variant that runs): a slow path in the middle of a block has no resume
 * label — the function leaves with x.kind = EXIT_RESUME and x.b = the resume case, and the executor
 * goes on in the resumable variant (true: the same code with those labels, compiled on first need).
 */
export function generateRegionSource(plan: PagePlan, info: RegionSourceInfo, resumable = false): RegionSource {
  const use = regUse(plan);
  const usedList = [...use.used].sort((p, q) => p - q);
  const writtenList = [...use.written].sort((p, q) => p - q);
  const out: string[] = [];
  const emit = (s: string): void => { out.push(s); };
  let site = 0;
  const siteFrom: number[] = [];
  /** `from`: a static exit's key in `siteFrom` (ignored for a register jump's exit, site -1). */
  const exitTo = (pcExpr: string, isStatic: boolean, from: number): string => {
    if (isStatic) siteFrom.push(from);
    const s = isStatic ? site++ : -1;
    return `npc = ${pcExpr}; x.site = ${s}; x.kind = ${EXIT_PAGE}; break loop;`;
  };
  const label = enterableBlocks(plan, info.entries);
  const entryAt = new Int16Array(PAGE_WORDS).fill(-1);
  for (const bl of plan.blocks) if (label[bl.id] === 1) entryAt[bl.start] = bl.id;
  const loops = backEdgeLoops(plan);
  /** Blocks with a `case` label that is not an entry (only copied loops jump there). */
  const loopExit = loopExitBlocks(plan, loops);
  const pcOf = (w: number): string => (w === 0 ? 'base' : `(base + ${w * 4}) | 0`);
  /** `from`: the exit's key in `siteFrom` (instruction word × 2, + 1 for going on to the next word). */
  const transferTo = (w: number, from: number): string => {
    if (w >= 0 && w < PAGE_WORDS && entryAt[w] >= 0) return `b = ${entryAt[w]}; continue loop;`;
    if (w >= 0 && w < PAGE_WORDS && plan.blockAt[w] >= 0) throw new Error(`codegen: jump to block ${plan.blockAt[w]} without a label`);
    return exitTo(pcOf(w), true, from);
  };
  // Resume points after a slow path: case ids after the block ids.
  let nextCase = plan.blocks.length;
  const trailer: string[] = [];
  const slow: SlowSite[] = [];
  /** A slow path: note the site, leave the switch for the shared callout code, resume at case `resume`. */
  const callout = (i: PlanInstr, bl: PlanBlock, idx: number, kind: 0 | 1 | 2, resume: number): string => {
    const tail = idx + 1 < bl.instrs.length ? bl.instrs[idx + 1].w : -1;
    const p = packed(i);
    slow.push({ kind, a: p.a, imm: p.imm, w: i.w, tail });
    return `{ s = ${slow.length - 1}; b = ${resume}; break sw; }`;
  };
  /** A slow path in the middle of a block: resumable variant as `callout`; else leave for the resumable variant. */
  const midCallout = (i: PlanInstr, bl: PlanBlock, idx: number, kind: 0 | 1 | 2, resume: number): string => {
    if (resumable) return callout(i, bl, idx, kind, resume);
    const tail = idx + 1 < bl.instrs.length ? bl.instrs[idx + 1].w : -1;
    const p = packed(i);
    slow.push({ kind, a: p.a, imm: p.imm, w: i.w, tail });
    return `{ s = ${slow.length - 1}; b = ${resume}; break mid; }`;
  };
  const resumeLabel = (resume: number): void => { if (resumable) emit(`      case ${resume}:`); };
  /** Case id to resume at after instruction i of block bl, emitting a label when it is mid-block. */
  const midResume = (): number => nextCase++;
  const endResume = (bl: PlanBlock): number => {
    if (bl.end < PAGE_WORDS && entryAt[bl.end] >= 0) return entryAt[bl.end];
    const id = nextCase++;
    trailer.push(`      case ${id}: ${exitTo(pcOf(bl.end), true, (bl.end - 1) * 2 + 1)}`);
    return id;
  };

  emit('"use strict";');
  emit(`// region gpfn=${hex(info.gpfn)} mode=${info.kernel ? 'kernel' : 'user'} blocks=${plan.blocks.length} instructions=${plan.instructions} tus=${plan.tus}`);
  emit(`return function region_${info.gpfn.toString(16)}_${info.kernel ? 'k' : 'u'}(x) {`);
  emit('  const regs = x.regs, st = x.st, mmu = x.mmu, base = x.base, stop = x.stop;');
  emit('  const T = mmu.T, M = mmu.M;');
  if (usedList.length > 0) emit(`  let ${usedList.map((n) => `r${n} = regs[${n}]`).join(', ')};`);
  emit('  let fk = st.fk, fa = st.fa, fb = st.fb;');
  emit('  let rem = stop - x.cyc, b = x.b, npc = 0, va = 0, p = 0, si = 0, t = 0, s = 0;');
  emit(`  if (rem > ${hex(BT_REGION_MAX_CYCLES_LEFT)}) throw new RangeError('region: budget left above ${hex(BT_REGION_MAX_CYCLES_LEFT)} cycles');`);
  emit('  bud: {');
  if (!resumable) emit('  mid: {');
  emit('  loop: for (;;) {');
  emit('    sw: switch (b) {');
  const blocks = plan.blocks;
  /** A block's entry, in the switch or in a loop's copy: the budget check (leave at its start: the interpreter finishes precisely), its cost and its counter. */
  const blockHead = (bl: PlanBlock, indent: string): void => {
    emit(`${indent}if (rem <= ${bl.cost}) { npc = ${bl.start * 4}; break bud; }`);
    emit(`${indent}rem = (rem - ${bl.cost}) | 0; bc[${bl.id}]++;`);
  };
  /**
   * A taken back edge of block S (the path's last block): a `for(;;)` round a copy of the path's
   * blocks, each with its budget check, cost and counter; S's back edge goes round again, S's
   * fall-through ends the loop (the code after it is S's own), any other way off the path goes
   * through the switch.
   */
  const emitLoopCopy = (path: number[]): void => {
    const s = path[path.length - 1];
    emit(`        back${s}: for (;;) {`);
    let form = -1;
    for (let k = 0; k < path.length; k++) {
      const cb = blocks[path[k]];
      blockHead(cb, '          ');
      for (const i of cb.instrs) {
        const ps = plainStatement(i);
        if (ps === undefined) continue; // the block's last branch or jump, below
        if (ps.code !== '') emit(`          ${ps.code}`);
        if (ps.form >= 0) form = ps.form;
      }
      const last = cb.instrs[cb.instrs.length - 1];
      if (k === path.length - 1) {
        emit(last.op === Op.J ? `          continue back${s};` : `          if (${condition(last.op, form)}) continue back${s};`);
        if (last.op !== Op.J) emit(`          break back${s};`);
      } else if (last.kind === OpKind.Branch && !branchToNext(plan, cb.id, last)) {
        const taken = plan.blockAt[directTarget(last)];
        if (taken === path[k + 1]) emit(`          if (!(${condition(last.op, form)})) { b = ${cb.id + 1}; continue loop; }`);
        else emit(`          if (${condition(last.op, form)}) { b = ${taken}; continue loop; }`);
      }
    }
    emit('        }');
  };
  for (let bi = 0; bi < blocks.length; bi++) {
    const bl = blocks[bi];
    emit(`      ${label[bl.id] === 1 || loopExit.has(bl.id) ? `case ${bl.id}:` : `// block ${bl.id}, reached by falling through:`} // ${hex(bl.start * 4)}..${hex(bl.end * 4 - 1)}`);
    blockHead(bl, '        ');
    let form = -1;
    let fallsThrough = true;
    for (let idx = 0; idx < bl.instrs.length; idx++) {
      const i = bl.instrs[idx];
      const a = i.a, rb = R(i.b), rc = R(i.c);
      const set = (expr: string): void => { if (a !== 0) emit(`        r${a} = ${expr};`); };
      const plainI = plainStatement(i);
      if (plainI !== undefined) {
        if (plainI.code !== '') emit(`        ${plainI.code}`);
        if (plainI.form >= 0) form = plainI.form;
        continue;
      }
      switch (i.op) {
        case Op.DIV: case Op.DIVU: case Op.REM: case Op.REMU: {
          const unsigned = i.op === Op.DIVU || i.op === Op.REMU;
          const opx = i.op === Op.DIV || i.op === Op.DIVU ? '/' : '%';
          const resume = midResume();
          emit(`        t = ${unsigned ? `${rc} >>> 0` : rc};`);
          emit(`        if (t === 0) ${midCallout(i, bl, idx, 2, resume)}`);
          set(`(${unsigned ? `(${rb} >>> 0)` : rb} ${opx} t) | 0`);
          resumeLabel(resume);
          break;
        }
        case Op.LDW: case Op.LDB: case Op.LDBS: case Op.STW: case Op.STB: {
          const resume = midResume();
          const store = i.op === Op.STW || i.op === Op.STB;
          const slow = `else ${midCallout(i, bl, idx, store ? 1 : 0, resume)}`;
          // the software TLB's rows (mmu.ts newSoft) and the frame's word in the host's pool (offsets are
          // multiples of 1024: `|` adds the word without an overflow check)
          const row = (start: number): string => `T[${start === 0 ? 'si' : `${start} + si`}]`;
          const word = (offsetRow: number): string => `${row(offsetRow)} | ((va & 4095) >>> 2)`;
          emit(`        va = ${plus(rb, i.imm)}; p = va >>> 12; si = p & ${SOFT_MASK};`);
          if (i.op === Op.LDW) emit(`        if (${row(SOFT_READ_TAG)} === p && (va & 3) === 0) ${a !== 0 ? `r${a} = M[${word(SOFT_READ_OFFSET)}];` : '{}'} ${slow}`);
          else if (i.op === Op.LDB) emit(`        if (${row(SOFT_READ_TAG)} === p) ${a !== 0 ? `r${a} = (M[${word(SOFT_READ_OFFSET)}] >>> ((va & 3) << 3)) & 255;` : '{}'} ${slow}`);
          else if (i.op === Op.LDBS) emit(`        if (${row(SOFT_READ_TAG)} === p) ${a !== 0 ? `r${a} = (M[${word(SOFT_READ_OFFSET)}] << (24 - ((va & 3) << 3))) >> 24;` : '{}'} ${slow}`);
          else if (i.op === Op.STW) emit(`        if (${row(SOFT_WRITE_TAG)} === p && (va & 3) === 0) M[${word(SOFT_WRITE_OFFSET)}] = ${R(a)}; ${slow}`);
          else emit(`        if (${row(SOFT_WRITE_TAG)} === p) { t = ${word(SOFT_WRITE_OFFSET)}; si = (va & 3) << 3; M[t] = (M[t] & ~(255 << si)) | ((${R(a)} & 255) << si); } ${slow}`);
          resumeLabel(resume);
          break;
        }
        case Op.J: case Op.JAL: {
          if (i.op === Op.JAL) emit(`        r15 = ${pcOf(i.w + 1)};`);
          const path = i.op === Op.J ? loops.get(bl.id) : undefined;
          if (path !== undefined) emitLoopCopy(path);
          else emit(`        ${transferTo(directTarget(i), i.w * 2)}`);
          fallsThrough = false;
          break;
        }
        case Op.JR: case Op.JALR: {
          emit(`        t = ${rb};`);
          if (i.op === Op.JALR) emit(`        r15 = ${pcOf(i.w + 1)};`);
          emit(`        if (((t ^ base) >>> 12) === 0 && (t & 3) === 0 && (b = ent[(t & 4095) >>> 2]) >= 0) continue loop;`);
          emit(`        ${exitTo('t', false, -1)}`);
          fallsThrough = false;
          break;
        }
        default:
          if (i.kind === OpKind.Branch) {
            const path = loops.get(bl.id);
            if (path !== undefined) {
              emit(`        if (${condition(i.op, form)}) {`);
              emitLoopCopy(path);
              emit('        }');
            } else if (!branchToNext(plan, bi, i)) emit(`        if (${condition(i.op, form)}) { ${transferTo(directTarget(i), i.w * 2)} }`);
          } else {
            // callout (privileged / sensitive / trap / atomic / illegal): the reference slow path; ends the block
            emit(`        ${callout(i, bl, idx, 2, endResume(bl))}`);
            fallsThrough = false;
          }
          break;
      }
    }
    if (fallsThrough) {
      const next = blocks[bi + 1];
      if (!next || next.start !== bl.end) emit(`        ${transferTo(bl.end, (bl.end - 1) * 2 + 1)}`);
    }
  }
  for (const t of trailer) emit(t);
  emit(`      default: npc = base; x.site = -1; x.kind = ${EXIT_PAGE}; break loop;`);
  emit('    }');
  // Shared slow path: commit the locals, run the interpreter's slow path for site s, reload, resume at case b.
  emit(`    ${[...writtenList.map((n) => `regs[${n}] = r${n};`), 'st.fk = fk; st.fa = fa; st.fb = fb;'].join(' ')}`);
  emit('    x.cyc = stop - rem;');
  emit('    if (h.slow(x, s, va) !== 0) return;');
  emit(`    rem = stop - x.cyc; ${[...usedList.map((n) => `r${n} = regs[${n}];`), 'fk = st.fk; fa = st.fa; fb = st.fb;'].join(' ')}`);
  emit('  }');
  const back = [...writtenList.map((n) => `regs[${n}] = r${n};`), 'st.fk = fk; st.fa = fa; st.fb = fb;'].join(' ');
  emit(`  ${back} st.pc = npc; x.cyc = stop - rem; return;`);
  if (!resumable) {
    // a slow path in the middle of a block: run it; to go on, the resumable variant continues at case b
    emit('  }');
    emit(`  ${back} x.cyc = stop - rem;`);
    emit(`  if (h.slow(x, s, va) === 0) { x.b = b; x.kind = ${EXIT_RESUME}; }`);
    emit('  return;');
  }
  emit('  }');
  emit(`  ${back} st.pc = (base + npc) | 0; x.cyc = stop - rem; x.kind = ${EXIT_BUDGET};`);
  emit('};');
  return { source: out.join('\n'), entryAt, sites: site, slow, siteFrom };
}
