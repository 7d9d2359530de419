/**
 * Backends: what stands behind the contract for a set of entities — the simulated engine today, real
 * hosts (libvirt over SSH, ESXi/vCenter over vim25) later — and what each can do, as data the client
 * reads (`backends.list`) instead of special cases in components.
 *
 * - `BackendInfo`: one backend: its id namespace (`''` for the default backend, whose ids carry none),
 *   kind, display name, connection state and `BackendCapabilities`.
 * - `backendOf(backends, entityId)` → the backend owning an entity (by its id's namespace).
 * - `supports(backend, command)` → whether a backend carries out a contract command.
 *
 * Rule: capabilities describe the backend, not a VM's state: "can this backend take a memory snapshot"
 * is here; "is this VM powered on" stays a precondition the backend checks.
 */
import type { CommandName } from '../api/commands';
import type { MonitorKind } from './inventory';
import { namespaceOfId } from './ids';

export type BackendKind = 'simulated' | 'libvirt' | 'vim25';
export type BackendState = 'connected' | 'disconnected' | 'notResponding';

export interface BackendCapabilities {
  /** Contract commands this backend carries out; any other is refused for its entities. */
  commands: CommandName[];
  /** Take Snapshot can capture the guest's memory (running state). */
  snapshotMemory: boolean;
  /** Take Snapshot can quiesce the guest file system. */
  snapshotQuiesce: boolean;
  /** Text can be typed into a VM's console. */
  consoleInput: boolean;
  /** Monitors (CPU virtualization techniques) a VM can be given; empty where the backend has no choice. */
  monitors: MonitorKind[];
  /** Time is simulated: the sim.* commands (run, pause, step, speed) apply to this backend. */
  virtualTime: boolean;
}

export interface BackendInfo {
  /** Id namespace of the backend's entities: '' for the default backend, else e.g. `kvm1`. */
  namespace: string;
  kind: BackendKind;
  name: string;
  state: BackendState;
  capabilities: BackendCapabilities;
}

/** The backend that owns an entity, by the namespace of its id. */
export function backendOf(backends: readonly BackendInfo[], entityId: string): BackendInfo | undefined {
  const ns = namespaceOfId(entityId);
  return ns === undefined ? undefined : backends.find((b) => b.namespace === ns);
}

/** Whether `backend` carries out `command`; unknown backends (not listed yet) are given the benefit of the doubt. */
export function supports(backend: BackendInfo | undefined, command: CommandName): boolean {
  return backend === undefined || backend.capabilities.commands.includes(command);
}
