// ESLint rule `hvlab/import-boundaries`: the import table of docs/ARCHITECTURE.md ("Layers and import
// rules"), enforced per file. This module holds the table's data, the only copy: the doc's tables are
// rendered from it (`renderImportTables()`, written by scripts/gen-import-table.mjs, checked by
// test/main/importBoundaries.test.ts).
//
// Outer layers: each import is classified by what it points at (a layer folder of this repo, a Node
// builtin, electron, or another package) and checked against what the importing file's layer allows;
// the Node and Electron layers reach the engine only through its door (src-main/engine/index.ts).
// Inside the engine: each folder belongs to an area (the datacenter or the guest machine); the two
// areas meet only at the seam (vm/guestMachine.ts, vm/guestFactory.ts); a folder is imported from
// outside through its index.ts. Every message says what to import instead.
import { existsSync } from 'node:fs';
import { dirname, resolve, relative, sep } from 'node:path';
import { builtinModules } from 'node:module';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const NODE_BUILTINS = new Set(builtinModules);
const ENGINE = 'src-main/engine/';

/** Layers: [name, folder, what it is], most specific first. */
export const LAYERS = [
  ['engine', 'src-main/engine/', 'the engine: pure, deterministic TypeScript'],
  ['node', 'src-main/node/', 'Node adapters: worker, server, CLI, resources, storage'],
  ['electron', 'src-main/electron/', 'Electron main: window, IPC, menu'],
  ['preload', 'src-main/preload/', 'the one bridge global'],
  ['shared', 'src-shared/', 'the contract and plain DTOs'],
  ['renderer', 'src-renderer/', 'the Vue client'],
];

/**
 * layer → what it may import: other layers, 'node' (builtins), 'electron', or package names ('*' = any);
 * `engineDoorOnly`: the engine only through src-main/engine/index.ts.
 */
export const ALLOWED = {
  shared: { layers: ['shared'], builtins: false, electron: false, packages: [] },
  engine: { layers: ['engine', 'shared'], builtins: false, electron: false, packages: [] },
  node: { layers: ['node', 'engine', 'shared'], builtins: true, electron: false, packages: ['*'], engineDoorOnly: true },
  electron: { layers: ['electron', 'node', 'engine', 'shared'], builtins: true, electron: true, packages: ['*'], engineDoorOnly: true },
  preload: { layers: ['preload', 'shared'], builtins: false, electron: true, packages: [] },
  renderer: { layers: ['renderer', 'shared'], builtins: false, electron: false, packages: ['vue', 'pinia', 'chart.js', 'vue-router'] },
};

/** The engine's door for the layers outside it. */
export const ENGINE_DOOR = 'index.ts';

/**
 * Areas inside the engine: every folder of src-main/engine belongs to exactly one. Folders named here
 * before they exist are the ones planned (tasks, migration, placement, overcommit, services).
 */
export const ENGINE_AREAS = {
  datacenter: {
    is: 'the simulated datacenter: the Lab, inventory, tasks, scheduling, counters, snapshots, scenarios',
    folders: ['api', 'lab', 'cluster', 'vm', 'host', 'scheduler', 'metrics', 'snapshot', 'scenario', 'sim', 'tasks', 'migration', 'placement', 'overcommit', 'services', 'alarms'],
  },
  machine: {
    is: 'the guest machine: the HV32 ISA, CPU, MMU, memory, monitors, translator, devices, the Machine',
    folders: ['isa', 'cpu', 'mmu', 'memory', 'monitors', 'translator', 'devices', 'machine'],
  },
};

/**
 * The seam: the only files through which the datacenter reaches the guest machine, and the guest
 * machine the datacenter. Both sides import them directly (they are a door of their own). The seam
 * re-exports what crosses it: GuestMachine, GuestFactory and GuestConfig, the BlockStore a machine's
 * disk uses, and HostMemory — host-physical memory is a guest-machine type (frames, refcounts,
 * copy-on-write) that each host owns one pool of and hands to the machines it runs.
 */
export const ENGINE_SEAM = ['vm/guestMachine.ts', 'vm/guestFactory.ts'];

