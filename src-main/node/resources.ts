/**
 * Loads the lab's resources from `resources/`: built-in scenarios (YAML or JSON) and guest program sources.
 * The engine never touches files; this module reads them and hands plain data to it.
 *
 * - `resourcesDir()` — the folder (overridable with HVLAB_RESOURCES for packaged builds).
 * - `loadScenarioSources()` → name → { file, content } (parsed, not validated: the engine validates).
 * - `loadGuestSources()` → file name → source text.
 * - `parseScenarioText(file, text)` → parsed content or a `file:line:col` error.
 * - `loadGuestCatalogue()` → the named guests of resources/guests/guests.json (empty when absent).
 * - `loadGuestFile(path)` → a guest program given by path, with an include reader for the assembler.
 */
import { readdirSync, readFileSync, existsSync, realpathSync, statSync } from 'node:fs';
import { join, resolve, dirname, basename, extname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { ScenarioSource } from '../engine/index';
import { GuestCatalogueError, parseGuestCatalogue, type GuestCatalogue } from '../engine/index';

export function resourcesDir(): string {
  if (process.env.HVLAB_RESOURCES) return resolve(process.env.HVLAB_RESOURCES);
  // src-main/node/resources.ts → ../../resources; bundled out/main/*.js → ../../resources as well.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [resolve(here, '../../resources'), resolve(here, '../resources'), resolve(process.cwd(), 'resources')]) {
    if (existsSync(join(candidate, 'scenarios'))) return candidate;
  }
  return resolve(process.cwd(), 'resources');
}

export class ResourceError extends Error {}

/** Parses scenario text; YAML syntax errors become `file:line:col: message`. */
export function parseScenarioText(file: string, text: string): unknown {
  try {
    return extname(file) === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const pos = e.linePos?.[0];
      throw new ResourceError(`${file}:${pos?.line ?? 1}:${pos?.col ?? 1}: error: ${e.message.split('\n')[0]}`);
    }
    throw new ResourceError(`${file}: error: ${(e as Error).message}`);
  }
}

export function loadScenarioSources(dir = join(resourcesDir(), 'scenarios')): Record<string, ScenarioSource> {
  // Keys are file names: a null-prototype object, so "__proto__.yaml" is an entry like any other.
  const out: Record<string, ScenarioSource> = Object.create(null) as Record<string, ScenarioSource>;
  for (const f of readdirSync(dir).sort()) {
    if (!/\.(ya?ml|json)$/.test(f)) continue;
    const file = join(dir, f);
    const name = basename(f).replace(/\.(ya?ml|json)$/, '');
    out[name] = { file, content: parseScenarioText(file, readFileSync(file, 'utf8')) };
  }
  return out;
}

export function loadGuestSources(dir = join(resourcesDir(), 'guests')): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!existsSync(dir)) return out;
  const walk = (d: string, prefix: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(d, entry.name), `${prefix}${entry.name}/`);
      else if (entry.name.endsWith('.s') || entry.name.endsWith('.inc')) out[`${prefix}${entry.name}`] = readFileSync(join(d, entry.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

/**
 * The guest catalogue `resources/guests/guests.json` ({ guests: [{ name, source, cmdline, description }] },
 * `source` relative to resources/guests), validated by the engine's `parseGuestCatalogue`. A missing file
 * is an empty catalogue; a malformed one is a `ResourceError` naming the file (and field).
 */
export function loadGuestCatalogue(dir = join(resourcesDir(), 'guests')): GuestCatalogue {
  const file = join(dir, 'guests.json');
  if (!existsSync(file)) return { guests: [] };
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ResourceError(`${file}: error: ${(e as Error).message}`);
  }
  try {
    return parseGuestCatalogue(content, file);
  } catch (e) {
    if (e instanceof GuestCatalogueError) throw new ResourceError(`${e.message}`);
    throw e;
  }
}

/**
 * A guest program given as a file path (`hvlab asm`, `hvlab run FILE.s`): its text, the name diagnostics
 * show (relative to the working directory), and an include reader for the engine's assembler that resolves
 * `.include "x"` relative to the including file, then to the main file's folder. `texts` collects every
 * file read (for listings). Throws `ResourceError` when the main file cannot be read.
 * Rule: includes stay inside the main file's folder (after resolving symbolic links): a file outside
 * it is never read, so `.include "/etc/passwd"` cannot echo its lines back as diagnostics.
 */
export function loadGuestFile(path: string): { file: string; text: string; readInclude: (inc: string, fromFile: string) => string | undefined; texts: Map<string, string> } {
  const mainAbs = resolve(path);
  const rel = relative(process.cwd(), mainAbs);
  const file = rel.startsWith('..') ? mainAbs : rel;
  let text: string;
  try {
    text = readFileSync(mainAbs, 'utf8');
  } catch {
    throw new ResourceError(`${path}: error: no such file`);
  }
  const texts = new Map<string, string>([[file, text]]);
  const absOf = new Map<string, string>([[file, mainAbs]]);
  const root = realpathSync(dirname(mainAbs));
  const inside = (p: string): boolean => {
    try {
      const real = realpathSync(p);
      return real.startsWith(root + sep) && statSync(real).isFile();
    } catch {
      return false;
    }
  };
  const readInclude = (inc: string, fromFile: string): string | undefined => {
    const from = absOf.get(fromFile) ?? mainAbs;
    for (const cand of [resolve(dirname(from), inc), resolve(dirname(mainAbs), inc)]) {
      if (!existsSync(cand) || !inside(cand)) continue;
      try {
        const t = readFileSync(cand, 'utf8');
        absOf.set(inc, cand);
        texts.set(inc, t);
        return t;
      } catch {
        return undefined;
      }
    }
    return undefined;
  };
  return { file, text, readInclude, texts };
}
