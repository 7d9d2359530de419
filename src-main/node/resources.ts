/**
 * Loads the lab's resources from `resources/`: built-in scenarios (YAML or JSON) and guest program sources.
 * The engine never touches files; this module reads them and hands plain data to it.
 *
 * - `resourcesDir()` — the folder (overridable with HVLAB_RESOURCES for packaged builds).
 * - `loadScenarioSources()` → name → { file, content } (parsed, not validated: the engine validates).
 * - `loadGuestSources()` → file name → source text.
 * - `parseScenarioText(file, text)` → parsed content or a `file:line:col` error.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname, basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { ScenarioSource } from '../engine/index';

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
  const out: Record<string, ScenarioSource> = {};
  for (const f of readdirSync(dir).sort()) {
    if (!/\.(ya?ml|json)$/.test(f)) continue;
    const file = join(dir, f);
    const name = basename(f).replace(/\.(ya?ml|json)$/, '');
    out[name] = { file, content: parseScenarioText(file, readFileSync(file, 'utf8')) };
  }
  return out;
}

export function loadGuestSources(dir = join(resourcesDir(), 'guests')): Record<string, string> {
  const out: Record<string, string> = {};
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
