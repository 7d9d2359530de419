/**
 * timeline — a scenario's timed actions (power on at t, snapshot at t, enter maintenance at t…), run
 * through the same commands a user sends, so they are validated, become Tasks and log Events.
 *
 * - `Timeline.fromScenario(lab, scenario)` resolves names to ids (throws `ScenarioProblem` naming
 *   `scenario.actions[i].vm` etc. for unknown targets or missing fields); `nextAtMs()`; `runDue(lab, t)`.
 * - `save()` / `Timeline.restore(state)`.
 *
 * Rules: actions run in `at` order (ties in file order) at the lockstep barrier of their time; an action
 * the engine refuses (e.g. powering on a VM that is already on) is logged as a warning event and the run
 * goes on — a lab is a story, not a transaction.
 */
import type { Lab } from '../lab/lab';
import type { Scenario, ScenarioAction, ActionKind } from './scenarioSchema';
import { durationMs } from './scenarioSchema';
import { ScenarioProblem } from '../cluster/model';
import { dispatch } from '../api/dispatcher';
import { API_VERSION } from '@shared/api/channels';

export interface TimedCommand {
  atMs: number;
  /** Index in scenario.actions, for messages. */
  index: number;
  kind: ActionKind;
  /** The resolved target ids (VMs or one host). */
  targets: string[];
  snapshot?: string;
  description?: string;
  memory?: boolean;
  changes?: Record<string, unknown>;
}

const VM_ACTIONS: ActionKind[] = [
  'powerOn', 'powerOff', 'suspend', 'reset', 'shutdownGuest', 'rebootGuest', 'snapshot', 'revert', 'removeSnapshot',
  'removeAllSnapshots', 'reconfigure',
];

export class Timeline {
  private next = 0;

  constructor(readonly commands: TimedCommand[]) {}

  static fromScenario(lab: Lab, scenario: Scenario): Timeline {
    const out: TimedCommand[] = [];
    (scenario.actions ?? []).forEach((a, index) => out.push(resolve(lab, a, index)));
    out.sort((x, y) => x.atMs - y.atMs || x.index - y.index);
    return new Timeline(out);
  }

  nextAtMs(): number | undefined {
    return this.commands[this.next]?.atMs;
  }

  runDue(lab: Lab, nowMs: number): void {
    while (this.next < this.commands.length && this.commands[this.next].atMs <= nowMs) {
      const c = this.commands[this.next++];
      for (const target of c.targets) run(lab, c, target);
    }
  }

  save(): { next: number; commands: TimedCommand[] } {
    return { next: this.next, commands: this.commands };
  }

  static restore(state: { next: number; commands: TimedCommand[] }): Timeline {
    const t = new Timeline(state.commands);
    t.next = state.next;
    return t;
  }
}

function resolve(lab: Lab, a: ScenarioAction, index: number): TimedCommand {
  const path = `scenario.actions[${index}]`;
  const c: TimedCommand = { atMs: durationMs(a.at), index, kind: a.do, targets: [] };
  if (VM_ACTIONS.includes(a.do)) {
    const names = a.vms ?? (a.vm ? [a.vm] : []);
    if (!names.length) throw new ScenarioProblem(`${path}.vm`, `action "${a.do}" needs a vm (or vms)`);
    names.forEach((n, i) => {
      const vm = lab.reg.vmByName(n);
      if (!vm) throw new ScenarioProblem(a.vms ? `${path}.vms[${i}]` : `${path}.vm`, `no VM named "${n}"`);
      c.targets.push(vm.id);
    });
  } else {
    if (!a.host) throw new ScenarioProblem(`${path}.host`, `action "${a.do}" needs a host`);
    const host = lab.reg.hostByName(a.host);
    if (!host) throw new ScenarioProblem(`${path}.host`, `no host named "${a.host}"`);
    c.targets.push(host.id);
  }
  if ((a.do === 'snapshot' || a.do === 'revert' || a.do === 'removeSnapshot') && !a.snapshot) {
    throw new ScenarioProblem(`${path}.snapshot`, `action "${a.do}" needs a snapshot name`);
  }
  if (a.do === 'reconfigure' && !a.changes) throw new ScenarioProblem(`${path}.changes`, 'action "reconfigure" needs changes');
  if (a.snapshot !== undefined) c.snapshot = a.snapshot;
  if (a.description !== undefined) c.description = a.description;
  if (a.memory !== undefined) c.memory = a.memory;
  if (a.changes !== undefined) c.changes = a.changes as Record<string, unknown>;
  return c;
}

function run(lab: Lab, c: TimedCommand, target: string): void {
  let name: string;
  let params: Record<string, unknown> = { vmId: target };
  const snapshotId = (): string | undefined => {
    const node = lab.runtimes.get(target as `vm-${number}`)?.snapshots.byName(c.snapshot ?? '');
    return node?.id;
  };
  switch (c.kind) {
    case 'snapshot':
      name = 'vm.snapshot.create';
      params = { vmId: target, name: c.snapshot, ...(c.description !== undefined ? { description: c.description } : {}), ...(c.memory !== undefined ? { memory: c.memory } : {}) };
      break;
    case 'revert': case 'removeSnapshot': {
      name = c.kind === 'revert' ? 'vm.snapshot.revert' : 'vm.snapshot.remove';
      const id = snapshotId();
      if (!id) { warn(lab, c, target, `no snapshot named "${c.snapshot}"`); return; }
      params = { vmId: target, snapshotId: id };
      break;
    }
    case 'removeAllSnapshots': name = 'vm.snapshot.removeAll'; break;
    case 'reconfigure': name = 'vm.reconfigure'; params = { vmId: target, changes: c.changes }; break;
    case 'enterMaintenance': name = 'host.enterMaintenance'; params = { hostId: target }; break;
    case 'exitMaintenance': name = 'host.exitMaintenance'; params = { hostId: target }; break;
    default: name = `vm.${c.kind}`;
  }
  const reply = dispatch(lab, { v: API_VERSION, id: 0, kind: 'command', name, params }, 'scenario');
  if (!reply.ok) warn(lab, c, target, reply.error.message);
}

function warn(lab: Lab, c: TimedCommand, target: string, message: string): void {
  const entity = lab.reg.vms.get(target as `vm-${number}`) ?? lab.reg.hosts.get(target as `host-${number}`);
  lab.events.log(lab.clock.nowMs, 'warning', 'ScenarioActionFailedEvent',
    `Scenario action ${c.index} (${c.kind} at ${c.atMs / 1000} s) on ${entity?.name ?? target} was refused: ${message}`,
    entity ? { id: entity.id, name: entity.name } : undefined);
}
