/**
 * `hvlab asm FILE.s [-o OUT] [--list] [-D NAME[=N]]`: assembles an HV32 program (docs/isa.md §10).
 *
 * - Mistakes print every diagnostic as `file:line:col: error: message` + `  hint: …` and exit 1
 *   (never a stack trace); a clean run prints a one-line summary to stderr (exit 0).
 * - `-o OUT` (or `--output OUT`) writes the binary image: the bytes from the load address, with
 *   the load address and entry printed in the summary.
 * - `--list` prints a listing: address, bytes, disassembly and the source line it came from.
 * - `-D NAME[=N]` defines a constant for `.if`/`.ifdef` (e.g. `-D PV=1`).
 * Also exported for `hvlab run`: `assembleFile(path)` → {result, texts}: the file and its includes
 * are read by node/resources.ts `loadGuestFile` (the engine's assembler never touches files).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { assemble, disassemble, formatDiagnostics, type AsmImage, type AssembleResult } from '../../engine/index';
import { loadGuestFile } from '../resources';
import { UsageError } from './args';

/** Assembles a program file (includes resolved by node/resources.ts); never throws for a mistake in the source. */
export function assembleFile(path: string, defines?: Record<string, number>): { result: AssembleResult; texts: Map<string, string> } {
  const g = loadGuestFile(path);
  return { result: assemble(g.text, { file: g.file, readInclude: g.readInclude, defines }), texts: g.texts };
}

/** `hvlab … | head` closes stdout early: stop quietly instead of printing an EPIPE stack trace. */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); });
}

const USAGE = 'usage: hvlab asm FILE.s [-o OUT] [--list] [-D NAME[=N]]';

const hex = (n: number, w = 8): string => (n >>> 0).toString(16).padStart(w, '0');

export function listing(image: AsmImage, texts: Map<string, string>): string {
  const lines: string[] = [];
  const src = (file: string, line: number): string => (texts.get(file)?.split(/\r?\n/)[line - 1] ?? '').trim();
  for (const e of image.sourceMap) {
    const off = e.address - image.loadAddress;
    const bytes = image.bytes.subarray(off, off + e.sizeBytes);
    const text = src(e.file, e.line);
    const body = text.replace(/^(\s*[A-Za-z_.][\w.]*:)+/, '').trim();
    const isCode = !body.startsWith('.') && (e.address & 3) === 0 && e.sizeBytes % 4 === 0 && !/^[A-Za-z_.][\w.]*\s*=/.test(body);
    if (isCode) {
      for (let k = 0; k < e.sizeBytes; k += 4) {
        const w = bytes[k] | (bytes[k + 1] << 8) | (bytes[k + 2] << 16) | (bytes[k + 3] << 24);
        const code = `${hex(w)}  ${disassemble(w, e.address + k)}`;
        lines.push(`${hex(e.address + k)}  ${code.padEnd(44)}${k === 0 ? `  ; ${e.file}:${e.line}  ${text}` : ''}`.trimEnd());
      }
    } else {
      const shown = Array.from(bytes.subarray(0, 8), (b) => hex(b, 2)).join(' ');
      lines.push(`${hex(e.address)}  ${`${shown}${e.sizeBytes > 8 ? ' …' : ''}`.padEnd(44)}  ; ${e.file}:${e.line}  ${text}`);
    }
  }
  return lines.join('\n');
}

export async function asm(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  let out: string | undefined;
  let list = false;
  const defines: Record<string, number> = {};
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o' || a === '--output') {
      out = argv[++i];
      if (!out) throw new UsageError(`${a} needs a file name\n${USAGE}`);
    } else if (a.startsWith('--output=')) out = a.slice(9);
    else if (a === '--list') list = true;
    else if (a === '-D' || a.startsWith('-D')) {
      const d = a === '-D' ? argv[++i] : a.slice(2);
      const m = /^([A-Za-z_.][\w.]*)(?:=(.+))?$/.exec(d ?? '');
      if (!m) throw new UsageError(`-D needs NAME or NAME=NUMBER\n${USAGE}`);
      const v = m[2] === undefined ? 1 : Number(m[2]);
      if (!Number.isFinite(v)) throw new UsageError(`-D ${m[1]}: "${m[2]}" is not a number`);
      defines[m[1]] = v;
    } else if (a === '-h' || a === '--help') { console.log(USAGE); return 0; }
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}\n${USAGE}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new UsageError(`hvlab asm needs exactly one source file\n${USAGE}`);
  const file = files[0];
  if (!existsSync(file)) {
    console.error(`${file}: error: no such file`);
    return 1;
  }
  const { result, texts } = assembleFile(file, defines);
  if (!result.ok) {
    console.error(formatDiagnostics(result.diagnostics));
    const n = result.diagnostics.length;
    console.error(`hvlab asm: ${n} error${n === 1 ? '' : 's'}`);
    return 1;
  }
  const img = result.image;
  if (list) console.log(listing(img, texts));
  if (out) writeFileSync(out, img.bytes);
  console.error(`hvlab asm: ${file}: ${img.bytes.length} bytes at 0x${hex(img.loadAddress)}, entry 0x${hex(img.entry)}${out ? ` → ${out}` : ''}`);
  return 0;
}
