/**
 * guestProgram — assembling a guest program from sources handed in by the host (the engine never
 * reads files): the main file plus whatever it `.include`s.
 *
 * Interface: `GuestSources` (file name → text); `assembleGuest(file, sources)` → AsmImage, or throws
 * `GuestProgramError` whose message is the assembler's `file:line:col: error: …` diagnostics;
 * `GuestImageCache` (assembles each source once per set of sources).
 * Rules: include paths are resolved relative to the including file, then from the root of
 * `sources`; a missing include is an assembler diagnostic, not an exception.
 */
import { assemble, formatDiagnostics, type AsmImage } from '../isa/index';

export type GuestSources = Readonly<Record<string, string>>;

export class GuestProgramError extends Error {}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i + 1);
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** A source by file name: own entries only (a name like "constructor" must not find Object's). */
function sourceOf(sources: GuestSources, file: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(sources, file) ? sources[file] : undefined;
}

export function assembleGuest(file: string, sources: GuestSources): AsmImage {
  const text = sourceOf(sources, file);
  if (typeof text !== 'string') throw new GuestProgramError(`${file}: no such guest source`);
  const r = assemble(text, {
    file,
    readInclude: (path: string, fromFile: string) => {
      const rel = normalize(dirOf(fromFile) + path);
      return sourceOf(sources, rel) ?? sourceOf(sources, normalize(path));
    },
  });
  if (!r.ok) throw new GuestProgramError(formatDiagnostics(r.diagnostics));
  return r.image;
}

export class GuestImageCache {
  private readonly images = new Map<string, AsmImage>();

  constructor(readonly sources: GuestSources) {}

  get(file: string): AsmImage {
    let img = this.images.get(file);
    if (!img) {
      img = assembleGuest(file, this.sources);
      this.images.set(file, img);
    }
    return img;
  }
}
