/**
 * A consolidation run: the lab's cluster run on a timeline while a policy re-packs it, with what it cost
 * counted from the run — energy, host-hours, migrations and their bytes, and the time VMs were short of
 * CPU. The VMs' demands vary with the scenario's workload phases (timed `reconfigure` actions changing
 * CPU limits, docs/placement.md "Consolidation runs").
 *
 * Interface: `runConsolidation(engine, options)` → `ConsolidationReport`. The engine must be fresh
 * (paused at 0, built from the scenario + seed); the run drives it through the contract only — the
 * queries and commands a client sends (`placement.solve`, `placement.apply`, `host.exitStandby`,
 * `host.enterStandby`, `metrics.query`, `migration.list`) — and `advance`.
 *
 * How it runs: in steps of one 20 s sample. After each step it reads the sample just taken (each host's
 * `power.energy.summation`, each VM's `cpu.usagemhz`, `cpu.ready`, `cpu.maxlimited`) and the hosts'
 * power states, and adds them up; then, when no plan or wake-up of its own is in flight, it asks the
 * policy (`policies.ts`) at its checks (every step for `threshold`, every `periodS` for the periodic
 * ones) and carries a decision out: wake the standby hosts it needs (`host.exitStandby`), then
 * `placement.apply` of the target with `standbyEmptied`. A powered-on host left with no VM enters standby
 * (packing policies only; the last host stays up).
 *
 * The measures (all counted, none estimated — the energy is the lab's power *model* summed over its
 * samples):
 * - energy: Σ hosts' `power.energy.summation` over the run's samples (J; also kWh and mean W);
 * - host-hours: Σ over samples of the hosts powered on at the sample × 20 s; standby entries and
 *   wake-ups: changes of a host's power state between two samples;
 * - migrations: `migration.list` — completed and failed live migrations, bytes sent, switch-over downtime;
 * - CPU shortage: a VM's *contention* in a sample is `cpu.ready − cpu.maxlimited` (time its vCPUs were
 *   runnable, not held back by its limit, and had no physical CPU); its **shortfall** is the part of it
 *   that kept the VM below its cap (its limit, or its vCPUs × the core clock):
 *   min(contention, (cap − `cpu.usagemhz`) ÷ core clock × 20 s) — the scheduler counts a VM waiting for
 *   a CPU as ready, not limited, even when its limit would have held it back anyway. `shortOfCpuVcpuS`
 *   sums the shortfall; a VM is **short of CPU** in a sample when its shortfall exceeds
 *   `SHORT_OF_CPU_SHARE` (5 %) of the sample per vCPU, and `slaViolationVmS` sums those samples' time —
 *   the SLA-violation time; `slaViolationShare` is it over the powered-on VM time. A VM's measured
 *   demand (what the policies pack) is its usage plus its shortfall in MHz.
 * Rules: deterministic (virtual time only, every list in a fixed order): the same scenario, seed, policy
 * and parameters give the same report. The exact policy's solver honours a wall-clock time limit: a
 * packing that hits it may differ between machines (the report counts `timeLimitHits`).
 */
import type { Engine } from '../../engine/index';
import { API_VERSION } from '@shared/api/channels';
import type { ApiError } from '@shared/api/errors';
import type { CommandName, CommandParams, CommandResult } from '@shared/api/commands';
import type { QueryName, QueryParams, QueryResult } from '@shared/api/queries';
import type { ClusterId, HostId, TaskId, VmId } from '@shared/model/ids';
import { DEFAULT_POLICY_PARAMS, alignToCurrent, packingBins, thresholdDecision } from './policies';
import type { ClusterSnapshot, Decision, PolicyName, PolicyParams } from './policies';
import type { RunPhase } from './runFile';

/** The sample period of the lab's real-time counters (20 s), the run's step. */
export const SAMPLE_MS = 20_000;
/** Contention above this share of a sample, per vCPU, makes the VM short of CPU in that sample (vSphere's 5 % ready rule of thumb). */
export const SHORT_OF_CPU_SHARE = 0.05;

export interface ConsolidationOptions {
  policy: PolicyName;
  untilMs: number;
  /** The cluster's name (default: the lab's first cluster). */
  cluster?: string;
  params?: Partial<PolicyParams>;
  /** Moves a host takes part in at once (placement.apply's `maxConcurrentPerHost`). */
  maxConcurrentPerHost?: number;
  /** The workload phases: CPU limits set on VMs at sample boundaries. */
  phases?: RunPhase[];
}

export interface ConsolidationDecision { timeMs: number; kind: 'phase' | 'plan' | 'wake' | 'standby' | 'refused' | 'skipped'; message: string }

