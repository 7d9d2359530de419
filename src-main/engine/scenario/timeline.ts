/**
 * timeline — a scenario's timed actions (power on at t, snapshot at t, enter maintenance at t…), run
 * through the same commands a user sends, so they are validated, become Tasks and log Events.
 *
 * - `Timeline.fromScenario(env, scenario)` resolves names to ids (throws `ScenarioProblem` naming
 *   `scenario.actions[i].vm` etc. for unknown targets or missing fields).
 * - A barrier service ('timeline', `sim/barrier.ts`): `nextDueMs()` is the next action's time,
 *   `atBarrier(t)` runs the actions due; `save()` / `restore(state)`.
 * - `TimelineEnv`: what it reads (inventory, snapshot names, the clock), where it logs refusals, and
 *   `runCommand` — the command runner injected by whoever builds the lab (the engine's door passes its
 *   dispatcher), so this folder never depends on the API layer. Without a runner, due actions are
 *   logged as refused.
 *
 * Rules: actions run in `at` order (ties in file order) at the lockstep barrier of their time, with the
 * initiator `scenario`; an action the engine refuses (e.g. powering on a VM that is already on) is logged
 * as a warning event and the run goes on — a lab is a story, not a transaction.
 */
import type { ApiError } from '@shared/api/errors';
import type { VmId } from '@shared/model/ids';
import type { Registry } from '../cluster/index';
import type { EventLog } from '../cluster/index';
import type { SnapshotTree } from '../snapshot/index';
import type { BarrierService } from '../sim/index';
import type { Scenario, ScenarioAction, ActionKind } from './scenarioSchema';
import { durationMs } from './scenarioSchema';
import { ScenarioProblem } from '../cluster/index';

/** Runs one contract command on the lab as `initiator`; the result only says whether it was accepted. */
export type CommandRunner = (name: string, params: Record<string, unknown>, initiator: string) => { ok: true } | { ok: false; error: ApiError };

export interface TimelineEnv {
  readonly reg: Registry;
  readonly events: EventLog;
  nowMs(): number;
  snapshotsOf(vmId: VmId): SnapshotTree | undefined;
  readonly runCommand: CommandRunner | undefined;
}

export interface TimelineState { next: number; commands: TimedCommand[] }

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
  fault?: string;
  /** migrate: the destination host's id and the technique options. */
  to?: string;
  options?: Record<string, unknown>;
}

const VM_ACTIONS: ActionKind[] = [
  'powerOn', 'powerOff', 'suspend', 'reset', 'shutdownGuest', 'rebootGuest', 'snapshot', 'revert', 'removeSnapshot',
  'removeAllSnapshots', 'reconfigure', 'migrate',
];

export class Timeline implements BarrierService<TimelineState> {
  readonly name = 'timeline';
  private next = 0;

  constructor(private readonly env: TimelineEnv, private commands: TimedCommand[]) {}

  static fromScenario(env: TimelineEnv, scenario: Scenario): Timeline {
    const out: TimedCommand[] = [];
    (scenario.actions ?? []).forEach((a, index) => out.push(resolve(env.reg, a, index)));
    out.sort((x, y) => x.atMs - y.atMs || x.index - y.index);
    return new Timeline(env, out);
  }

  nextDueMs(): number | undefined {
    return this.commands[this.next]?.atMs;
  }

  quietUntilMs(): number {
    return this.nextDueMs() ?? Infinity;
  }

  atBarrier(nowMs: number): void {
    while (this.next < this.commands.length && this.commands[this.next].atMs <= nowMs) {
      const c = this.commands[this.next++];
      for (const target of c.targets) run(this.env, c, target);
    }
  }

  save(): TimelineState {
    return { next: this.next, commands: this.commands };
  }

  restore(state: TimelineState): void {
    this.commands = state.commands;
    this.next = state.next;
  }
}

