/**
 * The PropertyCollector's retrieval: filter specs (ObjectSpec + TraversalSpec/SelectionSpec recursion,
 * PropertySpec with dotted paths and `all`), and the ObjectContent they select.
 *
 * - `readFilterSpec(arg)` → FilterSpec (validated; bad shapes raise InvalidRequest/InvalidArgument).
 * - `selectObjects(spec, resolver)` → the managed objects the spec reaches, in discovery order.
 * - `readProperties(obj, spec)` → `{ props: Map<path, value>, missing }` for the paths that apply to the
 *   object's type; an unknown property raises InvalidProperty (as vSphere does).
 * - `objectContent(obj, props)` → ObjectContent; `retrieve(specs, resolver)` → ObjectContent[].
 *
 * Traversal: from each ObjectSpec's `obj` (kept unless `skip`), every TraversalSpec whose `type` the object
 * is (`isA`) follows its `path` (a property holding references) to new objects, applying the spec's own
 * `selectSet`; a SelectionSpec with only a `name` refers to a named TraversalSpec anywhere in the filter.
 * Each (object, traversal) pair is visited once, so recursive specs terminate.
 */
import type { Arg, MoRefArg } from './soapArgs';
import type { ManagedObject } from './managedTypes';
import { isA } from './managedTypes';
import type { VimValue } from './vimValues';
import { data, ref, str, valText, valueAtPath, xmlData } from './vimValues';
import { escapeAttr, escapeText } from './xmlWriter';
import { invalidArgument, invalidProperty, invalidRequest, managedObjectNotFound, VimFault } from './faults';

export interface TraversalSpec { name?: string; type: string; path: string; skip: boolean; selectSet: Selection[] }
export type Selection = { ref: string } | { traversal: TraversalSpec };
export interface ObjectSpec { obj: MoRefArg; skip: boolean; selectSet: Selection[] }
export interface PropertySpec { type: string; all: boolean; pathSet: string[] }
export interface FilterSpec { propSet: PropertySpec[]; objectSet: ObjectSpec[]; reportMissingObjectsInResults: boolean }

export interface ObjectResolver {
  resolve(type: string, id: string): Promise<ManagedObject | undefined>;
  /** Written property values by object revision (see `PropertyTextCache`). */
  readonly textCache?: PropertyTextCache;
}

/**
 * Property values already written as `<val>` XML, keyed by object, revision and path: an object whose
 * revision has not moved is not rebuilt or rewritten (a second listing of 1,000 VMs costs string joins).
 * Objects without a revision are never cached. Bounded: past MAX entries the older half goes.
 */
export class PropertyTextCache {
  private readonly map = new Map<string, string>();
  static readonly MAX = 60_000;

  get(key: string): string | undefined { return this.map.get(key); }

  set(key: string, text: string): void {
    if (this.map.size >= PropertyTextCache.MAX) {
      let drop = this.map.size / 2;
      for (const k of this.map.keys()) { if (drop-- <= 0) break; this.map.delete(k); }
    }
    this.map.set(key, text);
  }
}

const MAX_SELECTIONS = 10_000;

function readSelection(a: Arg, count: { n: number }): Selection {
  if (++count.n > MAX_SELECTIONS) throw invalidRequest('too many selection specs');
  const name = a.str('name');
  const isTraversal = a.type === 'TraversalSpec' || (a.type === undefined && a.child('path') !== undefined);
  if (!isTraversal) {
    if (!name) throw invalidArgument(`${a.path}: a SelectionSpec needs a name`, a.path);
    return { ref: name };
  }
  return {
    traversal: {
      name: name || undefined,
      type: a.needStr('type'),
      path: a.needStr('path'),
      skip: a.bool('skip') ?? false,
      selectSet: a.children('selectSet').map((c) => readSelection(c, count)),
    },
  };
}

export function readFilterSpec(a: Arg): FilterSpec {
  const count = { n: 0 };
  const propSet = a.children('propSet').map((p) => ({ type: p.needStr('type'), all: p.bool('all') ?? false, pathSet: p.strs('pathSet') }));
  const objectSet = a.children('objectSet').map((o) => ({
    obj: o.needRef('obj'), skip: o.bool('skip') ?? false, selectSet: o.children('selectSet').map((c) => readSelection(c, count)),
  }));
  if (objectSet.length === 0) throw invalidArgument(`${a.path}.objectSet is empty`, 'objectSet');
  return { propSet, objectSet, reportMissingObjectsInResults: a.bool('reportMissingObjectsInResults') ?? false };
}

function namedTraversals(spec: FilterSpec): Map<string, TraversalSpec> {
  const names = new Map<string, TraversalSpec>();
  const walk = (sels: Selection[]) => {
    for (const s of sels) {
      if ('traversal' in s) {
        if (s.traversal.name && !names.has(s.traversal.name)) {
          names.set(s.traversal.name, s.traversal);
          walk(s.traversal.selectSet);
        } else if (!s.traversal.name) walk(s.traversal.selectSet);
      }
    }
  };
  for (const o of spec.objectSet) walk(o.selectSet);
  return names;
}

/** References held by a value (a single reference or an array of them). */
function refsIn(v: VimValue | undefined): { type: string; id: string }[] {
  if (!v) return [];
  if (v.k === 'ref') return [v];
  if (v.k === 'array') return v.items.flatMap((i) => refsIn(i));
  if (v.k === 'any') return refsIn(v.value);
  return [];
}

