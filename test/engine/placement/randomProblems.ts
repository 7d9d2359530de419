// Seeded random placement problems for the property tests: one or two dimensions, identical or mixed
// hosts, hosts in maintenance or off, VMs that may be suspended, and every BtrPlace constraint kind.
import { Rng } from '../../../src-main/engine/sim/rng';
import type { PlacementConstraint, PlacementProblem } from '../../../src-main/engine/placement/index';

export interface RandomShape { maxItems: number; maxBins: number; constraints: boolean; maySuspend: boolean; dims?: 1 | 2 }

export function randomProblem(seed: number, shape: RandomShape): PlacementProblem {
  const rng = new Rng(seed);
  const D = shape.dims ?? (1 + rng.int(2));
  const n = 1 + rng.int(shape.maxItems);
  const m = 1 + rng.int(shape.maxBins);
  const identical = rng.float() < 0.5;
  const base = Array.from({ length: D }, () => 50 + rng.int(100));
  const bins = Array.from({ length: m }, (_, j) => ({
    id: `h${j}`,
    capacity: identical ? base.slice() : base.map((c) => Math.max(1, Math.round(c * (0.5 + rng.float())))),
    state: rng.float() < 0.1 ? (rng.float() < 0.5 ? 'maintenance' as const : 'off' as const) : 'on' as const,
  }));
  const items = Array.from({ length: n }, (_, i) => ({
    id: `v${i}`,
    demand: base.map((c) => rng.int(Math.max(1, Math.round(c * 0.6)))),
    running: shape.maySuspend && rng.float() < 0.2 ? 'maySuspend' as const : 'keep' as const,
  }));
  const constraints: PlacementConstraint[] = [];
  if (shape.constraints) {
    const pickItems = (k: number) => [...new Set(Array.from({ length: k }, () => items[rng.int(n)].id))];
    const pickBins = (k: number) => [...new Set(Array.from({ length: k }, () => bins[rng.int(m)].id))];
    const count = rng.int(4);
    for (let c = 0; c < count; c++) {
      switch (rng.int(6)) {
        case 0: constraints.push({ kind: 'spread', items: pickItems(2 + rng.int(2)) }); break;
        case 1: constraints.push({ kind: 'gather', items: pickItems(2) }); break;
        case 2: constraints.push({ kind: 'ban', items: pickItems(1 + rng.int(2)), bins: pickBins(1 + rng.int(2)) }); break;
        case 3: constraints.push({ kind: 'fence', items: pickItems(1 + rng.int(2)), bins: pickBins(1 + rng.int(m)) }); break;
        case 4: {
          const half = Math.max(1, Math.floor(m / 2));
          const groups = [bins.slice(0, half).map((b) => b.id), bins.slice(half).map((b) => b.id)].filter((g) => g.length);
          constraints.push({ kind: 'among', items: pickItems(2), groups });
          break;
        }
        default: constraints.push({ kind: 'maxVms', max: 1 + rng.int(4), ...(rng.float() < 0.5 ? { bins: pickBins(2) } : {}) });
      }
    }
  }
  return { dimensions: D === 1 ? ['cpu'] : ['cpu', 'mem'], items, bins, constraints };
}
