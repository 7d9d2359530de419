/**
 * Exercise files on disk: finds them (the built-in `resources/exercises/` and any folder an instructor
 * names), parses YAML with positions, validates with the shared validator (and the lab's counter
 * catalogue and scenarios), inlines the images their Markdown names, and reports every problem as
 * `file:line:col: error: field: message`.
 *
 * - `exerciseDirs()` → the folders searched: built-in first, then `HVLAB_EXERCISES` (path-list separated).
 * - `loadExercises(options?)` → `{ exercises, errors }`: valid exercises (sorted by number, then name) and
 *   one error text per invalid file (invalid files are skipped, never half-loaded).
 * - `loadExerciseFile(file, options)` → `LoadedExercise` or throws `ExerciseFileError` (all problems).
 * - `findExercise(name)`: by name or by file path.
 * - `exerciseScenarioSources(dirs)`: scenarios shipped beside an instructor's exercises (`DIR/scenarios/`).
 *
 * Rules: an image must be a file inside the exercise's folder (png, jpeg, gif, webp, svg; at most
 * 512 KiB); names must be unique across folders (a folder may not shadow a built-in exercise).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar } from 'yaml';
import type { Node as YamlNode, Document } from 'yaml';
import { summarize, validateExercise, formatPath } from '@shared/exercise/index';
import type { Exercise, ExerciseKnowledge, ExerciseProblem, ExerciseSummary, Path } from '@shared/exercise/index';
import { COUNTERS } from '../../engine/index';
import type { ScenarioSource } from '../../engine/index';
import { loadScenarioSources, resourcesDir } from '../resources';

export class ExerciseFileError extends Error {}

export interface LoadedExercise {
  file: string;
  exercise: Exercise;
  summary: ExerciseSummary;
}

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.svg': 'image/svg+xml' };
const MAX_IMAGE_BYTES = 512 * 1024;
const MAX_FILE_BYTES = 1024 * 1024;

export function builtInExerciseDir(): string {
  return join(resourcesDir(), 'exercises');
}

export function exerciseDirs(): string[] {
  const extra = (process.env.HVLAB_EXERCISES ?? '').split(delimiter).map((d) => d.trim()).filter(Boolean).map((d) => resolve(d));
  return [builtInExerciseDir(), ...extra.filter((d) => d !== builtInExerciseDir())];
}

/** Scenarios of an instructor's exercise folders (`DIR/scenarios/*.yaml`), by name. */
export function exerciseScenarioSources(dirs = exerciseDirs().slice(1)): Record<string, ScenarioSource> {
  const out: Record<string, ScenarioSource> = {};
  for (const d of dirs) {
    const sd = join(d, 'scenarios');
    if (existsSync(sd) && statSync(sd).isDirectory()) Object.assign(out, loadScenarioSources(sd));
  }
  return out;
}

/** Counters of the engine's catalogue and the scenarios the lab can load: what validation checks names against. */
export function defaultKnowledge(extraScenarios: Iterable<string> = []): ExerciseKnowledge {
  const scenarios = new Set<string>([...Object.keys(loadScenarioSources()), ...Object.keys(exerciseScenarioSources()), ...extraScenarios]);
  return { counters: new Map(COUNTERS.map((c) => [c.name, { entityTypes: c.entityTypes, unit: c.unit, rollup: c.rollup }])), scenarios };
}

function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** The YAML node at `path`, and where to point: the key of a mapping entry, the item of a list. */
function locate(doc: Document, path: Path): { offset: number } {
  let node: unknown = doc.contents;
  let offset = (doc.contents as YamlNode | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === seg);
      if (!pair) return { offset };
      offset = (pair.key as YamlNode).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as YamlNode | undefined;
      if (!item) return { offset };
      offset = item.range?.[0] ?? offset;
      node = item;
    } else return { offset };
  }
  return { offset };
}

/** Replaces `![alt](relative/path)` in a Markdown text with a data: URI of the file; records problems. */
function inlineImages(md: string, baseDir: string, path: Path, problems: ExerciseProblem[]): string {
  return md.replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (whole, alt: string, ref: string) => {
    if (/^[a-z]+:/i.test(ref)) {
      if (!ref.startsWith('data:')) problems.push({ path, message: `image "${ref}": exercises show images from their own folder only (a relative path)` });
      return whole;
    }
    const file = resolve(baseDir, ref);
    if (!file.startsWith(resolve(baseDir) + sep)) {
      problems.push({ path, message: `image "${ref}" is outside the exercise's folder` });
      return whole;
    }
    const type = IMAGE_TYPES[extname(file).toLowerCase()];
    if (!type) { problems.push({ path, message: `image "${ref}": use png, jpeg, gif, webp or svg` }); return whole; }
    if (!existsSync(file) || !statSync(file).isFile()) { problems.push({ path, message: `image "${ref}": no such file` }); return whole; }
    const size = statSync(file).size;
    if (size > MAX_IMAGE_BYTES) { problems.push({ path, message: `image "${ref}" is ${Math.round(size / 1024)} KiB (at most ${MAX_IMAGE_BYTES / 1024} KiB)` }); return whole; }
    return `![${alt}](data:${type};base64,${readFileSync(file).toString('base64')})`;
  });
}

