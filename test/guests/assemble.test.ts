/**
 * Guests assemble: labos (native and paravirtualized builds), every entry of guests.json, and the
 * source rules that make a PV build possible (privileged instructions only in labos/arch.inc).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { GUESTS_DIR, catalogue, labosImage } from '../helpers/machineHarness';

const PROGRAMS = ['hello', 'cpu', 'memwrite', 'pagetable', 'tlbmiss', 'syscall', 'io', 'idle', 'mixed', 'sensitive', 'selftest'];

test('labos assembles, native and with -D PV=1', () => {
  const native = labosImage();
  assert.equal(native.entry, native.symbols._start);
  assert.equal(native.loadAddress, 0x2000, 'the kernel loads at 0x2000, leaving the boot block page alone');
  const pv = labosImage({ PV: 1 });
  assert.ok(pv.bytes.length > 0);
  // the user image is page-aligned and its writable data has a page of its own
  for (const s of ['uimg_start', 'udata_start', 'uimg_end', 'bss_start']) assert.equal(native.symbols[s] % 4096, 0, `${s} is page-aligned`);
});

test('guests.json names every program once, each with a source that assembles and a description', () => {
  const cat = catalogue();
  assert.deepEqual(cat.guests.map((g) => g.name).sort(), [...PROGRAMS].sort());
  for (const g of cat.guests) {
    assert.equal(g.source, 'labos.s');
    assert.equal(g.cmdline.split(' ')[0], g.name);
    assert.ok(g.description.length > 10, `${g.name} has a description`);
  }
  const img = labosImage();
  for (const p of PROGRAMS) assert.ok(img.symbols[`progtab.${p}`] !== undefined, `labos's program table has ${p}`);
});

test('README.md has one line per guest', () => {
  const readme = readFileSync(join(GUESTS_DIR, 'README.md'), 'utf8');
  for (const p of PROGRAMS) assert.match(readme, new RegExp(`^\\| \`${p}\` \\|`, 'm'), `README line for ${p}`);
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.s') || p.endsWith('.inc') ? [p] : [];
  });
}

/** Mnemonics at instruction position (after optional labels), comments and strings removed. */
function mnemonics(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/[;#].*$/, '').replace(/\/\/.*$/, '');
    const m = /^\s*(?:[.\w]+:\s*)*([.\w]+)/.exec(line);
    if (m) out.push(m[1].toLowerCase());
  }
  return out;
}

test('privileged instructions appear only in labos/arch.inc; sensitive ones only where they are the point', () => {
  const PRIVILEGED = new Set(['cli', 'sti', 'hlt', 'iret', 'mfcr', 'mtcr', 'invlpg', 'tlbflush', 'in', 'out']);
  const SENSITIVE = new Set(['getf', 'setf', 'smsw']);
  const allowPriv = new Set(['labos/arch.inc', 'labos/user/selftest.s']); // selftest: a user process trying cli must be killed
  // the sensitive instructions are the ARCH_GETF/SETF/SMSW macros (arch.inc; the PV build's arch_pv.inc reads flags with them), used by sensitive.s
  const allowSens = new Set(['labos/arch.inc', 'labos/arch_pv.inc', 'labos/sensitive.s', 'labos/user/selftest.s']);
  for (const f of sources(join(GUESTS_DIR, 'labos'))) {
    const rel = relative(GUESTS_DIR, f);
    for (const m of mnemonics(readFileSync(f, 'utf8'))) {
      if (PRIVILEGED.has(m)) assert.ok(allowPriv.has(rel), `${rel} uses the privileged instruction ${m}: use an ARCH_* macro`);
      if (SENSITIVE.has(m)) assert.ok(allowSens.has(rel), `${rel} uses the sensitive instruction ${m}`);
    }
  }
});
