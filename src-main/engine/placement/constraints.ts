/**
 * Placement constraints, as BtrPlace names them (Hermenier et al., "BtrPlace: a flexible consolidation
 * manager for highly available applications", 2013), beside capacity:
 *
 * - `spread(items)`   — the items run on pairwise distinct hosts (anti-affinity, VM–VM).
 * - `gather(items)`   — the items run on one and the same host (affinity, VM–VM).
 * - `ban(items, bins)`   — the items never run on those hosts (anti-affinity, VM–host).
 * - `fence(items, bins)` — the items run only on those hosts (affinity, VM–host).
 * - `among(items, groups)` — the items all run inside one of the groups of hosts (e.g. one rack).
 * - `maxVms(max, bins?)` — at most `max` VMs on each of those hosts (all hosts when `bins` is absent).
 * - host state (`PlacementBin.state`): a host in maintenance or off takes no VM — named `offline(host)`.
 * - `PlacementItem.running`: `keep` (must be placed) or `maySuspend` — named `running(vm)`.
 *
 * Semantics for a suspended item (left off): constraints speak of running VMs only, so a suspended
 * item satisfies all of them (BtrPlace's "running VMs" reading). Groups of `among` must be disjoint.
 *
 * - `constraintLabel(problem, index)` → the name used in explanations and violations, e.g.
 *   `spread#1(web1, web2)`; a constraint's own `name` is used when it has one.
 */
import type { PlacementProblem } from './problem';

interface Named { /** Shown in explanations instead of the generated label. */ name?: string }

export type PlacementConstraint =
  | (Named & { kind: 'spread'; items: string[] })
  | (Named & { kind: 'gather'; items: string[] })
  | (Named & { kind: 'ban'; items: string[]; bins: string[] })
  | (Named & { kind: 'fence'; items: string[]; bins: string[] })
  | (Named & { kind: 'among'; items: string[]; groups: string[][] })
  | (Named & { kind: 'maxVms'; max: number; bins?: string[] });

export type ConstraintKind = PlacementConstraint['kind'];
export const CONSTRAINT_KINDS: readonly ConstraintKind[] = ['spread', 'gather', 'ban', 'fence', 'among', 'maxVms'];

function shortList(ids: string[], max = 4): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')}, … (${ids.length})`;
}

/** Display name of constraint number `index` of a problem (1-based in the label, like a line number). */
export function constraintLabel(problem: PlacementProblem, index: number): string {
  const c = problem.constraints[index];
  if (c.name) return c.name;
  const n = index + 1;
  switch (c.kind) {
    case 'spread': case 'gather': return `${c.kind}#${n}(${shortList(c.items)})`;
    case 'ban': case 'fence': return `${c.kind}#${n}(${shortList(c.items, 3)} | ${shortList(c.bins, 3)})`;
    case 'among': return `among#${n}(${shortList(c.items, 3)} | ${c.groups.length} groups)`;
    case 'maxVms': return `maxVms#${n}(${c.max}${c.bins ? ` on ${shortList(c.bins, 3)}` : ''})`;
  }
}

/** Names of the implicit rules, so explanations can cite them like constraints. */
export const capacityLabel = (dimension: string): string => `capacity(${dimension})`;
export const offlineLabel = (binId: string): string => `offline(${binId})`;
export const runningLabel = (itemId: string): string => `running(${itemId})`;

/** A mistake in the among groups (overlap), found before solving; null when fine. */
export function amongGroupsOverlap(c: Extract<PlacementConstraint, { kind: 'among' }>): string | null {
  const seen = new Map<string, number>();
  for (let g = 0; g < c.groups.length; g++) {
    for (const b of c.groups[g]) {
      const prev = seen.get(b);
      if (prev !== undefined && prev !== g) return `bin "${b}" is in groups ${prev} and ${g}: among groups must be disjoint`;
      seen.set(b, g);
    }
  }
  return null;
}
