/**
 * WaitForUpdates / WaitForUpdatesEx / CheckForUpdates: versioned change reports for a collector's filters.
 *
 * - `collectUpdates(collector, filters, resolver, maxObjects)` → PropertyFilterUpdate[] since what each
 *   filter last reported (first call: every object `enter`s with all its paths), updating the filters'
 *   reported state.
 * - `waitForUpdates(opts)`: returns at once if anything changed since `version`; otherwise waits for a
 *   change signal (the mirror's change feed) or the timeout, re-checking on each signal.
 *
 * Change detection: an object whose `revision` is unchanged is skipped; otherwise its paths are re-read
 * and compared by canonical value text, so only real changes are reported (`modify` with `assign` /
 * `remove`); objects that leave the selection are reported `leave`. Today the change signal is "some
 * entity / task changed"; a property-level feed would narrow the paths re-read here without changing
 * this contract.
 */
import type { VimValue } from './vimValues';
import { bool, data, ref, str, xmlData } from './vimValues';
import type { ObjectResolver } from './propertyCollector';
import { pathsFor, readPropertyTexts, selectObjects } from './propertyCollector';
import { escapeText } from './xmlWriter';
import type { CollectorState, FilterState, ReportedObject } from './sessionObjects';

/** PropertyChange from a written value ('' = the property became unset). */
function change(name: string, valText: string): VimValue {
  return xmlData('PropertyChange', `<name>${escapeText(name)}</name><op>${valText === '' ? 'remove' : 'assign'}</op>${valText}`);
}

const objectUpdate = (kind: string, type: string, id: string, changes: VimValue[]) =>
  data('ObjectUpdate', { kind: { k: 'enum', type: 'ObjectUpdateKind', value: kind }, obj: ref(type, id), changeSet: changes.length ? changes : undefined });

async function filterUpdate(f: FilterState, resolver: ObjectResolver, budget: { left: number }): Promise<VimValue | undefined> {
  const reported = f.reported ?? new Map<string, ReportedObject>();
  const { objects } = await selectObjects(f.spec, resolver);
  const seen = new Set<string>();
  const updates: VimValue[] = [];
  for (const obj of objects) {
    const key = `${obj.type}:${obj.id}`;
    seen.add(key);
    const prev = reported.get(key);
    if (prev && prev.revision !== undefined && prev.revision === obj.revision) continue;
    if (budget.left <= 0) continue;
    const paths = pathsFor(obj, f.spec.propSet);
    if (!prev && paths.length === 0 && !f.spec.propSet.length) continue;
    const values = await readPropertyTexts(obj, paths, resolver.textCache);
    const changes: VimValue[] = [];
    for (const [path, t] of values) {
      if (!prev) { if (t !== '') changes.push(change(path, t)); continue; }
      if ((prev.values.get(path) ?? '') !== t) changes.push(change(path, t));
    }
    reported.set(key, { type: obj.type, id: obj.id, revision: obj.revision, values });
    if (!prev) updates.push(objectUpdate('enter', obj.type, obj.id, changes));
    else if (changes.length) updates.push(objectUpdate('modify', obj.type, obj.id, changes));
    else continue;
    budget.left--;
  }
  for (const [key, r] of [...reported]) {
    if (seen.has(key)) continue;
    reported.delete(key);
    updates.push(objectUpdate('leave', r.type, r.id, []));
  }
  f.reported = reported;
  if (!updates.length) return undefined;
  return data('PropertyFilterUpdate', { filter: ref('PropertyFilter', f.id), objectSet: updates });
}

export async function collectUpdates(filters: FilterState[], resolver: ObjectResolver, maxObjects = Infinity): Promise<{ updates: VimValue[]; truncated: boolean }> {
  const budget = { left: maxObjects };
  const updates: VimValue[] = [];
  for (const f of filters) {
    const u = await filterUpdate(f, resolver, budget);
    if (u) updates.push(u);
  }
  return { updates, truncated: budget.left <= 0 };
}

export interface WaitOptions {
  collector: CollectorState;
  filters: () => FilterState[];
  /** A fresh resolver (current inventory) for each check. */
  resolver: () => Promise<ObjectResolver>;
  /** undefined = wait until something changes. 0 = just check. */
  maxWaitMs?: number;
  maxObjects?: number;
}

/** Returns an UpdateSet, or undefined when the wait timed out (or was cancelled) with nothing to report. */
export async function waitForUpdates(o: WaitOptions): Promise<VimValue | undefined> {
  const deadline = o.maxWaitMs === undefined ? Infinity : Date.now() + o.maxWaitMs;
  for (;;) {
    // Subscribe before checking, so a change during the check is not lost.
    let wake: (reason: 'change' | 'cancel' | 'end') => void = () => {};
    const signal = new Promise<'change' | 'cancel' | 'end' | 'timeout'>((resolve) => { wake = resolve; });
    o.collector.waiters.add(wake);
    try {
      const { updates, truncated } = await collectUpdates(o.filters(), await o.resolver(), o.maxObjects);
      if (updates.length) {
        o.collector.version++;
        return data('UpdateSet', { version: str(String(o.collector.version)), filterSet: updates, truncated: truncated ? bool(true) : undefined });
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      let timer: NodeJS.Timeout | undefined;
      const reason = await Promise.race([signal, new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), Math.min(left, 2 ** 31 - 1)); })]);
      clearTimeout(timer);
      if (reason === 'timeout' || reason === 'cancel' || reason === 'end') {
        if (reason === 'cancel') throw new CancelledWait();
        if (reason === 'end') return undefined;
        // One last check: a change may have arrived just at the deadline.
        continue;
      }
    } finally {
      o.collector.waiters.delete(wake);
    }
  }
}

export class CancelledWait extends Error {}
