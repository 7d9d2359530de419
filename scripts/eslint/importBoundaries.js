// ESLint rule `hvlab/import-boundaries`: the import table of docs/ARCHITECTURE.md ("Import rules"),
// enforced per folder. Each import is classified by what it points at (a layer folder of this repo, a
// Node builtin, electron, or another package) and checked against what the importing file's layer allows.
import { dirname, resolve, relative, sep } from 'node:path';
import { builtinModules } from 'node:module';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const NODE_BUILTINS = new Set(builtinModules);

/** Layers, most specific first. */
const LAYERS = [
  ['engine', 'src-main/engine/'],
  ['node', 'src-main/node/'],
  ['electron', 'src-main/electron/'],
  ['preload', 'src-main/preload/'],
  ['shared', 'src-shared/'],
  ['renderer', 'src-renderer/'],
];

/** layer → what it may import: other layers, 'node' (builtins), 'electron', or package names ('*' = any). */
export const ALLOWED = {
  shared: { layers: ['shared'], builtins: false, electron: false, packages: [] },
  engine: { layers: ['engine', 'shared'], builtins: false, electron: false, packages: [] },
  node: { layers: ['node', 'engine', 'shared'], builtins: true, electron: false, packages: ['*'] },
  electron: { layers: ['electron', 'node', 'engine', 'shared'], builtins: true, electron: true, packages: ['*'] },
  preload: { layers: ['preload', 'shared'], builtins: false, electron: true, packages: [] },
  renderer: { layers: ['renderer', 'shared'], builtins: false, electron: false, packages: ['vue', 'pinia', 'chart.js', 'vue-router'] },
};

function layerOfPath(abs) {
  const rel = relative(ROOT, abs).split(sep).join('/');
  for (const [name, prefix] of LAYERS) if (rel.startsWith(prefix)) return name;
  return undefined;
}

function classify(spec, fromFile) {
  if (spec.startsWith('@shared/')) return { kind: 'layer', layer: 'shared' };
  if (spec.startsWith('@renderer/')) return { kind: 'layer', layer: 'renderer' };
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const layer = layerOfPath(resolve(dirname(fromFile), spec));
    return layer ? { kind: 'layer', layer } : { kind: 'outside' };
  }
  const bare = spec.startsWith('node:') ? spec.slice(5) : spec.split('/')[0];
  if (spec.startsWith('node:') || NODE_BUILTINS.has(bare)) return { kind: 'builtin' };
  if (spec === 'electron' || spec.startsWith('electron/')) return { kind: 'electron' };
  const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : bare;
  return { kind: 'package', pkg };
}

export function checkImport(fromFile, spec) {
  const from = layerOfPath(fromFile);
  if (!from) return undefined;
  const allow = ALLOWED[from];
  const target = classify(spec, fromFile);
  switch (target.kind) {
    case 'layer':
      return allow.layers.includes(target.layer) ? undefined : `${from} may not import ${target.layer} ("${spec}")`;
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
