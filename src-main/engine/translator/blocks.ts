/**
 * blocks — the translator's front end: finds the code of one guest page reachable from its known
 * entry points and cuts it into basic blocks (the translation units, TUs, of the translation cache).
 *
 * Interface: `scanPage(words, entries, opCost, { maxInstructions, foreign })` → `PagePlan` {blocks,
 * blockAt (word index → block id or -1), covered (words that are translated instructions), tus,
 * instructions};
 * `classify(op)` → how codegen treats an opcode (derived from the opcode table's privileged,
 * sensitive, cost-class and format columns); `TU_MAX_INSTRUCTIONS`.
 * How (VMware's translator, Adams & Agesen 2006 §3; v86's two-pass codegen, its docs/how-it-works.md):
 *  - a worklist walk from the entries follows fall-through (through conditional branches, calls and
 *    callouts, so a region covers contiguous code) and queues direct branch/jump targets that stay
 *    in the page; the instruction after a branch, a call (`jal`/`jalr`) or anything that may leave
 *    and come back (a callout: privileged, sensitive, trapping or atomic instruction) starts a
 *    block and is an entry, so execution resumes inside the translation;
 *  - a block starts at a leader (an entry or a branch target) and ends after a control transfer or a
 *    callout, before the next leader, or at the end of the page; indirect jumps (`jr`, `jalr`) end a
 *    path (their targets are looked up at run time);
 *  - discovery goes from the entries (hottest first), loop heads (backward-branch targets) before
 *    anything else, then breadth first, and stops at `maxInstructions`
 *    (so the generated function stays small enough for V8's optimizing compiler) and at `foreign`
 *    words (block starts of other regions of the same page): jumps there leave the region;
 *  - the cost of a translation is counted in TUs like VMware's: a basic block, split every
 *    TU_MAX_INSTRUCTIONS (12) instructions.
 * Rules: the plan depends only on the page's words and the entries (deterministic); data words that
 * no path reaches, and illegal words (usually data: the interpreter raises their exception), are
 * not translated, so stores to them never invalidate the translation.
 */
import { decode, Op, OPCODE_BY_NUMBER, OPCODES, type OpcodeInfo } from '../isa/index';
import { PAGE_WORDS } from '../params';

/** VMware's translator stops a TU at 12 instructions (Adams & Agesen, ASPLOS 2006, §3). */
export const TU_MAX_INSTRUCTIONS = 12;

/** How codegen treats an opcode (numeric kinds; see OP_KIND_NAMES). */
export const OpKind = {
  /** Register/flag arithmetic done inline. */
  Alu: 0,
  /** div/divu/rem/remu: inline, a zero divisor calls out (the divide fault). */
  Div: 1,
  /** ldw/ldb/ldbs/stw/stb: inline software-TLB fast path, slow path calls out. */
  Mem: 2,
  /** j, jal: direct target. */
  Jump: 3,
  /** Conditional branches. */
  Branch: 4,
  /** jr, jalr: target in a register. */
  JumpReg: 5,
  /** Everything else runs the reference slow path (`execSystem`): privileged, sensitive, traps, atomics, illegal words. Ends a block. */
  Callout: 6,
} as const;
export type OpKind = (typeof OpKind)[keyof typeof OpKind];

/**
 * How codegen treats an opcode, read off the opcode table: privileged or sensitive instructions
 * always call out (the monitor decides what they do); otherwise the cost class says what the
 * instruction is (arithmetic, divide, load/store, branch, jump — direct when it has a 24-bit
 * target, through a register otherwise); traps, system, I/O, halt and atomics call out.
 */
function kindOf(o: OpcodeInfo): OpKind {
  if (o.privileged || o.sensitive) return OpKind.Callout;
  switch (o.costClass) {
    case 'alu': case 'mul': return OpKind.Alu;
    case 'div': return OpKind.Div;
    case 'load': case 'store': return OpKind.Mem;
    case 'branch': return OpKind.Branch;
    case 'jump': return o.format === 'j24' ? OpKind.Jump : OpKind.JumpReg;
    default: return OpKind.Callout;
  }
}

