/**
 * assembler — two-pass assembler for HV32 source, driven by the opcode table.
 *
 * Interface: `assemble(source, { file, readInclude, defines })` →
 *   `{ ok: true, image, diagnostics: [] } | { ok: false, diagnostics }` (never throws).
 * Syntax (docs/isa.md §Assembler): `label:`, local `.name:` labels (scoped to the previous
 * global label), `name = expr`, `.equ/.set name, expr`, `.org`, `.align n` (bytes), `.word`,
 * `.byte`, `.ascii`, `.asciz`/`.string`, `.space/.zero n[, fill]`, `.entry`, `.global` (no-op),
 * `.include`, `.macro/.endm`, `.if/.ifdef/.ifndef/.else/.endif`; every table mnemonic plus the
 * pseudo-instructions li, la, mov, neg, subi, call, ret, b, push, pop.
 * Rules: pass 1 fixes every statement's size (li is 1 word only when its value is known in
 * pass 1 and fits simm16), pass 2 encodes; all errors are collected as
 * `file:line:col: error: message` + hint; instructions must be 4-byte aligned. Constants defined
 * through other constants are resolved with an explicit stack (no recursion input can deepen), and the
 * bytes a program describes are bounded (ASM_MAX_OUTPUT_BYTES) before any is allocated.
 */
import { ASM_MAX_ERRORS, ASM_MAX_OUTPUT_BYTES } from '../params';
import type { Diagnostic, SourceLoc } from './asmDiagnostics';
import { evalExpr, type ExprResult } from './asmExpr';
import type { Token } from './asmLexer';
import { expandSource, type ExpandOptions, type SourceLine } from './asmSource';
import type { AsmImage, SourceMapEntry } from './image';
import { OPCODE_BY_MNEMONIC } from './opcodes';
import { AsmError, makeStatementEncoder, PSEUDO, type Stmt } from './asmStatements';
import { parseRegister } from './registers';

