/**
 * ESXi and vCenter over vim25 as a real-host driver: a small SOAP client (`vimClient.ts`: certificate
 * thumbprint pinning, sessions, the PropertyCollector, tasks), the driver (`vim25Host.ts`) and the lab's
 * record of trusted thumbprints (`thumbprints.ts`). (The lab's own vim25 *endpoint* is `node/vim25/`.)
 */
export { Vim25Host, VIM25_SAMPLED_COUNTERS } from './vim25Host';
export type { Vim25HostOptions } from './vim25Host';
export { ThumbprintStore, normalizeThumbprint } from './thumbprints';
export type { ThumbprintCheck } from './thumbprints';
export { VimClient, VimFault, VimLinkError } from './vimClient';
export type { ThumbprintPolicy, MoRef } from './vimClient';