export async function readPath(obj: ManagedObject, path: string): Promise<VimValue | undefined> {
  const steps = path.split('.');
  const top = await obj.get(steps[0]);
  return steps.length === 1 ? top : valueAtPath(top, steps.slice(1));
}

export interface Selected { objects: ManagedObject[]; missing: MoRefArg[] }

export async function selectObjects(spec: FilterSpec, resolver: ObjectResolver, limit = 1_000_000): Promise<Selected> {
  const names = namedTraversals(spec);
  const out = new Map<string, ManagedObject>();
  const missing: MoRefArg[] = [];
  const visited = new Set<string>();

  const visit = async (obj: ManagedObject, selectSet: Selection[], skip: boolean): Promise<void> => {
    const key = `${obj.type}:${obj.id}`;
    if (!skip && !out.has(key)) {
      if (out.size >= limit) throw new VimFault('InvalidArgument', 'the filter selects too many objects', {});
      out.set(key, obj);
    }
    for (const sel of selectSet) {
      const ts = 'traversal' in sel ? sel.traversal : names.get(sel.ref);
      if (!ts) throw invalidArgument(`no TraversalSpec named "${'ref' in sel ? sel.ref : ''}"`, 'selectSet');
      if (!isA(obj.type, ts.type)) continue;
      const vkey = `${key}|${ts.name ?? ''}|${ts.type}.${ts.path}`;
      if (visited.has(vkey)) continue;
      visited.add(vkey);
      for (const r of refsIn(await readPath(obj, ts.path))) {
        const target = await resolver.resolve(r.type, r.id);
        if (target) await visit(target, ts.selectSet, ts.skip);
      }
    }
  };

  for (const o of spec.objectSet) {
    const obj = await resolver.resolve(o.obj.type, o.obj.id);
    if (!obj) {
      if (spec.reportMissingObjectsInResults) { missing.push(o.obj); continue; }
      throw managedObjectNotFound(o.obj.type, o.obj.id);
    }
    await visit(obj, o.selectSet, o.skip);
  }
  return { objects: [...out.values()], missing };
}

/** vSphere properties the lab does not serve: reading them answers "unset" rather than InvalidProperty. */
const UNSERVED = new Set([
  'layout', 'storage', 'capability', 'environmentBrowser', 'resourceConfig', 'fileLayout', 'fileLayoutEx',
  'parentVApp', 'configManager', 'systemResources', 'licensableResource', 'runtimeInfo', 'configIssue', 'environmentBrowser',
  'rootSnapshot', 'iormConfiguration', 'browser', 'capabilities', 'actionHistory', 'migrationHistory', 'recommendation',
  'drsFault', 'drsRecommendation', 'configurationEx', 'summaryEx', 'childConfiguration', 'namespace', 'precheckRemediationResult',
  'remediationResult', 'complianceCheckResult', 'complianceCheckState', 'datastoreBrowser', 'configStatus',
]);

export function pathsFor(obj: ManagedObject, specs: PropertySpec[]): string[] {
  const paths = new Set<string>();
  for (const ps of specs) {
    if (!isA(obj.type, ps.type)) continue;
    if (ps.all) for (const n of obj.propertyNames()) paths.add(n);
    for (const p of ps.pathSet) {
      const top = p.split('.')[0];
      if (!obj.propertyNames().includes(top) && !UNSERVED.has(top)) throw invalidProperty(p);
      paths.add(p);
    }
  }
  return [...paths];
}

/** Each path's value written as `<val …>…</val>` ('' when unset), from the cache when the object's revision allows. */
export async function readPropertyTexts(obj: ManagedObject, paths: string[], cache?: PropertyTextCache): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const p of paths) {
    const key = cache && obj.revision !== undefined ? `${obj.type}:${obj.id}|${p}|${obj.revision}` : undefined;
    let t = key ? cache!.get(key) : undefined;
    if (t === undefined) {
      t = valText(await readPath(obj, p));
      if (key) cache!.set(key, t);
    }
    texts.set(p, t);
  }
  return texts;
}

/** ObjectContent, written at once (a listing of thousands of objects never holds their value trees). */
export function objectContent(obj: { type: string; id: string }, texts: Map<string, string>): VimValue {
  let body = `<obj type="${escapeAttr(obj.type)}">${escapeText(obj.id)}</obj>`;
  for (const [name, t] of texts) if (t !== '') body += `<propSet><name>${escapeText(name)}</name>${t}</propSet>`;
  return xmlData('ObjectContent', body);
}

export function missingObjectContent(r: MoRefArg): VimValue {
  return data('ObjectContent', {
    obj: ref(r.type, r.id),
    missingSet: [data('MissingProperty', {
      path: str(''),
      fault: data('LocalizedMethodFault', { fault: managedObjectNotFound(r.type, r.id).toData(), localizedMessage: str('') }),
    })],
  });
}

/** RetrieveProperties: every object the specs select, with their properties. */
export async function retrieve(specs: FilterSpec[], resolver: ObjectResolver): Promise<VimValue[]> {
  const out: VimValue[] = [];
  for (const spec of specs) {
    const { objects, missing } = await selectObjects(spec, resolver);
    for (const obj of objects) {
      const paths = pathsFor(obj, spec.propSet);
      if (paths.length === 0 && !spec.propSet.some((ps) => isA(obj.type, ps.type))) continue;
      out.push(objectContent(obj, await readPropertyTexts(obj, paths, resolver.textCache)));
    }
    for (const m of missing) out.push(missingObjectContent(m));
  }
  return out;
}
