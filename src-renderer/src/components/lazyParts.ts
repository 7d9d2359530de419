/**
 * The parts of the client that the first paint does not need, loaded when first shown.
 *
 * - Each export is an async component (`defineAsyncComponent`): the build puts it, and what only it
 *   imports (Chart.js with the Monitor tab, the wizards, the placement workbench, the exercise panel,
 *   the report dialog), into a chunk of its own that the page fetches the first time it is rendered.
 * - The first paint (header, navigator with the inventory tree, an object's Summary tab, the bottom
 *   pane) stays in the entry chunk, so a 2,000-VM lab's first screen parses only what it shows.
 *
 * - `prefetchObjectTabsWhenIdle()`: once the lab is shown, fetches the object tabs' chunks (Monitor with
 *   Chart.js, Configure, Snapshots…) in the browser's idle time, so the first switch to a tab does not
 *   wait for its chunk to be fetched and compiled. Nothing happens where idle callbacks do not exist.
 *
 * Rules: import a part from here, never directly, wherever it is shown in the app shell or a view (unit
 * tests mount the components themselves). A chunk that cannot be fetched (the server went away) shows
 * `LazyPartFailed` in its place, in the user's words, instead of an empty pane.
 */
import { defineAsyncComponent, h } from 'vue';
import type { Component } from 'vue';

/** A quiet placeholder: shown only if a chunk takes longer than LOADING_DELAY_MS. */
const LOADING_DELAY_MS = 200;

const LazyPartLoading: Component = { name: 'LazyPartLoading', render: () => h('div', { class: 'muted', 'data-testid': 'lazy-loading' }, 'Loading…') };
const LazyPartFailed: Component = {
  name: 'LazyPartFailed',
  render: () => h('div', { class: 'error', role: 'alert', 'data-testid': 'lazy-failed' }, 'This part of the client could not be loaded. Reload the page (the lab keeps running).'),
};

/** The component `loader` resolves to, fetched on first render; it keeps the component's prop types. */
function lazy<T extends Component>(loader: () => Promise<{ default: T }>): T {
  return defineAsyncComponent<T>({ loader, loadingComponent: LazyPartLoading, errorComponent: LazyPartFailed, delay: LOADING_DELAY_MS });
}

/** A loader that fetches at most once (a failed fetch may be tried again): shared by render and prefetch. */
function once<T>(loader: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= loader().catch((e: unknown) => {
    pending = undefined;
    throw e;
  }));
}

// Object tabs after Summary.
const monitorTab = once(() => import('./monitor/MonitorTab.vue'));
const vmConfigureTab = once(() => import('./vm/VmConfigureTab.vue'));
const snapshotManager = once(() => import('./snapshots/SnapshotManager.vue'));
const hostConfigureTab = once(() => import('./host/HostConfigureTab.vue'));
const clusterConfigureTab = once(() => import('./cluster/ClusterConfigureTab.vue'));
const clusterServicesMonitor = once(() => import('./cluster/ClusterServicesMonitor.vue'));
const alarmDefinitions = once(() => import('./alarms/AlarmDefinitions.vue'));
export const MonitorTab = lazy(monitorTab);
export const VmConfigureTab = lazy(vmConfigureTab);
export const SnapshotManager = lazy(snapshotManager);
export const HostConfigureTab = lazy(hostConfigureTab);
export const ClusterConfigureTab = lazy(clusterConfigureTab);
export const ClusterServicesMonitor = lazy(clusterServicesMonitor);
export const AlarmDefinitions = lazy(alarmDefinitions);

/** The object tabs' chunks, most used first (one fetched per idle period). */
const OBJECT_TAB_LOADERS = [monitorTab, vmConfigureTab, snapshotManager, hostConfigureTab, clusterConfigureTab, clusterServicesMonitor, alarmDefinitions];
/** How long an idle callback may wait for the browser to be idle before it runs anyway. */
const PREFETCH_IDLE_TIMEOUT_MS = 5_000;
let prefetching = false;

export function prefetchObjectTabsWhenIdle(): void {
  if (prefetching || typeof window.requestIdleCallback !== 'function') return;
  prefetching = true;
  const next = (i: number): void => {
    if (i >= OBJECT_TAB_LOADERS.length) return;
    window.requestIdleCallback(() => {
      // A chunk that cannot be fetched now is fetched (and its failure shown) when its tab is opened.
      OBJECT_TAB_LOADERS[i]().catch(() => undefined).finally(() => next(i + 1));
    }, { timeout: PREFETCH_IDLE_TIMEOUT_MS });
  };
  next(0);
}

// The exercise panel (a lab handout with live checks).
export const ExercisePanel = lazy(() => import('./exercise/ExercisePanel.vue'));

// Dialogs and wizards.
export const TakeSnapshotDialog = lazy(() => import('./snapshots/TakeSnapshotDialog.vue'));
export const EditSnapshotDialog = lazy(() => import('./snapshots/EditSnapshotDialog.vue'));
export const NewVmWizard = lazy(() => import('./wizard/NewVmWizard.vue'));
export const CloneVmWizard = lazy(() => import('./wizard/CloneVmWizard.vue'));
export const ConvertToVmDialog = lazy(() => import('./vm/ConvertToVmDialog.vue'));
export const AddHostWizard = lazy(() => import('./wizard/AddHostWizard.vue'));
export const MigrateVmWizard = lazy(() => import('./wizard/MigrateVmWizard.vue'));
export const VmSettingsDialog = lazy(() => import('./vm/VmSettingsDialog.vue'));
export const VmRenameDialog = lazy(() => import('./vm/VmRenameDialog.vue'));
export const VmConsole = lazy(() => import('./console/VmConsole.vue'));
export const NewLabDialog = lazy(() => import('./labs/NewLabDialog.vue'));
export const OpenLabDialog = lazy(() => import('./labs/OpenLabDialog.vue'));
export const SaveLabDialog = lazy(() => import('./labs/SaveLabDialog.vue'));
export const ExportReportDialog = lazy(() => import('./exercise/ExportReportDialog.vue'));
export const SdkEndpointDialog = lazy(() => import('./admin/SdkEndpointDialog.vue'));
export const ResourcePoolDialog = lazy(() => import('./pools/ResourcePoolDialog.vue'));
export const DeletePoolDialog = lazy(() => import('./pools/DeletePoolDialog.vue'));
export const MoveToPoolDialog = lazy(() => import('./pools/MoveToPoolDialog.vue'));