/** Opcode number → OpKind; unassigned numbers (illegal words) call out. */
const KIND_BY_OPCODE: Uint8Array = (() => {
  const t = new Uint8Array(256).fill(OpKind.Callout);
  for (const o of OPCODES) t[o.opcode] = kindOf(o);
  return t;
})();

export function classify(op: number): OpKind {
  return KIND_BY_OPCODE[op & 0xff] as OpKind;
}

/** One decoded instruction of a block. */
export interface PlanInstr {
  /** Word index in the page. */
  readonly w: number;
  /** The raw instruction word. */
  readonly word: number;
  /** Opcode (0 = illegal word). */
  readonly op: number;
  readonly kind: OpKind;
  /** Decoded fields (0 for an illegal word). */
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** Immediate as decode() gives it (j24: word offset). */
  readonly imm: number;
  /** Cycles from the cost table. */
  readonly cost: number;
  /** True for privileged or sensitive opcodes (a callout to the monitor under bt, in kernel mode). */
  readonly sensitive: boolean;
}

export interface PlanBlock {
  readonly id: number;
  /** First word index (a leader). */
  readonly start: number;
  /** One past the last word index. */
  readonly end: number;
  readonly instrs: readonly PlanInstr[];
  /** Sum of the instructions' costs (charged at block entry). */
  readonly cost: number;
  /** Inline memory instructions (for the software-TLB hit count). */
  readonly memOps: number;
}

export interface PagePlan {
  readonly blocks: readonly PlanBlock[];
  /** Word index → id of the block starting there, or -1 (the region's entry table). */
  readonly blockAt: Int16Array;
  /** Word index → 1 if the word is a translated instruction. */
  readonly covered: Uint8Array;
  /** Translation units (blocks split every TU_MAX_INSTRUCTIONS). */
  readonly tus: number;
  readonly instructions: number;
}

function instrAt(words: Int32Array, w: number, opCost: Int32Array): PlanInstr {
  const word = words[w] | 0;
  const d = decode(word);
  if (!d) return { w, word, op: 0, kind: OpKind.Callout, a: 0, b: 0, c: 0, imm: 0, cost: opCost[0], sensitive: false };
  const op = d.info.opcode;
  return { w, word, op, kind: classify(op), a: d.a, b: d.b, c: d.c, imm: d.imm, cost: opCost[op], sensitive: d.info.privileged || d.info.sensitive };
}

/** Target word index of a direct jump/branch at word w (may be outside 0..1023). */
export function directTarget(ins: PlanInstr): number {
  return ins.w + ins.imm;
}

export interface ScanOptions {
  /** Stop discovering code once this many instructions are in the plan (V8 optimizes functions only up to ~60 KB of bytecode). */
  maxInstructions?: number;
  /** Words (block starts of other regions of the page) the plan must not include: control reaching them leaves the region. */
  foreign?: Uint8Array;
}

/**
 * Plans one region of a page: code reachable from `entries` (in priority order, breadth first),
 * within the page, up to `maxInstructions`, without `foreign` words.
 */