/** Every Markdown field of a validated exercise, with its path, so images can be inlined in place. */
function eachMarkdown(e: Exercise, visit: (text: string, path: Path, set: (v: string) => void) => void): void {
  visit(e.summary, ['summary'], (v) => { e.summary = v; });
  e.objectives.forEach((o, i) => visit(o, ['objectives', i], (v) => { e.objectives[i] = v; }));
  e.concepts?.forEach((o, i) => visit(o, ['concepts', i], (v) => { e.concepts![i] = v; }));
  e.steps.forEach((s, i) => {
    visit(s.instructions, ['steps', i, 'instructions'], (v) => { s.instructions = v; });
    s.hints?.forEach((h, j) => visit(h, ['steps', i, 'hints', j], (v) => { s.hints![j] = v; }));
    s.questions?.forEach((q, j) => {
      visit(q.prompt, ['steps', i, 'questions', j, 'prompt'], (v) => { q.prompt = v; });
      if (q.explain) visit(q.explain, ['steps', i, 'questions', j, 'explain'], (v) => { q.explain = v; });
    });
  });
}

export function loadExerciseFile(file: string, options: { knowledge?: ExerciseKnowledge; source?: ExerciseSummary['source'] } = {}): LoadedExercise {
  const shown = displayName(file);
  if (!existsSync(file) || !statSync(file).isFile()) throw new ExerciseFileError(`${shown}: error: no such file`);
  if (statSync(file).size > MAX_FILE_BYTES) throw new ExerciseFileError(`${shown}: error: larger than ${MAX_FILE_BYTES / 1024} KiB`);
  const text = readFileSync(file, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ExerciseFileError(doc.errors.slice(0, 10).map((e) => {
      const pos = e.linePos?.[0];
      return `${shown}:${pos?.line ?? 1}:${pos?.col ?? 1}: error: ${e.message.split('\n')[0]}`;
    }).join('\n'));
  }
  const content = doc.toJS({ maxAliasCount: 50 }) as unknown;
  const v = validateExercise(content, options.knowledge ?? defaultKnowledge());
  const problems = 'problems' in v ? v.problems : [];
  if ('exercise' in v) {
    const expectedName = basename(file).replace(/\.(ya?ml|json)$/, '');
    if (v.exercise.name !== expectedName) problems.push({ path: ['name'], message: `the name must match the file name ("${expectedName}")` });
    eachMarkdown(v.exercise, (t, path, set) => set(inlineImages(t, dirname(file), path, problems)));
  }
  if (problems.length) {
    throw new ExerciseFileError(problems.map((p) => {
      const pos = lineCounter.linePos(locate(doc, p.path).offset);
      return `${shown}:${pos.line}:${pos.col}: error: ${formatPath(p.path)}: ${p.message}`;
    }).join('\n'));
  }
  const exercise = (v as { exercise: Exercise }).exercise;
  return { file, exercise, summary: summarize(exercise, options.source ?? 'built-in') };
}

function exerciseFilesIn(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f));
}

export function loadExercises(options: { dirs?: string[]; knowledge?: ExerciseKnowledge } = {}): { exercises: LoadedExercise[]; errors: string[] } {
  const dirs = options.dirs ?? exerciseDirs();
  const knowledge = options.knowledge ?? defaultKnowledge();
  const exercises: LoadedExercise[] = [];
  const errors: string[] = [];
  const builtIn = resolve(builtInExerciseDir());
  for (const dir of dirs) {
    const source = resolve(dir) === builtIn ? 'built-in' : 'folder';
    if (source === 'folder' && (!existsSync(dir) || !statSync(dir).isDirectory())) { errors.push(`${dir}: error: no such folder (HVLAB_EXERCISES)`); continue; }
    for (const file of exerciseFilesIn(dir)) {
      try {
        const x = loadExerciseFile(file, { knowledge, source });
        const clash = exercises.find((e) => e.exercise.name === x.exercise.name);
        if (clash) errors.push(`${displayName(file)}: error: name: an exercise "${x.exercise.name}" is already loaded from ${displayName(clash.file)}`);
        else exercises.push(x);
      } catch (e) {
        if (e instanceof ExerciseFileError) errors.push(e.message);
        else throw e;
      }
    }
  }
  exercises.sort((a, b) => (a.exercise.number ?? 999) - (b.exercise.number ?? 999) || a.exercise.name.localeCompare(b.exercise.name));
  return { exercises, errors };
}

/** An exercise by name (searched in every folder) or by file path. Throws `ExerciseFileError`. */
export function findExercise(nameOrFile: string, knowledge?: ExerciseKnowledge): LoadedExercise {
  if (/\.ya?ml$/.test(nameOrFile) || nameOrFile.includes('/') || nameOrFile.includes(sep)) {
    return loadExerciseFile(resolve(nameOrFile), { knowledge, source: 'folder' });
  }
  for (const dir of exerciseDirs()) {
    for (const ext of ['.yaml', '.yml']) {
      const f = join(dir, `${nameOrFile}${ext}`);
      if (existsSync(f)) return loadExerciseFile(f, { knowledge, source: resolve(dir) === resolve(builtInExerciseDir()) ? 'built-in' : 'folder' });
    }
  }
  const known = loadExercises({ knowledge }).exercises.map((e) => e.exercise.name);
  throw new ExerciseFileError(`no exercise "${nameOrFile}"${known.length ? ` (known: ${known.join(', ')})` : ''}`);
}

