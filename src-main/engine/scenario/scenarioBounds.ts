/**
 * scenarioBounds — what a shape-valid scenario may ask of the engine, checked from its numbers alone,
 * BEFORE any object is built: totals (hosts, VMs per host, VMs per lab, action targets) and workloads that name a guest program of the catalogue.
 *
 * - `scenarioBoundsProblem(scenario, workloads?)` → `{ field, message }` naming the path of the field that
 *   takes a total over its limit (`scenario.datacenters[0].clusters[1].vmsPerHost.count`), or null.
 *
 * Rules: the schema bounds each field alone (a count ≤ 100,000); only products of fields can explode
 * (1,000 hosts × 100,000 VMs per host), so the totals are computed with arithmetic, never by building.
 * The limits live in `params.ts` (LAB_MAX_*, SCENARIO_MAX_*).
 */
import type { Problem } from '@shared/api/schema';
import {
  LAB_MAX_HOSTS, LAB_MAX_VMS, LAB_MAX_VMS_PER_HOST, SCENARIO_MAX_ACTION_TARGETS,
} from '../params';
import { workloadProblem } from '../cluster/index';
import type { HostSpec, HostTemplate, Scenario, VmTemplate } from './scenarioSchema';

/** 12345 → "12,345" (no Intl: the engine's messages must not depend on the runtime's locale data). */
const fmt = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function hostCount(h: HostTemplate | HostSpec[]): number {
  return Array.isArray(h) ? h.length : h.count;
}

function perHost(g: VmTemplate | VmTemplate[] | undefined): number {
  if (!g) return 0;
  return (Array.isArray(g) ? g : [g]).reduce((n, x) => n + x.count, 0);
}

function perHostField(g: VmTemplate | VmTemplate[], path: string): string {
  return Array.isArray(g) ? path : `${path}.count`;
}

export function scenarioBoundsProblem(scenario: Scenario, workloads?: ReadonlySet<string>): Problem | null {
  let hosts = 0;
  let vms = 0;
  for (let d = 0; d < scenario.datacenters.length; d++) {
    const dc = scenario.datacenters[d];
    const at = `scenario.datacenters[${d}]`;
    const groups: { hosts: HostTemplate | HostSpec[]; vms?: VmTemplate | VmTemplate[]; path: string }[] = [];
    (dc.clusters ?? []).forEach((c, i) => groups.push({ hosts: c.hosts, vms: c.vmsPerHost, path: `${at}.clusters[${i}]` }));
    if (dc.hosts) groups.push({ hosts: dc.hosts, vms: dc.vmsPerHost, path: at });
    for (const g of groups) {
      const n = hostCount(g.hosts);
      hosts += n;
      if (hosts > LAB_MAX_HOSTS) {
        return { field: `${g.path}.hosts${Array.isArray(g.hosts) ? '' : '.count'}`, message: `the lab would have ${fmt(hosts)} hosts or more; at most ${fmt(LAB_MAX_HOSTS)} are allowed` };
      }
      const each = perHost(g.vms);
      if (g.vms && each > LAB_MAX_VMS_PER_HOST) {
        return { field: perHostField(g.vms, `${g.path}.vmsPerHost`), message: `${fmt(each)} VMs per host; at most ${fmt(LAB_MAX_VMS_PER_HOST)} are allowed` };
      }
      vms += n * each;
      if (g.vms && vms > LAB_MAX_VMS) {
        return { field: perHostField(g.vms, `${g.path}.vmsPerHost`), message: `the lab would have ${fmt(vms)} VMs or more; at most ${fmt(LAB_MAX_VMS)} are allowed` };
      }
    }
    // Explicit VMs and templates land on named hosts: count them per host name, on top of vmsPerHost.
    const onHost = new Map<string, number>();
    const firstHost = (dc.clusters ?? []).map((c) => c.hosts).concat(dc.hosts ? [dc.hosts] : [])
      .map((h) => (Array.isArray(h) ? h[0]?.name : undefined)).find((x) => x !== undefined);
    const explicit: [string | undefined, string][] = [
      ...(dc.templates ?? []).map((t, i): [string | undefined, string] => [t.host ?? firstHost, `${at}.templates[${i}]`]),
      ...(dc.vms ?? []).map((v, i): [string | undefined, string] => [v.host, `${at}.vms[${i}]`]),
    ];
    for (const [host, path] of explicit) {
      vms++;
      if (vms > LAB_MAX_VMS) return { field: path, message: `the lab would have more than ${fmt(LAB_MAX_VMS)} VMs` };
      if (host === undefined) continue;
      const n = (onHost.get(host) ?? 0) + 1;
      onHost.set(host, n);
      if (n > LAB_MAX_VMS_PER_HOST) return { field: `${path}.host`, message: `host "${host}" would have more than ${fmt(LAB_MAX_VMS_PER_HOST)} VMs` };
    }
    const workload = workloadsProblem(dc, at, workloads);
    if (workload) return workload;
  }
  let targets = 0;
  const actions = scenario.actions ?? [];
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    const path = `scenario.actions[${i}]`;
    targets += a.vms ? a.vms.length : 1;
    if (targets > SCENARIO_MAX_ACTION_TARGETS) return { field: a.vms ? `${path}.vms` : path, message: `the timeline would run more than ${fmt(SCENARIO_MAX_ACTION_TARGETS)} actions` };
    const w = workloadProblem(a.changes?.workload, workloads);
    if (w) return { field: `${path}.changes.workload`, message: w };
  }
  return null;
}

function workloadsProblem(dc: Scenario['datacenters'][number], at: string, workloads: ReadonlySet<string> | undefined): Problem | null {
  if (!workloads) return null;
  const entries: [string | undefined, string][] = [];
  const groups = (g: VmTemplate | VmTemplate[] | undefined, path: string) => {
    if (Array.isArray(g)) g.forEach((x, j) => entries.push([x.workload, `${path}[${j}].workload`]));
    else if (g) entries.push([g.workload, `${path}.workload`]);
  };
  (dc.clusters ?? []).forEach((c, i) => groups(c.vmsPerHost, `${at}.clusters[${i}].vmsPerHost`));
  groups(dc.vmsPerHost, `${at}.vmsPerHost`);
  (dc.templates ?? []).forEach((t, i) => entries.push([t.workload, `${at}.templates[${i}].workload`]));
  (dc.vms ?? []).forEach((v, i) => entries.push([v.workload, `${at}.vms[${i}].workload`]));
  for (const [name, field] of entries) {
    const w = workloadProblem(name, workloads);
    if (w) return { field, message: w };
  }
  return null;
}
