/**
 * libvirt/KVM hosts over SSH: virsh batches (`virshBatch.ts`), strict parsers of virsh's text and
 * libvirt's XML (`virshParsers.ts`, `libvirtXml.ts`), the host driver (`libvirtHost.ts`) and the mapping
 * of libvirt's statistics to vSphere counters (`libvirtCounters.ts`).
 */
export * from './virshBatch';
export * from './virshParsers';
export * from './libvirtXml';
export * from './libvirtCounters';
export { LibvirtHost, LIBVIRT_POLL_MS } from './libvirtHost';
export type { LibvirtHostOptions } from './libvirtHost';