export function scanPage(words: Int32Array, entries: Iterable<number>, opCost: Int32Array, opts: ScanOptions = {}): PagePlan {
  const cap = opts.maxInstructions ?? PAGE_WORDS;
  const foreign = opts.foreign;
  const leader = new Uint8Array(PAGE_WORDS);
  const seen = new Uint8Array(PAGE_WORDS);
  const decoded: (PlanInstr | undefined)[] = new Array(PAGE_WORDS);
  // Two worklists: loop heads (targets of backward branches) first — under the size cap the hot
  // loop must make it into the region — then everything else in discovery (breadth-first) order.
  const loops: number[] = [];
  const work: number[] = [];
  let head = 0;
  let count = 0;
  const addLeader = (w: number, from = -1): void => {
    if (w < 0 || w >= PAGE_WORDS || (foreign !== undefined && foreign[w] === 1)) return;
    if (!leader[w]) {
      leader[w] = 1;
      (w <= from ? loops : work).push(w);
    }
  };
  /** The word after a block-ending instruction that falls through: a block start, walked next. */
  const markNext = (w: number): void => {
    if (w + 1 < PAGE_WORDS && (foreign === undefined || foreign[w + 1] !== 1)) leader[w + 1] = 1;
  };
  for (const e of entries) addLeader(e);
  while ((loops.length > 0 || head < work.length) && count < cap) {
    const start = loops.length > 0 ? loops.pop()! : work[head++];
    for (let w = start; w < PAGE_WORDS && count < cap; w++) {
      if (seen[w]) {
        if (w !== start) leader[w] = 1; // a path joins here: block boundary
        break;
      }
      if (w !== start && foreign !== undefined && foreign[w] === 1) break; // another region's code
      const ins = instrAt(words, w, opCost);
      // An illegal word is most likely data (after a hlt, a table…): leave it to the interpreter,
      // which raises the exception, so that writing data there never invalidates the region.
      if (ins.op === 0) break;
      seen[w] = 1;
      count++;
      decoded[w] = ins;
      // The walk goes on through the fall-through of conditional branches, calls and callouts (the
      // next word starts a block), so a region covers contiguous code; it stops where control
      // cannot fall through (j, jr, iret).
      let stop = false;
      switch (ins.kind) {
        case OpKind.Jump:
          addLeader(directTarget(ins), w);
          if (ins.op === Op.JAL) markNext(w);
          else stop = true;
          break;
        case OpKind.Branch:
          addLeader(directTarget(ins), w);
          markNext(w);
          break;
        case OpKind.JumpReg:
          if (ins.op === Op.JALR) markNext(w);
          else stop = true;
          break;
        case OpKind.Callout:
          // iret never continues at the next word; everything else may (after the callout returns,
          // or when the guest's handler returns to EPC = next).
          if (ins.op !== Op.IRET) markNext(w);
          else stop = true;
          break;
        default:
          break;
      }
      if (stop) break;
    }
  }
  // Cut blocks: from each leader to a terminator, the next leader, code not in the plan or the page end.
  const blockAt = new Int16Array(PAGE_WORDS).fill(-1);
  const covered = new Uint8Array(PAGE_WORDS);
  const blocks: PlanBlock[] = [];
  let tus = 0;
  let instructions = 0;
  for (let w = 0; w < PAGE_WORDS; w++) {
    if (!leader[w] || !seen[w]) continue;
    const instrs: PlanInstr[] = [];
    let cost = 0;
    let memOps = 0;
    let k = w;
    for (; k < PAGE_WORDS; k++) {
      if (k !== w && (leader[k] || !seen[k])) break;
      const ins = decoded[k]!;
      instrs.push(ins);
      covered[k] = 1;
      cost += ins.cost;
      if (ins.kind === OpKind.Mem) memOps++;
      if (ins.kind === OpKind.Jump || ins.kind === OpKind.Branch || ins.kind === OpKind.JumpReg || ins.kind === OpKind.Callout) { k++; break; }
    }
    const id = blocks.length;
    blockAt[w] = id;
    blocks.push({ id, start: w, end: k, instrs, cost, memOps });
    tus += Math.ceil(instrs.length / TU_MAX_INSTRUCTIONS);
    instructions += instrs.length;
  }
  return { blocks, blockAt, covered, tus, instructions };
}

/** True when opcode `op` exists in the opcode table (used by the golden printer). */
export function mnemonicOf(op: number): string {
  return OPCODE_BY_NUMBER[op]?.mnemonic ?? '(illegal)';
}