/** Files at the engine's top level that any engine file may import directly: the tunables and the ports. */
export const ENGINE_SHARED_FILES = ['params.ts', 'ports.ts'];

const noExt = (p) => p.replace(/\.(ts|js|mjs|vue)$/, '');
const SEAM = new Set(ENGINE_SEAM.map(noExt));
const SHARED_FILES = new Set(ENGINE_SHARED_FILES.map(noExt));
const AREA_OF = new Map(Object.entries(ENGINE_AREAS).flatMap(([area, a]) => a.folders.map((f) => [f, area])));

function relToRoot(abs) {
  return relative(ROOT, abs).split(sep).join('/');
}

function layerOfPath(abs) {
  const rel = relToRoot(abs);
  for (const [name, prefix] of LAYERS) if (rel.startsWith(prefix)) return name;
  return undefined;
}

function classify(spec, fromFile) {
  if (spec.startsWith('@shared/')) return { kind: 'layer', layer: 'shared' };
  if (spec.startsWith('@renderer/')) return { kind: 'layer', layer: 'renderer' };
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const abs = resolve(dirname(fromFile), spec);
    const layer = layerOfPath(abs);
    return layer ? { kind: 'layer', layer, abs } : { kind: 'outside' };
  }
  const bare = spec.startsWith('node:') ? spec.slice(5) : spec.split('/')[0];
  if (spec.startsWith('node:') || NODE_BUILTINS.has(bare)) return { kind: 'builtin' };
  if (spec === 'electron' || spec.startsWith('electron/')) return { kind: 'electron' };
  const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : bare;
  return { kind: 'package', pkg };
}

/**
 * Where an absolute path lands in the engine: `folder` ('' for a top-level file), `file` (inside the
 * folder, no extension; 'index' for the folder itself) and `path` (engine-relative, no extension).
 */
function enginePlace(abs) {
  let path = noExt(relToRoot(abs).slice(ENGINE.length));
  if (path === '') path = 'index';
  else if (!path.includes('/') && existsSync(resolve(ROOT, ENGINE, path)) && !existsSync(resolve(ROOT, ENGINE, `${path}.ts`))) path += '/index';
  const slash = path.indexOf('/');
  return slash < 0 ? { folder: '', file: path, path } : { folder: path.slice(0, slash), file: path.slice(slash + 1), path };
}

/** The specifier `fromFile` should write to reach engine path `enginePath` (no extension). */
function specTo(fromFile, enginePath) {
  const r = relative(dirname(fromFile), resolve(ROOT, ENGINE, enginePath)).split(sep).join('/');
  return r.startsWith('.') ? r : `./${r}`;
}

const seamSpecs = (fromFile) => ENGINE_SEAM.map((f) => `"${specTo(fromFile, noExt(f))}"`).join(' or ');

/** An import from one engine file to another: undefined when allowed, else what is wrong and what to import instead. */
function checkEngineImport(fromFile, spec, targetAbs) {
  const from = enginePlace(fromFile);
  const to = enginePlace(targetAbs);
  if (to.folder === '') {
    if (SHARED_FILES.has(to.file)) return undefined;
    if (to.file === 'index') return `engine code does not import the engine's door ("${spec}"): import the subsystem it needs through its index.ts`;
    return `"${spec}" is a top-level engine file outside the table: add it to ENGINE_SHARED_FILES (scripts/eslint/importBoundaries.js) or move it into a folder`;
  }
  if (from.folder === to.folder) return undefined;
  for (const folder of [from.folder, to.folder]) {
    if (folder !== '' && !AREA_OF.has(folder)) {
      return `engine folder "${folder}/" is in no area of the import table: add it to ENGINE_AREAS in scripts/eslint/importBoundaries.js (datacenter or machine) and regenerate docs/ARCHITECTURE.md (node scripts/gen-import-table.mjs)`;
    }
  }
  const fromArea = from.folder === '' ? undefined : AREA_OF.get(from.folder);
  const toArea = AREA_OF.get(to.folder);
  const toSeam = SEAM.has(to.path);
  if (fromArea === 'datacenter' && toArea === 'machine' && !SEAM.has(from.path)) {
    return `the datacenter reaches the guest machine only through the seam: import from ${seamSpecs(fromFile)} instead of "${spec}" (if the seam lacks it, re-export it there)`;
  }
  if (fromArea === 'machine' && toArea === 'datacenter' && !toSeam) {
    return `the guest machine knows the datacenter only through the seam: import from ${seamSpecs(fromFile)} instead of "${spec}" (if the seam lacks it, re-export it there)`;
  }
  if (toSeam || to.file === 'index') return undefined;
  return `import the ${to.folder}/ subsystem through its door: "${specTo(fromFile, `${to.folder}/index`)}" instead of "${spec}" (export it from ${to.folder}/index.ts if it is missing)`;
}

