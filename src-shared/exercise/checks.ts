/**
 * Checks: evaluating one predicate of an exercise step against the lab, with the reason in words, and
 * describing a predicate for the instructor view (what it tests, independent of the lab).
 *
 * - `evaluateCheck(check, ctx)` → `{ pass, reason }`; never throws (a failed query is a failed check whose
 *   reason says why).
 * - `describeCheck(check)` → "VM web-01 is poweredOn on a host of cluster Prod" (the label when given).
 *
 * Rules: history predicates (task, event, migration) count from the exercise's start unless `since`
 * says otherwise; a `count` given as a plain number means "at least"; state predicates (vm, host,
 * snapshot) read the lab as it is now.
 */
import type { VmDto } from '../model/inventory';
import { effectivePaging } from '../model/mmuVirtualization';
import type { Check, NumberMatch, VmPredicate } from './format';
import type { EvalContext } from './expressions';
import {
  comparisonHolds, countMatch, describeCounter, describeMatch, describeMigrations, downtimeOf, evaluateExpr, matches, readCounter, round, selectEvents,
  selectMigrations, selectTasks, sinceText,
} from './expressions';

export interface CheckResult {
  pass: boolean;
  reason: string;
}

const list = (x: string | string[] | undefined): string[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const quote = (s: string) => `"${s}"`;

function vmConditions(p: VmPredicate): string[] {
  const out: string[] = [];
  if (p.powerState) out.push(p.powerState);
  if (p.guestState) out.push(`guest ${p.guestState}`);
  if (p.host) out.push(`on host ${p.host}`);
  if (p.cluster) out.push(`on a host of cluster ${p.cluster}`);
  if (p.monitor) out.push(`monitor ${p.monitor}`);
  if (p.paging) out.push(`paging setting ${p.paging}`);
  if (p.runs) out.push(`running ${p.runs} paging`);
  if (p.pageTableLevels) out.push(`${p.pageTableLevels}-level page tables`);
  if (p.workload) out.push(`workload ${p.workload}`);
  if (p.vcpus !== undefined) out.push(`vCPUs ${describeMatch(p.vcpus)}`);
  if (p.memoryMiB !== undefined) out.push(`memory ${describeMatch(p.memoryMiB, 'MiB')}`);
  if (p.snapshots !== undefined) out.push(`snapshots ${describeMatch(p.snapshots)}`);
  if (p.template !== undefined) out.push(p.template ? 'a template' : 'not a template');
  return out;
}

export function describeCheck(c: Check): string {
  if (c.label) return c.label;
  return describePredicate(c);
}

function describePredicate(c: Check): string {
  if ('vm' in c) {
    const p = c.vm;
    if (p.exists === false) return `VM ${p.name} does not exist`;
    const conds = vmConditions(p);
    if (p.name) return `VM ${p.name} exists${conds.length ? `: ${conds.join(', ')}` : ''}`;
    const n = countMatch(p.count);
    return `${describeMatch(n)} VM(s)${conds.length ? ` with ${conds.join(', ')}` : ''}`;
  }
  if ('host' in c) {
    const p = c.host;
    const conds: string[] = [];
    if (p.inMaintenanceMode !== undefined) conds.push(p.inMaintenanceMode ? 'in maintenance mode' : 'not in maintenance mode');
    if (p.connectionState) conds.push(p.connectionState);
    if (p.powerState) conds.push(p.powerState);
    if (p.vms !== undefined) conds.push(`VMs ${describeMatch(p.vms)}`);
    if (p.poweredOnVms !== undefined) conds.push(`powered-on VMs ${describeMatch(p.poweredOnVms)}`);
    return `host ${p.name}${conds.length ? `: ${conds.join(', ')}` : ' exists'}`;
  }
  if ('snapshot' in c) {
    const p = c.snapshot;
    const what = [p.name ? `named ${quote(p.name)}` : '', p.memory === true ? 'with memory' : p.memory === false ? 'without memory' : '', p.quiesced ? 'quiesced' : '']
      .filter(Boolean).join(', ');
    return `${describeMatch(countMatch(p.count))} snapshot(s)${what ? ` ${what}` : ''}${p.vm ? ` of VM ${p.vm}` : ''}`;
  }
  if ('task' in c) {
    const p = c.task;
    return `${describeMatch(countMatch(p.count))} ${p.operation} task(s)${p.target ? ` on ${p.target}` : ''} ended ${p.state ?? 'success'} ${sinceText(p.since)}`
      + (p.durationMs !== undefined ? `, each taking ${describeMatch(p.durationMs, 'ms')}` : '');
  }
  if ('event' in c) {
    const p = c.event;
    return `${describeMatch(countMatch(p.count))} ${p.type} event(s)${p.entity ? ` of ${p.entity}` : ''} ${sinceText(p.since)}`;
  }
  if ('counter' in c) return `${describeCounter(c.counter)} ${describeMatch(c.counter)}`;
  if ('console' in c) {
    const p = c.console;
    const parts = [...list(p.contains).map((s) => `shows ${quote(s)}`), ...list(p.notContains).map((s) => `does not show ${quote(s)}`)];
    return `the console of ${p.vm} ${parts.join(' and ')}`;
  }
  if ('migration' in c) {
    const p = c.migration;
    return `${describeMatch(countMatch(p.count))} ${describeMigrations(p)} ended ${p.state ?? 'success'}${p.downtimeMs !== undefined ? ` with downtime ${describeMatch(p.downtimeMs, 'ms')}` : ''} ${sinceText(p.since)}`;
  }
  if ('compare' in c) return `${JSON.stringify(c.compare.value)} ${describeMatch(c.compare)}`;
  if ('all' in c) return `all of: ${c.all.map(describeCheck).join('; ')}`;
  if ('any' in c) return `any of: ${c.any.map(describeCheck).join('; ')}`;
  return `not: ${describeCheck(c.not)}`;
}

function vmMismatch(vm: VmDto, p: VmPredicate, clusterNames: Map<string, string>, hostNames: Map<string, string>): string | undefined {
  const host = vm.hostId ? hostNames.get(vm.hostId) ?? vm.hostId : 'no host';
  if (p.template !== undefined && vm.isTemplate !== p.template) return `${vm.name} is ${vm.isTemplate ? '' : 'not '}a template`;
  if (p.powerState && vm.powerState !== p.powerState) return `${vm.name} is ${vm.powerState} (needs ${p.powerState})`;
  if (p.guestState && vm.guestState !== p.guestState) return `${vm.name}'s guest is ${vm.guestState} (needs ${p.guestState})`;
  if (p.host && host !== p.host) return `${vm.name} is on ${host} (needs ${p.host})`;
  if (p.cluster) {
    const cl = vm.clusterId ? clusterNames.get(vm.clusterId) : undefined;
    if (cl !== p.cluster) return `${vm.name} is on ${host}${cl ? `, in cluster ${cl}` : ', not in a cluster'} (needs a host of cluster ${p.cluster})`;
  }
  if (p.monitor && vm.monitor !== p.monitor) return `${vm.name} runs monitor ${vm.monitor} (needs ${p.monitor})`;
  if (p.paging && vm.paging !== p.paging) return `${vm.name}'s paging setting is ${vm.paging} (needs ${p.paging})`;
  if (p.runs) {
    const r = effectivePaging(vm.monitor, vm.paging);
    if (r !== p.runs) return `${vm.name} runs ${r} paging (${vm.monitor} + ${vm.paging}; needs ${p.runs})`;
  }
  if (p.pageTableLevels && vm.pageTableLevels !== p.pageTableLevels) return `${vm.name} has ${vm.pageTableLevels}-level page tables (needs ${p.pageTableLevels})`;
  if (p.workload && vm.workload !== p.workload) return `${vm.name} runs workload ${vm.workload} (needs ${p.workload})`;
  const num = (label: string, v: number, m: NumberMatch | undefined, unit = ''): string | undefined =>
    (m !== undefined && !matches(v, m) ? `${vm.name} has ${label} ${round(v)}${unit} (needs ${describeMatch(m, unit.trim())})` : undefined);
  return num('vCPUs', vm.vcpus, p.vcpus) ?? num('memory', vm.memoryBytes / 2 ** 20, p.memoryMiB, ' MiB') ?? num('snapshots', vm.snapshotCount, p.snapshots);
}

export async function evaluateCheck(c: Check, ctx: EvalContext, depth = 0): Promise<CheckResult> {
  try {
    return await evaluatePredicate(c, ctx, depth);
  } catch (e) {
    return { pass: false, reason: `could not read the lab: ${e instanceof Error ? e.message : String(e)}` };
  }
}

async function evaluatePredicate(c: Check, ctx: EvalContext, depth: number): Promise<CheckResult> {
  const { view } = ctx;
  if ('vm' in c) {
    const p = c.vm;
    const inv = await view.inventory();
    const clusters = new Map(inv.clusters.map((x) => [x.id as string, x.name]));
    const hosts = new Map(inv.hosts.map((x) => [x.id as string, x.name]));
    if (p.name !== undefined) {
      const vm = inv.vms.find((v) => v.name === p.name);
      if (p.exists === false) return vm ? { pass: false, reason: `VM ${p.name} still exists` } : { pass: true, reason: `there is no VM ${p.name}` };
      if (!vm) return { pass: false, reason: `there is no VM named ${p.name}` };
      const why = vmMismatch(vm, p, clusters, hosts);
      if (why) return { pass: false, reason: why };
      const host = vm.hostId ? hosts.get(vm.hostId) : undefined;
      return { pass: true, reason: `${vm.name} is ${vm.powerState}${host ? ` on ${host}` : ''}${vmConditions(p).length ? ` (${vmConditions(p).join(', ')})` : ''}` };
    }
    const candidates = inv.vms.filter((v) => p.template === undefined ? !v.isTemplate : true);
    const hits = candidates.filter((v) => !vmMismatch(v, p, clusters, hosts));
    const need = countMatch(p.count);
    const pass = comparisonHolds(hits.length, need);
    const what = vmConditions(p).join(', ') || 'any VM';
    return { pass, reason: `${hits.length} VM(s) with ${what}${hits.length ? ` (${hits.slice(0, 5).map((v) => v.name).join(', ')}${hits.length > 5 ? ', …' : ''})` : ''}; needs ${describeMatch(need)}` };
  }
  if ('host' in c) {
    const p = c.host;
    const h = await view.hostByName(p.name);
    if (!h) return { pass: false, reason: `there is no host named ${p.name}` };
    if (p.inMaintenanceMode !== undefined && h.inMaintenanceMode !== p.inMaintenanceMode) return { pass: false, reason: `${h.name} is ${h.inMaintenanceMode ? '' : 'not '}in maintenance mode` };
    if (p.connectionState && h.connectionState !== p.connectionState) return { pass: false, reason: `${h.name} is ${h.connectionState} (needs ${p.connectionState})` };
    if (p.powerState && h.powerState !== p.powerState) return { pass: false, reason: `${h.name} is ${h.powerState} (needs ${p.powerState})` };
    if (p.vms !== undefined && !matches(h.vmIds.length, p.vms)) return { pass: false, reason: `${h.name} has ${h.vmIds.length} VMs (needs ${describeMatch(p.vms)})` };
    if (p.poweredOnVms !== undefined) {
      const on = (await view.inventory()).vms.filter((v) => v.hostId === h.id && v.powerState === 'poweredOn').length;
      if (!matches(on, p.poweredOnVms)) return { pass: false, reason: `${h.name} runs ${on} powered-on VMs (needs ${describeMatch(p.poweredOnVms)})` };
    }
    return { pass: true, reason: `${h.name} is ${h.connectionState}${h.inMaintenanceMode ? ', in maintenance mode' : ''}, ${h.vmIds.length} VMs` };
  }
  if ('snapshot' in c) {
    const p = c.snapshot;
    const inv = await view.inventory();
    let vms = inv.vms.filter((v) => !v.isTemplate);
    if (p.vm !== undefined) {
      vms = vms.filter((v) => v.name === p.vm);
      if (vms.length === 0) return { pass: false, reason: `there is no VM named ${p.vm}` };
    }
    let total = 0;
    const found: string[] = [];
    for (const vm of vms) {
      if (vm.snapshotCount === 0) continue;
      const tree = await view.snapshots(vm.id);
      total += tree.snapshots.length;
      for (const s of tree.snapshots) {
        if (p.name !== undefined && s.name !== p.name) continue;
        if (p.memory !== undefined && s.memory !== p.memory) continue;
        if (p.quiesced !== undefined && s.quiesced !== p.quiesced) continue;
        found.push(`${vm.name}/${s.name}${s.memory ? ' (memory)' : ''}`);
      }
    }
    const need = countMatch(p.count);
    const pass = comparisonHolds(found.length, need);
    return {
      pass,
      reason: pass
        ? `found ${found.slice(0, 4).join(', ')}${found.length > 4 ? ', …' : ''}`
        : `${found.length} matching snapshot(s) (needs ${describeMatch(need)}); ${p.vm ? `${p.vm} has` : 'the VMs have'} ${total === 0 ? 'no snapshots' : `${total} snapshot(s) in all`}`,
    };
  }
  if ('task' in c) {
    const p = c.task;
    const r = await selectTasks(p, ctx);
    if ('error' in r) return { pass: false, reason: r.error };
    let tasks = r.tasks;
    if (p.durationMs !== undefined) tasks = tasks.filter((t) => t.startedAtMs !== undefined && t.completedAtMs !== undefined && matches(t.completedAtMs - t.startedAtMs, p.durationMs!));
    const need = countMatch(p.count);
    const pass = comparisonHolds(tasks.length, need);
    return { pass, reason: `${tasks.length} ${p.operation} task(s)${p.target ? ` on ${p.target}` : ''} ended ${p.state ?? 'success'} ${sinceText(p.since)} (needs ${describeMatch(need)})` };
  }
  if ('event' in c) {
    const p = c.event;
    const events = await selectEvents(p, ctx);
    const need = countMatch(p.count);
    const pass = comparisonHolds(events.length, need);
    return { pass, reason: `${events.length} ${p.type} event(s)${p.entity ? ` of ${p.entity}` : ''} ${sinceText(p.since)} (needs ${describeMatch(need)})` };
  }
  if ('counter' in c) {
    const r = await readCounter(c.counter, ctx);
    if ('error' in r) return { pass: false, reason: r.error };
    const pass = comparisonHolds(r.value, c.counter);
    return { pass, reason: `${r.text} (needs ${describeMatch(c.counter)})` };
  }
  if ('console' in c) {
    const p = c.console;
    const vm = await view.vmByName(p.vm);
    if (!vm) return { pass: false, reason: `there is no VM named ${p.vm}` };
    const text = await view.console(vm.id);
    const missing = list(p.contains).filter((s) => !text.includes(s));
    const present = list(p.notContains).filter((s) => text.includes(s));
    if (missing.length) return { pass: false, reason: `the console of ${p.vm} does not show ${missing.map(quote).join(', ')}${text ? '' : ' (it is empty)'}` };
    if (present.length) return { pass: false, reason: `the console of ${p.vm} shows ${present.map(quote).join(', ')}` };
    return { pass: true, reason: `the console of ${p.vm} ${[...list(p.contains).map((s) => `shows ${quote(s)}`), ...list(p.notContains).map((s) => `does not show ${quote(s)}`)].join(' and ')}` };
  }
  if ('migration' in c) {
    const p = c.migration;
    const runs = await selectMigrations(p, ctx);
    const matching = p.downtimeMs === undefined ? runs : runs.filter((r) => { const d = downtimeOf(r.task); return d !== undefined && matches(d, p.downtimeMs!); });
    const need = countMatch(p.count);
    const pass = comparisonHolds(matching.length, need);
    const downtimes = runs.map((r) => downtimeOf(r.task)).filter((d): d is number => d !== undefined);
    const what = describeMigrations(p);
    return {
      pass,
      reason: runs.length === 0
        ? `no ${what} ended ${p.state ?? 'success'} ${sinceText(p.since)}`
        : `${matching.length} of ${runs.length} ${what} match${downtimes.length ? ` (downtimes: ${downtimes.map((d) => `${round(d)} ms`).join(', ')})` : ''}; needs ${describeMatch(need)}`,
    };
  }
  if ('compare' in c) {
    const r = await evaluateExpr(c.compare.value, ctx);
    if ('error' in r) return { pass: false, reason: r.error };
    const pass = comparisonHolds(r.value, c.compare);
    return { pass, reason: `${r.text} (needs ${describeMatch(c.compare)})` };
  }
  if ('all' in c) {
    const results = [];
    for (const x of c.all) results.push(await evaluateCheck(x, ctx, depth + 1));
    const failed = results.filter((r) => !r.pass);
    return failed.length ? { pass: false, reason: failed.map((r) => r.reason).join('; ') } : { pass: true, reason: results.map((r) => r.reason).join('; ') };
  }
  if ('any' in c) {
    const results = [];
    for (const x of c.any) {
      const r = await evaluateCheck(x, ctx, depth + 1);
      if (r.pass) return r;
      results.push(r);
    }
    return { pass: false, reason: `none holds: ${results.map((r) => r.reason).join('; ')}` };
  }
  const r = await evaluateCheck(c.not, ctx, depth + 1);
  return { pass: !r.pass, reason: r.pass ? `it should not hold, but: ${r.reason}` : r.reason };
}
