/**
 * reclaimView — the host and VM fields a host's reclaimer reads, as plain data apart from the cluster
 * inventory: the copy a host worker thread keeps, sent by the coordinator when those fields change.
 *
 * Interface: `HostReclaimView` (structured-cloneable: numbers, strings, plain objects and arrays);
 * `ReclaimViewSender` (coordinator side: `changed(host, vmIds, vmOf)` → a new view with the next
 * generation, or undefined when nothing the reclaimer reads differs from what was last sent);
 * `ReclaimViewCopy` (the receiving side: `apply(view)`, then `host()` / `vm(vmId)` answer from it).
 * Rules:
 *  - The fields are exactly what `HostReclaimer` reads: the host's memory size and its reclamation
 *    settings object, and each attached VM's configured memory size.
 *  - The settings are compared by identity, as the reclaimer's own cache of them is (a change replaces
 *    the host's object, never mutates it) and copied at the moment the identity changed: a view sent
 *    later for another field carries that same copy.
 *  - The coordinator asks at the barrier, right before the reclaimers run, which is the only time they
 *    read these fields: a change made during a segment is seen at the next barrier, as it was when
 *    the reclaimer read the inventory itself.
 */
import type { HostId, VmId } from '@shared/model/ids';
import type { MemReclamationSettings } from '@shared/model/memoryReclamation';

/** The host fields the reclaimer reads. */
export interface HostReclaimFields {
  readonly memoryBytes: number;
  /** The host's settings as it holds them (only what differs from the defaults). */
  readonly memoryReclamation?: Partial<MemReclamationSettings>;
}

/** The VM fields the reclaimer reads (its shares follow the configured memory). */
export interface VmReclaimFields {
  readonly memoryBytes: number;
}

export interface HostReclaimView {
  readonly hostId: HostId;
  /** 1 for the first view of a host, +1 at every change. */
  readonly generation: number;
  readonly host: HostReclaimFields;
  /** The VMs attached to the host's reclaimer, in its order; a VM the inventory no longer has is absent. */
  readonly vms: readonly (readonly [VmId, VmReclaimFields])[];
}

interface SentFields {
  generation: number;
  memoryBytes: number;
  /** The host's settings object the copy was taken from (identity), and the copy sent. */
  settingsOf: Partial<MemReclamationSettings> | undefined;
  settings: Partial<MemReclamationSettings> | undefined;
  vms: (readonly [VmId, VmReclaimFields])[];
}

function sameVms(a: readonly (readonly [VmId, VmReclaimFields])[], ids: readonly VmId[], vmOf: (id: VmId) => VmReclaimFields | undefined): boolean {
  let k = 0;
  for (const id of ids) {
    const vm = vmOf(id);
    if (!vm) continue;
    const sent = a[k++];
    if (!sent || sent[0] !== id || sent[1].memoryBytes !== vm.memoryBytes) return false;
  }
  return k === a.length;
}

export class ReclaimViewSender {
  private readonly sent = new Map<HostId, SentFields>();

  /** The view to send for `host` if what its reclaimer reads changed since the last one sent, else undefined. */
  changed(hostId: HostId, host: HostReclaimFields, vmIds: readonly VmId[], vmOf: (id: VmId) => VmReclaimFields | undefined): HostReclaimView | undefined {
    const last = this.sent.get(hostId);
    if (last && last.memoryBytes === host.memoryBytes && last.settingsOf === host.memoryReclamation && sameVms(last.vms, vmIds, vmOf)) return undefined;
    const settingsOf = host.memoryReclamation;
    const settings = last && last.settingsOf === settingsOf ? last.settings : settingsOf && { ...settingsOf };
    const vms: (readonly [VmId, VmReclaimFields])[] = [];
    for (const id of vmIds) {
      const vm = vmOf(id);
      if (vm) vms.push([id, { memoryBytes: vm.memoryBytes }]);
    }
    const next: SentFields = { generation: (last?.generation ?? 0) + 1, memoryBytes: host.memoryBytes, settingsOf, settings, vms };
    this.sent.set(hostId, next);
    return {
      hostId, generation: next.generation, vms,
      host: settings === undefined ? { memoryBytes: host.memoryBytes } : { memoryBytes: host.memoryBytes, memoryReclamation: settings },
    };
  }
}

export class ReclaimViewCopy {
  private view: HostReclaimView | undefined;
  private readonly vms = new Map<VmId, VmReclaimFields>();

  /** Views of this host received so far (the latest's generation; 0 before the first). */
  get generation(): number {
    return this.view?.generation ?? 0;
  }

  apply(view: HostReclaimView): void {
    this.view = view;
    this.vms.clear();
    for (const [id, fields] of view.vms) this.vms.set(id, fields);
  }

  host(): HostReclaimFields | undefined {
    return this.view?.host;
  }

  vm(vmId: VmId): VmReclaimFields | undefined {
    return this.vms.get(vmId);
  }
}
