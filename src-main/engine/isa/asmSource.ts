/**
 * asmSource — the assembler's preprocessor: includes, macros and conditional assembly.
 *
 * Interface: `expandSource(text, file, opts, diags)` → flat list of lexed `SourceLine`s.
 *  - `.include "path"`: text comes from `opts.readInclude(path, fromFile)` (the engine never
 *    touches files); a missing file is a diagnostic;
 *  - `.macro NAME [p1[, p2...]]` … `.endm`; invoke as `NAME a, b`; in the body `\p1` is replaced
 *    by the argument text and `\@` by a counter unique to each expansion (for labels);
 *  - `.if EXPR` / `.ifdef NAME` / `.ifndef NAME` / `.else` / `.endif`: EXPR may use `opts.defines`
 *    and constants set earlier with `.equ`/`.set`/`=` (labels are not known yet).
 * Rules: errors are collected. Every resource input can ask for is bounded, each with a located
 * diagnostic: nesting depth of includes and macros (ASM_MAX_EXPANSION_DEPTH, which also bounds this
 * module's recursion), the number of expansions (ASM_MAX_MACRO_EXPANSIONS: a macro or file that expands
 * itself twice per level would double at every level), the lines produced (ASM_MAX_EXPANDED_LINES),
 * the length of a line (ASM_MAX_LINE_CHARS) and of an include name (ASM_MAX_INCLUDE_NAME_CHARS).
 * Once a count limit is reached expansion stops: one diagnostic, no flood.
 */
import {
  ASM_MAX_ERRORS, ASM_MAX_EXPANDED_LINES, ASM_MAX_EXPANSION_DEPTH, ASM_MAX_INCLUDE_NAME_CHARS, ASM_MAX_LINE_CHARS, ASM_MAX_MACRO_EXPANSIONS,
} from '../params';
import type { Diagnostic, SourceLoc } from './asmDiagnostics';
import { evalExpr } from './asmExpr';
import { lexLine, type Token } from './asmLexer';

export interface SourceLine {
  readonly tokens: Token[];
  readonly loc: SourceLoc;
}

export interface ExpandOptions {
  readInclude?: (path: string, fromFile: string) => string | undefined;
  defines?: Readonly<Record<string, number>>;
}

interface Macro {
  name: string;
  params: string[];
  body: { text: string; loc: SourceLoc }[];
  loc: SourceLoc;
}

