// Fuzz target: the assembler on mutations of the real guest sources (resources/guests): a window of
// lines of a source file (or, now and then, a whole file), with lines deleted, duplicated, swapped,
// bytes inserted, numbers made extreme and assembler-specific bombs spliced in (self-includes, macro
// recursion, huge .space/.org, deep parentheses, long names).
// Crash: an exception, an "internal assembler error", a diagnostic without file:line:col.
// Wrong accept: an accepted image larger than the output limit or past the 32-bit address space, or a
// source map outside the image.
import { assemble } from '../../../src-main/engine/isa/index';
import { loadGuestSources } from '../../../src-main/node/resources';
import { ASM_MAX_ERRORS, ASM_MAX_OUTPUT_BYTES } from '../../../src-main/engine/params';
import { mutateText, rngFor } from '../rng';
import type { FuzzTarget, Outcome } from '../fuzzRunner';

let sources: Record<string, string> = {};
let files: string[] = [];

const BOMBS = [
  '.macro m\n m\n m\n.endm\n m', '.include "SELF"', '.include "SELF"\n.include "SELF"', '.space 0x7fffffff', '.zero 0x400001, 255',
  '.org 0xfffffffc\n.word 1, 2', '.align 0x40000000', `.word ${'('.repeat(300)}1${')'.repeat(300)}`, `.word ${'-'.repeat(400)}1`,
  `.include "${'a'.repeat(300)}"`, 'c0 = c1\nc1 = c0\n.word c0', '.if (1\n.endif', '.else', '.endif', '.endm', '.macro\n.endm',
  'li r1, 0x100000000', 'x: .byte 256', '.entry nowhere', '.ascii "\\q"', "li r1, 'ab'", 'ldw r1, 4(r16)', '\u0000', '.word .',
];

function readerFor(file: string, self: string): (path: string, from: string) => string | undefined {
  return (path, from) => {
    if (path === 'SELF') return self;
    const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
    for (const p of [dir + path, path, `labos/${path}`]) if (Object.prototype.hasOwnProperty.call(sources, p)) return sources[p];
    return undefined;
  };
}

function makeCase(seed: number, index: number): { file: string; text: string } {
  const rng = rngFor(seed, index);
  const file = rng.pick(files);
  const lines = sources[file].split('\n');
  let text: string;
  if (rng.chance(0.002)) text = sources[file]; // whole files are slow (labos.s: ~0.5 s): a few per run
  else {
    const from = rng.int(lines.length);
    text = lines.slice(from, from + 20 + rng.int(60)).join('\n');
  }
  text = mutateText(rng, text, BOMBS);
  if (rng.chance(0.3)) {
    const at = text.split('\n');
    at.splice(rng.int(at.length + 1), 0, rng.pick(BOMBS));
    text = at.join('\n');
  }
  return { file, text };
}

export const target: FuzzTarget = {
  name: 'assembler',
  setup() {
    sources = loadGuestSources();
    files = Object.keys(sources).filter((f) => f.endsWith('.s') || f.endsWith('.inc')).sort();
  },
  describe(seed, index) {
    return makeCase(seed, index).text.slice(0, 1500);
  },
  run(seed, index): Outcome {
    const c = makeCase(seed, index);
    const r = assemble(c.text, { file: c.file, readInclude: readerFor(c.file, c.text) });
    if (!r.ok) {
      if (r.diagnostics.length === 0) return { kind: 'crash', detail: 'refused without a diagnostic' };
      if (r.diagnostics.length > ASM_MAX_ERRORS + 1) return { kind: 'crash', detail: `${r.diagnostics.length} diagnostics (limit ${ASM_MAX_ERRORS})` };
      for (const d of r.diagnostics) {
        if (/internal assembler error|call stack/i.test(d.message)) return { kind: 'crash', detail: `${d.message}\n--- case ---\n${c.text.slice(0, 1500)}` };
        if (!d.file || !(d.line >= 1) || !(d.col >= 1)) return { kind: 'crash', detail: `unlocated diagnostic ${JSON.stringify(d)}` };
      }
      return { kind: 'refused' };
    }
    const img = r.image;
    if (img.bytes.length > ASM_MAX_OUTPUT_BYTES) return { kind: 'wrongAccept', detail: `image of ${img.bytes.length} bytes` };
    if (img.loadAddress + img.bytes.length > 2 ** 32) return { kind: 'wrongAccept', detail: `image at 0x${img.loadAddress.toString(16)} runs past the 32-bit address space` };
    for (const e of img.sourceMap) {
      if (e.address < img.loadAddress || e.address + e.sizeBytes > img.loadAddress + img.bytes.length) return { kind: 'wrongAccept', detail: `source map entry ${JSON.stringify(e)} outside the image` };
    }
    return { kind: 'accepted' };
  },
};