export interface AssembleOptions extends ExpandOptions {
  /** File name used in diagnostics and the source map. */
  file?: string;
}
export type AssembleResult = { ok: true; image: AsmImage; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

export { parseRegister };

function splitOperands(toks: Token[]): Token[][] {
  if (toks.length === 0) return [];
  const ops: Token[][] = [[]];
  let level = 0;
  for (const t of toks) {
    if (t.kind === 'punct' && t.text === '(') level++;
    if (t.kind === 'punct' && t.text === ')') level--;
    if (level === 0 && t.kind === 'punct' && t.text === ',') { ops.push([]); continue; }
    ops[ops.length - 1].push(t);
  }
  return ops;
}

interface Const { tokens: Token[]; scope: string; loc: SourceLoc; value?: number }

export function assemble(source: string, opts: AssembleOptions = {}): AssembleResult {
  const diagnostics: Diagnostic[] = [];
  const file = opts.file ?? '<input>';
  try {
    return assembleInner(source, file, opts, diagnostics);
  } catch (e) {
    // Last resort: an assembler bug must still not escape as a stack trace.
    diagnostics.push({ file, line: 1, col: 1, message: `internal assembler error: ${e instanceof Error ? e.message : String(e)}`, hint: 'please report this with the source file' });
    return { ok: false, diagnostics };
  }
}

function assembleInner(source: string, file: string, opts: AssembleOptions, diags: Diagnostic[]): AssembleResult {
  const lines: SourceLine[] = expandSource(source, file, opts, diags);
  const labels = new Map<string, number>();
  const consts = new Map<string, Const>();
  for (const [k, v] of Object.entries(opts.defines ?? {})) consts.set(k, { tokens: [], scope: '', loc: { file: '<defines>', line: 0 }, value: v | 0 });
  const defLoc = new Map<string, SourceLoc>();
  const stmts: Stmt[] = [];
  let entryStmt: { tokens: Token[]; scope: string; loc: SourceLoc } | undefined;
  const report = (loc: SourceLoc, col: number, message: string, hint?: string): void => {
    if (diags.length >= ASM_MAX_ERRORS) return;
    diags.push({ file: loc.file, line: loc.line, col, message: loc.expandedFrom ? `${message} (in macro expanded at ${loc.expandedFrom})` : message, hint });
  };

  // ---- symbol lookup (labels + constants, with lazy constant resolution) ----
  const qualify = (name: string, scope: string): string => (name.startsWith('.') && name !== '.' ? scope + name : name);
  let pass = 1;
  const lookup = (name: string, scope: string): number | undefined => {
    const q = qualify(name, scope);
    if (labels.has(q)) return labels.get(q);
    const c = consts.get(q);
    if (!c) return undefined;
    if (c.value === undefined) resolveConstant(c);
    return c.value;
  };
  /**
   * Resolves a constant whose value refers to other constants, without recursion: evaluate it; every
   * constant it needs that has no value yet goes on a stack and is resolved first, then it is evaluated
   * again. A constant met again while it is being resolved (a cycle), or one that already failed in this
   * round (a label pass 1 has not reached yet), stays unknown.
   */
  const resolveConstant = (root: Const): void => {
    const stack: Const[] = [root];
    const inStack = new Set<Const>([root]);
    const failed = new Set<Const>();
    while (stack.length > 0) {
      const c = stack[stack.length - 1];
      const missing: Const[] = [];
      const r = evalExpr(c.tokens, {
        lookup: (n) => {
          const q = qualify(n, c.scope);
          if (labels.has(q)) return labels.get(q);
          const d = consts.get(q);
          if (!d) return undefined;
          if (d.value !== undefined) return d.value;
          if (inStack.has(d) || failed.has(d)) return undefined;
          missing.push(d);
          return 0; // a stand-in: the result is thrown away, the evaluation only collects what is missing
        },
        here: 0,
      });
      if (missing.length > 0) {
        for (const d of missing) if (!inStack.has(d)) { inStack.add(d); stack.push(d); }
        continue;
      }
      stack.pop();
      inStack.delete(c);
      if ('value' in r) c.value = r.value;
      else failed.add(c);
    }
  };
  const evalIn = (tokens: Token[], st: { scope: string; addr: number }): ExprResult => evalExpr(tokens, { lookup: (n) => lookup(n, st.scope), here: st.addr });
  const need = (tokens: Token[], st: Stmt, what = 'expression'): number => {
    if (tokens.length === 0) throw new AsmError(st.col, `missing ${what}`);
    const r = evalIn(tokens, st);
    if ('value' in r) return r.value;
    if ('unknown' in r) {
      const kind = parseRegister(r.unknown) !== undefined ? `a register ('${r.unknown}') cannot be used as a ${what}` : `undefined symbol '${r.unknown}'`;
      throw new AsmError(r.col, kind, parseRegister(r.unknown) !== undefined ? 'check the operand order of this instruction' : 'define it as a label or with .equ (local .labels belong to the previous global label)');
    }
    throw new AsmError(r.col, r.error, r.hint);
  };
  const define = (name: string, loc: SourceLoc, col: number): boolean => {
    if (parseRegister(name) !== undefined) { report(loc, col, `'${name}' is a register name and cannot be a symbol`); return false; }
    if (OPCODE_BY_MNEMONIC.has(name.toLowerCase()) || PSEUDO.has(name.toLowerCase())) { report(loc, col, `'${name}' is an instruction name and cannot be a symbol`); return false; }
    const prev = defLoc.get(name);
    if (prev) { report(loc, col, `symbol '${name}' is already defined`, `first defined at ${prev.file}:${prev.line}`); return false; }
    defLoc.set(name, loc);
    return true;
  };

  // ---- pass 1: sizes, addresses, labels ----
  let here = 0;
  let outputBytes = 0;
  let scope = '';
  for (const line of lines) {
    let toks = line.tokens;
    const loc = line.loc;
    try {
      while (toks.length >= 2 && toks[0].kind === 'id' && toks[1].kind === 'punct' && toks[1].text === ':') {
        const raw = toks[0].text;
        const local = raw.startsWith('.');
        if (raw === '.') { report(loc, toks[0].col, "'.' is not a label name"); toks = toks.slice(2); continue; }
        const name = local ? scope + raw : raw;
        if (!local) scope = raw;
        if (define(name, loc, toks[0].col)) labels.set(name, here | 0);
        toks = toks.slice(2);
      }
      if (toks.length === 0) continue;
      const head = toks[0];
      if (head.kind !== 'id') throw new AsmError(head.col, `expected an instruction or directive, found '${head.text}'`, 'a line is: [label:] instruction operands');
      if (toks[1]?.kind === 'punct' && toks[1].text === '=') {
        if (define(head.text, loc, head.col)) consts.set(head.text, { tokens: toks.slice(2), scope, loc });
        continue;
      }
      const name = head.text.toLowerCase();
      const ops = splitOperands(toks.slice(1));
      const st: Stmt = { loc, scope, addr: here | 0, size: 0, name, col: head.col, ops, isCode: false };
      if (name.startsWith('.')) {
        switch (name) {
          case '.equ':
          case '.set': {
            const n = ops[0];
            if (!n || n.length !== 1 || n[0].kind !== 'id' || ops.length !== 2) throw new AsmError(head.col, `${name} needs a name and a value`, `write ${name} NAME, EXPR`);
            if (define(n[0].text, loc, n[0].col)) consts.set(n[0].text, { tokens: ops[1], scope, loc });
            continue;
          }
          case '.org': {
            if (ops.length !== 1) throw new AsmError(head.col, '.org needs one address');
            const r = evalIn(ops[0], st);
            if (!('value' in r)) throw new AsmError(ops[0][0]?.col ?? head.col, '.org address must be known when it is reached', 'use only numbers and constants defined above');
            here = r.value >>> 0;
            continue;
          }
          case '.align': {
            if (ops.length !== 1) throw new AsmError(head.col, '.align needs one byte count');
            const r = evalIn(ops[0], st);
            if (!('value' in r) || r.value <= 0 || (r.value & (r.value - 1)) !== 0) throw new AsmError(head.col, '.align needs a known power of two (bytes)', 'e.g. .align 4 or .align 4096');
            const pad = (r.value - (here % r.value)) % r.value;
            st.size = pad;
            break;
          }
          case '.word': st.size = 4 * ops.length; break;
          case '.byte': st.size = ops.length; break;
          case '.ascii':
          case '.asciz':
          case '.string': {
            let n = 0;
            for (const o of ops) {
              if (o.length !== 1 || o[0].kind !== 'str') throw new AsmError(o[0]?.col ?? head.col, `${name} takes strings in double quotes`);
              n += o[0].bytes!.length + (name === '.ascii' ? 0 : 1);
            }
            st.size = n;
            break;
          }
          case '.space':
          case '.zero': {
            if (ops.length < 1 || ops.length > 2) throw new AsmError(head.col, `${name} needs a size and an optional fill byte`);
            const r = evalIn(ops[0], st);
            if (!('value' in r) || r.value < 0) throw new AsmError(head.col, `${name} size must be a known non-negative number`, 'use only numbers and constants defined above');
            st.size = r.value;
            break;
          }
          case '.entry':
            if (ops.length !== 1) throw new AsmError(head.col, '.entry needs one address');
            entryStmt = { tokens: ops[0], scope, loc };
            continue;
          case '.global':
          case '.globl':
            continue;
          default:
            throw new AsmError(head.col, `unknown directive '${head.text}'`, 'known: .org .align .word .byte .ascii .asciz .string .space .zero .equ .set .entry .include .macro .if');
        }
      } else {
        st.isCode = true;
        if (!OPCODE_BY_MNEMONIC.has(name) && !PSEUDO.has(name)) throw new AsmError(head.col, `unknown instruction '${head.text}'`, 'see the instruction table in docs/isa.md');
        if ((here & 3) !== 0) report(loc, head.col, `instruction at unaligned address 0x${(here >>> 0).toString(16)}`, 'insert .align 4 before code that follows byte data');
        st.size = 4;
        if (name === 'push' || name === 'pop') st.size = 8;
        if (name === 'li' || name === 'la') {
          st.size = 8;
          const r = ops.length === 2 ? evalIn(ops[1], st) : undefined;
          if (r && 'value' in r && r.value >= -32768 && r.value <= 32767 && pass === 1) st.size = 4;
        }
      }
      outputBytes += st.size;
      if (st.size > ASM_MAX_OUTPUT_BYTES || outputBytes > ASM_MAX_OUTPUT_BYTES) {
        throw new AsmError(head.col, `the program would be larger than ${ASM_MAX_OUTPUT_BYTES / (1024 * 1024)} MiB`, 'check .space, .zero and .align sizes');
      }
      if ((here >>> 0) + st.size > 2 ** 32) {
        throw new AsmError(head.col, `output at 0x${(here >>> 0).toString(16)} runs past the end of the 32-bit address space`, 'check the .org before it');
      }
      stmts.push(st);
      here = (here + st.size) >>> 0;
    } catch (e) {
      if (!(e instanceof AsmError)) throw e;
      report(loc, e.col, e.message, e.hint);
    }
  }
  pass = 2;

  // ---- pass 2: encode ----
  const { encodeStatement, emitData } = makeStatementEncoder(need);
  const chunks: { addr: number; bytes: Uint8Array; st: Stmt }[] = [];
  for (const st of stmts) {
    try {
      const bytes = new Uint8Array(st.size);
      if (st.isCode) {
        const words = encodeStatement(st);
        if (words.length * 4 !== st.size) throw new AsmError(st.col, 'instruction size changed between passes', 'this is an assembler bug');
        words.forEach((w, k) => { bytes[4 * k] = w & 255; bytes[4 * k + 1] = (w >>> 8) & 255; bytes[4 * k + 2] = (w >>> 16) & 255; bytes[4 * k + 3] = (w >>> 24) & 255; });
      } else {
        emitData(st, bytes);
      }
      if (st.size > 0) chunks.push({ addr: st.addr >>> 0, bytes, st });
    } catch (e) {
      if (!(e instanceof AsmError)) throw e;
      report(st.loc, e.col, e.message, e.hint);
    }
  }
  for (const [name, c] of consts) {
    if (lookup(name, '') === undefined && c.tokens.length > 0) {
      const r = evalExpr(c.tokens, { lookup: (n) => lookup(n, c.scope), here: 0 });
      if ('unknown' in r) report(c.loc, r.col, `undefined symbol '${r.unknown}' in the value of '${name}'`, 'constants may refer to labels and other constants, but not to themselves');
      else if ('error' in r) report(c.loc, r.col, r.error, r.hint);
    }
  }
  let entry: number | undefined;
  if (entryStmt) {
    const r = evalExpr(entryStmt.tokens, { lookup: (n) => lookup(n, entryStmt!.scope), here: 0 });
    if ('value' in r) entry = r.value >>> 0;
    else report(entryStmt.loc, 1, '.entry address cannot be evaluated', 'use a label defined in this program');
  }
  if (diags.length > 0) return { ok: false, diagnostics: diags };

  // ---- image ----
  chunks.sort((x, y) => x.addr - y.addr);
  const lo = chunks.length ? chunks[0].addr : 0;
  const hi = chunks.reduce((m, c) => Math.max(m, c.addr + c.bytes.length), lo);
  if (hi - lo > 64 * 1024 * 1024) {
    diags.push({ file, line: 1, col: 1, message: `image spans ${hi - lo} bytes (more than 64 MiB)`, hint: 'check .org directives' });
    return { ok: false, diagnostics: diags };
  }
  const bytes = new Uint8Array(hi - lo);
  const segments: { address: number; sizeBytes: number }[] = [];
  const sourceMap: SourceMapEntry[] = [];
  let prevEnd = -1;
  for (const c of chunks) {
    if (c.addr < prevEnd) {
      report(c.st.loc, c.st.col, `code or data at 0x${c.addr.toString(16)} overlaps earlier output`, 'two .org regions overlap');
      continue;
    }
    bytes.set(c.bytes, c.addr - lo);
    const last = segments[segments.length - 1];
    if (last && last.address + last.sizeBytes === c.addr) last.sizeBytes += c.bytes.length;
    else segments.push({ address: c.addr, sizeBytes: c.bytes.length });
    sourceMap.push({ address: c.addr, sizeBytes: c.bytes.length, file: c.st.loc.file, line: c.st.loc.line });
    prevEnd = c.addr + c.bytes.length;
  }
  if (diags.length > 0) return { ok: false, diagnostics: diags };
  const symbols: Record<string, number> = {};
  for (const [k, v] of labels) symbols[k] = v >>> 0;
  for (const k of consts.keys()) { const v = lookup(k, ''); if (v !== undefined) symbols[k] = v >>> 0; }
  if (entry === undefined) entry = labels.has('_start') ? labels.get('_start')! >>> 0 : lo;
  return { ok: true, image: { loadAddress: lo, bytes, entry, symbols, sourceMap, segments }, diagnostics: [] };

}