function resolve(reg: Registry, a: ScenarioAction, index: number): TimedCommand {
  const path = `scenario.actions[${index}]`;
  const c: TimedCommand = { atMs: durationMs(a.at), index, kind: a.do, targets: [] };
  if (VM_ACTIONS.includes(a.do)) {
    const names = a.vms ?? (a.vm ? [a.vm] : []);
    if (!names.length) throw new ScenarioProblem(`${path}.vm`, `action "${a.do}" needs a vm (or vms)`);
    names.forEach((n, i) => {
      const vm = reg.vmByName(n);
      if (!vm) throw new ScenarioProblem(a.vms ? `${path}.vms[${i}]` : `${path}.vm`, `no VM named "${n}"`);
      c.targets.push(vm.id);
    });
  } else if (a.do === 'injectFault' || a.do === 'repairFault') {
    if (!a.fault) throw new ScenarioProblem(`${path}.fault`, `action "${a.do}" needs a fault (hostCrash, hostIsolation, vmCrash or datastoreInaccessible)`);
    c.fault = a.fault;
    if (a.fault === 'vmCrash') {
      const vm = a.vm ? reg.vmByName(a.vm) : undefined;
      if (!vm) throw new ScenarioProblem(`${path}.vm`, a.vm ? `no VM named "${a.vm}"` : 'a vmCrash needs a vm');
      c.targets.push(vm.id);
    } else if (a.fault === 'datastoreInaccessible') {
      const ds = [...reg.datastores.values()].find((x) => x.name === a.datastore);
      if (!ds) throw new ScenarioProblem(`${path}.datastore`, a.datastore ? `no datastore named "${a.datastore}"` : 'a datastoreInaccessible fault needs a datastore');
      c.targets.push(ds.id);
    } else {
      const host = a.host ? reg.hostByName(a.host) : undefined;
      if (!host) throw new ScenarioProblem(`${path}.host`, a.host ? `no host named "${a.host}"` : `a ${a.fault} needs a host`);
      c.targets.push(host.id);
    }
  } else if (a.do === 'runDrs') {
    const cl = [...reg.clusters.values()].find((x) => x.name === a.cluster);
    if (!cl) throw new ScenarioProblem(`${path}.cluster`, a.cluster ? `no cluster named "${a.cluster}"` : 'action "runDrs" needs a cluster');
    c.targets.push(cl.id);
  } else {
    if (!a.host) throw new ScenarioProblem(`${path}.host`, `action "${a.do}" needs a host`);
    const host = reg.hostByName(a.host);
    if (!host) throw new ScenarioProblem(`${path}.host`, `no host named "${a.host}"`);
    c.targets.push(host.id);
  }
  if ((a.do === 'snapshot' || a.do === 'revert' || a.do === 'removeSnapshot') && !a.snapshot) {
    throw new ScenarioProblem(`${path}.snapshot`, `action "${a.do}" needs a snapshot name`);
  }
  if (a.do === 'reconfigure' && !a.changes) throw new ScenarioProblem(`${path}.changes`, 'action "reconfigure" needs changes');
  if (a.do === 'migrate') {
    if (!a.to) throw new ScenarioProblem(`${path}.to`, 'action "migrate" needs the destination host (to: HOST)');
    const host = reg.hostByName(a.to);
    if (!host) throw new ScenarioProblem(`${path}.to`, `no host named "${a.to}"`);
    c.to = host.id;
    if (a.options !== undefined) c.options = a.options as Record<string, unknown>;
  }
  if (a.snapshot !== undefined) c.snapshot = a.snapshot;
  if (a.description !== undefined) c.description = a.description;
  if (a.memory !== undefined) c.memory = a.memory;
  if (a.changes !== undefined) c.changes = a.changes as Record<string, unknown>;
  return c;
}

function run(env: TimelineEnv, c: TimedCommand, target: string): void {
  let name: string;
  let params: Record<string, unknown> = { vmId: target };
  const snapshotId = (): string | undefined => env.snapshotsOf(target as VmId)?.byName(c.snapshot ?? '')?.id;
  switch (c.kind) {
    case 'snapshot':
      name = 'vm.snapshot.create';
      params = { vmId: target, name: c.snapshot, ...(c.description !== undefined ? { description: c.description } : {}), ...(c.memory !== undefined ? { memory: c.memory } : {}) };
      break;
    case 'revert': case 'removeSnapshot': {
      name = c.kind === 'revert' ? 'vm.snapshot.revert' : 'vm.snapshot.remove';
      const id = snapshotId();
      if (!id) { warn(env, c, target, `no snapshot named "${c.snapshot}"`); return; }
      params = { vmId: target, snapshotId: id };
      break;
    }
    case 'removeAllSnapshots': name = 'vm.snapshot.removeAll'; break;
    case 'reconfigure': name = 'vm.reconfigure'; params = { vmId: target, changes: c.changes }; break;
    case 'enterMaintenance': name = 'host.enterMaintenance'; params = { hostId: target }; break;
    case 'exitMaintenance': name = 'host.exitMaintenance'; params = { hostId: target }; break;
    case 'injectFault': name = 'fault.inject'; params = { kind: c.fault, targetId: target }; break;
    case 'repairFault': name = 'fault.repair'; params = { kind: c.fault, targetId: target }; break;
    case 'runDrs': name = 'cluster.drs.run'; params = { clusterId: target }; break;
    case 'migrate': name = 'vm.migrate'; params = { vmId: target, hostId: c.to, ...(c.options ? { options: c.options } : {}) }; break;
    default: name = `vm.${c.kind}`;
  }
  if (!env.runCommand) { warn(env, c, target, 'this lab has no command runner'); return; }
  const reply = env.runCommand(name, params, 'scenario');
  if (!reply.ok) warn(env, c, target, reply.error.message);
}

function warn(env: TimelineEnv, c: TimedCommand, target: string, message: string): void {
  const entity = env.reg.vms.get(target as `vm-${number}`) ?? env.reg.hosts.get(target as `host-${number}`)
    ?? env.reg.datastores.get(target as `datastore-${number}`) ?? env.reg.clusters.get(target as `cluster-${number}`);
  env.events.log(env.nowMs(), 'warning', 'ScenarioActionFailedEvent',
    `Scenario action ${c.index} (${c.kind} at ${c.atMs / 1000} s) on ${entity?.name ?? target} was refused: ${message}`,
    entity ? { id: entity.id, name: entity.name } : undefined);
}
