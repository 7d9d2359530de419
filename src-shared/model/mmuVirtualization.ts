/**
 * mmuVirtualization — which paging a lab VM actually runs, given its monitor and its paging setting
 * (vSphere's "CPU/MMU Virtualization" option, where Hardware MMU requires Hardware CPU).
 *
 * - `effectivePaging(monitor, paging)` → 'native' | 'shadow' | 'nested': interp → native (bare
 *   hardware: no monitor, nothing to virtualize); pv → native (the paravirtual kernel updates its own
 *   tables through validated `mmu_update` hypercalls, Xen's direct paging: docs/monitors.md); te, bt →
 *   shadow (a software monitor has no second translation dimension); hw → the VM's setting.
 * - `pagingProblem(monitor, paging)` → why the combination is refused, or undefined: nested paging is
 *   hardware two-dimensional paging and needs the hw monitor.
 * - `validPaging(monitor, paging)` → the setting itself when allowed, else shadow (what a form
 *   switches to when the monitor changes away from hw).
 *
 * Rule: one table for engine, scenario validation and renderer, so what the UI offers, what the
 * engine accepts and what the machine runs cannot disagree. Pure: imports nothing but types.
 */
import type { MonitorKind, PagingMode } from './inventory';

/** What the guest machine runs: its own tables walked by the MMU, a shadow of them, or 2-D walks. */
export type EffectivePaging = 'native' | PagingMode;

export function effectivePaging(monitor: MonitorKind, paging: PagingMode): EffectivePaging {
  switch (monitor) {
    case 'interp': return 'native';
    case 'pv': return 'native';
    case 'te':
    case 'bt': return 'shadow';
    case 'hw': return paging;
  }
}

export function pagingProblem(monitor: MonitorKind, paging: PagingMode): string | undefined {
  if (paging === 'nested' && monitor !== 'hw') return `nested paging is hardware two-dimensional paging: it needs the hw monitor (not ${monitor})`;
  return undefined;
}

export function validPaging(monitor: MonitorKind, paging: PagingMode): PagingMode {
  return pagingProblem(monitor, paging) === undefined ? paging : 'shadow';
}