export interface ConsolidationReport {
  policy: PolicyName;
  params: PolicyParams;
  cluster: string;
  virtualTimeMs: number;
  samples: number;
  hosts: number;
  vms: number;
  energyJ: number;
  energyKWh: number;
  meanPowerW: number;
  hostHours: number;
  migrations: { completed: number; failed: number; bytes: number; downtimeMs: number };
  plans: { applied: number; failed: number; refused: number };
  standby: { entered: number; woken: number };
  cpu: { shortOfCpuVcpuS: number; slaViolationVmS: number; slaViolationShare: number; poweredOnVmS: number };
  timeLimitHits: number;
  /** Per sample: time, hosts powered on, cluster power (W), VMs short of CPU. */
  timeline: { timeMs: number; hostsOn: number; powerW: number; vmsShort: number }[];
  decisions: ConsolidationDecision[];
}

class Client {
  private id = 1;
  constructor(readonly engine: Engine) {}
  q<K extends QueryName>(name: K, params: QueryParams<K>): QueryResult<K> {
    const r = this.engine.handle({ v: API_VERSION, id: this.id++, kind: 'query', name, params });
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    return r.result as QueryResult<K>;
  }
  cmd<K extends CommandName>(name: K, params: CommandParams<K>): { ok: true; result: CommandResult<K> } | { ok: false; error: ApiError } {
    const r = this.engine.handle({ v: API_VERSION, id: this.id++, kind: 'command', name, params });
    return r.ok ? { ok: true, result: r.result as CommandResult<K> } : { ok: false, error: r.error };
  }
}

type Pending = { kind: 'waking'; hosts: HostId[]; decision: Decision } | { kind: 'task'; taskId: TaskId; what: 'plan' | 'wake' | 'standby' } | null;

const VM_COUNTERS = ['cpu.usagemhz.average', 'cpu.ready.summation', 'cpu.maxlimited.summation'];