export function expandSource(text: string, file: string, opts: ExpandOptions, diags: Diagnostic[]): SourceLine[] {
  const out: SourceLine[] = [];
  const macros = new Map<string, Macro>();
  const consts = new Map<string, number>(Object.entries(opts.defines ?? {}));
  let expansionCounter = 0;
  /** Macro expansions plus includes so far (bounded by ASM_MAX_MACRO_EXPANSIONS). */
  let expansions = 0;
  /** Set when a count limit was reached: nothing more is expanded or emitted. */
  let exhausted = false;
  const err = (loc: SourceLoc, col: number, message: string, hint?: string): void => {
    // Past ASM_MAX_ERRORS the user has enough to fix: stop expanding rather than collect a flood.
    if (diags.length >= ASM_MAX_ERRORS) { exhausted = true; return; }
    diags.push({ file: loc.file, line: loc.line, col, message: loc.expandedFrom ? `${message} (in macro expanded at ${loc.expandedFrom})` : message, hint });
  };
  // conditional stack: each entry = [active, anyBranchTaken, parentActive]
  const cond: { active: boolean; taken: boolean; parent: boolean; loc: SourceLoc }[] = [];
  const active = (): boolean => cond.length === 0 || cond[cond.length - 1].active;

  /** Counts one more expansion (macro call or include); false (with a diagnostic) past the limit. */
  const expand = (loc: SourceLoc, col: number, what: string): boolean => {
    if (++expansions <= ASM_MAX_MACRO_EXPANSIONS) return true;
    err(loc, col, `more than ${ASM_MAX_MACRO_EXPANSIONS} macro expansions and includes`, `a ${what} probably expands itself more than once; assembly stopped here`);
    exhausted = true;
    return false;
  };

  const processLines = (lines: { text: string; loc: SourceLoc }[], depth: number): void => {
    let i = 0;
    while (i < lines.length && !exhausted) {
      const { text: raw, loc } = lines[i++];
      if (raw.length > ASM_MAX_LINE_CHARS) {
        if (active()) err(loc, ASM_MAX_LINE_CHARS + 1, `line is longer than ${ASM_MAX_LINE_CHARS} characters`, 'split it: long data goes on several .byte/.word/.ascii lines');
        continue;
      }
      const lexed = lexLine(raw);
      if ('error' in lexed) {
        if (active()) err(loc, lexed.error.col, lexed.error.message, lexed.error.hint);
        continue;
      }
      const toks = lexed.tokens;
      if (toks.length === 0) continue;
      const head = toks[0].kind === 'id' ? toks[0].text.toLowerCase() : '';
      // conditionals are tracked even when inactive
      if (head === '.if' || head === '.ifdef' || head === '.ifndef') {
        const parent = active();
        let value = false;
        if (parent) {
          if (head === '.if') {
            const r = evalExpr(toks.slice(1), { lookup: (n) => consts.get(n), here: 0 });
            if ('value' in r) value = r.value !== 0;
            else if ('unknown' in r) err(loc, r.col, `'${r.unknown}' is not a constant known here`, '.if can use -D defines and .equ constants defined above it, not labels');
            else err(loc, r.col, r.error, r.hint);
          } else {
            if (toks.length !== 2 || toks[1].kind !== 'id') err(loc, toks[0].col, `${head} needs one name`);
            else value = consts.has(toks[1].text) === (head === '.ifdef');
          }
        }
        cond.push({ active: parent && value, taken: value, parent, loc });
        continue;
      }
      if (head === '.else') {
        const top = cond[cond.length - 1];
        if (!top) { err(loc, toks[0].col, '.else without .if'); continue; }
        top.active = top.parent && !top.taken;
        top.taken = true;
        continue;
      }
      if (head === '.endif') {
        if (!cond.pop()) err(loc, toks[0].col, '.endif without .if');
        continue;
      }
      if (!active()) continue;
      if (head === '.macro') {
        if (toks.length < 2 || toks[1].kind !== 'id') { err(loc, toks[0].col, '.macro needs a name', 'write .macro NAME p1, p2'); }
        const name = toks[1]?.text ?? '';
        const params = toks.slice(2).filter((t) => !(t.kind === 'punct' && t.text === ',')).map((t) => t.text);
        const body: { text: string; loc: SourceLoc }[] = [];
        let closed = false;
        while (i < lines.length) {
          const l = lines[i++];
          if (/^\s*\.endm\b/i.test(l.text)) { closed = true; break; }
          if (/^\s*\.macro\b/i.test(l.text)) err(l.loc, 1, 'nested .macro definitions are not supported');
          body.push(l);
        }
        if (!closed) err(loc, toks[0].col, `.macro ${name} has no .endm`, 'end the macro body with .endm');
        if (name) {
          if (macros.has(name)) err(loc, toks[1].col, `macro '${name}' is already defined`);
          macros.set(name, { name, params, body, loc });
        }
        continue;
      }
      if (head === '.endm') { err(loc, toks[0].col, '.endm without .macro'); continue; }
      if (head === '.include') {
        if (toks.length !== 2 || toks[1].kind !== 'str') { err(loc, toks[0].col, '.include needs a file name in double quotes', 'write .include "file.s"'); continue; }
        const bytes = toks[1].bytes!;
        if (bytes.length > ASM_MAX_INCLUDE_NAME_CHARS) { err(loc, toks[1].col, `include file name is longer than ${ASM_MAX_INCLUDE_NAME_CHARS} characters`); continue; }
        let path = '';
        for (const b of bytes) path += String.fromCharCode(b);
        if (depth >= ASM_MAX_EXPANSION_DEPTH) { err(loc, toks[0].col, `includes nested deeper than ${ASM_MAX_EXPANSION_DEPTH}`, 'an include file probably includes itself'); continue; }
        if (!expand(loc, toks[0].col, 'file')) break;
        const inc = opts.readInclude?.(path, loc.file);
        if (inc === undefined) { err(loc, toks[1].col, `cannot read include file '${path}'`, 'check the path: it is resolved relative to the including file and must stay inside the program\'s folder'); continue; }
        processLines(splitLines(inc, path), depth + 1);
        continue;
      }
      // constant tracking for .if (best effort; the assembler re-evaluates everything)
      if ((head === '.equ' || head === '.set') && toks[1]?.kind === 'id' && toks[2]?.text === ',') {
        const r = evalExpr(toks.slice(3), { lookup: (n) => consts.get(n), here: 0 });
        if ('value' in r) consts.set(toks[1].text, r.value);
      } else if (toks[0].kind === 'id' && toks[1]?.kind === 'punct' && toks[1].text === '=') {
        const r = evalExpr(toks.slice(2), { lookup: (n) => consts.get(n), here: 0 });
        if ('value' in r) consts.set(toks[0].text, r.value);
      }
      // macro invocation (possibly after labels: "lbl: MACRO args" is kept simple: macro must start the line)
      const m = toks[0].kind === 'id' ? macros.get(toks[0].text) : undefined;
      if (m && !(toks[1]?.kind === 'punct' && toks[1].text === ':')) {
        if (depth >= ASM_MAX_EXPANSION_DEPTH) { err(loc, toks[0].col, `macro expansion nested deeper than ${ASM_MAX_EXPANSION_DEPTH}`, 'a macro probably invokes itself'); continue; }
        if (!expand(loc, toks[0].col, 'macro')) break;
        const args = splitArgs(raw, toks);
        if (args.length !== m.params.length) {
          err(loc, toks[0].col, `macro '${m.name}' takes ${m.params.length} argument(s), got ${args.length}`, `defined at ${m.loc.file}:${m.loc.line}`);
          continue;
        }
        const unique = String(expansionCounter++);
        const from = `${loc.file}:${loc.line}`;
        const body = m.body.map((b) => {
          let t = b.text.replace(/\\@/g, unique);
          m.params.forEach((p, k) => { t = t.split('\\' + p).join(args[k]); });
          return { text: t, loc: { file: b.loc.file, line: b.loc.line, expandedFrom: loc.expandedFrom ?? from } };
        });
        processLines(body, depth + 1);
        continue;
      }
      if (out.length >= ASM_MAX_EXPANDED_LINES) {
        err(loc, 1, `more than ${ASM_MAX_EXPANDED_LINES} source lines after includes and macro expansion`, 'assembly stopped here; a macro or include probably repeats itself');
        exhausted = true;
        break;
      }
      out.push({ tokens: toks, loc });
    }
  };

  processLines(splitLines(text, file), 0);
  for (const c of cond) err(c.loc, 1, '.if without .endif', 'close every .if/.ifdef with .endif');
  return out;
}

function splitLines(text: string, file: string): { text: string; loc: SourceLoc }[] {
  return text.split('\n').map((t, k) => ({ text: t, loc: { file, line: k + 1 } }));
}

/** Raw argument texts of a macro call: split the text after the name at top-level commas. */
function splitArgs(raw: string, toks: Token[]): string[] {
  if (toks.length < 2) return [];
  const start = toks[1].col - 1;
  let end = raw.length;
  // strip a trailing comment
  const cm = /(;|#|\/\/)/.exec(raw.slice(start));
  if (cm) {
    // only if it is outside quotes: approximate by checking the last token's column
    const last = toks[toks.length - 1];
    const lastEnd = last.col - 1 + last.text.length;
    if (start + cm.index >= lastEnd) end = start + cm.index;
  }
  const s = raw.slice(start, end);
  const args: string[] = [];
  let level = 0;
  let inStr = false;
  let cur = '';
  for (let k = 0; k < s.length; k++) {
    const c = s[k];
    if (c === '"' && s[k - 1] !== '\\') inStr = !inStr;
    if (!inStr && c === '(') level++;
    if (!inStr && c === ')') level--;
    if (!inStr && level === 0 && c === ',') { args.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  args.push(cur.trim());
  return args;
}
