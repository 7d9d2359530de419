// asm-check — assembles a guest from resources/guests and prints its size, or its diagnostics.
// Usage: node --import tsx scripts/asm-check.ts [FILE.s (default labos.s)] [-D NAME[=value]]…
// Exit code 1 when the source does not assemble. Includes resolve relative to resources/guests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble, formatDiagnostics } from '../src-main/engine/isa/index';

const dir = join(import.meta.dirname, '..', 'resources', 'guests');
const args = process.argv.slice(2);
const defines: Record<string, number> = {};
let file = 'labos.s';
for (let i = 0; i < args.length; i++) {
  if (args[i] === '-D') {
    const [k, v] = args[++i].split('=');
    defines[k] = v === undefined ? 1 : Number(v);
  } else file = args[i];
}
const read = (p: string): string | undefined => { try { return readFileSync(join(dir, p), 'utf8'); } catch { return undefined; } };
const src = read(file);
if (src === undefined) { console.error(`${file}: not found under resources/guests`); process.exit(1); }
const r = assemble(src, { file, defines, readInclude: (p) => read(p) });
if (!r.ok) { console.error(formatDiagnostics(r.diagnostics)); process.exit(1); }
const s = r.image.symbols;
const hex = (n: number | undefined): string => (n === undefined ? '?' : `0x${n.toString(16)}`);
console.log(`${file}: ${r.image.bytes.length} bytes at ${hex(r.image.loadAddress)}, entry ${hex(r.image.entry)}`);
if (s.uimg_start !== undefined) console.log(`  user image ${hex(s.uimg_start)}..${hex(s.uimg_end)}, bss ${hex(s.bss_start)}..${hex(s.bss_end)}`);