export function runConsolidation(engine: Engine, options: ConsolidationOptions): ConsolidationReport {
  const c = new Client(engine);
  const p: PolicyParams = { ...DEFAULT_POLICY_PARAMS, ...options.params };
  const inv0 = c.q('inventory.get', {});
  const cluster = options.cluster ? inv0.clusters.find((x) => x.name === options.cluster) : inv0.clusters[0];
  if (!cluster) throw new Error(options.cluster ? `no cluster named "${options.cluster}" in the lab` : 'the lab has no cluster');
  const clusterId = cluster.id as ClusterId;
  const hostName = new Map<string, string>(inv0.hosts.map((h) => [h.id, h.name]));

  const report: ConsolidationReport = {
    policy: options.policy, params: p, cluster: cluster.name, virtualTimeMs: 0, samples: 0,
    hosts: inv0.hosts.filter((h) => h.clusterId === clusterId).length,
    vms: inv0.vms.filter((v) => !v.isTemplate && v.clusterId === clusterId).length,
    energyJ: 0, energyKWh: 0, meanPowerW: 0, hostHours: 0,
    migrations: { completed: 0, failed: 0, bytes: 0, downtimeMs: 0 },
    plans: { applied: 0, failed: 0, refused: 0 }, standby: { entered: 0, woken: 0 },
    cpu: { shortOfCpuVcpuS: 0, slaViolationVmS: 0, slaViolationShare: 0, poweredOnVmS: 0 },
    timeLimitHits: 0, timeline: [], decisions: [],
  };
  const note = (kind: ConsolidationDecision['kind'], message: string) => report.decisions.push({ timeMs: engine.simStatus().virtualTimeMs, kind, message });
  /** Per VM: its demand (MHz) in the samples read so far, newest last. */
  const demandHistory = new Map<string, number[]>();
  const lastSeen = new Map<string, number>();
  /** Each host's power state at the last sample: standby entries and wake-ups are counted from these. */
  const lastState = new Map<string, string>();
  let pending: Pending = null;

  const readSample = () => {
    const inv = c.q('inventory.get', {});
    const hosts = inv.hosts.filter((h) => h.clusterId === clusterId).sort((a, b) => (a.id < b.id ? -1 : 1));
    let powerW = 0;
    let hostsOn = 0;
    let sampleMs: number | undefined;
    for (const h of hosts) {
      const s = c.q('metrics.query', { entityId: h.id, counters: ['power.energy.summation'], interval: 'realtime', maxSamples: 1 });
      const t = s.timestampsMs[0];
      if (t === undefined || lastSeen.get(h.id) === t) continue;
      lastSeen.set(h.id, t);
      sampleMs = t;
      const j = s.values['power.energy.summation'][0] ?? 0;
      report.energyJ += j;
      powerW += j / (SAMPLE_MS / 1000);
      if (h.powerState === 'poweredOn') hostsOn++;
      const was = lastState.get(h.id);
      if (was === 'poweredOn' && h.powerState === 'standBy') report.standby.entered++;
      if (was === 'standBy' && h.powerState === 'poweredOn') report.standby.woken++;
      lastState.set(h.id, h.powerState);
    }
    if (sampleMs === undefined) return;
    report.samples++;
    report.hostHours += (hostsOn * SAMPLE_MS) / 3_600_000;
    let vmsShort = 0;
    const vms = inv.vms.filter((v) => !v.isTemplate && v.clusterId === clusterId && v.powerState === 'poweredOn' && v.hostId)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const vm of vms) {
      const s = c.q('metrics.query', { entityId: vm.id, counters: VM_COUNTERS, interval: 'realtime', maxSamples: 1 });
      if (s.timestampsMs[0] !== sampleMs) continue;
      const usage = s.values['cpu.usagemhz.average'][0] ?? 0;
      const contentionMs = Math.max(0, (s.values['cpu.ready.summation'][0] ?? 0) - (s.values['cpu.maxlimited.summation'][0] ?? 0));
      const coreMhz = inv.hosts.find((h) => h.id === vm.hostId)?.cpuMhz ?? 0;
      // The most the VM may use: its vCPUs at the core clock, held to its limit.
      const capMhz = vm.cpuLimitMhz >= 0 ? Math.min(vm.cpuLimitMhz, vm.vcpus * coreMhz) : vm.vcpus * coreMhz;
      // Ready time that kept it below that cap: a VM waiting for a CPU is counted ready and not limited
      // even when its limit would have held it back anyway, so contention alone overstates the shortage.
      const shortMs = coreMhz > 0 ? Math.min(contentionMs, (Math.max(0, capMhz - usage) / coreMhz) * SAMPLE_MS) : 0;
      const demand = Math.min(capMhz, usage + (shortMs / SAMPLE_MS) * coreMhz);
      const hist = demandHistory.get(vm.id) ?? [];
      hist.push(demand);
      if (hist.length > 180) hist.shift();
      demandHistory.set(vm.id, hist);
      report.cpu.shortOfCpuVcpuS += shortMs / 1000;
      report.cpu.poweredOnVmS += SAMPLE_MS / 1000;
      if (shortMs > SHORT_OF_CPU_SHARE * SAMPLE_MS * vm.vcpus) { vmsShort++; report.cpu.slaViolationVmS += SAMPLE_MS / 1000; }
    }
    report.timeline.push({ timeMs: sampleMs, hostsOn, powerW: Math.round(powerW * 10) / 10, vmsShort });
  };

  /** The cluster as the policies see it: usable hosts, powered-on VMs with measured CPU and modelled memory. */
  const snapshot = (window: number): ClusterSnapshot => {
    const inv = c.q('inventory.get', {});
    // Capacities and memory demands as the placement engine models them (configured + overhead memory).
    const view = c.q('placement.solve', { algo: 'ff', clusterId, demand: 'reservation' });
    const bins = new Map(view.bins.map((b) => [b.binId, b.capacity]));
    const memOf = new Map(view.placement.map((x) => [x.itemId, x.demand[1]]));
    const hosts = inv.hosts.filter((h) => h.clusterId === clusterId && h.connectionState === 'connected' && !h.inMaintenanceMode
      && (h.powerState === 'poweredOn' || h.powerState === 'standBy'))
      .map((h) => ({ id: h.id, name: h.name, cpuMhz: bins.get(h.id)![0], memMiB: bins.get(h.id)![1], state: h.powerState === 'poweredOn' ? 'on' as const : 'standby' as const }));
    const vms = inv.vms.filter((v) => !v.isTemplate && v.clusterId === clusterId && v.powerState === 'poweredOn' && v.hostId && memOf.has(v.id))
      .map((v) => {
        const hist = demandHistory.get(v.id) ?? [];
        const recent = hist.slice(-window);
        const coreMhz = inv.hosts.find((h) => h.id === v.hostId)?.cpuMhz ?? 0;
        const cpu = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : v.vcpus * coreMhz;
        return { id: v.id, name: v.name, hostId: v.hostId!, cpuMhz: cpu, memMiB: memOf.get(v.id)! };
      });
    return { hosts, vms };
  };

  const periodicDecision = (s: ClusterSnapshot): Decision | null => {
    const algo = options.policy === 'periodic-exact' ? 'exact' : 'ffd';
    const bins = packingBins(s, p);
    const r = c.q('placement.solve', {
      algo,
      instance: {
        dimensions: ['cpuMhz', 'memMiB'],
        items: s.vms.map((vm) => ({ id: vm.id, demand: [vm.cpuMhz, vm.memMiB] })),
        bins: bins.map((b) => ({ id: b.id, capacity: b.capacity })),
      },
      ...(algo === 'exact' ? { timeLimitS: p.timeLimitS } : {}),
    });
    if (r.solver?.status === 'timeLimit') report.timeLimitHits++;
    if (r.status === 'infeasible' || r.status === 'failed' || r.placement.some((x) => x.binId === null)) {
      const sleepers = s.hosts.filter((h) => h.state === 'standby');
      if (!sleepers.length) { note('skipped', `no packing of the measured demand fits the cluster at ${Math.round(p.targetUtilisation * 100)} % CPU: nothing to do`); return null; }
      return { target: new Map(), wake: sleepers.map((h) => h.id), standbyEmptied: false, reason: 'the measured demand fits no packing of the hosts that are on: waking every standby host' };
    }
    const packed = new Map(r.placement.map((x) => [x.itemId, x.binId!]));
    const target = alignToCurrent(s, packed);
    const moves = new Map([...target].filter(([vm, h]) => s.vms.find((v) => v.id === vm)!.hostId !== h));
    const used = new Set(target.values());
    const wake = s.hosts.filter((h) => h.state === 'standby' && used.has(h.id)).map((h) => h.id);
    const hostsOn = s.hosts.filter((h) => h.state === 'on').length;
    if (!moves.size) return null;
    // Moves for nothing: a packing that frees no host, where every host that is on already holds its
    // measured demand within the target, is not applied.
    const cpuOn = new Map<string, number>();
    for (const vm of s.vms) cpuOn.set(vm.hostId, (cpuOn.get(vm.hostId) ?? 0) + vm.cpuMhz);
    const overTarget = s.hosts.some((h) => h.state === 'on' && (cpuOn.get(h.id) ?? 0) > h.cpuMhz * p.targetUtilisation + 1e-9);
    if (used.size >= hostsOn && !overTarget) {
      note('skipped', `${algo.toUpperCase()} needs ${used.size} host(s), as many as are on, and none is above ${Math.round(p.targetUtilisation * 100)} %: no moves`);
      return null;
    }
    return {
      target: moves, wake, standbyEmptied: true,
      reason: `${algo.toUpperCase()} packs ${s.vms.length} VM(s) onto ${used.size} host(s) (${hostsOn} on now${r.provenOptimal ? ', proven optimal' : ''}): ${moves.size} move(s)`,
    };
  };

  const apply = (d: Decision) => {
    const target = [...d.target].map(([vmId, hostId]) => ({ vmId: vmId as VmId, hostId: hostId as HostId }));
    if (!target.length) return;
    const r = c.cmd('placement.apply', {
      clusterId, target, demand: 'reservation', maxConcurrentPerHost: options.maxConcurrentPerHost ?? 2, standbyEmptied: d.standbyEmptied,
    });
    if (!r.ok) { report.plans.refused++; note('refused', `placement.apply refused: ${r.error.message}`); return; }
    note('plan', d.reason);
    pending = { kind: 'task', taskId: r.result.taskId, what: 'plan' };
  };

  const carryOut = (d: Decision) => {
    if (d.wake.length) {
      for (const h of d.wake) {
        const r = c.cmd('host.exitStandby', { hostId: h as HostId });
        if (r.ok) { note('wake', `waking ${hostName.get(h)}: ${d.reason}`); } else note('refused', `host.exitStandby ${hostName.get(h)} refused: ${r.error.message}`);
      }
      pending = { kind: 'waking', hosts: d.wake as HostId[], decision: d };
      return;
    }
    apply(d);
  };

  /** Hosts powered on with no VM: into standby, one per check (packing policies; the last host stays). */
  const idleHostToStandby = (): boolean => {
    const inv = c.q('inventory.get', {});
    const on = inv.hosts.filter((h) => h.clusterId === clusterId && h.powerState === 'poweredOn' && h.connectionState === 'connected' && !h.inMaintenanceMode);
    if (on.length < 2) return false;
    const busy = new Set(inv.vms.filter((v) => v.powerState === 'poweredOn').map((v) => v.hostId));
    const idle = on.filter((h) => !busy.has(h.id)).sort((a, b) => (a.id < b.id ? -1 : 1))[0];
    if (!idle) return false;
    const r = c.cmd('host.enterStandby', { hostId: idle.id });
    if (!r.ok) { note('refused', `host.enterStandby ${idle.name} refused: ${r.error.message}`); return false; }
    note('standby', `${idle.name} runs no VM: it enters standby`);
    pending = { kind: 'task', taskId: r.result.taskId, what: 'standby' };
    return true;
  };

  const settle = () => {
    if (pending?.kind === 'task') {
      const t = c.q('task.get', { taskId: pending.taskId });
      if (t.state === 'queued' || t.state === 'running') return;
      if (pending.what === 'plan') {
        if (t.state === 'success') report.plans.applied++;
        else { report.plans.failed++; note('refused', `the plan ended in ${t.state}: ${t.error?.message ?? ''}`); }
      }
      pending = null;
    } else if (pending?.kind === 'waking') {
      const inv = c.q('inventory.get', {});
      const waiting = pending.hosts.filter((h) => inv.hosts.find((x) => x.id === h)?.powerState !== 'poweredOn');
      const failed = waiting.filter((h) => !c.q('tasks.list', { entityId: h, limit: 1 }).some((t) => t.state === 'queued' || t.state === 'running'));
      if (waiting.length && failed.length < waiting.length) return;
      const d = pending.decision;
      pending = null;
      apply(d);
    }
  };

  const vmIdOf = new Map(inv0.vms.map((v) => [v.name, v.id]));
  for (const ph of options.phases ?? []) for (const n of ph.vms) if (!vmIdOf.has(n)) throw new Error(`phase "${ph.name}": no VM named "${n}" in the lab`);
  /** Phase changes due and not yet made: a VM busy with another task (a move) gets its change at the next step. */
  const changes: { phase: string; vm: string; cpuLimitMhz: number }[] = [];
  let nextPhase = 0;
  const applyPhases = () => {
    const now = engine.simStatus().virtualTimeMs;
    const phases = options.phases ?? [];
    for (; nextPhase < phases.length && phases[nextPhase].atMs <= now; nextPhase++) {
      const ph = phases[nextPhase];
      for (const vm of ph.vms) changes.push({ phase: ph.name, vm, cpuLimitMhz: ph.cpuLimitMhz });
      note('phase', `${ph.name}: ${ph.vms.join(', ')} → CPU limit ${ph.cpuLimitMhz} MHz`);
    }
    // While a plan runs its VMs are busy: the changes wait (a change would also refuse the plan's next move).
    if (pending?.kind === 'task' && pending.what === 'plan') return;
    for (let i = 0; i < changes.length;) {
      const ch = changes[i];
      const r = c.cmd('vm.reconfigure', { vmId: vmIdOf.get(ch.vm)! as VmId, changes: { cpuLimitMhz: ch.cpuLimitMhz } });
      if (r.ok || r.error.code !== 'E_INVALID_STATE') {
        if (!r.ok) note('refused', `${ch.phase}: ${ch.vm}'s change refused: ${r.error.message}`);
        changes.splice(i, 1);
      } else i++;
    }
  };

  const stepsPerPeriod = Math.max(1, Math.round((p.periodS * 1000) / SAMPLE_MS));
  let step = 0;
  while (engine.simStatus().virtualTimeMs + SAMPLE_MS <= options.untilMs) {
    applyPhases();
    engine.advance(SAMPLE_MS);
    step++;
    readSample();
    if (options.policy === 'none') continue;
    settle();
    if (pending) continue;
    const due = options.policy === 'threshold' || step % stepsPerPeriod === 0;
    if (!due) continue;
    const s = snapshot(options.policy === 'threshold' ? 1 : p.windowSamples);
    const d = options.policy === 'threshold' ? thresholdDecision(s, p) : periodicDecision(s);
    if (d) carryOut(d);
    else idleHostToStandby();
  }
  const rest = options.untilMs - engine.simStatus().virtualTimeMs;
  if (rest > 0) engine.advance(rest);

  for (const m of c.q('migration.list', {})) {
    if (m.status === 'completed') { report.migrations.completed++; report.migrations.bytes += m.ram.transferred; report.migrations.downtimeMs += m.downtime ?? 0; }
    else if (m.status === 'failed' || m.status === 'cancelled') report.migrations.failed++;
  }
  report.virtualTimeMs = engine.simStatus().virtualTimeMs;
  report.energyKWh = report.energyJ / 3.6e6;
  report.meanPowerW = report.samples ? report.energyJ / (report.samples * (SAMPLE_MS / 1000)) : 0;
  report.cpu.slaViolationShare = report.cpu.poweredOnVmS ? report.cpu.slaViolationVmS / report.cpu.poweredOnVmS : 0;
  return report;
}