export function checkImport(fromFile, spec) {
  const from = layerOfPath(fromFile);
  if (!from) return undefined;
  const allow = ALLOWED[from];
  const target = classify(spec, fromFile);
  switch (target.kind) {
    case 'layer': {
      if (!allow.layers.includes(target.layer)) return `${from} may not import ${target.layer} ("${spec}")`;
      if (target.layer !== 'engine') return undefined;
      if (from === 'engine') return checkEngineImport(fromFile, spec, target.abs);
      if (allow.engineDoorOnly && enginePlace(target.abs).path !== noExt(ENGINE_DOOR)) {
        return `${from} code uses the engine only through its door: import from "${specTo(fromFile, noExt(ENGINE_DOOR))}" instead of "${spec}" (export what you need from src-main/engine/index.ts)`;
      }
      return undefined;
    }
    case 'builtin':
      return allow.builtins ? undefined : `${from} may not import Node builtins ("${spec}")`;
    case 'electron':
      return allow.electron ? undefined : `${from} may not import electron ("${spec}")`;
    case 'package':
      return allow.packages.includes('*') || allow.packages.includes(target.pkg) ? undefined : `${from} may not import the package "${target.pkg}"`;
    default:
      return `${from} may not import files outside the layer folders ("${spec}")`;
  }
}

/** The two tables of docs/ARCHITECTURE.md's import rules, rendered from the data above. */
export function renderImportTables() {
  const names = { shared: 'src-shared', renderer: 'src-renderer' };
  const layerName = (l) => names[l] ?? l;
  const lines = ['| folder | is | may import |', '|---|---|---|'];
  for (const [name, folder, is] of LAYERS) {
    const a = ALLOWED[name];
    const may = [
      ...a.layers.map((l) => (l === name ? 'itself' : l === 'engine' && a.engineDoorOnly ? `engine (only \`src-main/engine/${ENGINE_DOOR}\`)` : layerName(l))),
      ...(a.builtins ? ['Node builtins'] : []),
      ...(a.electron ? ['electron'] : []),
      ...(a.packages.includes('*') ? ['any package'] : a.packages.map((p) => `\`${p}\``)),
    ];
    lines.push(`| \`${folder}\` | ${is} | ${may.join(', ')} |`);
  }
  lines.push('', '| engine area | folders (`src-main/engine/…`) | is |', '|---|---|---|');
  for (const [area, a] of Object.entries(ENGINE_AREAS)) {
    lines.push(`| ${area} | ${a.folders.map((f) => `\`${f}/\``).join(', ')} | ${a.is} |`);
  }
  lines.push(`| the seam | ${ENGINE_SEAM.map((f) => `\`${f}\``).join(', ')} | the only files either area imports of the other |`);
  lines.push(`| shared files | ${ENGINE_SHARED_FILES.map((f) => `\`${f}\``).join(', ')} | importable from any engine folder |`);
  return lines.join('\n');
}

export const IMPORT_TABLES_BEGIN = '<!-- BEGIN IMPORT TABLES (generated by scripts/gen-import-table.mjs from scripts/eslint/importBoundaries.js) -->';
export const IMPORT_TABLES_END = '<!-- END IMPORT TABLES -->';

export const importBoundaries = {
  meta: { type: 'problem', docs: { description: 'enforce the layer import table' }, schema: [] },
  create(context) {
    const file = context.filename;
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const problem = checkImport(file, spec);
      if (problem) context.report({ node, message: `import boundary: ${problem}` });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
