/**
 * The independent plan checker: does a reconfiguration plan go from the current placement to the
 * target without ever over-committing a host? Written from the rules alone (it shares no bookkeeping
 * with `plan.ts`): it replays the actions as events in time order — at one instant, ends before
 * starts — and checks at every event.
 *
 * - `checkPlan(input, plan)` → `Violation[]` (empty when valid).
 *
 * Checked: each action starts where its VM is at that instant (its host, or suspended for a resume) and
 * its VM is not already in an action; a migration or resume reserves its destination at its start and
 * the destination's load stays within capacity in every dimension (a host over capacity at the start
 * may not get heavier than it was); the source is freed at the end; at most `maxConcurrentPerHost`
 * actions touch a host at once; at the end every VM is where the target puts it; the plan's duration is
 * its last end.
 */
import type { Violation } from './checker';
import type { PlanInput, ReconfigurationPlan } from './plan';

const EPS = 1e-9;

export function checkPlan(input: PlanInput, plan: ReconfigurationPlan): Violation[] {
  const out: Violation[] = [];
  const { problem } = input;
  const D = problem.dimensions.length;
  const where = [...input.from.binOf];
  const load = problem.bins.map(() => new Array<number>(D).fill(0));
  where.forEach((j, i) => { if (j >= 0) for (let k = 0; k < D; k++) load[j][k] += problem.items[i].demand[k]; });
  const startLoad = load.map((l) => [...l]);
  const touching = new Array<number>(problem.bins.length).fill(0);
  const moving = new Set<number>();
  type Ev = { t: number; end: boolean; a: number };
  const evs: Ev[] = [];
  plan.actions.forEach((a, n) => {
    if (!(a.endMs >= a.startMs)) out.push({ rule: 'plan', message: `action ${n} ends before it starts` });
    evs.push({ t: a.startMs, end: false, a: n }, { t: a.endMs, end: true, a: n });
  });
  evs.sort((x, y) => x.t - y.t || Number(y.end) - Number(x.end) || x.a - y.a);
  const name = (j: number) => (j >= 0 ? problem.bins[j].id : 'no host');
  for (const ev of evs) {
    const a = plan.actions[ev.a];
    const vm = problem.items[a.item];
    if (!ev.end) {
      if (moving.has(a.item)) out.push({ rule: 'plan', message: `${vm.id} is in two actions at ${ev.t} ms` });
      if (where[a.item] !== a.from) out.push({ rule: 'plan', message: `${vm.id} leaves ${name(a.from)} at ${ev.t} ms but is on ${name(where[a.item])}` });
      if ((a.kind === 'migrate') !== (a.from >= 0 && a.to >= 0) || (a.kind === 'suspend') !== (a.to < 0) || (a.kind === 'resume') !== (a.from < 0)) {
        out.push({ rule: 'plan', message: `${vm.id}: a ${a.kind} from ${name(a.from)} to ${name(a.to)}` });
      }
      moving.add(a.item);
      for (const j of [a.from, a.to]) {
        if (j < 0) continue;
        touching[j]++;
        if (touching[j] > input.maxConcurrentPerHost) out.push({ rule: 'concurrency', message: `${touching[j]} actions touch ${name(j)} at ${ev.t} ms (limit ${input.maxConcurrentPerHost})` });
      }
      if (a.to >= 0) {
        const bin = problem.bins[a.to];
        if ((bin.state ?? 'on') !== 'on') out.push({ rule: 'plan', message: `${vm.id} goes to ${bin.id}, which is ${bin.state}` });
        for (let k = 0; k < D; k++) {
          load[a.to][k] += vm.demand[k];
          const ceiling = Math.max(bin.capacity[k], startLoad[a.to][k]);
          if (load[a.to][k] > ceiling * (1 + EPS) + EPS) {
            out.push({ rule: `capacity(${problem.dimensions[k]})`, message: `${bin.id} holds ${load[a.to][k]} > ${ceiling} at ${ev.t} ms when ${vm.id} starts arriving` });
          }
        }
      }
    } else {
      moving.delete(a.item);
      for (const j of [a.from, a.to]) if (j >= 0) touching[j]--;
      if (a.from >= 0) for (let k = 0; k < D; k++) load[a.from][k] -= vm.demand[k];
      where[a.item] = a.to;
    }
  }
  where.forEach((j, i) => {
    if (j !== input.to.binOf[i]) out.push({ rule: 'target', message: `${problem.items[i].id} ends on ${name(j)}, the target is ${name(input.to.binOf[i])}` });
  });
  const last = plan.actions.reduce((m, a) => Math.max(m, a.endMs), 0);
  if (plan.durationMs !== last) out.push({ rule: 'plan', message: `duration ${plan.durationMs} ms, last action ends at ${last} ms` });
  return out;
}
