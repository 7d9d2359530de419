/**
 * The independent checker: does a placement satisfy the problem? Written from the definitions alone
 * (loads summed from scratch, each constraint read as stated), sharing no code with the heuristics'
 * incremental bookkeeping (`packingState.ts`) nor with the exact models, so a mistake in either is
 * caught here. Every solution the engine returns is checked with it in tests.
 *
 * - `checkPlacement(problem, placement)` → `Violation[]` (empty when valid). Each violation names the
 *   rule (`capacity(cpuMhz)`, `spread#2(…)`, `running(vm-3)`, `offline(host-2)`, `placement`) and says
 *   what is wrong in words.
 *
 * Checked: every item appears exactly once (one entry per item, a bin index that exists, or −1 only for
 * an item that may be suspended); loads ≤ capacity in every dimension (with the same tiny relative
 * tolerance as measured quantities get everywhere); no VM on a host in maintenance or off; every side
 * constraint, on the running (placed) items.
 */
import type { Placement, PlacementProblem } from './problem';
import { capacityLabel, constraintLabel, offlineLabel, runningLabel } from './constraints';

export interface Violation {
  rule: string;
  message: string;
}

const EPS = 1e-9;

export function checkPlacement(problem: PlacementProblem, placement: Placement): Violation[] {
  const out: Violation[] = [];
  const { items, bins, dimensions } = problem;
  if (placement.binOf.length !== items.length) {
    out.push({ rule: 'placement', message: `${placement.binOf.length} entries for ${items.length} items` });
    return out;
  }
  const hostOf = new Map<string, string | null>();
  for (let i = 0; i < items.length; i++) {
    const b = placement.binOf[i];
    if (!Number.isInteger(b) || b < -1 || b >= bins.length) {
      out.push({ rule: 'placement', message: `${items[i].id}: bin index ${b} does not exist` });
      hostOf.set(items[i].id, null);
      continue;
    }
    if (b === -1 && items[i].running !== 'maySuspend') out.push({ rule: runningLabel(items[i].id), message: `${items[i].id} must keep running but is not placed` });
    hostOf.set(items[i].id, b === -1 ? null : bins[b].id);
  }
  // Capacity, host state: loads from scratch.
  bins.forEach((bin, j) => {
    const onIt = items.filter((_, i) => placement.binOf[i] === j);
    if (onIt.length && (bin.state ?? 'on') !== 'on') out.push({ rule: offlineLabel(bin.id), message: `${bin.id} is ${bin.state} but holds ${onIt.map((x) => x.id).join(', ')}` });
    dimensions.forEach((dim, k) => {
      const load = onIt.reduce((s, it) => s + it.demand[k], 0);
      if (load > bin.capacity[k] * (1 + EPS) + EPS) out.push({ rule: capacityLabel(dim), message: `${bin.id}: ${dim} load ${load} exceeds capacity ${bin.capacity[k]}` });
    });
  });
  problem.constraints.forEach((c, ci) => {
    const rule = constraintLabel(problem, ci);
    const running = 'items' in c ? c.items.filter((id) => hostOf.get(id)) : [];
    switch (c.kind) {
      case 'spread': {
        const seen = new Map<string, string>();
        for (const id of running) {
          const h = hostOf.get(id)!;
          if (seen.has(h)) out.push({ rule, message: `${seen.get(h)} and ${id} share ${h}` });
          else seen.set(h, id);
        }
        break;
      }
      case 'gather': {
        const hosts = new Set(running.map((id) => hostOf.get(id)!));
        if (hosts.size > 1) out.push({ rule, message: `the VMs run on ${hosts.size} hosts (${[...hosts].join(', ')})` });
        break;
      }
      case 'ban':
        for (const id of running) if (c.bins.includes(hostOf.get(id)!)) out.push({ rule, message: `${id} runs on banned ${hostOf.get(id)}` });
        break;
      case 'fence':
        for (const id of running) if (!c.bins.includes(hostOf.get(id)!)) out.push({ rule, message: `${id} runs on ${hostOf.get(id)}, outside its fence` });
        break;
      case 'among': {
        const groups = new Set<number>();
        for (const id of running) {
          const g = c.groups.findIndex((grp) => grp.includes(hostOf.get(id)!));
          if (g < 0) out.push({ rule, message: `${id} runs on ${hostOf.get(id)}, in none of the groups` });
          else groups.add(g);
        }
        if (groups.size > 1) out.push({ rule, message: `the VMs use ${groups.size} groups` });
        break;
      }
      case 'maxVms':
        bins.forEach((bin, j) => {
          if (c.bins && !c.bins.includes(bin.id)) return;
          const n = placement.binOf.filter((b) => b === j).length;
          if (n > c.max) out.push({ rule, message: `${bin.id} holds ${n} VMs, more than ${c.max}` });
        });
        break;
    }
  });
  return out;
}
